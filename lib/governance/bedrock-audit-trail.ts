import { Fn, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { declareKeyNeeds, KeyConsumer } from '../core/key-needs';
import { PlatformKey } from '../core/platform-key';
import {
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
import { ALL_BEDROCK_DATA_EVENTS, BedrockDataEvents, DEFAULT_BEDROCK_DATA_EVENTS } from './bedrock-data-events';
import { HighRiskActivity } from './high-risk-activity';
import { HighRiskActivityAlerts } from './high-risk-activity-alerts';
import { AlertDestinationProps } from './alert-topic';
import { grantDecryptThrough, grantReadObjects, LogArchiveProps, logArchive } from './log-archive';
import { wildcardResourceFinding } from '../core/wildcard-acknowledgement';

/** Properties of a {@link BedrockAuditTrail}. */
export interface BedrockAuditTrailProps extends LogArchiveProps, AlertDestinationProps {
  /**
   * Key that encrypts the trail's log files, its log group, its bucket and the alert topic. The
   * trail, the log group and the alerts declare what they need of it (CloudTrail, CloudWatch Logs,
   * EventBridge, CloudWatch alarms): a PlatformKey admits exactly that, any other key gets a synth
   * warning naming what its policy lacks.
   * @default the stack's default key ({@link PlatformKey.of})
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Create a trail. Set to `false` where an organization trail already records this account's
   * management events: then only the high-risk alerts are created.
   * @default true
   */
  readonly createTrail?: boolean;

  /**
   * Name of the trail: 3 to 128 letters and digits, joined by single `.`, `_` or `-`, and not an
   * IP address. Trail names are unique per account and Region, and the trail is kept when the
   * stack goes (RETAIN), so a fixed name makes the next deploy after `cdk destroy` fail with
   * "already exists" until you delete the old trail. Changing it creates a new trail; with RETAIN
   * the old one goes on logging until you delete it.
   * @default the construct path and the ID of the stack instance (`<path>-<stack UUID>`), resolved
   * at deploy time: unique per stack instance, so a stack deployed again after `cdk destroy` gets a
   * new trail beside the kept one
   */
  readonly trailName?: string;

  /**
   * Record every Region of the account in this trail (global service events included).
   * @default true
   */
  readonly multiRegion?: boolean;

  /**
   * Which management events to record: every call, or only writes (cheaper, but no record of
   * who read what). `NONE` is not allowed: the high-risk alerts and the audit need them.
   * @default cloudtrail.ReadWriteType.ALL
   */
  readonly managementEvents?: cloudtrail.ReadWriteType;

  /**
   * Bedrock data events to record (billed per event), one advanced event selector each. An empty
   * list records none.
   * @default every type CloudTrail documents (ALL_BEDROCK_DATA_EVENTS)
   */
  readonly bedrockDataEvents?: BedrockDataEvents[];

  /**
   * Retention of the trail's CloudWatch log group (the searchable copy; S3 keeps the full record).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Bucket for the server access logs of the trail bucket.
   * @default a new access-log bucket
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * What happens to the trail, its bucket and its log group when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Raise alerts on high-risk control-plane calls (see {@link HighRiskActivity}).
   * @default true
   */
  readonly highRiskAlerts?: boolean;

  /**
   * Which activities raise an alert.
   * @default ALL_HIGH_RISK_ACTIVITIES
   */
  readonly alertActivities?: HighRiskActivity[];
}

// CloudTrail's rules: 3 to 128 characters, letters and digits joined by single '.', '_' or '-', not an IP address.
const TRAIL_NAME = /^(?=.{3,128}$)(?!\d+\.\d+\.\d+\.\d+$)[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;
const MANAGEMENT_EVENTS = [cloudtrail.ReadWriteType.ALL, cloudtrail.ReadWriteType.WRITE_ONLY, cloudtrail.ReadWriteType.READ_ONLY] as const;

/** A CloudTrail trail that records the platform's audit events: created here, or imported. */
export interface IBedrockAuditTrail extends IConstruct {
  /** ARN of the trail; undefined when a {@link BedrockAuditTrail} created no trail (`createTrail: false`). */
  readonly trailArn?: string;
  /** The bucket of the trail's log files, when known. */
  readonly bucket?: s3.IBucket;
  /** The log group the trail copies events to, when known. */
  readonly logGroup?: logs.ILogGroup;
  /** Key that encrypts the trail's log files, when known. */
  readonly encryptionKey?: kms.IKey;
  /**
   * Lets `grantee` read the trail's log and digest files: the bucket's objects, and kms:Decrypt
   * through S3 on the trail key (and the bucket's default key). The returned grant includes the key
   * statement. Throws when the bucket is not known.
   */
  grantReadLogFiles(grantee: iam.IGrantable): iam.Grant;
}

/** An existing trail, for {@link BedrockAuditTrail.fromTrailAttributes}. */
export interface BedrockAuditTrailAttributes {
  /** ARN of the trail, e.g. an organization trail's. */
  readonly trailArn: string;
  /**
   * The bucket of its log files.
   * @default unknown: `grantReadLogFiles` cannot grant anything
   */
  readonly bucket?: s3.IBucket;
  /**
   * The log group it copies events to.
   * @default unknown
   */
  readonly logGroup?: logs.ILogGroup;
  /**
   * The key that encrypts its log files (the trail's `KmsKeyId`).
   * @default unknown: only the bucket's default key, if any, is granted
   */
  readonly encryptionKey?: kms.IKey;
}

/** Shared behaviour of a created and an imported {@link IBedrockAuditTrail}. */
export abstract class BedrockAuditTrailBase extends Construct implements IBedrockAuditTrail {
  public abstract readonly trailArn?: string;
  public abstract readonly bucket?: s3.IBucket;
  public abstract readonly logGroup?: logs.ILogGroup;
  public abstract readonly encryptionKey?: kms.IKey;

  public grantReadLogFiles(grantee: iam.IGrantable): iam.Grant {
    if (!this.bucket) throw this.noLogFiles();
    // CloudTrail encrypts each file with the trail key (SSE-KMS), not with the bucket's default key:
    // the reader needs both, through S3 only.
    const read = grantReadObjects(grantee, this.bucket);
    const key = grantDecryptThrough(this, grantee, [this.encryptionKey, this.bucket.encryptionKey], ['s3']);
    return key ? read.combine(key) : read;
  }

  /** The error of {@link grantReadLogFiles} when there is no bucket to read. */
  protected abstract noLogFiles(): PlatformValidationError;
}

/**
 * The platform's audit record, "who did what, when, and where": a CloudTrail trail of management
 * events and Bedrock data events, its log files validated (digest files), encrypted with the
 * platform key, kept in a versioned, access-logged bucket that moves them to colder storage (and
 * optionally locks them), copied to an encrypted log group for search and alarms, and watched for
 * high-risk calls by EventBridge rules that alert through SNS.
 *
 * The trail, its bucket (with its policy), its log group and delivery role are kept when the
 * stack goes (RETAIN by default): removing the stack does not stop the audit.
 */
export class BedrockAuditTrail extends BedrockAuditTrailBase {
  /**
   * An existing trail (e.g. the organization trail that records this account), for what reads it:
   * `grantReadLogFiles`, and the auditor persona.
   */
  public static fromTrailAttributes(scope: Construct, id: string, attrs: BedrockAuditTrailAttributes): IBedrockAuditTrail {
    return new ImportedBedrockAuditTrail(scope, id, attrs);
  }

  /** The trail; undefined when `createTrail` is false. */
  public readonly trail?: cloudtrail.CfnTrail;
  /** ARN of the trail; undefined when `createTrail` is false. */
  public readonly trailArn?: string;
  /** The bucket of the trail's log files; undefined when `createTrail` is false. */
  public readonly bucket?: s3.IBucket;
  /** The log group the trail copies events to; undefined when `createTrail` is false. */
  public readonly logGroup?: logs.ILogGroup;
  /** The high-risk alerts; undefined when `highRiskAlerts` is false. */
  public readonly alerts?: HighRiskActivityAlerts;
  /** Key that encrypts the trail's records. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: BedrockAuditTrailProps = {}) {
    super(scope, id);
    props = checkedProps(this, props);
    const createTrail = props.createTrail ?? true;
    const highRiskAlerts = props.highRiskAlerts ?? true;
    if (!createTrail && !highRiskAlerts) {
      throw new PlatformValidationError(this, 'highRiskAlerts', false, 'With createTrail false the construct only creates the alerts; leave highRiskAlerts on, or do not create the construct.');
    }
    this.encryptionKey = props.encryptionKey ?? PlatformKey.of(this).key;

    if (createTrail) {
      const created = this.createTrail(props);
      this.trail = created.trail;
      this.trailArn = created.trailArn;
      this.bucket = created.bucket;
      this.logGroup = created.logGroup;
    }
    if (highRiskAlerts) {
      this.alerts = new HighRiskActivityAlerts(this, 'HighRiskAlerts', {
        encryptionKey: this.encryptionKey,
        alertTopic: props.alertTopic,
        alertEmails: props.alertEmails,
        activities: props.alertActivities,
      });
    }
  }

  protected noLogFiles(): PlatformValidationError {
    return new PlatformValidationError(this, 'createTrail', false, 'There are no log files to read: this construct created no trail.');
  }

  private createTrail(props: BedrockAuditTrailProps) {
    const stack = Stack.of(this);
    const trailName = props.trailName ?? defaultTrailName(this);
    requirePattern(this, 'trailName', trailName, TRAIL_NAME, '3 to 128 letters and digits, joined by single ".", "_" or "-", and not an IP address');
    const managementEvents = requireOneOf(this, 'managementEvents', props.managementEvents ?? cloudtrail.ReadWriteType.ALL, MANAGEMENT_EVENTS);
    const dataEvents = [...requireList(this, 'bedrockDataEvents', props.bedrockDataEvents ?? DEFAULT_BEDROCK_DATA_EVENTS)];
    dataEvents.forEach((type, i) => requireOneOf(this, `bedrockDataEvents[${i}]`, type, ALL_BEDROCK_DATA_EVENTS));
    // Audit records are what WORM storage is for: a year in GOVERNANCE mode unless told otherwise.
    const archive = logArchive(this, props, DEFAULT_AUDIT_OBJECT_LOCK_DAYS);
    // Built from the same expression as the name, not read from the trail: the bucket policy must
    // name the trail before the trail exists (CloudTrail checks its bucket access on creation).
    const trailArn = `arn:${stack.partition}:cloudtrail:${stack.region}:${stack.account}:trail/${trailName}`;

    const bucket = new SecureBucket(this, 'LogFiles', {
      encryptionKey: this.encryptionKey,
      accessLogsBucket: props.accessLogsBucket,
      lifecycleRules: archive.lifecycleRules,
      objectLockRetention: archive.objectLockRetention,
      removalPolicy: props.removalPolicy,
    }).bucket;
    archive.finish(bucket);
    const onlyThisTrail = { StringEquals: { 'aws:SourceArn': trailArn } };
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisTrailToCheckTheBucketAcl',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['s3:GetBucketAcl'],
        resources: [bucket.bucketArn],
        conditions: onlyThisTrail,
      }),
    );
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisTrailToWriteLogFiles',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
        conditions: { StringEquals: { ...onlyThisTrail.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );

    const logGroup = new SecureLogGroup(this, 'Events', { encryptionKey: this.encryptionKey, retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR, removalPolicy: props.removalPolicy });
    // CloudTrail writes one stream per Region, named <account>_CloudTrail_<region>. The trust has no
    // source condition: CloudTrail documents none for this role, and only a principal of this
    // account allowed to pass the role (iam:PassRole) can attach it to a trail.
    const streams = `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${logGroup.logGroupName}:log-stream:${stack.account}_CloudTrail_*`;
    const deliveryPolicy = new iam.ManagedPolicy(this, 'LogDeliveryPolicy', {
      // The construct path, not the trail name: a description change replaces a managed policy.
      description: `Lets the CloudTrail trail of ${this.node.path} write its events to its log group`,
      statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [streams] })],
    });
    Validations.of(deliveryPolicy).acknowledge({
      id: wildcardResourceFinding(this, streams),
      reason: 'CloudTrail names one log stream per Region it records (<account>_CloudTrail_<region>); the wildcard covers exactly those streams of this one log group.',
    });
    const deliveryRole = new iam.Role(this, 'LogDeliveryRole', {
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com'),
      description: `The CloudTrail trail of ${this.node.path} delivering to CloudWatch Logs`,
      managedPolicies: [deliveryPolicy],
    });

    const trail = new cloudtrail.CfnTrail(this, 'Trail', {
      trailName,
      isLogging: true,
      isMultiRegionTrail: props.multiRegion ?? true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: this.encryptionKey.keyArn,
      s3BucketName: bucket.bucketName,
      cloudWatchLogsLogGroupArn: logGroup.logGroupArn,
      cloudWatchLogsRoleArn: deliveryRole.roleArn,
      advancedEventSelectors: eventSelectors(managementEvents, dataEvents),
    });
    declareKeyNeeds(trail, this.encryptionKey, [KeyConsumer.CLOUDTRAIL]);
    // Kept by default like the records themselves: deleting the stack must not silently stop the
    // audit. What the kept trail needs to go on writing is kept with it.
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    for (const resource of [trail, bucket.policy, deliveryRole, deliveryPolicy]) resource?.applyRemovalPolicy(removalPolicy);
    // CloudTrail checks its access to the bucket and the log group when the trail is created.
    if (bucket.policy) trail.node.addDependency(bucket.policy);
    trail.node.addDependency(deliveryRole);
    return { trail, trailArn, bucket, logGroup };
  }
}

/** The props, each checked for what a JavaScript caller could pass (wrong types, holes, tokens skipped). */
function checkedProps(scope: IConstruct, raw: BedrockAuditTrailProps): BedrockAuditTrailProps {
  const props = requireProps(scope, raw);
  for (const prop of ['createTrail', 'multiRegion', 'highRiskAlerts'] as const) optionalBoolean(scope, prop, props[prop]);
  optionalConstruct(scope, 'alertTopic', props.alertTopic, 'topicArn', 'an IAlertTopic (AlertTopic, or AlertTopic.fromAlertTopicAttributes)');
  return {
    ...props,
    encryptionKey: optionalKey(scope, 'encryptionKey', props.encryptionKey),
    accessLogsBucket: optionalBucket(scope, 'accessLogsBucket', props.accessLogsBucket),
    logRetention: requireRetentionDays(scope, 'logRetention', props.logRetention),
    removalPolicy: requireRemovalPolicy(scope, 'removalPolicy', props.removalPolicy, 'A trail, its bucket or its log group'),
    alertEmails: props.alertEmails === undefined ? undefined : [...requireEmailAddresses(scope, 'alertEmails', props.alertEmails)],
  };
}

const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9._-]{3,128}$/;

class ImportedBedrockAuditTrail extends BedrockAuditTrailBase {
  public readonly trailArn: string;
  public readonly bucket?: s3.IBucket;
  public readonly logGroup?: logs.ILogGroup;
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, attrs: BedrockAuditTrailAttributes) {
    super(scope, id);
    attrs = requireProps(this, attrs);
    if (typeof attrs.trailArn !== 'string') throw new PlatformValidationError(this, 'trailArn', attrs.trailArn, 'Must be a CloudTrail trail ARN such as arn:aws:cloudtrail:us-east-1:123456789012:trail/organization-trail.');
    optionalBucket(this, 'bucket', attrs.bucket);
    optionalConstruct(this, 'logGroup', attrs.logGroup, 'logGroupArn', 'a logs.ILogGroup');
    optionalKey(this, 'encryptionKey', attrs.encryptionKey);
    this.trailArn = requirePattern(this, 'trailArn', attrs.trailArn, TRAIL_ARN, 'a CloudTrail trail ARN such as arn:aws:cloudtrail:us-east-1:123456789012:trail/organization-trail');
    this.bucket = attrs.bucket;
    this.logGroup = attrs.logGroup;
    this.encryptionKey = attrs.encryptionKey;
  }

  protected noLogFiles(): PlatformValidationError {
    return new PlatformValidationError(this, 'bucket', undefined, 'There are no log files to read: pass the trail\'s bucket to fromTrailAttributes.');
  }
}

/**
 * The construct path (alphanumeric, led by the stack name) and the UUID of the stack instance
 * (`AWS::StackId` is `arn:...:stack/<name>/<uuid>`). Unique per construct and stack instance, so a
 * kept trail never blocks the next deploy; in the template, so the trail ARN is known before the
 * trail exists. Letters, digits and single dashes only, within CloudTrail's 128 characters.
 */
/** Object Lock retention of the trail's bucket when `objectLockDays` is not given. */
export const DEFAULT_AUDIT_OBJECT_LOCK_DAYS = 365;

function defaultTrailName(scope: Construct): string {
  const stackUuid = Fn.select(2, Fn.split('/', Stack.of(scope).stackId));
  return `${Names.uniqueResourceName(scope, { maxLength: 128 - 37 })}-${stackUuid}`;
}

/**
 * Management events, then one selector per data-event type, as the CloudTrail console writes them:
 * a trail's selector takes a single `resources.type`. CloudTrail allows 500 condition values
 * across a trail's advanced selectors; this writes at most 2 + 2 per type, well within it.
 */
function eventSelectors(managementEvents: cloudtrail.ReadWriteType, dataEvents: readonly BedrockDataEvents[]): cloudtrail.CfnTrail.AdvancedEventSelectorProperty[] {
  const readOnly: cloudtrail.CfnTrail.AdvancedFieldSelectorProperty[] =
    managementEvents === cloudtrail.ReadWriteType.ALL ? [] : [{ field: 'readOnly', equalTo: [managementEvents === cloudtrail.ReadWriteType.READ_ONLY ? 'true' : 'false'] }];
  return [
    { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }, ...readOnly] },
    ...dataEvents.map((type) => ({
      name: `Data events: ${type}`,
      fieldSelectors: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: [type] },
      ],
    })),
  ];
}
