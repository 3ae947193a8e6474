import { App, Duration, Stack } from 'aws-cdk-lib';
import { AlertTopic, PlatformKey } from '../../lib';
import { ALL_HEALTH_EVENT_CATEGORIES, BEDROCK_HEALTH_SERVICE, BedrockHealthEvents, HealthEventCategory } from '../../lib/observability';
import { matchesEventPattern, transformInput } from '../kit/eventbridge';
import { decide } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-west-2' };

const synth = synthesize((app) => {
  new BedrockHealthEvents(new Stack(app, 'Default', { env: ENV }), 'Health');

  // The platform's shared alert topic, the Regions in use, issues only, tuned retries.
  const shared = new Stack(app, 'Shared', { env: ENV });
  const alertTopic = new AlertTopic(shared, 'PlatformAlerts', { encryptionKey: PlatformKey.of(shared).key });
  new BedrockHealthEvents(shared, 'Health', {
    alertTopic,
    alertEmails: ['ml-oncall@example.com'],
    regions: ['us-west-2', 'eu-central-1'],
    eventTypeCategories: [HealthEventCategory.ISSUE],
    retryAttempts: 10,
    maxEventAge: Duration.hours(2),
  });
});

const resources = (stack: string, type: string): Array<[string, any]> => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const only = (stack: string, type: string): [string, any] => {
  const found = resources(stack, type);
  expect(found).toHaveLength(1);
  return found[0];
};
const id = (path: string) => synth.logicalId(path);

/** An AWS Health event as EventBridge delivers it (schema: aws-health-events-eventbridge-schema.html), about Bedrock in us-west-2. */
const HEALTH_EVENT = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'AWS Health Event',
  source: 'aws.health',
  account: ENV.account,
  time: '2026-06-13T01:27:10Z',
  region: 'us-west-2',
  resources: [],
  detail: {
    eventArn: 'arn:aws:health:us-west-2::event/BEDROCK/AWS_BEDROCK_OPERATIONAL_ISSUE/AWS_BEDROCK_OPERATIONAL_ISSUE_7F35C_8B63A',
    service: 'BEDROCK',
    eventTypeCode: 'AWS_BEDROCK_OPERATIONAL_ISSUE',
    eventTypeCategory: 'issue',
    eventScopeCode: 'PUBLIC',
    communicationId: '01b0993207d81a09dcd552ebd1e633e36cf1f09a-1',
    startTime: 'Sat, 13 Jun 2026 01:26:58 GMT',
    lastUpdatedTime: 'Sat, 13 Jun 2026 01:26:58 GMT',
    statusCode: 'open',
    eventRegion: 'us-west-2',
    eventDescription: [{ language: 'en_US', latestDescription: 'We are investigating increased "InvokeModel" error rates in the US-WEST-2 Region.' }],
    affectedEntities: [],
  },
};

