import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { PlatformKey } from '../core/platform-key';
import { optionalBucket, optionalKey, optionalString, requireIntegerInRange, requireList, requireProps, requireRemovalPolicy } from '../core/validate';

/** Properties of a {@link SecureBucket}. */
export interface SecureBucketProps {
  /**
   * Key that encrypts every object (SSE-KMS with an S3 Bucket Key to keep KMS request costs down),
   * a key of the stack's Region. Never unencrypted: without a key, the stack's default key.
   * @default the stack's default key ({@link PlatformKey.of})
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Bucket that receives this bucket's server access logs.
   * @default a new {@link AccessLogsBucket} beside this bucket
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * Key prefix of this bucket's access logs in the access-log bucket.
   * @default '<construct id>/'
   */
  readonly accessLogsPrefix?: string;

  /**
   * Lifecycle rules, e.g. a move to colder storage.
   * @default abort unfinished multipart uploads after 7 days; noncurrent versions to Glacier after 90 days
   */
  readonly lifecycleRules?: s3.LifecycleRule[];

  /**
   * Object Lock default retention (WORM). Turns Object Lock on; it cannot be turned off later.
   * @default no Object Lock
   */
  readonly objectLockRetention?: s3.ObjectLockRetention;

  /**
   * What happens to the bucket when it leaves the stack (not SNAPSHOT: buckets have none).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Settings every bucket of the library shares: private, TLS 1.2+ only, versioned, owner-enforced. */
/**
 * Log delivery through a bucket policy, not the LogDeliveryWrite ACL (which BUCKET_OWNER_ENFORCED
 * forbids). Set on our own scope so the bucket is right whatever feature flags the consumer's app has.
 */
function useBucketPolicyForLogDelivery(scope: Construct): void {
  scope.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
}

const BASELINE: s3.BucketProps = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  versioned: true,
};

/**
 * Reasons for the two findings every bucket of this library gets by design. Acknowledged next to
 * each bucket, per finding id.
 */
function acknowledgeNoReplication(bucket: s3.Bucket): void {
  const reason =
    'Cross-Region replication would copy platform data out of its Region, against the data-residency requirement; versioning and RETAIN protect against loss.';
  for (const id of ['NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled', 'HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled', 'PCI.DSS.321::PCI.DSS.321-S3BucketReplicationEnabled']) {
    Validations.of(bucket).acknowledge({ id, reason });
  }
}

/**
 * Sends the bucket's object events (created, deleted, restored, ...) to the account's default
 * EventBridge bus, where rules can react to them (AWS Control Tower control CT.S3.PR.4). Set on the
 * CloudFormation resource itself: CDK's `eventBridgeEnabled` would add a custom-resource Lambda.
 * EventBridge charges nothing for events no rule matches.
 */
function sendEventsToEventBridge(bucket: s3.Bucket): void {
  (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}

/**
 * The target of S3 server access logs. S3 log delivery cannot write to a bucket whose default
 * encryption is SSE-KMS, so this bucket alone uses SSE-S3; it is otherwise as locked down as a
 * {@link SecureBucket}, and accepts writes only from the S3 logging service of this account.
 */
export class AccessLogsBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: { removalPolicy?: RemovalPolicy; expireAfterDays?: number } = {}) {
    super(scope, id);
    useBucketPolicyForLogDelivery(this);
    props = requireProps(this, props);
    const expireAfterDays = requireIntegerInRange(this, 'expireAfterDays', props.expireAfterDays ?? 400, 1, 36500);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...BASELINE,
      encryption: s3.BucketEncryption.S3_MANAGED,
      removalPolicy: requireRemovalPolicy(this, 'removalPolicy', props.removalPolicy, 'An S3 bucket') ?? RemovalPolicy.RETAIN,
      lifecycleRules: [
        { transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }], expiration: Duration.days(expireAfterDays), noncurrentVersionExpiration: Duration.days(30) },
      ],
    });
    acknowledgeNoReplication(this.bucket);
    sendEventsToEventBridge(this.bucket);
    // What S3 server access logging cannot do with its target bucket, per
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
    const sse = 'S3 server access log delivery does not support SSE-KMS default encryption on the target bucket, so it uses SSE-S3 (AES-256).';
    for (const id of [
      'NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS',
      'HIPAA.Security::HIPAA.Security-S3DefaultEncryptionKMS',
      'PCI.DSS.321::PCI.DSS.321-S3DefaultEncryptionKMS',
      'ControlTower::s3_bucket_default_encryption_kms_check',
    ]) {
      Validations.of(this.bucket).acknowledge({ id, reason: sse });
    }
    Validations.of(this.bucket).acknowledge({
      id: 'ControlTower::s3_bucket_logging_enabled_check',
      reason: 'This bucket is the terminal target of server access logs; logging its own access would log the log deliveries, in a loop that only grows.',
    });
    Validations.of(this.bucket).acknowledge({
      id: 'ControlTower::s3_bucket_object_lock_enabled_check',
      reason: 'S3 server access logging does not deliver to a target bucket with an Object Lock default retention period; versioning and RETAIN protect the logs instead.',
    });
  }
}

