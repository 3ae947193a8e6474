import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DATA_PLANE_ACTIONS } from './bedrock-actions';
import { bedrockArn, foundationModelArn } from './bedrock-arns';
import { requireNonEmpty } from '../core/validate';
import { requireObject, requireObjects, requireProps, requireStrings } from './input-checks';
import { kmsViaService } from './kms-via-service';
import { AttachablePolicy } from './attachable-policy';

/** Properties of a {@link BedrockAuditorPolicy}. */
export interface BedrockAuditorPolicyProps {
  /**
   * Trails whose status and event selectors the auditor reads.
   * @default every trail of the account and Region
   */
  readonly trailArns?: string[];

  /**
   * Log groups holding audit records (e.g. CloudTrail's) the auditor may read and query.
   * @default none
   */
  readonly auditLogGroups?: logs.ILogGroup[];

  /**
   * Buckets holding audit records (CloudTrail log files, access logs) the auditor may read; their
   * keys are usable for decryption through S3 only.
   * @default none
   */
  readonly auditBuckets?: s3.IBucket[];

  /**
   * Log groups receiving Bedrock model invocation logs: prompts and responses.
   * @default none
   */
  readonly invocationLogGroups?: logs.ILogGroup[];

  /**
   * Buckets receiving Bedrock model invocation logs (and large payloads).
   * @default none
   */
  readonly invocationLogBuckets?: s3.IBucket[];

  /**
   * Whether the auditor may read prompt payloads in the invocation logs. When false, reading them
   * is explicitly denied, so no other policy on the same role can open them by accident.
   * @default false
   */
  readonly allowPromptPayloads?: boolean;

  /**
   * Key of buckets that do not expose theirs (imported buckets): decryption through S3 only.
   * @default each bucket's own `encryptionKey`
   */
  readonly encryptionKey?: kms.IKey;
}

const LOG_READ_ACTIONS = ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:GetQueryResults', 'logs:GetLogGroupFields', 'logs:GetLogRecord', 'logs:StartLiveTail'];
const OBJECT_READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'];
const STREAMS_REASON = 'Log streams of the audit log group are created by its writer at run time; the pattern covers the streams of this one log group only.';
const OBJECTS_REASON = 'The auditor reads every record in the audit bucket; S3 names each record object at delivery time, so the pattern covers the objects of this one bucket only.';

/** `arn:aws:cloudtrail:us-east-1:123456789012:trail/NAME` (trail names: 3 to 128 letters, digits, `.`, `_`, `-`). */
const TRAIL_ARN_PATTERN = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[\w.-]{3,128}$/;

const logGroups = (scope: Construct, prop: string, given: readonly logs.ILogGroup[] | undefined) => requireObjects(scope, prop, given, 'logGroupName', 'a log group (logs.ILogGroup, e.g. logs.LogGroup.fromLogGroupName)');
const buckets = (scope: Construct, prop: string, given: readonly s3.IBucket[] | undefined) => requireObjects(scope, prop, given, 'bucketArn', 'a bucket (s3.IBucket, e.g. s3.Bucket.fromBucketName)');

/**
 * ARNs a log-group permission must name: CloudWatch Logs authorizes log-group actions against
 * `log-group:NAME` and stream reads against `log-group:NAME:log-stream:...` (covered by `NAME:*`).
 */
function logGroupArns(group: logs.ILogGroup): string[] {
  const base = group.stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: group.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME, account: group.env.account, region: group.env.region });
  return [base, `${base}:*`];
}

/**
 * Auditor persona: read-only on Bedrock configuration, CloudTrail, and the audit log groups and
 * buckets passed in. Prompt payloads (invocation logs) are explicitly denied unless
 * `allowPromptPayloads` is set, and so is every data-plane action: an auditor never invokes.
 */
