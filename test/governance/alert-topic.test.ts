import { App, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { PlatformKey, PlatformValidationError } from '../../lib';
import { AlertTopic, BedrockAuditTrail, HighRiskActivity, HighRiskActivityAlerts, IAlertTopic, IMPORTED_ALERT_TOPIC_WARNING } from '../../lib/governance';
import { expectAcknowledgementsJustified } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const IMPORTED_ARN = 'arn:aws:sns:us-east-1:123456789012:security-alerts';
const IMPORTED_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
let shared: AlertTopic;
let imported: IAlertTopic;
let alerts: HighRiskActivityAlerts;

const synth = synthesize((app) => {
  // One platform topic shared by two alert constructs, with a publisher of its own.
  const own = new Stack(app, 'Own', { env: ENV });
  shared = new AlertTopic(own, 'Alerts', { alertEmails: ['soc@example.com'] });
  alerts = new HighRiskActivityAlerts(own, 'HighRisk', { alertTopic: shared, activities: [HighRiskActivity.KEY_DISABLEMENT, HighRiskActivity.AUDIT_TRAIL_TAMPERING] });
  new HighRiskActivityAlerts(own, 'MoreHighRisk', { alertTopic: shared, activities: [HighRiskActivity.GUARDRAIL_CHANGES], alertEmails: ['ml-platform@example.com'] });

  // The security team's topic of another stack: imported, its key known.
  const other = new Stack(app, 'Imported', { env: ENV });
  const securityKey = kms.Key.fromKeyArn(other, 'SecurityKey', IMPORTED_KEY);
  // The key's needs are the key-needs warning's business (tested with it): acknowledged here.
  Validations.of(securityKey).acknowledge({ id: 'Annotation::bedrock-secure-platform:keyPolicy', reason: 'The security team\'s key admits EventBridge and CloudWatch alarms (change SEC-42).' });
  imported = AlertTopic.fromAlertTopicAttributes(other, 'SecurityTopic', { topicArn: IMPORTED_ARN, encryptionKey: securityKey });
  new BedrockAuditTrail(other, 'Audit', { createTrail: false, alertTopic: imported, alertActivities: [HighRiskActivity.KEY_DISABLEMENT] });
});

const resources = (stack: string, type: string): Array<[string, any]> => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);
/** The JSON array of statements that follows `marker` in a warning. */
const statementsAfter = (text: string, marker = 'or alerts will not arrive:\n') => {
  const start = text.indexOf(marker) + marker.length;
  return JSON.parse(text.slice(start, text.indexOf('\n]', start) + 2));
};
/** The warnings of a stack, read from the assembly (no second synthesis). */
const warnings = (stack: string) =>
  new cxapi.CloudAssembly(synth.assemblyDir)
    .getStackArtifact(stack)
    .messages.filter((m) => m.level === 'warning')
    .map((m) => ({ path: m.id, text: String(m.entry.data) }));

