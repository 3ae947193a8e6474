import { createHash } from 'crypto';
import { Arn, ArnFormat, Aws, Duration, Fn, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct, IConstruct } from 'constructs';
import { BedrockModel, INVOCABLE_MODEL_KINDS, modelInvocationResources, requireModels } from '../core/bedrock-model';
import { PlatformValidationError } from '../core/errors';
import { PlatformKey } from '../core/platform-key';
import { isResolved, optionalBoolean, optionalBucket, optionalKey, optionalString, requireList, requireOneOf, requirePattern, requireProps, requireRemovalPolicy, requireRetentionDays } from '../core/validate';
import { acknowledgeWildcardResources } from '../core/wildcard-acknowledgement';
import { SecureBucket } from '../data-protection/secure-bucket';
import { SecureLogGroup } from '../data-protection/secure-log-group';
import { AlertDestinationProps, alertTopicFor, IAlertTopic } from '../governance/alert-topic';
import { PLATFORM_ALARM_NAME_PREFIX } from '../identity/operator-policy';
import { PlatformServiceRole } from '../identity/platform-service-role';
import { ChunkingStrategy, requireChunkingStrategy } from './chunking';
import { ALL_DISTANCE_METRICS, EmbeddingModel, requireEmbeddingModel, VectorDistanceMetric } from './embedding-models';
import { IS3VectorStore, S3VectorStore } from './vector-store';

/** A knowledge base: created here ({@link SecureKnowledgeBase}) or existing ({@link SecureKnowledgeBase.fromKnowledgeBaseAttributes}). */
export interface ISecureKnowledgeBase extends IConstruct {
  /** ID of the knowledge base (10 characters). */
  readonly knowledgeBaseId: string;
  /** ARN of the knowledge base. */
  readonly knowledgeBaseArn: string;
  /** Lets `grantee` query the knowledge base (`bedrock:Retrieve` on it). */
  grantRetrieve(grantee: iam.IGrantable): iam.Grant;
  /**
   * Lets `grantee` query the knowledge base and have `generationModel` answer from what it
   * retrieves: `bedrock:Retrieve` on the knowledge base, `bedrock:RetrieveAndGenerate` (which has no
   * resource type, so `*`), and `bedrock:InvokeModel` on the model (Bedrock invokes it with the
   * caller's permissions), through its inference profile when it is one.
   */
  grantRetrieveAndGenerate(grantee: iam.IGrantable, generationModel: BedrockModel): iam.Grant;
}

/** What {@link SecureKnowledgeBase.fromKnowledgeBaseAttributes} needs of an existing knowledge base. */
export interface SecureKnowledgeBaseAttributes {
  /** ARN of the knowledge base: `arn:<partition>:bedrock:<region>:<account>:knowledge-base/<id>`. */
  readonly knowledgeBaseArn: string;
}

/** Properties of a {@link SecureKnowledgeBase}. */
export interface SecureKnowledgeBaseProps extends AlertDestinationProps {
  /**
   * Key for the documents bucket, the vectors, the logs and the alert topic; a key of the stack's Region.
   * @default the stack's default key ({@link PlatformKey.of})
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The model that embeds documents and queries. Its vector length and metrics must match the
   * vector store: a mismatch fails at synth time. Changing it replaces the knowledge base (new
   * vectors, new index): plan a re-ingestion.
   * @default EmbeddingModel.TITAN_TEXT_V2 (Titan Text Embeddings V2, 1024 dimensions)
   */
  readonly embeddingModel?: EmbeddingModel;
  /**
   * How the new index compares vectors (ignored with `vectorStore`, whose metric is checked instead).
   * @default VectorDistanceMetric.COSINE
   */
  readonly distanceMetric?: VectorDistanceMetric;
  /**
   * An existing S3 Vectors index to store the vectors in (its dimension and metric must match the
   * embedding model).
   * @default a new {@link S3VectorStore} sized for the embedding model, encrypted with `encryptionKey`
   */
  readonly vectorStore?: IS3VectorStore;
  /**
   * An existing bucket holding the documents (in this account). Its key, if a customer managed
   * key, must be given as `documentsKey` unless the bucket construct knows it.
   * @default a new {@link SecureBucket} (platform key, TLS only, versioned, access logged, kept)
   */
  readonly documentsBucket?: s3.IBucket;