describe('BedrockHealthEvents', () => {
  test('the rule matches AWS Health events for Bedrock, of every category and (by default) every Region delivered here', () => {
    const [, rule] = only('Default', 'AWS::Events::Rule');
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.health'],
      'detail-type': ['AWS Health Event'],
      detail: { service: ['BEDROCK'], eventTypeCategory: ['issue', 'scheduledChange', 'accountNotification'] },
    });
    expect(BEDROCK_HEALTH_SERVICE).toBe('BEDROCK');
    expect(ALL_HEALTH_EVENT_CATEGORIES).toEqual(['issue', 'scheduledChange', 'accountNotification']);
    expect(matchesEventPattern(rule.Properties.EventPattern, HEALTH_EVENT)).toBe(true);
    expect(matchesEventPattern(rule.Properties.EventPattern, { ...HEALTH_EVENT, detail: { ...HEALTH_EVENT.detail, service: 'EC2' } })).toBe(false);
    // A backup copy of another Region's public event reaches us-west-2's rule when no Region is listed.
    expect(matchesEventPattern(rule.Properties.EventPattern, { ...HEALTH_EVENT, detail: { ...HEALTH_EVENT.detail, eventRegion: 'ap-south-1' } })).toBe(true);
  });

  test('limited to the Regions in use (detail.eventRegion, not the delivery Region) and the chosen categories', () => {
    const [, rule] = only('Shared', 'AWS::Events::Rule');
    expect(rule.Properties.EventPattern.detail).toEqual({ service: ['BEDROCK'], eventTypeCategory: ['issue'], eventRegion: ['us-west-2', 'eu-central-1'] });
    expect(matchesEventPattern(rule.Properties.EventPattern, HEALTH_EVENT)).toBe(true);
    expect(matchesEventPattern(rule.Properties.EventPattern, { ...HEALTH_EVENT, detail: { ...HEALTH_EVENT.detail, eventRegion: 'ap-south-1' } })).toBe(false);
    expect(matchesEventPattern(rule.Properties.EventPattern, { ...HEALTH_EVENT, detail: { ...HEALTH_EVENT.detail, eventTypeCategory: 'scheduledChange' } })).toBe(false);
  });

  test('the alert topic receives a readable JSON message, with retries and a dead-letter queue', () => {
    const [, rule] = only('Default', 'AWS::Events::Rule');
    const [target] = rule.Properties.Targets;
    expect(rule.Properties.Targets).toHaveLength(1);
    expect(target.Arn).toEqual({ Ref: id('Default/Health/Alerts/Topic/Resource') });
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [id('Default/Health/Response/UndeliveredEvents/Resource'), 'Arn'] } });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });
    expect(transformInput(target.InputTransformer, HEALTH_EVENT)).toEqual({
      alert: 'AWS Health event for Amazon Bedrock',
      service: 'BEDROCK',
      eventTypeCode: 'AWS_BEDROCK_OPERATIONAL_ISSUE',
      category: 'issue',
      scope: 'PUBLIC',
      status: 'open',
      eventRegion: 'us-west-2',
      deliveredTo: 'us-west-2',
      account: ENV.account,
      startTime: 'Sat, 13 Jun 2026 01:26:58 GMT',
      description: 'We are investigating increased "InvokeModel" error rates in the US-WEST-2 Region.',
      affectedResources: [],
      eventArn: HEALTH_EVENT.detail.eventArn,
      communicationId: HEALTH_EVENT.detail.communicationId,
    });
    const [, shared] = only('Shared', 'AWS::Events::Rule');
    expect(shared.Properties.Targets[0].Arn).toEqual({ Ref: id('Shared/PlatformAlerts/Topic/Resource') });
    expect(shared.Properties.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 });
  });

  test('the dead-letter queue is KMS-encrypted with the platform key, TLS-only, terminal, and alarmed to the topic', () => {
    const [queueId, queue] = only('Default', 'AWS::SQS::Queue');
    const [keyId, key] = only('Default', 'AWS::KMS::Key');
    expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(queue.Properties.MessageRetentionPeriod).toBe(1209600);
    expect(queue.Properties.RedriveAllowPolicy).toEqual({ redrivePermission: 'denyAll' });
    const [, policy] = only('Default', 'AWS::SQS::QueuePolicy');
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    const [, alarm] = only('Default', 'AWS::CloudWatch::Alarm');
    expect(alarm.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: id('Default/Health/Alerts/Topic/Resource') }],
    });
    // The key admits EventBridge (it writes to the encrypted topic and queue itself).
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({ Sid: 'AllowEventBridgeToDeliverToEncryptedTopicsAndQueues', Principal: { Service: 'events.amazonaws.com' } }));
  });

  test('only this rule may publish to the topic and dead-letter to the queue', async () => {
    const ruleId = id('Default/Health/Response/Rule/Resource');
    const alarmId = id('Default/Health/Response/UndeliveredEventsAlarm/Resource');
    const topicArn = `arn:aws:sns:us-west-2:${ENV.account}:alerts`;
    const queueArn = `arn:aws:sqs:us-west-2:${ENV.account}:undelivered`;
    const env = {
      ...ENV,
      attributes: {
        [`${ruleId}.Arn`]: `arn:aws:events:us-west-2:${ENV.account}:rule/health`,
        [`${alarmId}.Arn`]: `arn:aws:cloudwatch:us-west-2:${ENV.account}:alarm:undelivered`,
        [`${id('Default/Health/Response/UndeliveredEvents/Resource')}.Arn`]: queueArn,
      },
      refs: { [id('Default/Health/Alerts/Topic/Resource')]: topicArn },
    };
    const topicPolicy = resolveIntrinsics(only('Default', 'AWS::SNS::TopicPolicy')[1].Properties.PolicyDocument, env);
    const queuePolicy = resolveIntrinsics(only('Default', 'AWS::SQS::QueuePolicy')[1].Properties.PolicyDocument, env);
    const ctx = (rule: string, account = ENV.account) => ({ 'aws:SourceArn': `arn:aws:events:us-west-2:${account}:rule/${rule}`, 'aws:SourceAccount': account, 'aws:SecureTransport': 'true' });
    const publish = (context: Record<string, string>) => decide({ principal: 'events.amazonaws.com', action: 'sns:Publish', resource: topicArn, context }, { resource: topicPolicy });
    const deadLetter = (context: Record<string, string>) => decide({ principal: 'events.amazonaws.com', action: 'sqs:SendMessage', resource: queueArn, context }, { resource: queuePolicy });
    expect(await publish(ctx('health'))).toBe('Allowed');
    expect(await publish(ctx('someone-elses-rule'))).toBe('ImplicitlyDenied');
    expect(await publish(ctx('health', '210987654321'))).toBe('ImplicitlyDenied');
    expect(await deadLetter(ctx('health'))).toBe('Allowed');
    expect(await deadLetter(ctx('someone-elses-rule'))).toBe('ImplicitlyDenied');
    expect(await deadLetter({ ...ctx('health'), 'aws:SecureTransport': 'false' })).toBe('ExplicitlyDenied');
  });

  test('a given alert topic is shared: one statement for its rules, e-mails subscribed to it', () => {
    const [, policy] = only('Shared', 'AWS::SNS::TopicPolicy');
    const sids = policy.Properties.PolicyDocument.Statement.map((s: any) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Sid: 'AllowTheseEventBridgeRulesToPublish', Condition: { StringEquals: { 'aws:SourceAccount': ENV.account }, ArnEquals: { 'aws:SourceArn': [{ 'Fn::GetAtt': [id('Shared/Health/Response/Rule/Resource'), 'Arn'] }] } } }),
    );
    expect(resources('Shared', 'AWS::SNS::Topic')).toHaveLength(1);
    expect(only('Shared', 'AWS::SNS::Subscription')[1].Properties).toMatchObject({ Protocol: 'email', Endpoint: 'ml-oncall@example.com', TopicArn: { Ref: id('Shared/PlatformAlerts/Topic/Resource') } });
  });

  test('nag and Control Tower clean; acknowledgements granular and explained', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
    const queuePath = 'Default/Health/Response/UndeliveredEvents/Resource';
    const ids = new Set(synth.compliance.acknowledgements.filter((a) => a.path.replace(/^\//, '') === queuePath).map((a) => a.id));
    expect(ids).toEqual(new Set(['AwsSolutions::AwsSolutions-SQS3', 'Serverless::Serverless-SQSRedrivePolicy', 'ControlTower::sqs_dlq_check']));
  });
});

