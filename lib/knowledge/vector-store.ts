import { Fn, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3vectors from 'aws-cdk-lib/aws-s3vectors';
import { Construct, IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { declareKeyNeeds, KeyConsumer } from '../core/key-needs';
import { PlatformKey } from '../core/platform-key';
import { isResolved, optionalKey, requireIntegerInRange, requireList, requireOneOf, requirePattern, requireProps, requireRemovalPolicy } from '../core/validate';
import { ALL_DISTANCE_METRICS, VectorDistanceMetric } from './embedding-models';

/**
 * Metadata keys a Bedrock knowledge base writes to every vector: the chunk text and Bedrock's own
 * metadata. S3 Vectors limits filterable metadata to 2 KB per vector, so both must be declared
 * non-filterable when the index is created, or PutVectors fails during ingestion
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/knowledge-base-setup.html, S3 Vectors tab;
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-limitations.html).
 */
export const BEDROCK_NON_FILTERABLE_METADATA_KEYS: readonly string[] = ['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA'];

/** The S3 Vectors actions a knowledge base's role needs on its index (Bedrock User Guide, kb-permissions, "S3 Vectors"). */
export const KNOWLEDGE_BASE_VECTOR_ACTIONS: readonly string[] = ['s3vectors:GetIndex', 's3vectors:QueryVectors', 's3vectors:PutVectors', 's3vectors:GetVectors', 's3vectors:DeleteVectors'];

/** Vector data actions the bucket policy reserves for the admitted roles. */
const VECTOR_DATA_ACTIONS = ['s3vectors:PutVectors', 's3vectors:GetVectors', 's3vectors:QueryVectors', 's3vectors:DeleteVectors', 's3vectors:ListVectors'];

/** An S3 Vectors index (and its vector bucket) that a knowledge base stores its vectors in. */
export interface IS3VectorStore extends IConstruct {
  /** ARN of the vector bucket. */
  readonly vectorBucketArn: string;
  /** ARN of the index. */
  readonly indexArn: string;
  /** Length of the index's vectors. */
  readonly dimension: number;
  /** How the index compares vectors. */
  readonly distanceMetric: VectorDistanceMetric;
  /** Key the vectors are encrypted with; undefined when unknown or SSE-S3. */
  readonly encryptionKey?: kms.IKey;
  /**
   * Lets `grantee` (a knowledge base's service role) read and write the index's vectors, and use
   * the key through S3 Vectors; a store of this app also reserves its vector data to the grantees.
   */
  grantReadWrite(grantee: iam.IGrantable): iam.Grant;
}

/** Properties of an {@link S3VectorStore}. */
export interface S3VectorStoreProps {
  /** Length of the vectors (1 to 4096): the embedding model's. */
  readonly dimension: number;
  /**
   * How the index compares vectors.
   * @default VectorDistanceMetric.COSINE
   */
  readonly distanceMetric?: VectorDistanceMetric;
  /**
   * Key that encrypts the vectors and their metadata (SSE-KMS). The store declares that S3 Vectors
   * needs it (`KeyConsumer.S3_VECTORS`): a PlatformKey admits `indexing.s3vectors.amazonaws.com`
   * with the conditions AWS documents; any other key gets a synth warning when its policy lacks it.
   * @default the stack's default key ({@link PlatformKey.of})
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Metadata keys stored but not filterable, besides Bedrock's own
   * ({@link BEDROCK_NON_FILTERABLE_METADATA_KEYS}); at most 10 in all, 1 to 63 characters each.
   * Fixed when the index is created: changing them replaces the index.
   * @default Bedrock's two keys only
   */
  readonly nonFilterableMetadataKeys?: string[];
  /**
   * What happens to the vector bucket and index when they leave the stack. Replacing the index
   * (new dimension, metric or keys) keeps the old one too: its vectors are re-created by ingestion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** What {@link S3VectorStore.fromS3VectorStoreAttributes} needs of an existing index. */
export interface S3VectorStoreAttributes {
  /** ARN of the index: `arn:<partition>:s3vectors:<region>:<account>:bucket/<bucket>/index/<index>`. */
  readonly indexArn: string;
  /** Length of the index's vectors, as created. */
  readonly dimension: number;
  /** The index's distance metric, as created. */
  readonly distanceMetric: VectorDistanceMetric;
  /**
   * Customer managed key of the vectors, if any: the knowledge base's role is granted its use
   * through S3 Vectors, and its need is declared (a synth warning lists the statement its owner adds).
   * @default unknown: no key permission is granted
   */
  readonly encryptionKey?: kms.IKey;
}

const INDEX_ARN = /^arn:aws[a-z-]*:s3vectors:[a-z0-9-]+:\d{12}:bucket\/[a-z0-9][a-z0-9-]{1,61}[a-z0-9]\/index\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const METADATA_KEY = /^.{1,63}$/;

/** What every vector store offers: see {@link IS3VectorStore}. */
export abstract class S3VectorStoreBase extends Construct implements IS3VectorStore {
  public abstract readonly vectorBucketArn: string;
  public abstract readonly indexArn: string;
  public abstract readonly dimension: number;
  public abstract readonly distanceMetric: VectorDistanceMetric;
  public abstract readonly encryptionKey?: kms.IKey;

  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    const vectors = iam.Grant.addToPrincipal({
      grantee,
      actions: [...KNOWLEDGE_BASE_VECTOR_ACTIONS],
      resourceArns: [this.indexArn],
      conditions: { StringEquals: { 'aws:ResourceAccount': Stack.of(this).account } },
    });
    this.admit(grantee);
    if (!this.encryptionKey) return vectors;
    // Vector operations decrypt and encrypt with the key through S3 Vectors only:
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-data-encryption.html
    const key = iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resourceArns: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3vectors.${Stack.of(this).region}.amazonaws.com` } },
    });
    return vectors.combine(key);
  }

  /** Records `grantee` as a principal the vector data is reserved to (a store of this app). */
  protected abstract admit(grantee: iam.IGrantable): void;
}

/**
 * An Amazon S3 Vectors vector bucket and index for a knowledge base: SSE-KMS with the platform
 * key, Bedrock's metadata keys non-filterable, kept on delete, and a bucket policy that denies
 * non-TLS requests and reserves the vector data (put, get, query, delete, list) to the roles it
 * was granted to (`grantReadWrite`), so no other principal of the account reads the vectors,
 * whatever its identity policy says. Index management (CloudFormation's own calls) is not affected.
 *
 * No fixed names: CloudFormation generates the bucket and index names, so a replaced index never
 * collides with the retained one.
 */
export class S3VectorStore extends S3VectorStoreBase {
  /** An existing index, e.g. one shared by several knowledge bases. Its bucket policy is its owner's. */
  public static fromS3VectorStoreAttributes(scope: Construct, id: string, attrs: S3VectorStoreAttributes): IS3VectorStore {
    return new ImportedS3VectorStore(scope, id, attrs);
  }

  public readonly vectorBucketArn: string;
  public readonly indexArn: string;
  public readonly dimension: number;
  public readonly distanceMetric: VectorDistanceMetric;
  public readonly encryptionKey: kms.IKey;
  /** The vector bucket. */
  public readonly vectorBucket: s3vectors.CfnVectorBucket;
  /** The index. */
  public readonly index: s3vectors.CfnIndex;
  /** The vector bucket policy. */
  public readonly bucketPolicy: s3vectors.CfnVectorBucketPolicy;
  private readonly admitted: string[] = [];

  constructor(scope: Construct, id: string, props: S3VectorStoreProps) {
    super(scope, id);
    props = requireProps(this, props);
    this.dimension = requireIntegerInRange(this, 'dimension', props.dimension, 1, 4096);
    this.distanceMetric = requireOneOf(this, 'distanceMetric', props.distanceMetric ?? VectorDistanceMetric.COSINE, ALL_DISTANCE_METRICS);
    this.encryptionKey = optionalKey(this, 'encryptionKey', props.encryptionKey) ?? PlatformKey.of(this).key;
    const removalPolicy = requireRemovalPolicy(this, 'removalPolicy', props.removalPolicy, 'A vector bucket') ?? RemovalPolicy.RETAIN;
    const extra = requireList(this, 'nonFilterableMetadataKeys', props.nonFilterableMetadataKeys);
    extra.forEach((k, i) => requirePattern(this, `nonFilterableMetadataKeys[${i}]`, k, METADATA_KEY, 'a metadata key of 1 to 63 characters'));
    const keys = [...new Set([...BEDROCK_NON_FILTERABLE_METADATA_KEYS, ...extra])];
    if (keys.length > 10) {
      throw new PlatformValidationError(this, 'nonFilterableMetadataKeys', extra, `S3 Vectors allows at most 10 non-filterable metadata keys per index, and Bedrock needs ${BEDROCK_NON_FILTERABLE_METADATA_KEYS.join(' and ')}: name at most ${10 - BEDROCK_NON_FILTERABLE_METADATA_KEYS.length} of your own.`);
    }

    this.vectorBucket = new s3vectors.CfnVectorBucket(this, 'Bucket', {
      encryptionConfiguration: { sseType: 'aws:kms', kmsKeyArn: this.encryptionKey.keyArn },
    });
    this.vectorBucket.applyRemovalPolicy(removalPolicy);
    // S3 Vectors maintains the index with the key on its own behalf (indexing.s3vectors).
    declareKeyNeeds(this, this.encryptionKey, [KeyConsumer.S3_VECTORS]);
    this.vectorBucketArn = this.vectorBucket.attrVectorBucketArn;

    this.index = new s3vectors.CfnIndex(this, 'Index', {
      vectorBucketArn: this.vectorBucketArn,
      dataType: 'float32',
      dimension: this.dimension,
      distanceMetric: this.distanceMetric,
      metadataConfiguration: { nonFilterableMetadataKeys: keys },
    });
    this.index.applyRemovalPolicy(removalPolicy);
    this.indexArn = this.index.attrIndexArn;

    const bucketResources = [this.vectorBucketArn, `${this.vectorBucketArn}/index/*`];
    this.bucketPolicy = new s3vectors.CfnVectorBucketPolicy(this, 'Policy', {
      vectorBucketArn: this.vectorBucketArn,
      policy: Lazy.any({
        produce: () => ({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3vectors:*',
              Resource: bucketResources,
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
            // aws:PrincipalArn of a role session is the role's ARN
            // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
            ...(this.admitted.length > 0
              ? [
                  {
                    Sid: 'ReserveVectorDataToAdmittedRoles',
                    Effect: 'Deny',
                    Principal: { AWS: '*' },
                    Action: VECTOR_DATA_ACTIONS,
                    Resource: bucketResources,
                    Condition: { ArnNotEquals: { 'aws:PrincipalArn': [...this.admitted] } },
                  },
                ]
              : []),
          ],
        }),
      }),
    });
  }

  protected admit(grantee: iam.IGrantable): void {
    const principal = grantee.grantPrincipal as iam.IPrincipal & { roleArn?: string };
    const arn = principal.roleArn;
    if (typeof arn !== 'string') {
      throw new PlatformValidationError(this, 'grantee', `${principal}`, 'The vector data is reserved to roles (the bucket policy names them by aws:PrincipalArn): grant a role.');
    }
    if (!this.admitted.includes(arn)) this.admitted.push(arn);
  }
}

class ImportedS3VectorStore extends S3VectorStoreBase {
  public readonly vectorBucketArn: string;
  public readonly indexArn: string;
  public readonly dimension: number;
  public readonly distanceMetric: VectorDistanceMetric;
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, attrs: S3VectorStoreAttributes) {
    super(scope, id);
    attrs = requireProps(this, attrs);
    this.indexArn = requirePattern(this, 'indexArn', attrs.indexArn, INDEX_ARN, 'an S3 Vectors index ARN such as arn:aws:s3vectors:us-east-1:123456789012:bucket/my-vectors/index/my-index');
    this.dimension = requireIntegerInRange(this, 'dimension', attrs.dimension, 1, 4096);
    this.distanceMetric = requireOneOf(this, 'distanceMetric', attrs.distanceMetric, ALL_DISTANCE_METRICS);
    this.encryptionKey = optionalKey(this, 'encryptionKey', attrs.encryptionKey);
    this.vectorBucketArn = isResolved(this.indexArn) ? this.indexArn.replace(/\/index\/[^/]+$/, '') : Fn.select(0, Fn.split('/index/', this.indexArn));
    declareKeyNeeds(this, this.encryptionKey, [KeyConsumer.S3_VECTORS]);
  }

  /** The bucket policy of an existing store is its owner's. */
  protected admit(): void {}
}