  /**
   * Bucket for the server access logs of the documents bucket this construct creates (e.g. the
   * platform's shared access-log bucket); ignored with `documentsBucket`.
   * @default a new AccessLogsBucket beside the documents bucket
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * Customer managed key of an existing `documentsBucket`: the role may decrypt with it through S3.
   * @default `documentsBucket.encryptionKey`
   */
  readonly documentsKey?: kms.IKey;
  /**
   * Only documents under this key prefix are ingested (the API takes one prefix). A document's
   * metadata file, `<document>.metadata.json` beside it, is read with the same permission.
   * @default the whole bucket
   */
  readonly inclusionPrefixes?: string[];
  /**
   * How documents are split. A change replaces the data source (Bedrock cannot change it in place)
   * and the schedule re-ingests; the knowledge base, index and bucket stay.
   * @default ChunkingStrategy.DEFAULT (fixed size, 300 tokens, 20% overlap)
   */
  readonly chunking?: ChunkingStrategy;
  /**
   * Whether a schedule starts an ingestion job (EventBridge Scheduler, no Lambda), keeping the
   * vectors current with the documents.
   * @default true
   */
  readonly scheduledIngestion?: boolean;
  /**
   * When ingestion runs: a recurring `rate(...)` of at least one hour or a `cron(...)` expression.
   * @default every day (`rate(1 day)`)
   */
  readonly ingestionSchedule?: scheduler.ScheduleExpression;
  /**
   * Whether failed ingestion jobs and documents that fail to ingest raise alarms on the alert topic.
   * @default true
   */
  readonly ingestionAlarms?: boolean;
  /**
   * How long the knowledge base's ingestion logs are kept (at least a year).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Name of the knowledge base (1 to 100 letters and digits, single `_` or `-` between them). A
   * fixed name of a retained knowledge base blocks redeploying the stack after `cdk destroy`.
   * @default derived from the construct path, the embedding model and the stack's UUID
   */
  readonly knowledgeBaseName?: string;
  /**
   * Description of the knowledge base.
   * @default none
   */
  readonly description?: string;
  /**
   * What happens to the knowledge base, documents bucket, vector bucket and index when they leave
   * the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const KB_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:knowledge-base\/[0-9a-zA-Z]{10}$/;
const RESOURCE_NAME = /^([0-9a-zA-Z][_-]?){1,100}$/;
const RESOURCE_NAME_DESCRIPTION = '1 to 100 letters and digits, with single _ or - between them';
/** Namespace of the metrics the construct derives from the ingestion logs (Bedrock publishes none for ingestion). */
export const KNOWLEDGE_BASE_METRICS_NAMESPACE = 'BedrockPlatform/KnowledgeBases';

/** What every knowledge base offers: see {@link ISecureKnowledgeBase}. */
export abstract class SecureKnowledgeBaseBase extends Construct implements ISecureKnowledgeBase {
  public abstract readonly knowledgeBaseId: string;
  public abstract readonly knowledgeBaseArn: string;