describe('BedrockHealthEvents: validation', () => {
  const stack = () => new Stack(new App(), 'V', { env: ENV });
  test.each([
    [{ regions: ['useast1'] }, /invalid regions\[0\] "useast1"\. Must be a Region code/],
    [{ regions: [] }, /invalid regions \[\]\. List at least one Region/],
    [{ eventTypeCategories: ['investigation' as HealthEventCategory] }, /invalid eventTypeCategories\[0\] "investigation"\. Allowed values: issue, scheduledChange, accountNotification/],
    [{ eventTypeCategories: [] }, /invalid eventTypeCategories \[\]\. List at least one of/],
    [{ retryAttempts: 186 }, /invalid retryAttempts 186\. Must be a whole number from 0 to 185/],
    [{ retryAttempts: 1.5 }, /invalid retryAttempts 1\.5/],
    [{ maxEventAge: Duration.seconds(59) }, /invalid maxEventAge "59 seconds"\. Must be whole seconds from 60 seconds to 24 hours/],
    [{ maxEventAge: Duration.hours(25) }, /invalid maxEventAge "1 day 1 hour"/],
    [{ alertEmails: ['not-an-address'] }, /invalid alertEmails\[0\]/],
  ])('%j is refused', (props, message) => {
    expect(() => new BedrockHealthEvents(stack(), 'Health', props as any)).toThrow(message);
  });
});