describe('AlertTopic: a topic shared by several constructs', () => {
  test('one topic, one statement per publishing service listing every rule and alarm that may publish', () => {
    expect(resources('Own', 'AWS::SNS::Topic')).toHaveLength(1);
    const [[, policy]] = resources('Own', 'AWS::SNS::TopicPolicy');
    const bySid = Object.fromEntries((policy.Properties.PolicyDocument.Statement as any[]).map((s) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual(['AllowPublishThroughSSLOnly', 'AllowTheseCloudWatchAlarmsToPublish', 'AllowTheseEventBridgeRulesToPublish']);
    const arnsOf = (type: string) => resources('Own', type).map(([id]) => ({ 'Fn::GetAtt': [id, 'Arn'] }));
    expect(bySid.AllowTheseEventBridgeRulesToPublish.Condition.ArnEquals['aws:SourceArn']).toEqual(arnsOf('AWS::Events::Rule'));
    expect(bySid.AllowTheseCloudWatchAlarmsToPublish.Condition.ArnEquals['aws:SourceArn']).toEqual(arnsOf('AWS::CloudWatch::Alarm'));
    expect(arnsOf('AWS::Events::Rule')).toHaveLength(3);
  });

  test('e-mails are subscribed once each, beside the construct that asked for them', () => {
    const subscriptions = resources('Own', 'AWS::SNS::Subscription').map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r.Properties.Endpoint]);
    expect(subscriptions.sort()).toEqual([
      ['AlertsEmail0', 'soc@example.com'],
      ['MoreHighRiskAlertsEmail0', 'ml-platform@example.com'],
    ]);
  });

  test('grantPublish: sns:Publish on the topic and the key through SNS, in the returned grant too', () => {
    const s = new Stack(new App(), 'S', { env: ENV });
    const topic = new AlertTopic(s, 'Alerts');
    const grant = topic.grantPublish(new iam.Role(s, 'Publisher', { assumedBy: new iam.AccountRootPrincipal() }));
    expect(grant.success).toBe(true);
    expect(grant.principalStatements.map((st) => s.resolve(st.toStatementJson()))).toEqual([
      { Effect: 'Allow', Action: 'sns:Publish', Resource: s.resolve(topic.topicArn) },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: s.resolve(topic.encryptionKey!.keyArn), Condition: { StringEquals: { 'kms:ViaService': 'sns.us-east-1.amazonaws.com' } } },
    ]);
    // What the role's policy holds is exactly that: nothing unconditioned on the key.
    const policy = Template.fromStack(s).findResources('AWS::IAM::Policy');
    expect(Object.values(policy).map((p) => p.Properties.PolicyDocument.Statement)).toEqual([grant.principalStatements.map((st) => s.resolve(st.toStatementJson()))]);
  });

  test('metrics: AWS/SNS by TopicName, AWS/SQS by QueueName, AWS/Events by RuleName', () => {
    const s = Stack.of(shared);
    const describe = (m: cloudwatch.Metric) => ({ namespace: m.namespace, metricName: m.metricName, statistic: m.statistic, period: m.period.toMinutes(), dimensions: s.resolve(m.dimensions) });
    const topicName = s.resolve(shared.topicName);
    expect(describe(shared.metricNumberOfNotificationsFailed())).toEqual({ namespace: 'AWS/SNS', metricName: 'NumberOfNotificationsFailed', statistic: 'Sum', period: 5, dimensions: { TopicName: topicName } });
    expect(describe(shared.metricNumberOfMessagesPublished({ period: Duration.hours(1) }))).toEqual({ namespace: 'AWS/SNS', metricName: 'NumberOfMessagesPublished', statistic: 'Sum', period: 60, dimensions: { TopicName: topicName } });
    expect(describe(alerts.metricUndeliveredAlerts())).toEqual({
      namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', statistic: 'Maximum', period: 5, dimensions: { QueueName: s.resolve(alerts.deadLetterQueue.queueName) },
    });
    const rule = alerts.rules[HighRiskActivity.KEY_DISABLEMENT]!;
    expect(describe(alerts.metricFailedInvocations(HighRiskActivity.KEY_DISABLEMENT))).toEqual({ namespace: 'AWS/Events', metricName: 'FailedInvocations', statistic: 'Sum', period: 5, dimensions: { RuleName: s.resolve(rule.ruleName) } });
    expect(describe(alerts.metricInvocationsSentToDlq(HighRiskActivity.KEY_DISABLEMENT)).metricName).toBe('InvocationsSentToDlq');
    expect(() => alerts.metricFailedInvocations(HighRiskActivity.GUARDRAIL_CHANGES)).toThrow(/HighRisk: invalid activity "guardrails"\. This construct has rules only for: key-disablement, audit-trail/);
  });

  test('the undelivered-alerts alarm is built on metricUndeliveredAlerts', () => {
    const alarmsOfHighRisk = resources('Own', 'AWS::CloudWatch::Alarm').filter(([id]) => id.startsWith('HighRiskUndeliveredAlertsAlarm'));
    expect(alarmsOfHighRisk.map(([, a]) => a.Properties)).toEqual([
      expect.objectContaining({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Period: 300, Dimensions: [{ Name: 'QueueName', Value: expect.anything() }] }),
    ]);
  });
});