  public grantRetrieve(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['bedrock:Retrieve'], resourceArns: [this.knowledgeBaseArn] });
  }

  public grantRetrieveAndGenerate(grantee: iam.IGrantable, generationModel: BedrockModel): iam.Grant {
    const [model] = requireModels(this, 'generationModel', [generationModel], {
      kinds: INVOCABLE_MODEL_KINDS,
      requireApplicationProfileSource: true,
      reason: 'RetrieveAndGenerate invokes the model with the caller\'s permissions',
    });
    if (model === undefined) throw new PlatformValidationError(this, 'generationModel', generationModel, 'Name the model that generates the answers, e.g. BedrockModel.foundationModel(\'amazon.nova-pro-v1:0\').');
    const resources = modelInvocationResources(this, [model]);
    // RetrieveAndGenerate has no resource type in the Service Authorization Reference: it is
    // bounded by Retrieve on this knowledge base and InvokeModel on this model.
    let grant = this.grantRetrieve(grantee).combine(iam.Grant.addToPrincipal({ grantee, actions: ['bedrock:RetrieveAndGenerate'], resourceArns: ['*'] }));
    grant = grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ['bedrock:InvokeModel'], resourceArns: resources.direct }));
    if (resources.throughProfile.length > 0) {
      grant = grant.combine(
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['bedrock:InvokeModel'],
          resourceArns: resources.throughProfile,
          conditions: { StringEquals: { 'bedrock:InferenceProfileArn': resources.viaProfiles } },
        }),
      );
    }
    const principal = grantee.grantPrincipal as unknown as Partial<IConstruct>;
    if (principal.node !== undefined) {
      acknowledgeWildcardResources(principal as IConstruct, ['*'], 'bedrock:RetrieveAndGenerate has no resource type (Service Authorization Reference); the grant is bounded by bedrock:Retrieve on one knowledge base and bedrock:InvokeModel on one model.');
    }
    return grant;
  }
}

/**
 * A Bedrock knowledge base (RAG) built the way the platform stores data:
 *
 * - **Documents**: a {@link SecureBucket} (platform key, TLS only, versioned, public access
 *   blocked, access logged, kept) or an existing bucket, ingested by an S3 data source with a
 *   validated chunking strategy and an optional inclusion prefix. Bedrock also reads
 *   `<document>.metadata.json` files (`{"metadataAttributes": {...}}`) beside the documents and
 *   stores their attributes for filtering.
 * - **Vectors**: Amazon S3 Vectors ({@link S3VectorStore}), SSE-KMS with the platform key, the index
 *   sized and measured for the embedding model (a mismatch fails at synth time), and a bucket
 *   policy reserving the vector data to this knowledge base's role. OpenSearch Serverless is not
 *   offered: a complete store (encryption, VPC-only network and data access policies, and a vector
 *   index that CloudFormation cannot create) is out of scope.
 * - **Service role**: a {@link PlatformServiceRole} (trusts Bedrock with `aws:SourceAccount` and
 *   `aws:SourceArn` on this account's knowledge bases; on the reserved path the enforcement SCP
 *   exempts from the private-path denies, because Bedrock's ingestion calls start in AWS's network)
 *   with exactly: list and read this bucket (under the prefix), decrypt its key through S3, read and
 *   write this index, use its key through S3 Vectors, invoke this embedding model.
 * - **Ingestion kept current**: an EventBridge Scheduler schedule calls `StartIngestionJob`
 *   (universal target `bedrockagent:startIngestionJob`, no Lambda) with a role allowed exactly that
 *   on this knowledge base.
 * - **Logging and alarms**: the knowledge base's `APPLICATION_LOGS` are delivered (CloudWatch Logs
 *   vended delivery) to a platform-key log group kept a year or more; metric filters count failed
 *   ingestion jobs and documents, and alarms report them to the alert topic (Bedrock sends no
 *   EventBridge event for ingestion jobs).
 *
 * Stateful parts (documents bucket, vector bucket, index, knowledge base) are kept on delete and keep
 * their logical ids whatever the props: changing chunking or the schedule never replaces them.
 */
export class SecureKnowledgeBase extends SecureKnowledgeBaseBase {
  /** An existing knowledge base, to grant access to. */
  public static fromKnowledgeBaseAttributes(scope: Construct, id: string, attrs: SecureKnowledgeBaseAttributes): ISecureKnowledgeBase {
    return new ImportedKnowledgeBase(scope, id, attrs);
  }

