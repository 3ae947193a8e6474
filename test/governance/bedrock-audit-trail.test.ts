import { App, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as events from 'aws-cdk-lib/aws-events';
import { PlatformKey, PlatformValidationError } from '../../lib';
import {
  AlertTopic,
  ALL_BEDROCK_DATA_EVENTS,
  BedrockAuditTrail,
  BedrockDataEvents,
  DEFAULT_BEDROCK_DATA_EVENTS,
  HIGH_RISK_EVENTS,
  HighRiskActivity,
  HighRiskActivityAlerts,
} from '../../lib/governance';
import { decide, PolicyJson } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const OTHER = '999999999999';
let defaultTrail: BedrockAuditTrail;

/**
 * Every Bedrock `resources.type` of "Data events supported by AWS CloudTrail"
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html,
 * checked 2026-12-03), written out here so that dropping one from the library fails a test.
 */
const DOCUMENTED_BEDROCK_DATA_EVENT_TYPES = [
  'AWS::Bedrock::AdvancedOptimizePromptJob',
  'AWS::Bedrock::AgentAlias',
  'AWS::Bedrock::AsyncInvoke',
  'AWS::Bedrock::AutomatedReasoningPolicy',
  'AWS::Bedrock::AutomatedReasoningPolicyVersion',
  'AWS::Bedrock::Blueprint',
  'AWS::Bedrock::DataAutomationInvocation',
  'AWS::Bedrock::DataAutomationProfile',
  'AWS::Bedrock::DataAutomationProject',
  'AWS::Bedrock::FlowAlias',
  'AWS::Bedrock::FlowExecution',
  'AWS::Bedrock::Guardrail',
  'AWS::Bedrock::InlineAgent',
  'AWS::Bedrock::KnowledgeBase',
  'AWS::Bedrock::Model',
  'AWS::Bedrock::PromptVersion',
  'AWS::Bedrock::Session',
  'AWS::Bedrock::Tool',
  'AWS::BedrockAgentCore::ABTest',
  'AWS::BedrockAgentCore::APIKeyCredentialProvider',
  'AWS::BedrockAgentCore::BatchEvaluate',
  'AWS::BedrockAgentCore::Browser',
  'AWS::BedrockAgentCore::BrowserCustom',
  'AWS::BedrockAgentCore::BrowserProfile',
  'AWS::BedrockAgentCore::CapacityProvider',
  'AWS::BedrockAgentCore::CodeInterpreter',
  'AWS::BedrockAgentCore::CodeInterpreterCustom',
  'AWS::BedrockAgentCore::Evaluator',
  'AWS::BedrockAgentCore::Gateway',
  'AWS::BedrockAgentCore::Memory',
  'AWS::BedrockAgentCore::OAuth2CredentialProvider',
  'AWS::BedrockAgentCore::Payments',
  'AWS::BedrockAgentCore::Policy',
  'AWS::BedrockAgentCore::PolicyEngine',
  'AWS::BedrockAgentCore::Recommendation',
  'AWS::BedrockAgentCore::Registry',
  'AWS::BedrockAgentCore::Runtime',
  'AWS::BedrockAgentCore::RuntimeEndpoint',
  'AWS::BedrockAgentCore::TokenVault',
  'AWS::BedrockAgentCore::WorkloadIdentity',
  'AWS::BedrockAgentCore::WorkloadIdentityDirectory',
  'AWS::BedrockMantle::Project',
  'AWS::BedrockWebSearch::Tool',
];

/** `AWS::StackId` of a deployed stack instance, for resolving the default trail name. */
const stackIdOf = (name: string, uuid: string) => `arn:aws:cloudformation:us-east-1:${ENV.account}:stack/${name}/${uuid}`;
const FIRST_UUID = '1c2fa620-982a-11e3-aff7-50e2416294e0';
const SECOND_UUID = '7f3e9b10-5d2c-11f0-8a41-0a1b2c3d4e5f';

const synth = synthesize((app) => {
  defaultTrail = new BedrockAuditTrail(new Stack(app, 'Default', { env: ENV }), 'Audit');

  // A fixed name suits a trail that goes with its stack: kept, it would block the next deploy.
  new BedrockAuditTrail(new Stack(app, 'Tuned', { env: { ...ENV, region: 'eu-west-1' } }), 'Audit', {
    trailName: 'bedrock-platform-audit',
    removalPolicy: RemovalPolicy.DESTROY,
    multiRegion: false,
    managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
    bedrockDataEvents: [BedrockDataEvents.KNOWLEDGE_BASE, BedrockDataEvents.TOOL],
    logRetention: logs.RetentionDays.TWO_YEARS,
    archiveAfterDays: 30,
    expireAfterDays: 3653,
    objectLockDays: 2557,
    objectLockMode: 'COMPLIANCE',
    alertEmails: ['soc@example.com', 'platform-team@example.com'],
    alertActivities: [HighRiskActivity.AUDIT_TRAIL_TAMPERING, HighRiskActivity.KEY_DISABLEMENT],
  });

  // An account whose organization trail already records it: alerts only.
  new BedrockAuditTrail(new Stack(app, 'AlertsOnly', { env: { account: '210987654321', region: 'us-east-1' } }), 'Audit', { createTrail: false });

  // Two trails in one stack (say, a second one for a subset of data events sent elsewhere).
  const two = new Stack(app, 'TwoTrails', { env: ENV });
  const sharedKey = new PlatformKey(two, 'Key').key;
  new BedrockAuditTrail(two, 'First', { encryptionKey: sharedKey, highRiskAlerts: false });
  new BedrockAuditTrail(two, 'Second', { encryptionKey: sharedKey, highRiskAlerts: false, bedrockDataEvents: [] });
});

const t = synth.template('Default');
const resources = (stack: string, type: string) => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const only = (stack: string, type: string) => {
  const found = resources(stack, type);
  if (found.length !== 1) throw new Error(`expected one ${type} in ${stack}, found ${found.length}`);
  return found[0];
};
const logicalId = (stack: string, type: string, prefix: string) => {
  const found = resources(stack, type).filter(([id]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}* in ${stack}, found ${found.length}`);
  return found[0][0];
};

describe('BedrockAuditTrail: the trail', () => {
  test('multi-Region, validated, encrypted with the platform key, copied to CloudWatch Logs, and kept', () => {
    const [id, trail] = only('Default', 'AWS::CloudTrail::Trail');
    expect(trail.Properties).toMatchObject({
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      // No key given: the stack's default key (PlatformKey.of), not one of the trail's own.
      KMSKeyId: { 'Fn::GetAtt': [logicalId('Default', 'AWS::KMS::Key', 'BedrockPlatformDefaultKey'), 'Arn'] },
      S3BucketName: { Ref: logicalId('Default', 'AWS::S3::Bucket', 'AuditLogFilesBucket') },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [logicalId('Default', 'AWS::Logs::LogGroup', 'AuditEvents'), 'Arn'] },
      CloudWatchLogsRoleArn: { 'Fn::GetAtt': [logicalId('Default', 'AWS::IAM::Role', 'AuditLogDeliveryRole'), 'Arn'] },
    });
    expect(trail.Properties.EventSelectors).toBeUndefined(); // basic and advanced selectors exclude each other
    expect(trail.DeletionPolicy).toBe('Retain');
    // What the kept trail needs to go on writing is kept with it.
    for (const [type, prefix] of [['AWS::S3::BucketPolicy', 'AuditLogFilesBucketPolicy'], ['AWS::IAM::Role', 'AuditLogDeliveryRole'], ['AWS::IAM::ManagedPolicy', 'AuditLogDeliveryPolicy']]) {
      expect(synth.json.Default.Resources[logicalId('Default', type, prefix)].DeletionPolicy).toBe('Retain');
    }
    expect(trail.DependsOn).toEqual(expect.arrayContaining([logicalId('Default', 'AWS::S3::BucketPolicy', 'AuditLogFilesBucketPolicy'), logicalId('Default', 'AWS::IAM::Role', 'AuditLogDeliveryRole')]));
    expect(id).toMatch(/^AuditTrail/);
    // The ARN the construct exposes is the deployed trail's, known before the trail exists.
    const refs = { 'AWS::StackId': stackIdOf('Default', FIRST_UUID) };
    expect(resolveIntrinsics(Stack.of(defaultTrail).resolve(defaultTrail.trailArn), { ...ENV, refs })).toBe(`arn:aws:cloudtrail:us-east-1:${ENV.account}:trail/Audit-${FIRST_UUID}`);
  });

  test('management events and one data-event selector per Bedrock resource type', () => {
    const [, trail] = only('Default', 'AWS::CloudTrail::Trail');
    const selectors = trail.Properties.AdvancedEventSelectors as any[];
    expect(selectors[0]).toEqual({ Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] });
    expect(selectors.slice(1)).toEqual(
      DEFAULT_BEDROCK_DATA_EVENTS.map((type) => ({
        Name: `Data events: ${type}`,
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: [type] },
        ],
      })),
    );
  });

  test('by default, every Bedrock data-event type of CloudTrail\'s table is recorded, and nothing else', () => {
    const [, trail] = only('Default', 'AWS::CloudTrail::Trail');
    const recorded = (trail.Properties.AdvancedEventSelectors as any[]).flatMap((s) => s.FieldSelectors.filter((f: any) => f.Field === 'resources.type').flatMap((f: any) => f.Equals));
    expect([...recorded].sort()).toEqual([...DOCUMENTED_BEDROCK_DATA_EVENT_TYPES].sort());
    expect([...ALL_BEDROCK_DATA_EVENTS].sort()).toEqual([...DOCUMENTED_BEDROCK_DATA_EVENT_TYPES].sort());
    expect(DEFAULT_BEDROCK_DATA_EVENTS).toEqual(ALL_BEDROCK_DATA_EVENTS);
  });

  test('within CloudTrail\'s quota of 500 condition values across a trail\'s advanced selectors', () => {
    const [, trail] = only('Default', 'AWS::CloudTrail::Trail');
    const values = (trail.Properties.AdvancedEventSelectors as any[]).flatMap((s) => s.FieldSelectors).reduce((n: number, f: any) => n + (f.Equals?.length ?? 0), 0);
    expect(values).toBe(1 + 2 * DOCUMENTED_BEDROCK_DATA_EVENT_TYPES.length);
    expect(values).toBeLessThanOrEqual(500);
  });

  test('tuned: single Region, write-only management events, chosen data events, named trail', () => {
    const [, trail] = only('Tuned', 'AWS::CloudTrail::Trail');
    expect(trail.Properties.TrailName).toBe('bedrock-platform-audit');
    expect(trail.Properties.IsMultiRegionTrail).toBe(false);
    expect(trail.Properties.AdvancedEventSelectors).toEqual([
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] }] },
      { Name: 'Data events: AWS::Bedrock::KnowledgeBase', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::Bedrock::KnowledgeBase'] }] },
      { Name: 'Data events: AWS::Bedrock::Tool', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::Bedrock::Tool'] }] },
    ]);
  });

  test('the log-file bucket: versioned, KMS, access-logged, archived to Glacier, kept; optional Object Lock', () => {
    t.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'LogFiles/' }),
        BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }] })] },
      }),
      DeletionPolicy: 'Retain',
    });
    // Audit records are WORM by default: a year, GOVERNANCE mode.
    const [, defaultBucket] = resources('Default', 'AWS::S3::Bucket').find(([id]) => /^AuditLogFilesBucket[0-9A-F]{8}$/.test(id))!;
    expect(defaultBucket.Properties.ObjectLockEnabled).toBe(true);
    expect(defaultBucket.Properties.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Days: 365, Mode: 'GOVERNANCE' } } });
    const [, lockedBucket] = resources('Tuned', 'AWS::S3::Bucket').find(([id]) => /^AuditLogFilesBucket[0-9A-F]{8}$/.test(id))!;
    expect(lockedBucket.Properties.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Days: 2557, Mode: 'COMPLIANCE' } } });
    expect(lockedBucket.Properties.LifecycleConfiguration.Rules[0]).toMatchObject({ ExpirationInDays: 3653, Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 30 }] });
  });

  test('the events log group is encrypted, kept, with the retention asked for', () => {
    t.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365, KmsKeyId: Match.anyValue() }, DeletionPolicy: 'Retain' });
    synth.template('Tuned').hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 731 });
  });

  test('alerts only, where an organization trail records the account', () => {
    const alertsOnly = synth.template('AlertsOnly');
    alertsOnly.resourceCountIs('AWS::CloudTrail::Trail', 0);
    alertsOnly.resourceCountIs('AWS::S3::Bucket', 0);
    alertsOnly.resourceCountIs('AWS::Events::Rule', Object.keys(HIGH_RISK_EVENTS).length);
  });
});

describe('BedrockAuditTrail: the trail name', () => {
  const trailOf = (stack: string, prefix = 'AuditTrail') => synth.json[stack].Resources[logicalId(stack, 'AWS::CloudTrail::Trail', prefix)];
  /** The name the trail gets in a deployed instance of `stack` whose stack UUID is `uuid`. */
  const deployedName = (stack: string, uuid: string, prefix?: string) =>
    resolveIntrinsics(trailOf(stack, prefix).Properties.TrailName, { ...ENV, refs: { 'AWS::StackId': stackIdOf(stack, uuid) } }) as string;
  const TRAIL_NAME_RULES = /^(?=.{3,128}$)[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

  test('the default name is an intrinsic of the stack id, not a literal: a kept trail never blocks the next deploy', () => {
    const name = trailOf('Default').Properties.TrailName;
    expect(typeof name).not.toBe('string');
    expect(name).toEqual({ 'Fn::Join': ['', ['Audit-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] });
    // The stack deployed again after `cdk destroy` (which keeps the trail) is a new stack instance.
    expect(deployedName('Default', FIRST_UUID)).toBe(`Audit-${FIRST_UUID}`);
    expect(deployedName('Default', SECOND_UUID)).not.toBe(deployedName('Default', FIRST_UUID));
    for (const uuid of [FIRST_UUID, SECOND_UUID]) expect(deployedName('Default', uuid)).toMatch(TRAIL_NAME_RULES);
    expect(defaultTrail.trailArn).toMatch(/\$\{Token\[/);
  });

  test('the ARN in the bucket policy conditions is built from the same expression as the name', () => {
    const name = trailOf('Default').Properties.TrailName;
    const [, policy] = resources('Default', 'AWS::S3::BucketPolicy').find(([id]) => /^AuditLogFilesBucketPolicy/.test(id))!;
    const sourceArns = (policy.Properties.PolicyDocument.Statement as any[]).filter((st) => st.Principal?.Service === 'cloudtrail.amazonaws.com').map((st) => st.Condition.StringEquals['aws:SourceArn']);
    expect(sourceArns).toHaveLength(2);
    for (const arn of sourceArns) {
      expect(arn).toEqual({ 'Fn::Join': ['', [`arn:aws:cloudtrail:us-east-1:${ENV.account}:trail/Audit-`, name['Fn::Join'][1][1]]] });
      for (const uuid of [FIRST_UUID, SECOND_UUID]) {
        const refs = { 'AWS::StackId': stackIdOf('Default', uuid) };
        expect(resolveIntrinsics(arn, { ...ENV, refs })).toBe(`arn:aws:cloudtrail:us-east-1:${ENV.account}:trail/${deployedName('Default', uuid)}`);
      }
    }
    // The trail does not wait for itself: the policy names it by ARN, not by a reference to it.
    expect(JSON.stringify(policy)).not.toContain(logicalId('Default', 'AWS::CloudTrail::Trail', 'AuditTrail'));
  });

  test('two trails in one stack get different names', () => {
    const first = deployedName('TwoTrails', FIRST_UUID, 'FirstTrail');
    const second = deployedName('TwoTrails', FIRST_UUID, 'SecondTrail');
    expect(first).not.toBe(second);
    expect(first).toMatch(TRAIL_NAME_RULES);
    expect(second).toMatch(TRAIL_NAME_RULES);
  });

  test('a name the user gives is used verbatim, and validated', () => {
    expect(trailOf('Tuned').Properties.TrailName).toBe('bedrock-platform-audit');
    const [, policy] = resources('Tuned', 'AWS::S3::BucketPolicy').find(([id]) => /^AuditLogFilesBucketPolicy/.test(id))!;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain(':cloudtrail:eu-west-1:123456789012:trail/bedrock-platform-audit');
  });

  test('no kept (RETAIN) resource of the construct has a literal physical name, with or without a trail', () => {
    const nameProps = ['TrailName', 'BucketName', 'LogGroupName', 'TopicName', 'QueueName', 'RoleName', 'ManagedPolicyName', 'AlarmName', 'Name'];
    for (const stack of ['Default', 'AlertsOnly', 'TwoTrails']) {
      const literal = Object.entries(synth.json[stack].Resources as Record<string, any>)
        .filter(([, r]) => r.DeletionPolicy === 'Retain')
        .flatMap(([id, r]) => nameProps.filter((p) => typeof r.Properties?.[p] === 'string').map((p) => `${stack}/${id}.${p}`));
      expect(literal).toEqual([]);
    }
  });
});

describe('BedrockAuditTrail: who may write the record', () => {
  const refs = { 'AWS::StackId': stackIdOf('Default', FIRST_UUID) };
  const trailName = () => resolveIntrinsics(only('Default', 'AWS::CloudTrail::Trail')[1].Properties.TrailName, { ...ENV, refs }) as string;
  const trailArn = () => `arn:aws:cloudtrail:us-east-1:${ENV.account}:trail/${trailName()}`;
  const bucketPolicy = () => {
    const [, policy] = resources('Default', 'AWS::S3::BucketPolicy').find(([id]) => /^AuditLogFilesBucketPolicy/.test(id))!;
    return resolveIntrinsics(policy.Properties.PolicyDocument, { ...ENV, refs, attributes: { [`${logicalId('Default', 'AWS::S3::Bucket', 'AuditLogFilesBucket')}.Arn`]: 'arn:aws:s3:::audit-log-files' } }) as PolicyJson;
  };
  const tls = { 'aws:SecureTransport': 'true' };

  test.each([
    ['this trail writes its log files', 's3:PutObject', `arn:aws:s3:::audit-log-files/AWSLogs/${ENV.account}/CloudTrail/us-east-1/2026/11/01/f.json.gz`, () => ({ ...tls, 'aws:SourceArn': trailArn(), 's3:x-amz-acl': 'bucket-owner-full-control' }), 'Allowed'],
    ['this trail writes its digest files', 's3:PutObject', `arn:aws:s3:::audit-log-files/AWSLogs/${ENV.account}/CloudTrail-Digest/us-east-1/2026/11/01/d.json.gz`, () => ({ ...tls, 'aws:SourceArn': trailArn(), 's3:x-amz-acl': 'bucket-owner-full-control' }), 'Allowed'],
    ['this trail checks the bucket ACL', 's3:GetBucketAcl', 'arn:aws:s3:::audit-log-files', () => ({ ...tls, 'aws:SourceArn': trailArn() }), 'Allowed'],
    ['another trail of this account cannot write', 's3:PutObject', `arn:aws:s3:::audit-log-files/AWSLogs/${ENV.account}/CloudTrail/x`, () => ({ ...tls, 'aws:SourceArn': `arn:aws:cloudtrail:us-east-1:${ENV.account}:trail/other`, 's3:x-amz-acl': 'bucket-owner-full-control' }), 'ImplicitlyDenied'],
    ['a trail of another account cannot write', 's3:PutObject', `arn:aws:s3:::audit-log-files/AWSLogs/${OTHER}/CloudTrail/x`, () => ({ ...tls, 'aws:SourceArn': `arn:aws:cloudtrail:us-east-1:${OTHER}:trail/${trailName()}`, 's3:x-amz-acl': 'bucket-owner-full-control' }), 'ImplicitlyDenied'],
    ['CloudTrail cannot delete log files', 's3:DeleteObject', `arn:aws:s3:::audit-log-files/AWSLogs/${ENV.account}/CloudTrail/x`, () => ({ ...tls, 'aws:SourceArn': trailArn() }), 'ImplicitlyDenied'],
  ])('%s', async (_name, action, resource, context, expected) => {
    expect(await decide({ principal: 'cloudtrail.amazonaws.com', action, resource, context: context() }, { resource: bucketPolicy() })).toBe(expected);
  });

  test('the delivery role writes only CloudTrail\'s streams of its own log group', () => {
    const [, policy] = resources('Default', 'AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('AuditLogDeliveryPolicy'))!;
    const doc = resolveIntrinsics(policy.Properties.PolicyDocument, { ...ENV, refs: { [logicalId('Default', 'AWS::Logs::LogGroup', 'AuditEvents')]: 'audit-events' } });
    expect(doc.Statement).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:audit-events:log-stream:123456789012_CloudTrail_*' },
    ]);
    const [, role] = resources('Default', 'AWS::IAM::Role').find(([id]) => id.startsWith('AuditLogDeliveryRole'))!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' } }]);
    expect(role.Properties.Policies).toBeUndefined();
  });
});

describe('BedrockAuditTrail: high-risk alerts', () => {
  test('one rule per activity, on the CloudTrail API calls of the issue', () => {
    const patterns = resources('Default', 'AWS::Events::Rule').map(([, r]) => r.Properties.EventPattern);
    expect(patterns).toHaveLength(5);
    const byName = Object.fromEntries(patterns.flatMap((p) => p.detail.eventName.map((n: string) => [n, p])));
    for (const name of ['PutModelInvocationLoggingConfiguration', 'DeleteModelInvocationLoggingConfiguration', 'CreateProvisionedModelThroughput', 'DeleteProvisionedModelThroughput', 'UpdateGuardrail', 'DeleteGuardrail', 'PutEnforcedGuardrailConfiguration', 'DeleteEnforcedGuardrailConfiguration']) {
      expect(byName[name]).toEqual({ source: ['aws.bedrock'], 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventSource: ['bedrock.amazonaws.com'], eventName: expect.arrayContaining([name]) } });
    }
    for (const name of ['DisableKey', 'ScheduleKeyDeletion']) expect(byName[name].detail.eventSource).toEqual(['kms.amazonaws.com']);
    for (const name of ['StopLogging', 'DeleteTrail']) expect(byName[name]).toMatchObject({ source: ['aws.cloudtrail'], detail: { eventSource: ['cloudtrail.amazonaws.com'] } });
  });

  test('each rule sends a readable alert to the encrypted topic, and undeliverable alerts to a dead-letter queue', () => {
    const topic = { Ref: logicalId('Default', 'AWS::SNS::Topic', 'AuditHighRiskAlertsTopic') };
    const queueArn = { 'Fn::GetAtt': [logicalId('Default', 'AWS::SQS::Queue', 'AuditHighRiskAlertsUndeliveredAlerts'), 'Arn'] };
    for (const [, rule] of resources('Default', 'AWS::Events::Rule')) {
      const [target] = rule.Properties.Targets;
      expect(target).toMatchObject({ Arn: topic, DeadLetterConfig: { Arn: queueArn } });
      expect(target.InputTransformer.InputPathsMap).toMatchObject({ 'detail-eventName': '$.detail.eventName', 'detail-userIdentity-arn': '$.detail.userIdentity.arn' });
      expect(target.InputTransformer.InputTemplate).toMatch(/"alert":"[^"]+","activity":"[a-z-]+","eventName":<detail-eventName>/);
    }
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue(), MessageRetentionPeriod: 1209600 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', AlarmActions: [topic] });
  });

  test('only these rules may publish to the topic or dead-letter to the queue', async () => {
    const ruleIds = resources('Default', 'AWS::Events::Rule').map(([id]) => id);
    const attributes = Object.fromEntries(ruleIds.map((id) => [`${id}.Arn`, `arn:aws:events:us-east-1:${ENV.account}:rule/${id}`]));
    const topicArn = `arn:aws:sns:us-east-1:${ENV.account}:alerts`;
    const queueArn = `arn:aws:sqs:us-east-1:${ENV.account}:undelivered`;
    const queueId = logicalId('Default', 'AWS::SQS::Queue', 'AuditHighRiskAlertsUndeliveredAlerts');
    const env = { ...ENV, attributes: { ...attributes, [`${queueId}.Arn`]: queueArn }, refs: { [logicalId('Default', 'AWS::SNS::Topic', 'AuditHighRiskAlertsTopic')]: topicArn } };
    const topicPolicy = resolveIntrinsics(only('Default', 'AWS::SNS::TopicPolicy')[1].Properties.PolicyDocument, env);
    const queuePolicy = resolveIntrinsics(resources('Default', 'AWS::SQS::QueuePolicy')[0][1].Properties.PolicyDocument, env);
    const ctx = (rule: string, account = ENV.account) => ({ 'aws:SourceArn': `arn:aws:events:us-east-1:${account}:rule/${rule}`, 'aws:SourceAccount': account, 'aws:SecureTransport': 'true' });
    const publish = (context: Record<string, string>) => decide({ principal: 'events.amazonaws.com', action: 'sns:Publish', resource: topicArn, context }, { resource: topicPolicy });
    const deadLetter = (context: Record<string, string>) => decide({ principal: 'events.amazonaws.com', action: 'sqs:SendMessage', resource: queueArn, context }, { resource: queuePolicy });
    expect(await publish(ctx(ruleIds[0]))).toBe('Allowed');
    expect(await publish(ctx('someone-elses-rule'))).toBe('ImplicitlyDenied');
    expect(await publish(ctx(ruleIds[0], OTHER))).toBe('ImplicitlyDenied');
    expect(await deadLetter(ctx(ruleIds[1]))).toBe('Allowed');
    expect(await deadLetter(ctx('someone-elses-rule'))).toBe('ImplicitlyDenied');
  });

  test('changing or switching off invocation logging raises an alert by default, which says the audit may be off', () => {
    const matching = resources('Default', 'AWS::Events::Rule').map(([, r]) => r).filter((r) => r.Properties.EventPattern.detail.eventName.includes('DeleteModelInvocationLoggingConfiguration'));
    expect(matching).toHaveLength(1);
    const [rule] = matching;
    expect(rule.Properties.State ?? 'ENABLED').toBe('ENABLED');
    // As EventBridge receives Bedrock's CloudTrail events: source aws.bedrock, event source bedrock.amazonaws.com.
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.bedrock'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['bedrock.amazonaws.com'], eventName: ['PutModelInvocationLoggingConfiguration', 'DeleteModelInvocationLoggingConfiguration'] },
    });
    const template = rule.Properties.Targets[0].InputTransformer.InputTemplate as string;
    expect(template).toContain('"activity":"invocation-logging"');
    expect(template).toMatch(/"alert":"Bedrock model invocation logging was changed or deleted: the audit of prompts and responses may be off/);
    // On its own too: the default activities include it.
    const alone = new HighRiskActivityAlerts(new Stack(new App(), 'S', { env: ENV }), 'Alerts');
    expect(Object.keys(alone.rules)).toContain(HighRiskActivity.INVOCATION_LOGGING_CHANGES);
    expect(alone.rules[HighRiskActivity.INVOCATION_LOGGING_CHANGES]).toBeInstanceOf(events.Rule);
  });

  test('chosen activities and email subscriptions', () => {
    const tuned = synth.template('Tuned');
    const names = resources('Tuned', 'AWS::Events::Rule').flatMap(([, r]) => r.Properties.EventPattern.detail.eventName);
    expect(names.sort()).toEqual([...HIGH_RISK_EVENTS[HighRiskActivity.AUDIT_TRAIL_TAMPERING].eventNames, ...HIGH_RISK_EVENTS[HighRiskActivity.KEY_DISABLEMENT].eventNames].sort());
    tuned.resourceCountIs('AWS::SNS::Subscription', 2);
    tuned.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'soc@example.com' });
  });
});

describe('BedrockAuditTrail: compliance', () => {
  test('nag clean; acknowledgements granular and explained', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
    const idsAt = (path: string) => new Set(synth.compliance.acknowledgements.filter((a) => a.path === path).map((a) => a.id));
    // The construct's own; the key, SecureBucket and AccessLogsBucket acknowledge theirs, tested with them.
    expect(idsAt('Default/Audit/LogDeliveryPolicy/Resource')).toEqual(
      // CloudTrail's per-Region log streams
      new Set([expect.stringMatching(/^AwsSolutions::AwsSolutions-IAM5\[Resource::arn:aws:logs:us-east-1:123456789012:log-group:<AuditEvents[0-9A-F]{8}>:log-stream:123456789012_CloudTrail_\*\]$/)]),
    );
    // the terminal dead-letter queue of the alert rules
    expect(idsAt('Default/Audit/HighRiskAlerts/UndeliveredAlerts/Resource')).toEqual(new Set(['AwsSolutions::AwsSolutions-SQS3', 'Serverless::Serverless-SQSRedrivePolicy', 'ControlTower::sqs_dlq_check']));
    // Object Lock is on by default: nothing to acknowledge for it on the audit bucket.
    expect(idsAt('Default/Audit/LogFiles/Bucket/Resource')).not.toContain('ControlTower::s3_bucket_object_lock_enabled_check');
    expect(idsAt('Tuned/Audit/LogFiles/Bucket/Resource')).not.toContain('ControlTower::s3_bucket_object_lock_enabled_check');
    const elsewhere = synth.compliance.acknowledgements.filter((a) => a.path.startsWith('Default/') && !/^Default\/Audit\/(LogDeliveryPolicy|HighRiskAlerts\/UndeliveredAlerts|LogFiles)\/|^Default\/BedrockPlatformDefaultKey\//.test(a.path));
    expect(elsewhere).toEqual([]);
  });

  test('no policy document repeats a statement id (IAM, S3, SNS, SQS and KMS reject it)', () => {
    const repeated: string[] = [];
    const visit = (value: unknown, where: string): void => {
      if (Array.isArray(value)) return value.forEach((v, i) => visit(v, `${where}[${i}]`));
      if (!value || typeof value !== 'object') return;
      const record = value as Record<string, unknown>;
      if (Array.isArray(record.Statement)) {
        const sids = (record.Statement as any[]).map((st) => st.Sid).filter((sid) => typeof sid === 'string');
        repeated.push(...sids.filter((sid, i) => sids.indexOf(sid) !== i).map((sid) => `${where}: ${sid}`));
      }
      for (const [k, v] of Object.entries(record)) visit(v, `${where}.${k}`);
    };
    for (const [stack, template] of Object.entries(synth.json)) visit(template.Resources, stack);
    expect(repeated).toEqual([]);
  });

  test('the default key admits exactly what the trail, its log group and its alerts need', () => {
    const [[, key]] = resources('Default', 'AWS::KMS::Key');
    expect((key.Properties.KeyPolicy.Statement as any[]).map((st) => st.Sid ?? st.Principal)).toEqual([
      { AWS: 'arn:aws:iam::123456789012:root' },
      'DenyGrantsExceptForAwsResources',
      'AllowCloudWatchLogsForThisAccountsLogGroups',
      'AllowCloudTrailToEncryptThisAccountsTrails',
      'AllowCloudTrailToDescribeKey',
      'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
      'AllowEventBridgeToDeliverToEncryptedTopicsAndQueues',
    ]);
  });

  test('the parts that matter, normalized (trail, event selectors, bucket, topic and key policies, rules)', () => {
    const resourcesOf = (type: string) => Object.fromEntries(resources('Default', type));
    const statements = (type: string, prop = 'PolicyDocument') => Object.values(resourcesOf(type)).map((r: any) => r.Properties[prop].Statement);
    expect({
      trail: only('Default', 'AWS::CloudTrail::Trail')[1].Properties,
      bucketPolicies: statements('AWS::S3::BucketPolicy'),
      topicPolicies: statements('AWS::SNS::TopicPolicy'),
      queuePolicies: statements('AWS::SQS::QueuePolicy'),
      keyPolicy: statements('AWS::KMS::Key', 'KeyPolicy'),
      deliveryPolicy: statements('AWS::IAM::ManagedPolicy'),
      rules: Object.values(resourcesOf('AWS::Events::Rule')).map((r: any) => ({ pattern: r.Properties.EventPattern, target: { ...r.Properties.Targets[0], InputTransformer: undefined } })),
    }).toMatchSnapshot();
  });
});

describe('BedrockAuditTrail: validation and grants', () => {
  const stack = () => new Stack(new App(), 'S', { env: ENV });
  test.each([
    [{ trailName: 'ab' }, /invalid trailName "ab"\. Must be 3 to 128 letters and digits/],
    [{ trailName: 'audit--trail' }, /invalid trailName "audit--trail"/],
    [{ trailName: '10.0.0.1' }, /invalid trailName "10\.0\.0\.1"/],
    [{ managementEvents: cloudtrail.ReadWriteType.NONE }, /invalid managementEvents "None"\. Allowed values: All, WriteOnly, ReadOnly/],
    [{ bedrockDataEvents: ['AWS::Bedrock::Prompt' as BedrockDataEvents] }, /invalid bedrockDataEvents\[0\] "AWS::Bedrock::Prompt"\. Allowed values: AWS::Bedrock::AdvancedOptimizePromptJob, AWS::Bedrock::AgentAlias, .*AWS::BedrockWebSearch::Tool\.$/],
    [{ bedrockDataEvents: [BedrockDataEvents.GUARDRAIL, 'AWS::BedrockAgentCore::Agent' as BedrockDataEvents] }, /invalid bedrockDataEvents\[1\] "AWS::BedrockAgentCore::Agent"\. Allowed values: .*AWS::BedrockAgentCore::Runtime, /],
    [{ createTrail: false, highRiskAlerts: false }, /invalid highRiskAlerts false\. With createTrail false the construct only creates the alerts/],
    [{ alertEmails: ['soc@example'] }, /^S\/Audit: invalid alertEmails\[0\] "soc@example"\. Must be an e-mail address/],
    [{ alertEmails: ['ok@example.com', 'security team@example.com'] }, /^S\/Audit: invalid alertEmails\[1\] "security team@example.com"/],
    [{ alertActivities: [] }, /invalid activities \[\]\. List at least one of/],
    [{ alertActivities: ['iam' as HighRiskActivity] }, /invalid activities "iam"\. Allowed values: invocation-logging, provisioned-throughput, guardrails, key-disablement, audit-trail/],
    [{ archiveAfterDays: 0 }, /invalid archiveAfterDays 0\. Must be a whole number from 1 to 36500/],
  ])('%j is rejected at synth time', (props, message) => {
    expect(() => new BedrockAuditTrail(stack(), 'Audit', props)).toThrow(PlatformValidationError);
    expect(() => new BedrockAuditTrail(stack(), 'Audit', props)).toThrow(message);
  });

  test('tokens are not validated at synth time', () => {
    expect(() => new BedrockAuditTrail(stack(), 'Audit', { trailName: Token.asString({ Ref: 'TrailName' }), alertEmails: [Token.asString({ Ref: 'Email' })] })).not.toThrow();
  });

  test('grantReadLogFiles reads the bucket and decrypts with the trail key through S3; the returned grant includes the key', () => {
    const s = stack();
    const audit = new BedrockAuditTrail(s, 'Audit');
    const auditor = new iam.Role(s, 'Auditor', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = audit.grantReadLogFiles(auditor);
    expect(grant.success).toBe(true);
    const granted = grant.principalStatements.map((st) => s.resolve(st.toStatementJson()));
    const keyArn = s.resolve(audit.encryptionKey.keyArn);
    expect(granted).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'], Resource: [s.resolve(audit.bucket!.bucketArn), expect.anything()] },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn, Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } },
    ]);
    const doc = s.resolve((auditor.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy).policyDocument);
    expect(doc.Statement).toEqual(granted); // nothing else, no unconditioned key statement
    const alertsOnly = new BedrockAuditTrail(stack(), 'Alerts', { createTrail: false });
    expect(() => alertsOnly.grantReadLogFiles(auditor)).toThrow(/Alerts: invalid createTrail false\. There are no log files to read/);
  });

  test('upgrading a stack whose trail made its own key: the default key can keep that key\'s logical ids', () => {
    // Before the stack-wide default key, BedrockAuditTrail(stack, 'Audit') created Audit/Key. A RETAINed
    // key whose logical id changes is a new key, so an upgraded stack pins the old ids on the default key.
    const s = stack();
    const kept = PlatformKey.of(s);
    (kept.key.node.defaultChild as kms.CfnKey).overrideLogicalId('AuditKey44C41659');
    (kept.alias.node.defaultChild as kms.CfnAlias).overrideLogicalId('AuditKeyAlias8D6C7416');
    new BedrockAuditTrail(s, 'Audit');
    const template = Template.fromStack(s).toJSON();
    const keys = Object.entries(template.Resources as Record<string, any>).filter(([, r]) => /^AWS::KMS::(Key|Alias)$/.test(r.Type)).map(([id]) => id);
    expect(keys.sort()).toEqual(['AuditKey44C41659', 'AuditKeyAlias8D6C7416']);
    const [trail] = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::CloudTrail::Trail');
    expect(trail.Properties.KMSKeyId).toEqual({ 'Fn::GetAtt': ['AuditKey44C41659', 'Arn'] });
  });

  test('HighRiskActivityAlerts works on its own, also with an imported topic whose policy it cannot edit: the warning names the statements', () => {
    const s = stack();
    const topic = AlertTopic.fromAlertTopicAttributes(s, 'Shared', { topicArn: 'arn:aws:sns:us-east-1:123456789012:security-alerts' });
    const alerts = new HighRiskActivityAlerts(s, 'Alerts', { activities: [HighRiskActivity.INVOCATION_LOGGING_CHANGES], alertTopic: topic, alertEmails: ['soc@example.com'] });
    expect(Object.keys(alerts.rules)).toEqual([HighRiskActivity.INVOCATION_LOGGING_CHANGES]);
    expect(alerts.alertTopic).toBe(topic);
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
    // Subscribed at the ids an own topic would give them: switching topics keeps confirmed subscriptions' ids.
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: 'arn:aws:sns:us-east-1:123456789012:security-alerts', Protocol: 'email', Endpoint: 'soc@example.com' });
    expect(Object.keys(template.findResources('AWS::SNS::Subscription'))).toEqual([expect.stringMatching(/^AlertsEmail0/)]);
    const warnings = Annotations.fromStack(s).findWarning('/S/Shared', Match.stringLikeRegexp('Cannot edit the policy of imported topic'));
    expect(warnings).toHaveLength(1);
    const text = String(warnings[0].entry.data);
    const [rulesStatement, alarmsStatement] = JSON.parse(text.slice(text.indexOf('['), text.indexOf(']\nIf the topic') + 1));
    expect(rulesStatement).toEqual({
      Sid: 'AllowTheseEventBridgeRulesToPublish',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: 'arn:aws:sns:us-east-1:123456789012:security-alerts',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnEquals: { 'aws:SourceArn': ['<ARN of S/Alerts/InvocationLogging>'] } },
    });
    expect(alarmsStatement.Condition.ArnEquals['aws:SourceArn']).toEqual(['<ARN of S/Alerts/UndeliveredAlertsAlarm>']);
    expect(text).toMatch(/If the topic is encrypted with a customer managed KMS key, its key policy must also contain:[\s\S]*AllowEventBridgeToDeliverToEncryptedTopicsAndQueues[\s\S]*AllowCloudWatchAlarmsToPublishToEncryptedTopics/);
  });
});