describe('AlertTopic: an imported topic', () => {
  test('nothing is created for it, and the rules and alarms point at it', () => {
    expect(resources('Imported', 'AWS::SNS::Topic')).toEqual([]);
    expect(resources('Imported', 'AWS::SNS::TopicPolicy')).toEqual([]);
    for (const [, rule] of resources('Imported', 'AWS::Events::Rule')) expect(rule.Properties.Targets[0].Arn).toBe(IMPORTED_ARN);
    for (const [, alarm] of resources('Imported', 'AWS::CloudWatch::Alarm')) expect(alarm.Properties.AlarmActions).toEqual([IMPORTED_ARN]);
  });

  test('one warning, with a stable id, renders exactly the statements the topic owner must add', () => {
    const found = warnings('Imported').filter((w) => w.text.includes(IMPORTED_ALERT_TOPIC_WARNING));
    expect(found.map((w) => w.path)).toEqual(['/Imported/SecurityTopic']);
    const text = found[0].text;
    expect(text).toMatch(/^Cannot edit the policy of imported topic "arn:aws:sns:us-east-1:123456789012:security-alerts": its owner must add these statements to the topic policy, or alerts will not arrive:\n/);
    const statements = statementsAfter(text);
    const condition = (arns: string[]) => ({ StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnEquals: { 'aws:SourceArn': arns } });
    expect(statements).toEqual([
      {
        Sid: 'AllowTheseEventBridgeRulesToPublish',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: IMPORTED_ARN,
        Condition: condition(['<ARN of Imported/Audit/HighRiskAlerts/KeyDisablement>']),
      },
      {
        Sid: 'AllowTheseCloudWatchAlarmsToPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: IMPORTED_ARN,
        Condition: condition(['<ARN of Imported/Audit/HighRiskAlerts/UndeliveredAlertsAlarm>']),
      },
    ]);
  });

  test('its known key gets the key-policy warning of any imported key (EventBridge and CloudWatch alarms), not this one', () => {
    const s = new Stack(new App(), 'S', { env: ENV });
    const topic = AlertTopic.fromAlertTopicAttributes(s, 'Topic', { topicArn: IMPORTED_ARN, encryptionKey: kms.Key.fromKeyArn(s, 'Key', IMPORTED_KEY) });
    new HighRiskActivityAlerts(s, 'Alerts', { alertTopic: topic, activities: [HighRiskActivity.KEY_DISABLEMENT] });
    const annotations = Annotations.fromStack(s);
    const keyText = annotations.findWarning('/S/Key', Match.stringLikeRegexp('bedrock-secure-platform:keyPolicy')).map((w) => String(w.entry.data)).join('\n');
    expect(keyText).toContain('AllowEventBridgeToDeliverToEncryptedTopicsAndQueues');
    expect(keyText).toContain('AllowCloudWatchAlarmsToPublishToEncryptedTopics');
    const [topicWarning] = annotations.findWarning('/S/Topic', Match.stringLikeRegexp('Cannot edit the policy of imported topic'));
    expect(String(topicWarning.entry.data)).not.toContain('key policy');
  });

  test('without a known key, the warning adds the key-policy statements SNS needs, only for the services admitted', () => {
    const s = new Stack(new App(), 'S', { env: ENV });
    const topic = AlertTopic.fromAlertTopicAttributes(s, 'Topic', { topicArn: IMPORTED_ARN });
    topic.allowEventBridgeRules([new events.Rule(s, 'Rule', { eventPattern: { source: ['aws.kms'] } })]);
    topic.allowEventBridgeRules([new events.Rule(s, 'Rule2', { eventPattern: { source: ['aws.bedrock'] } })]);
    const found = Annotations.fromStack(s).findWarning('/S/Topic', Match.stringLikeRegexp('Cannot edit the policy of imported topic'));
    expect(found).toHaveLength(1);
    const text = String(found[0].entry.data);
    expect(statementsAfter(text)[0].Condition.ArnEquals['aws:SourceArn']).toEqual(['<ARN of S/Rule>', '<ARN of S/Rule2>']);
    expect(statementsAfter(text, 'its key policy must also contain:\n')).toEqual([
      { Sid: 'AllowEventBridgeToDeliverToEncryptedTopicsAndQueues', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' },
    ]);
    // No key: grantPublish grants the topic only.
    const role = new iam.Role(s, 'Publisher', { assumedBy: new iam.AccountRootPrincipal() });
    expect(topic.grantPublish(role).principalStatements.map((st) => s.resolve(st.toStatementJson()))).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: IMPORTED_ARN }]);
  });

  test('a topic of this app needs no warning', () => {
    expect(warnings('Own').filter((w) => w.text.includes(IMPORTED_ALERT_TOPIC_WARNING))).toEqual([]);
  });
});