  public readonly knowledgeBaseId: string;
  public readonly knowledgeBaseArn: string;
  /** The knowledge base resource. */
  public readonly knowledgeBase: bedrock.CfnKnowledgeBase;
  /** The S3 data source. */
  public readonly dataSource: bedrock.CfnDataSource;
  /** ID of the data source. */
  public readonly dataSourceId: string;
  /** The role Bedrock assumes for ingestion and retrieval. */
  public readonly role: PlatformServiceRole;
  /** The bucket the documents are read from. */
  public readonly documentsBucket: s3.IBucket;
  /** Where the vectors are stored. */
  public readonly vectorStore: IS3VectorStore;
  /** The embedding model. Exempt it from a required guardrail (`BedrockEnforcement.guardrailExemptModels`): embedding calls take none. */
  public readonly embeddingModel: EmbeddingModel;
  /** The chunking strategy of the data source. */
  public readonly chunking: ChunkingStrategy;
  /** Where the ingestion logs go. */
  public readonly logGroup: SecureLogGroup;
  /** The ingestion schedule, when `scheduledIngestion` is on. */
  public readonly ingestionSchedule?: scheduler.Schedule;
  /** The role EventBridge Scheduler assumes to start ingestion jobs (list it in the SCP's exempt principals under a private path covering every Bedrock action). */
  public readonly schedulerRole?: iam.IRole;
  /** Where alarms go. */
  public readonly alertTopic?: IAlertTopic;
  /** The ingestion alarms, when `ingestionAlarms` is on. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The platform key the construct encrypts with. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: SecureKnowledgeBaseProps = {}) {
    super(scope, id);
    props = requireProps(this, props);
    const stack = Stack.of(this);
    this.encryptionKey = optionalKey(this, 'encryptionKey', props.encryptionKey) ?? PlatformKey.of(this).key;
    const removalPolicy = requireRemovalPolicy(this, 'removalPolicy', props.removalPolicy, 'A knowledge base') ?? RemovalPolicy.RETAIN;
    this.embeddingModel = requireEmbeddingModel(this, 'embeddingModel', props.embeddingModel) ?? EmbeddingModel.TITAN_TEXT_V2.validate(this, 'embeddingModel');
    this.chunking = requireChunkingStrategy(this, 'chunking', props.chunking, this.embeddingModel) ?? ChunkingStrategy.DEFAULT;
    const prefixes = requireList(this, 'inclusionPrefixes', props.inclusionPrefixes);
    if (prefixes.length > 1) throw new PlatformValidationError(this, 'inclusionPrefixes', prefixes, 'A Bedrock S3 data source takes one inclusion prefix: list one, or create one knowledge base per prefix.');
    prefixes.forEach((p, i) => optionalString(this, `inclusionPrefixes[${i}]`, p, 300, 'a key prefix such as \'policies/\''));
    const retention = requireRetentionDays(this, 'logRetention', props.logRetention) ?? logs.RetentionDays.ONE_YEAR;
    if (isResolved(retention) && retention < 365) {
      throw new PlatformValidationError(this, 'logRetention', retention, 'Keep ingestion logs at least a year (logs.RetentionDays.ONE_YEAR or longer): the audit requirements the platform meets (PCI DSS 10.7, Control Tower log retention) ask for it.');
    }
    if (props.knowledgeBaseName !== undefined) requirePattern(this, 'knowledgeBaseName', props.knowledgeBaseName, RESOURCE_NAME, RESOURCE_NAME_DESCRIPTION);
    const description = optionalString(this, 'description', props.description, 200);
    const scheduled = optionalBoolean(this, 'scheduledIngestion', props.scheduledIngestion) ?? true;
    const schedule = requireSchedule(this, 'ingestionSchedule', props.ingestionSchedule) ?? scheduler.ScheduleExpression.rate(Duration.days(1));

    // Vector store: sized and measured for the embedding model.
    if (props.vectorStore !== undefined) {
      const store = props.vectorStore;
      if (typeof store !== 'object' || store === null || typeof (store as IS3VectorStore).grantReadWrite !== 'function') {
        throw new PlatformValidationError(this, 'vectorStore', store, 'Must be an IS3VectorStore: a new S3VectorStore, or S3VectorStore.fromS3VectorStoreAttributes(...).');
      }
      this.vectorStore = store;
    } else {
      const metric = requireOneOf(this, 'distanceMetric', props.distanceMetric ?? VectorDistanceMetric.COSINE, ALL_DISTANCE_METRICS);
      this.vectorStore = new S3VectorStore(this, 'VectorStore', { dimension: this.embeddingModel.dimensions, distanceMetric: metric, encryptionKey: this.encryptionKey, removalPolicy });
    }
    requireMatchingStore(this, this.embeddingModel, this.vectorStore, props.vectorStore !== undefined ? 'vectorStore' : 'distanceMetric');

    // Documents.
    const given = optionalBucket(this, 'documentsBucket', props.documentsBucket);
    this.documentsBucket = given ?? new SecureBucket(this, 'Documents', { encryptionKey: this.encryptionKey, accessLogsBucket: props.accessLogsBucket, removalPolicy }).bucket;
    const documentsKey = optionalKey(this, 'documentsKey', props.documentsKey) ?? this.documentsBucket.encryptionKey;

    // Service role: exactly this bucket (prefix), this index, this model, these keys.
    this.role = new PlatformServiceRole(this, 'Role', {
      sourceArns: [stack.formatArn({ service: 'bedrock', resource: 'knowledge-base', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
      description: 'Assumed by Amazon Bedrock for one knowledge base: its documents, vector index and embedding model',
    });
    this.grantServiceRole(documentsKey, prefixes);

    // Knowledge base.
    const embeddingArn = this.embeddingModel.model.resourceArn(this)!;
    const name = props.knowledgeBaseName ?? derivedName(this, `${this.embeddingModel.model.identifier}/${this.embeddingModel.dimensions}`);
    this.knowledgeBase = new bedrock.CfnKnowledgeBase(this, 'Resource', {
      name,
      description,
      roleArn: this.role.roleArn,
      knowledgeBaseConfiguration: {
        type: 'VECTOR',
        vectorKnowledgeBaseConfiguration: {
          embeddingModelArn: embeddingArn,
          ...(this.embeddingModel.configurableDimensions
            ? { embeddingModelConfiguration: { bedrockEmbeddingModelConfiguration: { dimensions: this.embeddingModel.dimensions, embeddingDataType: 'FLOAT32' } } }
            : {}),
        },
      },
      storageConfiguration: { type: 'S3_VECTORS', s3VectorsConfiguration: { indexArn: this.vectorStore.indexArn } },
    });
    this.knowledgeBase.applyRemovalPolicy(removalPolicy);
    // Bedrock checks the role's access to the store when the knowledge base is created.
    this.knowledgeBase.node.addDependency(this.role);
    if (this.vectorStore instanceof S3VectorStore) this.knowledgeBase.node.addDependency(this.vectorStore.bucketPolicy);
    this.knowledgeBaseId = this.knowledgeBase.attrKnowledgeBaseId;
    this.knowledgeBaseArn = this.knowledgeBase.attrKnowledgeBaseArn;

    // Data source: its name follows the chunking strategy, because a new strategy is a new data
    // source, created (under a new name) before the old one is deleted with its vectors.
    const ingestion: bedrock.CfnDataSource.VectorIngestionConfigurationProperty = { chunkingConfiguration: this.chunking.render() };
    this.dataSource = new bedrock.CfnDataSource(this, 'DataSource', {
      knowledgeBaseId: this.knowledgeBaseId,
      name: `documents-${shortHash(JSON.stringify(ingestion))}`,
      description: 'Documents of the knowledge base',
      // Vectors are derived data: deleting or replacing the data source removes its own vectors,
      // so a new chunking strategy does not leave stale chunks behind. The documents stay.
      dataDeletionPolicy: 'DELETE',
      dataSourceConfiguration: {
        type: 'S3',
        s3Configuration: { bucketArn: this.documentsBucket.bucketArn, ...(prefixes.length > 0 ? { inclusionPrefixes: [...prefixes] } : {}) },
      },
      vectorIngestionConfiguration: ingestion,
    });
    this.dataSourceId = this.dataSource.attrDataSourceId;

    // Logs.
    this.logGroup = new SecureLogGroup(this, 'Logs', { encryptionKey: this.encryptionKey, retention, removalPolicy });
    this.deliverLogs();

    if (scheduled) {
      const { schedule: s, role } = this.scheduleIngestion(schedule);
      this.ingestionSchedule = s;
      this.schedulerRole = role;
    }
    if (optionalBoolean(this, 'ingestionAlarms', props.ingestionAlarms) ?? true) {
      this.alertTopic = alertTopicFor(this, 'Alerts', { ...props, encryptionKey: this.encryptionKey, displayName: 'Bedrock knowledge base alerts' });
      this.createAlarms(this.alertTopic);
    }
  }

  /**
   * Failed ingestion jobs, counted from the knowledge base's logs (`StartIngestionJob.StatusChanged`
   * with `ingestion_job_status` FAILED): namespace `BedrockPlatform/KnowledgeBases`, dimension
   * `KnowledgeBaseArn`, Sum over 5 minutes. Bedrock publishes no CloudWatch metric for ingestion.
   */
  public metricIngestionJobsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.logMetric('IngestionJobsFailed', props);
  }

  /** Documents that failed to ingest (`StartIngestionJob.ResourceStatusChanged` at level ERROR), as {@link metricIngestionJobsFailed}. */
  public metricDocumentsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.logMetric('DocumentsFailed', props);
  }

  private logMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: KNOWLEDGE_BASE_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { KnowledgeBaseArn: this.knowledgeBaseArn },
      statistic: 'Sum',
      period: Duration.minutes(5),
      ...props,
    }).attachTo(this);
  }

  private grantServiceRole(documentsKey: kms.IKey | undefined, prefixes: readonly string[]): void {
    const stack = Stack.of(this);
    const account = { StringEquals: { 'aws:ResourceAccount': stack.account } };
    // https://docs.aws.amazon.com/bedrock/latest/userguide/kb-permissions.html (S3 data source, S3 Vectors, models).
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ListDocumentsBucket', actions: ['s3:ListBucket'], resources: [this.documentsBucket.bucketArn], conditions: account }));
    const objects = prefixes.length > 0 ? prefixes.map((p) => this.documentsBucket.arnForObjects(`${p}*`)) : [this.documentsBucket.arnForObjects('*')];
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadDocuments', actions: ['s3:GetObject'], resources: objects, conditions: account }));
    acknowledgeWildcardResources(this.role, objects, 'The knowledge base ingests every document (and its .metadata.json file) under its inclusion prefix of its own documents bucket, whose names are not known at deploy time.');
    if (documentsKey) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptDocumentsThroughS3',
          actions: ['kms:Decrypt'],
          resources: [documentsKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
      );
    }
    this.vectorStore.grantReadWrite(this.role);
    const models = modelInvocationResources(this, [this.embeddingModel.model]);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'InvokeEmbeddingModel', actions: ['bedrock:InvokeModel'], resources: models.direct }));
    if (models.throughProfile.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'InvokeEmbeddingModelThroughProfile',
          actions: ['bedrock:InvokeModel'],
          resources: models.throughProfile,
          conditions: { StringEquals: { 'bedrock:InferenceProfileArn': models.viaProfiles } },
        }),
      );
    }
  }

  /** CloudWatch Logs vended delivery of the knowledge base's APPLICATION_LOGS to the log group. */
  private deliverLogs(): void {
    const stack = Stack.of(this);
    // Vended delivery writes as delivery.logs.amazonaws.com: the log group's resource policy must
    // admit it (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html#AWS-logs-infrastructure-V2-CloudWatchLogs).
    const policy = new logs.ResourcePolicy(this, 'LogDeliveryPolicy', {
      policyStatements: [
        new iam.PolicyStatement({
          sid: 'AllowVendedLogDeliveryToKnowledgeBaseLogs',
          principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [
            stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${this.logGroup.logGroupName}:log-stream:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          ],
          conditions: {
            StringEquals: { 'aws:SourceAccount': stack.account },
            ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'logs', resource: 'delivery-source', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
          },
        }),
      ],
    });
    const source = new logs.CfnDeliverySource(this, 'LogSource', {
      name: Names.uniqueResourceName(this, { maxLength: 54, separator: '-' }) + '-logs',
      // The only log type knowledge bases offer: https://docs.aws.amazon.com/bedrock/latest/userguide/knowledge-bases-logging.html
      logType: 'APPLICATION_LOGS',
      resourceArn: this.knowledgeBaseArn,
    });
    const destination = new logs.CfnDeliveryDestination(this, 'LogDestination', {
      name: Names.uniqueResourceName(this, { maxLength: 54, separator: '-' }) + '-dest',
      deliveryDestinationType: 'CWL',
      destinationResourceArn: this.logGroup.logGroupArn,
      outputFormat: 'json',
    });
    destination.node.addDependency(policy);
    const delivery = new logs.CfnDelivery(this, 'LogDelivery', { deliverySourceName: source.ref, deliveryDestinationArn: destination.attrArn });
    delivery.node.addDependency(source);
  }

  private scheduleIngestion(expression: scheduler.ScheduleExpression): { schedule: scheduler.Schedule; role: iam.IRole } {
    const stack = Stack.of(this);
    // Confused-deputy conditions the Scheduler User Guide gives for execution roles
    // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role).
    const role = new SchedulerRole(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to start ingestion jobs of one knowledge base',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
        },
      }),
    });
    const schedule = new scheduler.Schedule(this, 'IngestionSchedule', {
      schedule: expression,
      description: 'Starts an ingestion job of a Bedrock knowledge base',
      // The SDK service identifier of Agents for Amazon Bedrock is `bedrockagent`
      // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html).
      target: new schedulerTargets.Universal({
        service: 'bedrockagent',
        action: 'startIngestionJob',
        role,
        input: scheduler.ScheduleTargetInput.fromObject({ KnowledgeBaseId: this.knowledgeBaseId, DataSourceId: this.dataSourceId }),
        policyStatements: [new iam.PolicyStatement({ sid: 'StartIngestionJobsOfOneKnowledgeBase', actions: ['bedrock:StartIngestionJob'], resources: [this.knowledgeBaseArn] })],
        // A job still running refuses another (ConflictException): a couple of retries, then the next run.
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });
    return { schedule, role };
  }

  private createAlarms(alerts: IAlertTopic): void {
    const filters: Array<[string, string, string]> = [
      [
        'IngestionJobsFailed',
        '{ ($.event_type = "StartIngestionJob.StatusChanged") && ($.event.ingestion_job_status = "FAILED") }',
        'An ingestion job of the knowledge base failed: its answers may be out of date. See the ingestion logs for the reasons.',
      ],
      ['DocumentsFailed', '{ ($.event_type = "StartIngestionJob.ResourceStatusChanged") && ($.level = "ERROR") }', 'Documents failed to ingest into the knowledge base. See the ingestion logs for which and why.'],
    ];
    for (const [metricName, pattern, description] of filters) {
      // Log event shapes: https://docs.aws.amazon.com/bedrock/latest/userguide/knowledge-bases-logging.html
      new logs.MetricFilter(this, `${metricName}Filter`, {
        logGroup: this.logGroup,
        filterPattern: logs.FilterPattern.literal(pattern),
        metricNamespace: KNOWLEDGE_BASE_METRICS_NAMESPACE,
        metricName,
        metricValue: '1',
        dimensions: { KnowledgeBaseArn: '$.event.knowledge_base_arn' },
      });
      const alarm = this.logMetric(metricName).createAlarm(this, `${metricName}Alarm`, {
        alarmName: `${PLATFORM_ALARM_NAME_PREFIX}${Names.uniqueResourceName(this, { maxLength: 160, separator: '-' })}-${metricName}`,
        alarmDescription: description,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new cloudwatchActions.SnsAction(alerts.topic));
      this.alarms.push(alarm);
    }
    alerts.allowCloudWatchAlarms(this.alarms);
  }
}

/**
 * The role EventBridge Scheduler assumes, with its permissions in a customer-managed policy (the
 * NIST, HIPAA and PCI packs refuse inline policies), however the scheduler target adds them.
 */
class SchedulerRole extends iam.Role {
  private permissions?: iam.ManagedPolicy;

  public override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.permissions) this.permissions = new iam.ManagedPolicy(this, 'Permissions', { description: 'Start ingestion jobs of one knowledge base', roles: [this] });
    this.permissions.addStatements(statement);
    return { statementAdded: true, policyDependable: this.permissions };
  }
}