export class BedrockAuditorPolicy extends AttachablePolicy {
  private readonly allowPromptPayloads: boolean;
  private readonly bucketKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: BedrockAuditorPolicyProps = {}) {
    super(scope, id, 'Bedrock auditor: read-only configuration, CloudTrail and audit logs; no model invocation, no prompt payloads unless granted');
    requireProps(this, props, 'Pass an object (it may be empty: {}).');
    const stack = Stack.of(this);
    const trailArns = props.trailArns === undefined ? undefined : requireStrings(this, 'trailArns', props.trailArns, TRAIL_ARN_PATTERN, 'a CloudTrail trail ARN such as arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events');
    if (trailArns !== undefined) requireNonEmpty(this, 'trailArns', trailArns, 'List at least one trail ARN, or leave the prop out for every trail of the account and Region.');
    if (props.encryptionKey !== undefined) requireObject(this, 'encryptionKey', props.encryptionKey, 'keyArn', 'a KMS key (kms.IKey, e.g. kms.Key.fromKeyArn)');

    this.allow({
      sid: 'ListBedrockConfiguration',
      actions: [
        'bedrock:ListFoundationModels',
        'bedrock:GetModelInvocationLoggingConfiguration',
        'bedrock:ListEnforcedGuardrailsConfiguration',
        'bedrock:ListGuardrails',
        'bedrock:ListKnowledgeBases',
        'bedrock:ListAgents',
        'bedrock:ListPrompts',
        'bedrock:ListFlows',
        'bedrock:ListInferenceProfiles',
        'bedrock:ListProvisionedModelThroughputs',
        'bedrock:ListCustomModels',
        'bedrock:ListModelInvocationJobs',
        'cloudtrail:DescribeTrails',
        'cloudtrail:ListTrails',
        'cloudtrail:LookupEvents',
        'logs:DescribeLogGroups',
        'logs:DescribeQueries',
        'logs:StopQuery',
      ],
      resources: ['*'],
      wildcardReason: 'These List and Describe calls (and the account-wide logging configuration) have no resource type in the Service Authorization Reference, so only * is possible; none returns prompt data.',
    });
    this.allow({
      sid: 'ReadBedrockResourceConfiguration',
      actions: [
        'bedrock:GetFoundationModel',
        'bedrock:GetGuardrail',
        'bedrock:GetKnowledgeBase',
        'bedrock:ListDataSources',
        'bedrock:GetDataSource',
        'bedrock:ListIngestionJobs',
        'bedrock:GetIngestionJob',
        'bedrock:GetAgent',
        'bedrock:ListAgentVersions',
        'bedrock:GetAgentVersion',
        'bedrock:ListAgentAliases',
        'bedrock:GetAgentAlias',
        'bedrock:ListAgentActionGroups',
        'bedrock:GetAgentActionGroup',
        'bedrock:ListAgentKnowledgeBases',
        'bedrock:GetAgentKnowledgeBase',
        'bedrock:GetPrompt',
        'bedrock:GetFlow',
        'bedrock:GetProvisionedModelThroughput',
        'bedrock:GetInferenceProfile',
        'bedrock:GetCustomModel',
        'bedrock:GetModelInvocationJob',
        'bedrock:ListTagsForResource',
      ],
      resources: [bedrockArn(this, stack.region, stack.account, '*'), foundationModelArn(this, '*', stack.region)],
      wildcardReason: 'An audit covers every Bedrock resource of this account and Region, including ones created after deployment; the pattern is limited to this account and Region and the actions to Get/List of configuration.',
    });
    this.allow({
      sid: 'ReadTrailConfiguration',
      actions: ['cloudtrail:GetTrail', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors', 'cloudtrail:GetInsightSelectors', 'cloudtrail:ListTags'],
      resources: trailArns ? [...trailArns] : [`arn:${stack.partition}:cloudtrail:${stack.region}:${stack.account}:trail/*`],
      wildcardReason: 'No trail ARNs were passed, so the auditor reads the configuration of every trail of this account and Region.',
    });

    this.allowPromptPayloads = props.allowPromptPayloads ?? false;
    this.bucketKey = props.encryptionKey;
    const payloadGroups = logGroups(this, 'invocationLogGroups', props.invocationLogGroups);
    const payloadBuckets = buckets(this, 'invocationLogBuckets', props.invocationLogBuckets);
    this.readLogGroups([...logGroups(this, 'auditLogGroups', props.auditLogGroups), ...(this.allowPromptPayloads ? payloadGroups : [])]);
    this.readBuckets([...buckets(this, 'auditBuckets', props.auditBuckets), ...(this.allowPromptPayloads ? payloadBuckets : [])]);
    if (!this.allowPromptPayloads) {
      this.deny('DenyPromptPayloadLogs', LOG_READ_ACTIONS, payloadGroups.flatMap(logGroupArns));
      this.deny('DenyPromptPayloadObjects', OBJECT_READ_ACTIONS, payloadBuckets.map((b) => b.arnForObjects('*')));
    }
    this.deny('DenyModelInvocationAndRetrieval', DATA_PLANE_ACTIONS, ['*']);
  }

  /** Lets the auditor read and query more audit log groups. Log groups already allowed are skipped. */
  public addAuditLogGroup(...groups: logs.ILogGroup[]): void {
    this.readLogGroups(logGroups(this, 'addAuditLogGroup', groups));
  }

  /** Lets the auditor read more audit buckets (and decrypt them through S3). Buckets already allowed are skipped. */
  public addAuditBucket(...given: s3.IBucket[]): void {
    this.readBuckets(buckets(this, 'addAuditBucket', given));
  }

  /**
   * More log groups receiving invocation logs: readable with `allowPromptPayloads`, explicitly
   * denied otherwise, as with the `invocationLogGroups` prop.
   */
  public addInvocationLogGroup(...given: logs.ILogGroup[]): void {
    const groups = logGroups(this, 'addInvocationLogGroup', given);
    if (this.allowPromptPayloads) this.readLogGroups(groups);
    else this.deny('DenyPromptPayloadLogs', LOG_READ_ACTIONS, groups.flatMap(logGroupArns));
  }

  /**
   * More buckets receiving invocation logs: readable with `allowPromptPayloads`, their objects
   * explicitly denied otherwise, as with the `invocationLogBuckets` prop.
   */
  public addInvocationLogBucket(...given: s3.IBucket[]): void {
    const list = buckets(this, 'addInvocationLogBucket', given);
    if (this.allowPromptPayloads) this.readBuckets(list);
    else this.deny('DenyPromptPayloadObjects', OBJECT_READ_ACTIONS, list.map((b) => b.arnForObjects('*')));
  }

  /** Gives `grantee` the auditor permissions (and its explicit denies). */
  public grantAudit(grantee: iam.IGrantable): iam.Grant {
    return this.attachTo(grantee);
  }

  private readLogGroups(groups: readonly logs.ILogGroup[]): void {
    this.allow({ sid: 'ReadAuditLogGroups', actions: LOG_READ_ACTIONS, resources: groups.flatMap(logGroupArns), wildcardReason: STREAMS_REASON });
  }

  private readBuckets(buckets: readonly s3.IBucket[]): void {
    this.allow({ sid: 'ListAuditBuckets', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: buckets.map((b) => b.bucketArn) });
    this.allow({ sid: 'ReadAuditObjects', actions: OBJECT_READ_ACTIONS, resources: buckets.map((b) => b.arnForObjects('*')), wildcardReason: OBJECTS_REASON });
    // The `encryptionKey` prop stands for the keys of buckets that do not expose theirs: with the first bucket.
    this.allow(kmsViaService(this, 'DecryptAuditObjectsThroughS3', [...buckets.map((b) => b.encryptionKey), buckets.length > 0 ? this.bucketKey : undefined], ['kms:Decrypt'], 's3'));
  }
}