describe('AlertTopic: validation and compliance', () => {
  const stack = () => new Stack(new App(), 'S', { env: ENV });
  test.each([
    [(s: Stack) => new AlertTopic(s, 'Alerts', { alertEmails: ['soc.example.com'] }), /^S\/Alerts: invalid alertEmails\[0\] "soc\.example\.com"\. Must be an e-mail address such as security-team@example\.com\.$/],
    [(s: Stack) => new HighRiskActivityAlerts(s, 'Alerts', { alertEmails: ['a@b.c', 'x@y'] }), /^S\/Alerts: invalid alertEmails\[1\] "x@y"/],
    [(s: Stack) => AlertTopic.fromAlertTopicAttributes(s, 'Topic', { topicArn: 'security-alerts' }), /^S\/Topic: invalid topicArn "security-alerts"\. Must be an SNS topic ARN/],
  ])('rejected at synth time (%#)', (create, message) => {
    expect(() => create(stack())).toThrow(PlatformValidationError);
    expect(() => create(stack())).toThrow(message);
  });

  test('a token ARN is not validated; a token list of e-mails is refused (one subscription per address)', () => {
    const s = stack();
    expect(() => AlertTopic.fromAlertTopicAttributes(s, 'Topic', { topicArn: Token.asString({ Ref: 'TopicArn' }) })).not.toThrow();
    expect(() => new AlertTopic(s, 'Alerts', { alertEmails: Token.asList({ Ref: 'Emails' }) })).toThrow(/invalid alertEmails "\(list token\)"\. Name the entries in a literal list/);
  });

  test('a new topic uses the key given, or the stack default key', () => {
    const s = stack();
    const key = new PlatformKey(s, 'Key').key;
    expect(new AlertTopic(s, 'Given', { encryptionKey: key }).encryptionKey).toBe(key);
    expect(new AlertTopic(s, 'Default').encryptionKey).toBe(PlatformKey.of(s).key);
  });

  test('nag clean but for the imported topic\'s warning, which stays a finding until acknowledged', () => {
    expect(synth.compliance.findings.map((f) => `${f.rule} at ${f.path}`)).toEqual([`Annotation::${IMPORTED_ALERT_TOPIC_WARNING} at Imported/SecurityTopic`]);
    expect(synth.deployProblems).toEqual([]);
    expectAcknowledgementsJustified(synth);
    expect(warnings('Imported').find((w) => w.path === '/Imported/SecurityTopic')?.text).toContain(
      `acknowledge this warning next to the topic: Validations.of(topic).acknowledge({ id: 'Annotation::${IMPORTED_ALERT_TOPIC_WARNING}', reason })`,
    );
  });
});