class ImportedKnowledgeBase extends SecureKnowledgeBaseBase {
  public readonly knowledgeBaseId: string;
  public readonly knowledgeBaseArn: string;

  constructor(scope: Construct, id: string, attrs: SecureKnowledgeBaseAttributes) {
    super(scope, id);
    attrs = requireProps(this, attrs);
    this.knowledgeBaseArn = requirePattern(this, 'knowledgeBaseArn', attrs.knowledgeBaseArn, KB_ARN, 'a knowledge base ARN such as arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ');
    this.knowledgeBaseId = Token.isUnresolved(this.knowledgeBaseArn) ? Arn.split(this.knowledgeBaseArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName! : this.knowledgeBaseArn.split('/')[1];
  }
}

/** Throws unless the store's vectors are the embedding model's length and its metric suits the model. */
function requireMatchingStore(scope: IConstruct, model: EmbeddingModel, store: IS3VectorStore, prop: string): void {
  if (isResolved(store.dimension) && isResolved(model.dimensions) && store.dimension !== model.dimensions) {
    throw new PlatformValidationError(
      scope,
      'vectorStore.dimension',
      store.dimension,
      `${model.displayName} returns vectors of ${model.dimensions} dimensions: the index must have exactly ${model.dimensions} (an index's dimension is fixed when it is created).`,
    );
  }
  if (!model.distanceMetrics.includes(store.distanceMetric)) {
    throw new PlatformValidationError(
      scope,
      prop === 'vectorStore' ? 'vectorStore.distanceMetric' : prop,
      store.distanceMetric,
      `${model.displayName} vectors are compared with ${model.distanceMetrics.join(' or ')}: its vectors are not unit-length, so Euclidean distance would rank by length as well as meaning.`,
    );
  }
}

/** Throws unless `value` is a recurring schedule no tighter than hourly. */
function requireSchedule(scope: IConstruct, prop: string, value: scheduler.ScheduleExpression | undefined): scheduler.ScheduleExpression | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof scheduler.ScheduleExpression)) {
    throw new PlatformValidationError(scope, prop, value, 'Must be a scheduler.ScheduleExpression, e.g. ScheduleExpression.rate(Duration.hours(6)) or ScheduleExpression.cron({ hour: \'2\', minute: \'0\' }).');
  }
  const expression = value.expressionString;
  if (!isResolved(expression)) return value;
  if (expression.startsWith('at(')) {
    throw new PlatformValidationError(scope, prop, expression, 'A one-time schedule runs once and then never keeps the knowledge base current: use rate(...) or cron(...).');
  }
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const minutes = Number(rate[1]) * (rate[2].startsWith('minute') ? 1 : rate[2].startsWith('hour') ? 60 : 1440);
    if (minutes < 60) {
      throw new PlatformValidationError(
        scope,
        prop,
        expression,
        'Ingest at most hourly: a data source runs one ingestion job at a time, so a tighter rate mostly starts jobs that fail with ConflictException.',
      );
    }
  }
  return value;
}

/**
 * A name of `scope`'s path with a hash of `variant` (what replaces the resource) and the first part
 * of the stack's UUID: stable across updates, new when the stack is deleted and created again, so a
 * retained knowledge base never blocks the next deployment's name.
 */
function derivedName(scope: IConstruct, variant: string): string {
  const base = Names.uniqueResourceName(scope, { maxLength: 72, separator: '-' }).replace(/[^0-9a-zA-Z]+/g, '-').replace(/^-+|-+$/g, '');
  const stackUuid = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
  return `${base}-${shortHash(variant)}-${stackUuid}`;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
