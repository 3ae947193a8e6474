import { App, Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AlertTopic, BedrockAuditTrail, ModelInvocationLogging, PlatformConfigRules, PlatformValidationError } from '../../lib';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const VPC_ID = 'vpc-0123456789abcdef0';
let platformRules: PlatformConfigRules;

// One synthesis: every rule of the platform in one stack; the bare defaults (trail and key rules,
// an existing alert topic) in another.
const synth = synthesize((app) => {
  const stack = new Stack(app, 'Platform', { env: ENV });
  const logging = new ModelInvocationLogging(stack, 'InvocationLogging');
  const trail = new BedrockAuditTrail(stack, 'Audit');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: VPC_ID, availabilityZones: ['us-east-1a'], isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa'], isolatedSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaaa'] });
  platformRules = new PlatformConfigRules(stack, 'ConfigRules', {
    invocationLogging: logging,
    trail,
    buckets: [trail.bucket!, logging.bucket!],
    vpc,
    endpointServices: ['bedrock-runtime', 'bedrock'],
    alertEmails: ['security@example.com'],
  });

  const bare = new Stack(app, 'Bare', { env: ENV });
  new PlatformConfigRules(bare, 'ConfigRules', { alertTopic: new AlertTopic(bare, 'Alerts') });
});
const t = synth.template('Platform');
const json = synth.json.Platform;
const entries = (stack: string, type: string) => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const idOf = (stack: string, type: string, prefix: string) => {
  const found = entries(stack, type).filter(([id]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${found.length}`);
  return found[0][0];
};
const rule = (stack: string, prefix: string) => synth.json[stack].Resources[idOf(stack, 'AWS::Config::ConfigRule', `ConfigRules${prefix}`)].Properties;
const managed = (identifier: string, extra: Record<string, unknown> = {}) => ({ Description: expect.any(String), Source: { Owner: 'AWS', SourceIdentifier: identifier }, ...extra });
const bucketRef = (prefix: string) => ({ Ref: idOf('Platform', 'AWS::S3::Bucket', prefix) });

describe('PlatformConfigRules: the rules', () => {
  test('CloudTrail: enabled and delivering to the platform bucket, validated, encrypted; periodic, daily', () => {
    expect(rule('Platform', 'TrailEnabled')).toEqual(
      managed('CLOUD_TRAIL_ENABLED', { InputParameters: { s3BucketName: bucketRef('AuditLogFilesBucket') }, MaximumExecutionFrequency: 'TwentyFour_Hours' }),
    );
    expect(rule('Platform', 'TrailLogFileValidation')).toEqual(managed('CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED', { MaximumExecutionFrequency: 'TwentyFour_Hours' }));
    expect(rule('Platform', 'TrailEncryption')).toEqual(managed('CLOUD_TRAIL_ENCRYPTION_ENABLED', { MaximumExecutionFrequency: 'TwentyFour_Hours' }));
  });

  test('each bucket: TLS-only and encrypted, scoped to that one bucket, evaluated on change', () => {
    for (const [i, bucket] of [bucketRef('AuditLogFilesBucket'), bucketRef('InvocationLoggingBucket')].entries()) {
      const scope = { ComplianceResourceTypes: ['AWS::S3::Bucket'], ComplianceResourceId: bucket };
      expect(rule('Platform', `BucketTlsOnly${i}`)).toEqual(managed('S3_BUCKET_SSL_REQUESTS_ONLY', { Scope: scope }));
      expect(rule('Platform', `BucketEncryption${i}`)).toEqual(managed('S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', { Scope: scope }));
    }
  });

  test('keys rotate; the VPC has its endpoints (vpc-endpoint-enabled with the VPC id)', () => {
    expect(rule('Platform', 'KeyRotation')).toEqual(managed('CMK_BACKING_KEY_ROTATION_ENABLED', { MaximumExecutionFrequency: 'TwentyFour_Hours' }));
    expect(rule('Platform', 'EndpointsPresent')).toEqual(
      managed('VPC_ENDPOINT_ENABLED', { InputParameters: { serviceNames: 'bedrock-runtime,bedrock', vpcIds: VPC_ID }, MaximumExecutionFrequency: 'TwentyFour_Hours' }),
    );
  });

  test('the invocation logging drift rule is one of them, with the logging\'s configuration', () => {
    const drift = rule('Platform', 'InvocationLoggingDriftRule');
    expect(drift.Source.Owner).toBe('CUSTOM_LAMBDA');
    expect(drift.InputParameters.s3KeyPrefix).toBe('invocation-logs');
    expect(platformRules.rules).toHaveLength(10);
    expect(platformRules.driftRule?.rule).toBe(platformRules.rules[9]);
  });

  test('defaults: the trail rules (any trail) and key rotation, nothing else', () => {
    const rules = entries('Bare', 'AWS::Config::ConfigRule').map(([, r]) => r.Properties.Source.SourceIdentifier).sort();
    expect(rules).toEqual(['CLOUD_TRAIL_ENABLED', 'CLOUD_TRAIL_ENCRYPTION_ENABLED', 'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED', 'CMK_BACKING_KEY_ROTATION_ENABLED']);
    expect(rule('Bare', 'TrailEnabled').InputParameters).toBeUndefined();
  });

  test('no configuration recorder or delivery channel: the account\'s existing recorder is used', () => {
    for (const stack of ['Platform', 'Bare']) {
      expect(entries(stack, 'AWS::Config::ConfigurationRecorder')).toEqual([]);
      expect(entries(stack, 'AWS::Config::DeliveryChannel')).toEqual([]);
    }
  });
});

describe('PlatformConfigRules: alerts', () => {
  const alertRuleId = () => idOf('Platform', 'AWS::Events::Rule', 'ConfigRulesNonCompliantAlert');

  test('only transitions to NON_COMPLIANT of these rules, from Config\'s compliance change events', () => {
    const pattern = json.Resources[alertRuleId()].Properties.EventPattern;
    const ruleRefs = ['TrailEnabled', 'TrailLogFileValidation', 'TrailEncryption', 'BucketTlsOnly0', 'BucketEncryption0', 'BucketTlsOnly1', 'BucketEncryption1', 'KeyRotation', 'EndpointsPresent', 'InvocationLoggingDriftRule'].map(
      (p) => ({ Ref: idOf('Platform', 'AWS::Config::ConfigRule', `ConfigRules${p}`) }),
    );
    expect(pattern).toEqual({
      source: ['aws.config'],
      'detail-type': ['Config Rules Compliance Change'],
      detail: { configRuleName: ruleRefs, newEvaluationResult: { complianceType: ['NON_COMPLIANT'] } },
    });
  });

  test('target: the encrypted alert topic, with a message that names rule, resource and annotation, and a dead-letter queue', () => {
    const [target] = json.Resources[alertRuleId()].Properties.Targets;
    const topic = idOf('Platform', 'AWS::SNS::Topic', 'ConfigRulesAlertsTopic');
    expect(target.Arn).toEqual({ Ref: topic });
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [idOf('Platform', 'AWS::SQS::Queue', 'ConfigRulesUndeliveredAlerts'), 'Arn'] } });
    expect(target.InputTransformer.InputPathsMap).toEqual({
      'detail-configRuleName': '$.detail.configRuleName',
      'detail-resourceType': '$.detail.resourceType',
      'detail-resourceId': '$.detail.resourceId',
      'detail-newEvaluationResult-annotation': '$.detail.newEvaluationResult.annotation',
      'detail-oldEvaluationResult-complianceType': '$.detail.oldEvaluationResult.complianceType',
      account: '$.account',
      region: '$.region',
      time: '$.time',
    });
    expect(json.Resources[topic].Properties.KmsMasterKeyId).toEqual(expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/Key/), 'Arn'] }));
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'security@example.com', TopicArn: { Ref: topic } });
  });

  test('the topic admits exactly this rule and the undelivered-alerts alarm; the queue admits exactly this rule', () => {
    const topic = idOf('Platform', 'AWS::SNS::Topic', 'ConfigRulesAlertsTopic');
    const [, topicPolicy] = entries('Platform', 'AWS::SNS::TopicPolicy').find(([, p]) => JSON.stringify(p.Properties.Topics) === JSON.stringify([{ Ref: topic }]))!;
    const byService = Object.fromEntries(topicPolicy.Properties.PolicyDocument.Statement.filter((s: any) => s.Principal?.Service).map((s: any) => [s.Principal.Service, s]));
    expect(byService['events.amazonaws.com'].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnEquals: { 'aws:SourceArn': [{ 'Fn::GetAtt': [alertRuleId(), 'Arn'] }] },
    });
    expect(byService['cloudwatch.amazonaws.com'].Condition.ArnEquals['aws:SourceArn']).toEqual([{ 'Fn::GetAtt': [idOf('Platform', 'AWS::CloudWatch::Alarm', 'ConfigRulesUndeliveredAlertsAlarm'), 'Arn'] }]);
    const [, queuePolicy] = entries('Platform', 'AWS::SQS::QueuePolicy').find(([, p]) => JSON.stringify(p.Properties.Queues).includes('ConfigRulesUndeliveredAlerts'))!;
    const sendStatements = queuePolicy.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow');
    expect(sendStatements).toEqual([
      {
        Sid: 'AllowTheComplianceRuleToDeadLetterAlerts',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [idOf('Platform', 'AWS::SQS::Queue', 'ConfigRulesUndeliveredAlerts'), 'Arn'] },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [alertRuleId(), 'Arn'] } } },
      },
    ]);
  });

  test('undelivered alerts raise an alarm on the topic', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: idOf('Platform', 'AWS::SNS::Topic', 'ConfigRulesAlertsTopic') }],
    });
  });
});

test('zero unacknowledged findings under every pack; every acknowledgement explained', () => {
  expectNoFindings(synth);
  expectAcknowledgementsJustified(synth);
});

describe('PlatformConfigRules validation', () => {
  const stack = () => new Stack(new App(), 'S', { env: ENV });
  test.each<[string, Record<string, unknown>, RegExp]>([
    ['every rule off', { trailRules: false, keyRotationRule: false }, /Every rule is turned off/],
    ['endpoint services without a VPC', { endpointServices: ['bedrock-runtime'] }, /endpointServices.*give vpc too/s],
    ['an endpoint service that is not a short name', { vpc: { vpcId: VPC_ID }, endpointServices: ['com.amazonaws.us-east-1.Bedrock Runtime'] }, /endpointServices\[0\]/],
    ['no endpoint service', { vpc: { vpcId: VPC_ID }, endpointServices: [] }, /at least one endpoint service/],
    ['an unknown frequency', { maximumExecutionFrequency: 'Hourly' }, /maximumExecutionFrequency.*Allowed values/s],
    ['something else as invocationLogging', { invocationLogging: { bucket: 'x' } }, /invocationLogging.*Must be a ModelInvocationLogging/s],
    ['a bucket that is not a bucket', { buckets: ['my-bucket'] }, /buckets\[0\]/],
    ['a bad e-mail address', { alertEmails: ['not-an-address'] }, /alertEmails/],
    ['trailRules that is not a boolean', { trailRules: 'yes' }, /trailRules/],
  ])('refuses %s', (_what, props, message) => {
    expect(() => new PlatformConfigRules(stack(), 'Rules', props as never)).toThrow(PlatformValidationError);
    expect(() => new PlatformConfigRules(stack(), 'Rules', props as never)).toThrow(message);
  });

  test('the frequency reaches every periodic rule, the drift rule included', () => {
    const s = stack();
    const rules = new PlatformConfigRules(s, 'Rules', {
      expectedInvocationLogging: { s3Config: { bucketName: 'b' }, textDataDeliveryEnabled: true, imageDataDeliveryEnabled: true, embeddingDataDeliveryEnabled: true, videoDataDeliveryEnabled: true, audioDataDeliveryEnabled: true },
      maximumExecutionFrequency: config.MaximumExecutionFrequency.TWELVE_HOURS,
    });
    const frequencies = rules.rules.map((r) => (r.node.defaultChild as config.CfnConfigRule).maximumExecutionFrequency);
    expect(frequencies).toEqual(['Twelve_Hours', 'Twelve_Hours', 'Twelve_Hours', 'Twelve_Hours', 'Twelve_Hours']);
  });
});