/**
 * An S3 bucket as the platform stores data: blocks public access, denies non-TLS and pre-TLS-1.2
 * requests, encrypts with the platform key, keeps versions, logs access, and is kept on delete.
 */
export class SecureBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.Bucket;
  /** Where its access logs go. */
  public readonly accessLogsBucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps = {}) {
    super(scope, id);
    useBucketPolicyForLogDelivery(this);
    props = requireProps(this, props);
    const encryptionKey = optionalKey(this, 'encryptionKey', props.encryptionKey) ?? PlatformKey.of(this).key;
    const removalPolicy = requireRemovalPolicy(this, 'removalPolicy', props.removalPolicy, 'An S3 bucket');
    // S3 object keys (and so prefixes) are at most 1024 bytes.
    const accessLogsPrefix = optionalString(this, 'accessLogsPrefix', props.accessLogsPrefix, 1024);
    const lifecycleRules = props.lifecycleRules === undefined ? undefined : [...requireList(this, 'lifecycleRules', props.lifecycleRules)];
    if (props.objectLockRetention !== undefined && !(props.objectLockRetention instanceof s3.ObjectLockRetention)) {
      throw new PlatformValidationError(this, 'objectLockRetention', props.objectLockRetention, 'Must be an s3.ObjectLockRetention, e.g. s3.ObjectLockRetention.governance(Duration.days(365)).');
    }
    this.accessLogsBucket = optionalBucket(this, 'accessLogsBucket', props.accessLogsBucket) ?? new AccessLogsBucket(this, 'AccessLogs', { removalPolicy }).bucket;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...BASELINE,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: accessLogsPrefix ?? `${id}/`,
      // Without rules of the caller's, housekeeping that deletes no data: unfinished uploads are
      // aborted and old versions move to cold storage (CT.S3.PR.3, CT.S3.PR.6).
      lifecycleRules: lifecycleRules ?? [
        {
          id: 'Housekeeping',
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          noncurrentVersionTransitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) }],
        },
      ],
      objectLockEnabled: props.objectLockRetention ? true : undefined,
      objectLockDefaultRetention: props.objectLockRetention,
      removalPolicy: removalPolicy ?? RemovalPolicy.RETAIN,
    });
    acknowledgeNoReplication(this.bucket);
    sendEventsToEventBridge(this.bucket);
    if (!props.objectLockRetention) {
      Validations.of(this.bucket).acknowledge({
        id: 'ControlTower::s3_bucket_object_lock_enabled_check',
        reason:
          'Object Lock is write-once storage for records, and cannot be turned off once on; this bucket holds data that must stay deletable (documents, prompts that may carry personal data). ' +
          'Versioning and RETAIN protect it; pass objectLockRetention where records must be WORM, as the audit trail does.',
      });
    }
  }

  /** Lets `grantee` read objects, and decrypt them with the key. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.bucket.grantRead(grantee);
  }
}
