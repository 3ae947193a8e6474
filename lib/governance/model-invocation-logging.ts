import { Annotations, CustomResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { IVpcEndpointConsumer, recordRequiredEndpoints, SupportEndpoint } from '../core/endpoint-needs';
import { PlatformValidationError } from '../core/errors';
import { declareKeyNeeds, KeyConsumer } from '../core/key-needs';
import { PlatformKey } from '../core/platform-key';
import {
  claimAccountSetting,
  optionalBoolean,
  optionalBucket,
  optionalConstruct,
  optionalKey,
  requireEmailAddresses,
  requireList,
  requireOneOf,
  requirePattern,
  requireProps,
  requireRemovalPolicy,
  requireRetentionDays,
} from '../core/validate';
import { SecureBucket } from '../data-protection/secure-bucket';
import { SecureLogGroup } from '../data-protection/secure-log-group';
import { AlertDestinationProps, alertTopicFor, IAlertTopic } from './alert-topic';
import { auditAlarmName } from './audit-alarm-name';
import { InvocationLoggingHandler } from './invocation-logging-handler';
import { grantDecryptThrough, grantReadObjects, LogArchiveProps, logArchive } from './log-archive';

/** Which kinds of model input and output the logs include. Each defaults to true. */
export interface InvocationLogModalities {
  /** Text prompts and completions. @default true */
  readonly text?: boolean;
  /** Images (delivered to S3). @default true */
  readonly image?: boolean;
  /** Embeddings. @default true */
  readonly embedding?: boolean;
  /** Video (delivered to S3). @default true */
  readonly video?: boolean;
  /** Audio. @default true */
  readonly audio?: boolean;
}

/** Where a delivery-failure metric counts failures. */
export enum InvocationLogDestination {
  CLOUDWATCH_LOGS = 'ModelInvocationLogsCloudWatchDeliveryFailure',
  S3 = 'ModelInvocationLogsS3DeliveryFailure',
  /** Bodies too large for CloudWatch Logs (over 100 KB, or binary), sent to S3 instead. */
  LARGE_DATA_S3 = 'ModelInvocationLargeDataS3DeliveryFailure',
}

/** An S3 destination of invocation logs, as Bedrock's logging configuration names it. */
export interface InvocationLogS3Destination {
  /** Bucket name. */
  readonly bucketName: string;
  /** Key prefix. @default the bucket root */
  readonly keyPrefix?: string;
}

/** The CloudWatch Logs destination of invocation logs. */
export interface InvocationLogCloudWatchDestination {
  /** Log group name. */
  readonly logGroupName: string;
  /** ARN of the role Bedrock assumes to write to it. */
  readonly roleArn: string;
  /** Where bodies CloudWatch Logs cannot hold go. @default none */
  readonly largeDataDeliveryS3Config?: InvocationLogS3Destination;
}

/**
 * A model invocation logging configuration, shaped like PutModelInvocationLoggingConfiguration's
 * `loggingConfig` (names are tokens until deployed): what {@link ModelInvocationLogging} puts, and
 * what a drift rule compares the account's setting with.
 */
export interface InvocationLoggingConfiguration {
  /** CloudWatch Logs delivery. @default none */
  readonly cloudWatchConfig?: InvocationLogCloudWatchDestination;
  /** S3 delivery. @default none */
  readonly s3Config?: InvocationLogS3Destination;
  readonly textDataDeliveryEnabled: boolean;
  readonly imageDataDeliveryEnabled: boolean;
  readonly embeddingDataDeliveryEnabled: boolean;
  readonly videoDataDeliveryEnabled: boolean;
  readonly audioDataDeliveryEnabled: boolean;
}

/** Properties of {@link ModelInvocationLogging}. */
export interface ModelInvocationLoggingProps extends LogArchiveProps, AlertDestinationProps {
  /**
   * Key that encrypts the log group, the bucket, the handler's queue and the alarm topic. The log
   * groups, the bucket Bedrock delivers to and the alarms declare what they need of it (CloudWatch
   * Logs, Bedrock, CloudWatch alarms): a PlatformKey admits exactly that, any other key gets a synth
   * warning naming what its policy lacks.
   * @default the stack's default key ({@link PlatformKey.of})
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Deliver invocation logs to a CloudWatch log group (searchable, alarms, subscriptions).
   * @default true
   */
  readonly cloudWatchLogs?: boolean;
  /**
   * Deliver invocation logs to S3 (durable record, Athena).
   * @default true
   */
  readonly s3?: boolean;
  /**
   * With CloudWatch Logs, send bodies CloudWatch Logs cannot hold (over 100 KB, images, video) to
   * the bucket; without it they are left out of the log.
   * @default true when cloudWatchLogs is on
   */
  readonly largeDataDelivery?: boolean;
  /**
   * Retention of the invocation log group. Prompts can hold personal data: match your retention policy.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * An existing bucket to deliver to, instead of a new one. Its policy must let Bedrock of this
   * account write under the prefixes (an imported bucket's policy cannot be edited here), and its
   * key must admit Bedrock.
   * @default a new {@link SecureBucket}
   */
  readonly bucket?: s3.IBucket;
  /**
   * Key prefix of the S3 delivery (Bedrock adds `AWSLogs/<account>/BedrockModelInvocationLogs/...`).
   * @default 'invocation-logs'
   */
  readonly s3KeyPrefix?: string;
  /**
   * Key prefix of large-data delivery.
   * @default 'invocation-logs-large-data'
   */
  readonly largeDataKeyPrefix?: string;
  /**
   * Bucket for the server access logs of a new bucket.
   * @default a new access-log bucket
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * Which modalities to log.
   * @default all
   */
  readonly modalities?: InvocationLogModalities;
  /**
   * VPC for the custom resource's function (see {@link InvocationLoggingHandler}).
   * @default not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the function, when `vpc` is set.
   * @default the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the function, when `vpc` is set.
   * @default a new group that allows only outbound HTTPS
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Concurrency reserved for the function.
   * @default 1
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Model invocation logging is one setting per account and Region. When another configuration is
   * already in place (set by hand, by another stack or by another tool), deploying fails with a
   * message naming its destinations, unless this is true: then the configuration is taken over,
   * recorded, and restored when this resource is deleted. Either way, Delete removes or restores
   * only a configuration that is still exactly the one this resource wrote.
   * @default false
   */
  readonly takeOverExistingConfiguration?: boolean;

  /**
   * Alarm (one per destination, to the alert topic) when Bedrock fails to deliver logs. `false` when
   * a `BedrockMonitoring` given this logging alarms on them instead, with warning and critical
   * thresholds (`BedrockPlatform` does so): one failure should page once.
   * @default true
   */
  readonly deliveryFailureAlarms?: boolean;
  /**
   * What happens to the log groups and the bucket when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const KEY_PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;
const KEY_PREFIX_HINT = 'segments of letters, digits and !_.*\'()- separated by single slashes, without a leading or trailing slash, up to 256 characters';
const MARK = Symbol.for('bedrock-secure-platform.ModelInvocationLogging');

/**
 * Amazon Bedrock model invocation logging, "what was asked of which model": turns on the
 * account- and Region-wide setting (CloudFormation has no resource for it) through a custom
 * resource, with destinations it creates: a platform-key log group and/or a platform-key bucket,
 * a delivery role only Bedrock of this account and Region can assume, and alarms on failed
 * deliveries.
 *
 * The setting is the account's, not the stack's: Create refuses to replace a configuration someone
 * else set unless `takeOverExistingConfiguration` says so (then it records it, to restore on
 * Delete); Update and Delete change the setting only while it is still exactly this resource's own.
 * One per account and Region.
 */
export class ModelInvocationLogging extends Construct implements IVpcEndpointConsumer {
  /** The invocation log group, when logs go to CloudWatch Logs. */
  public readonly logGroup?: logs.ILogGroup;
  /** The bucket, when logs or large bodies go to S3. */
  public readonly bucket?: s3.IBucket;
  /** The role Bedrock assumes to write to the log group. */
  public readonly deliveryRole?: iam.IRole;
  /** The custom resource's function. */
  public readonly handler: InvocationLoggingHandler;
  /** Where the logs go: what `metricDeliveryFailures` can be asked about. */
  public readonly destinations: readonly InvocationLogDestination[];
  /** The delivery-failure alarms, by destination (none with `deliveryFailureAlarms: false`). */
  public readonly alarms: Readonly<Partial<Record<InvocationLogDestination, cloudwatch.Alarm>>>;
  /** Topic the delivery-failure alarms notify. */
  public readonly alertTopic: IAlertTopic;
  /** Key that encrypts the logs. */
  public readonly encryptionKey: kms.IKey;
  /** Endpoints the custom resource's function calls when it runs in a VPC. */
  public readonly requiredEndpoints: readonly SupportEndpoint[];
  /** The custom resource, when its function runs in a VPC: it must be created after and deleted before those endpoints. */
  public readonly endpointDependents: readonly IConstruct[];
  /** The custom resource that sets the account's configuration. */
  public readonly resource: CustomResource;
  /** The configuration the custom resource puts: what drift detection compares the account's setting with. */
  public readonly loggingConfiguration: InvocationLoggingConfiguration;

  constructor(scope: Construct, id: string, props: ModelInvocationLoggingProps = {}) {
    super(scope, id);
    // The setting is account- and Region-wide: two of these in one account and Region (two stacks,
    // or twice in one) would overwrite each other.
    claimAccountSetting(
      this,
      MARK,
      (other, here) =>
        `Model invocation logging is one setting per account and Region, and ${other} already manages it for ${here}. Create one ModelInvocationLogging per account and Region, or give the stacks explicit, distinct environments.`,
    );
    const stack = Stack.of(this);
    props = checkedProps(this, props);
    const cloudWatch = props.cloudWatchLogs ?? true;
    const toS3 = props.s3 ?? true;
    if (!cloudWatch && !toS3) {
      throw new PlatformValidationError(this, 's3', false, 'Invocation logs need a destination: leave cloudWatchLogs or s3 (or both) on.');
    }
    if (props.largeDataDelivery && !cloudWatch) {
      throw new PlatformValidationError(this, 'largeDataDelivery', true, 'Large-data delivery extends the CloudWatch Logs destination: turn cloudWatchLogs on, or leave largeDataDelivery unset.');
    }
    const largeData = cloudWatch && (props.largeDataDelivery ?? true);
    const s3Prefix = keyPrefix(this, 's3KeyPrefix', props.s3KeyPrefix ?? 'invocation-logs');
    const largePrefix = keyPrefix(this, 'largeDataKeyPrefix', props.largeDataKeyPrefix ?? 'invocation-logs-large-data');
    this.encryptionKey = props.encryptionKey ?? PlatformKey.of(this).key;
    // Bedrock of this account and Region only: the confused-deputy conditions of every grant to it.
    const fromBedrockHere = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:*` },
    };

    this.handler = new InvocationLoggingHandler(this, 'Handler', {
      encryptionKey: this.encryptionKey,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      removalPolicy: props.removalPolicy,
    });
    this.requiredEndpoints = this.handler.requiredEndpoints;

    let bucketPolicy: s3.BucketPolicy | undefined;
    if (toS3 || largeData) {
      const archive = logArchive(this, props);
      const bucket =
        props.bucket ??
        new SecureBucket(this, 'Bucket', {
          encryptionKey: this.encryptionKey,
          accessLogsBucket: props.accessLogsBucket,
          lifecycleRules: archive.lifecycleRules,
          objectLockRetention: archive.objectLockRetention,
          removalPolicy: props.removalPolicy,
        }).bucket;
      if (!props.bucket) archive.finish(bucket);
      const objects = [
        ...(toS3 ? [bucket.arnForObjects(`${s3Prefix}/AWSLogs/${stack.account}/BedrockModelInvocationLogs/*`)] : []),
        // The layout under the large-data prefix is Bedrock's; the grant stays inside the prefix.
        ...(largeData ? [bucket.arnForObjects(`${largePrefix}/*`)] : []),
      ];
      const added = bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowBedrockOfThisAccountToWriteInvocationLogs',
          principals: [new iam.ServicePrincipal('bedrock.amazonaws.com')],
          actions: ['s3:PutObject'],
          resources: objects,
          conditions: fromBedrockHere,
        }),
      );
      if (!added.statementAdded) {
        // Bedrock would refuse the configuration at deploy time; say so at synth time.
        Annotations.of(this).addWarningV2(
          'bedrock-secure-platform:invocationLogBucketPolicy',
          `Cannot edit the policy of imported bucket ${bucket.node.path}: allow bedrock.amazonaws.com s3:PutObject under ${toS3 ? `${s3Prefix}/AWSLogs/${stack.account}/BedrockModelInvocationLogs/` : ''}${toS3 && largeData ? ' and ' : ''}${largeData ? `${largePrefix}/` : ''}, with aws:SourceAccount and aws:SourceArn conditions.`,
        );
      }
      // Bedrock writes the objects itself, so the bucket's key must name it (unknown for an imported bucket).
      declareKeyNeeds(bucket, bucket.encryptionKey, [KeyConsumer.BEDROCK]);
      bucketPolicy = bucket.policy;
      this.bucket = bucket;
    }

    if (cloudWatch) {
      const logGroup = new SecureLogGroup(this, 'InvocationLogs', {
        encryptionKey: this.encryptionKey,
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        removalPolicy: props.removalPolicy,
      });
      const deliveryPolicy = new iam.ManagedPolicy(this, 'DeliveryPolicy', {
        description: 'Lets Amazon Bedrock write model invocation logs to the platform log group',
        statements: [
          new iam.PolicyStatement({
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            // Bedrock writes to this one stream of the group.
            resources: [`arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${logGroup.logGroupName}:log-stream:aws/bedrock/modelinvocations`],
          }),
        ],
      });
      const deliveryRole = new iam.Role(this, 'DeliveryRole', {
        description: 'Assumed by Amazon Bedrock of this account and Region to deliver model invocation logs',
        assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com', { conditions: fromBedrockHere }),
        managedPolicies: [deliveryPolicy],
      });
      this.handler.allowPassRole(deliveryRole);
      this.logGroup = logGroup;
      this.deliveryRole = deliveryRole;
    }

    const modalities = props.modalities ?? {};
    const loggingConfig: InvocationLoggingConfiguration = {
      ...(this.logGroup && this.deliveryRole
        ? {
            cloudWatchConfig: {
              logGroupName: this.logGroup.logGroupName,
              roleArn: this.deliveryRole.roleArn,
              ...(largeData && this.bucket ? { largeDataDeliveryS3Config: { bucketName: this.bucket.bucketName, keyPrefix: largePrefix } } : {}),
            },
          }
        : {}),
      ...(toS3 && this.bucket ? { s3Config: { bucketName: this.bucket.bucketName, keyPrefix: s3Prefix } } : {}),
      textDataDeliveryEnabled: modalities.text ?? true,
      imageDataDeliveryEnabled: modalities.image ?? true,
      embeddingDataDeliveryEnabled: modalities.embedding ?? true,
      videoDataDeliveryEnabled: modalities.video ?? true,
      audioDataDeliveryEnabled: modalities.audio ?? true,
    };
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: this.handler.function.functionArn,
      resourceType: 'Custom::BedrockModelInvocationLogging',
      properties: { LoggingConfig: loggingConfig, TakeOverExistingConfiguration: props.takeOverExistingConfiguration ?? false },
      // Well above the handler's 3-minute timeout, far below CloudFormation's default hour.
      serviceTimeout: Duration.minutes(10),
    });
    // Bedrock checks that it can write to the destinations when the configuration is put.
    if (bucketPolicy) resource.node.addDependency(bucketPolicy);
    resource.node.addDependency(this.handler);
    this.resource = resource;
    this.loggingConfiguration = loggingConfig;
    // In a VPC, whoever provides the endpoints (BedrockPrivateLink.addSupportEndpointsFor) orders
    // the resource after them; the metadata lets the pre-deploy checks verify that it did.
    this.endpointDependents = props.vpc ? [resource] : [];
    recordRequiredEndpoints(resource, this.requiredEndpoints);

    const alerts = alertTopicFor(this, 'Alarms', { ...props, encryptionKey: this.encryptionKey, displayName: 'Bedrock invocation logging alarms' });
    this.alertTopic = alerts;
    const destinations = [
      ...(cloudWatch ? [InvocationLogDestination.CLOUDWATCH_LOGS] : []),
      ...(toS3 ? [InvocationLogDestination.S3] : []),
      ...(largeData ? [InvocationLogDestination.LARGE_DATA_S3] : []),
    ];
    this.destinations = destinations;
    const alarms: Partial<Record<InvocationLogDestination, cloudwatch.Alarm>> = {};
    for (const destination of optionalBoolean(this, 'deliveryFailureAlarms', props.deliveryFailureAlarms) === false ? [] : destinations) {
      const alarm = this.metricDeliveryFailures(destination).createAlarm(this, `${alarmId(destination)}Alarm`, {
        // Audit alarms carry the audit prefix: the operator persona may not change or silence them.
        alarmName: auditAlarmName(this, alarmId(destination)),
        alarmDescription: `Amazon Bedrock failed to deliver model invocation logs (${destination}): invocations are missing from the audit record.`,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new cloudwatchActions.SnsAction(alerts.topic));
      alarms[destination] = alarm;
    }
    alerts.allowCloudWatchAlarms(Object.values(alarms));
    this.alarms = alarms;
  }

  /**
   * Failed deliveries of invocation logs to `destination`: `AWS/Bedrock`, across all model IDs (no
   * dimensions), Sum over 5 minutes.
   * https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html
   */
  public metricDeliveryFailures(destination: InvocationLogDestination, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    requireOneOf(this, 'destination', destination, ALL_DESTINATIONS);
    return new cloudwatch.Metric({ namespace: 'AWS/Bedrock', metricName: destination, statistic: 'Sum', period: Duration.minutes(5), ...props }).attachTo(this);
  }

  /**
   * Lets `grantee` read the invocation logs: the log group and the bucket's objects, with
   * kms:Decrypt on the keys that encrypt them, only through CloudWatch Logs and S3
   * (`kms:ViaService`). The returned grant includes the key statement.
   */
  public grantReadLogs(grantee: iam.IGrantable): iam.Grant {
    const grants = [
      this.logGroup?.grantRead(grantee),
      this.bucket ? grantReadObjects(grantee, this.bucket) : undefined,
      grantDecryptThrough(this, grantee, [this.encryptionKey, this.bucket?.encryptionKey], [...(this.logGroup ? ['logs' as const] : []), ...(this.bucket ? ['s3' as const] : [])]),
    ];
    return grants.filter((g): g is iam.Grant => g !== undefined).reduce((a, b) => a.combine(b));
  }
}

/** Every InvocationLogDestination, for checks of values from JavaScript callers. */
const ALL_DESTINATIONS: readonly InvocationLogDestination[] = Object.values(InvocationLogDestination);

/** The props, each checked for what a JavaScript caller could pass (wrong types, holes, tokens skipped). */
function checkedProps(scope: IConstruct, raw: ModelInvocationLoggingProps): ModelInvocationLoggingProps {
  const props = requireProps(scope, raw);
  for (const prop of ['cloudWatchLogs', 's3', 'largeDataDelivery', 'takeOverExistingConfiguration'] as const) optionalBoolean(scope, prop, props[prop]);
  const modalities = props.modalities === undefined ? undefined : requireProps(scope, props.modalities);
  for (const m of ['text', 'image', 'embedding', 'video', 'audio'] as const) optionalBoolean(scope, `modalities.${m}`, modalities?.[m]);
  const securityGroups = props.securityGroups === undefined ? undefined : [...requireList(scope, 'securityGroups', props.securityGroups)];
  securityGroups?.forEach((g, i) => optionalConstruct(scope, `securityGroups[${i}]`, g, 'securityGroupId', 'an ec2.ISecurityGroup', 'import it with ec2.SecurityGroup.fromSecurityGroupId'));
  optionalConstruct(scope, 'vpc', props.vpc, 'vpcId', 'an ec2.IVpc', 'import it with ec2.Vpc.fromLookup or ec2.Vpc.fromVpcAttributes');
  optionalConstruct(scope, 'alertTopic', props.alertTopic, 'topicArn', 'an IAlertTopic (AlertTopic, or AlertTopic.fromAlertTopicAttributes)');
  return {
    ...props,
    modalities,
    securityGroups,
    encryptionKey: optionalKey(scope, 'encryptionKey', props.encryptionKey),
    bucket: optionalBucket(scope, 'bucket', props.bucket),
    accessLogsBucket: optionalBucket(scope, 'accessLogsBucket', props.accessLogsBucket),
    logRetention: requireRetentionDays(scope, 'logRetention', props.logRetention),
    removalPolicy: requireRemovalPolicy(scope, 'removalPolicy', props.removalPolicy, 'A log group or bucket'),
    alertEmails: props.alertEmails === undefined ? undefined : [...requireEmailAddresses(scope, 'alertEmails', props.alertEmails)],
  };
}

function keyPrefix(scope: IConstruct, prop: string, value: string): string {
  if (typeof value === 'string' && !Token.isUnresolved(value) && value.length > 256) throw new PlatformValidationError(scope, prop, value, `Must be ${KEY_PREFIX_HINT}.`);
  return requirePattern(scope, prop, value, KEY_PREFIX, KEY_PREFIX_HINT);
}

function alarmId(destination: InvocationLogDestination): string {
  return { [InvocationLogDestination.CLOUDWATCH_LOGS]: 'CloudWatchDelivery', [InvocationLogDestination.S3]: 'S3Delivery', [InvocationLogDestination.LARGE_DATA_S3]: 'LargeDataDelivery' }[destination];
}
