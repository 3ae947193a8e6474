import { App, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AlertTopic, IMPORTED_ALERT_TOPIC_WARNING } from '../../lib/governance';
import { BedrockBudget, BedrockBudgetProps, BillingAlarm, BillingAlarmScope, BillingServiceName } from '../../lib/observability';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const EMAILS = ['finops@example.com', 'ml-lead@example.com'];
const CLAUDE = 'Claude 3 Haiku (Amazon Bedrock Edition)';

// One synthesis: the platform stack with a budget (default filter, two applications), a second
// budget on the same topic (names the Marketplace products), and both billing alarms.
const synth = synthesize((app) => {
  const stack = new Stack(app, 'Costs', { env: ENV });
  const topic = new AlertTopic(stack, 'Alerts');
  new BedrockBudget(stack, 'Budget', {
    amount: 5000,
    alertTopic: topic,
    notificationEmails: [...EMAILS, 'finops@example.com'],
    applications: [
      { name: 'chatbot', amount: 1500 },
      { name: 'summarizer', amount: 800, tagKey: 'team', tagValue: 'docs' },
    ],
  });
  new BedrockBudget(stack, 'Named', {
    amount: 1200.5,
    alertTopic: topic,
    marketplaceProducts: [CLAUDE],
    thresholds: { actualPercent: [90], forecastedPercent: [110, 150] },
    budgetName: 'bedrock-monthly',
  });
  new BillingAlarm(stack, 'Billing', { alertTopic: topic, thresholdUsd: 6000 });
  new BillingAlarm(stack, 'AccountBilling', { alertTopic: topic, thresholdUsd: 20000, scope: BillingAlarmScope.ACCOUNT });
});

const template = () => synth.json.Costs;
const resources = (type: string): Array<[string, any]> => Object.entries(template().Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const budgetAt = (path: string) => template().Resources[synth.logicalId(`Costs/${path}`)].Properties;
const topicRef = () => ({ Ref: synth.logicalId('Costs/Alerts/Topic/Resource') });

describe('BedrockBudget', () => {
  test('a monthly COST budget on Amazon Bedrock OR AWS Marketplace (third-party models), summing unblended cost', () => {
    const { Budget } = budgetAt('Budget/Budget');
    expect(Budget).toEqual({
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: 5000, Unit: 'USD' },
      FilterExpression: {
        Or: [{ Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock'] } }, { Dimensions: { Key: 'BILLING_ENTITY', Values: ['AWS Marketplace'] } }],
      },
      Metrics: ['UnblendedCost'],
    });
    // No fixed name unless given: CloudFormation generates one.
    expect(Budget.BudgetName).toBeUndefined();
  });

  test('notifies at actual 50 / 80 / 100 % and forecasted 100 %, each to the topic and every address once', () => {
    const notifications = budgetAt('Budget/Budget').NotificationsWithSubscribers as any[];
    expect(notifications.map((n) => n.Notification)).toEqual([
      { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 50, ThresholdType: 'PERCENTAGE' },
      { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' },
      { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' },
      { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' },
    ]);
    for (const n of notifications) {
      expect(n.Subscribers).toEqual([
        { SubscriptionType: 'SNS', Address: topicRef() },
        { SubscriptionType: 'EMAIL', Address: 'finops@example.com' },
        { SubscriptionType: 'EMAIL', Address: 'ml-lead@example.com' },
      ]);
    }
  });

  test('named Marketplace products narrow the filter to exact services; thresholds and name are the given ones', () => {
    const { Budget, NotificationsWithSubscribers } = budgetAt('Named/Budget');
    expect(Budget.FilterExpression).toEqual({ Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock', CLAUDE] } });
    expect(Budget.BudgetLimit).toEqual({ Amount: 1200.5, Unit: 'USD' });
    expect(Budget.BudgetName).toBe('bedrock-monthly');
    expect((NotificationsWithSubscribers as any[]).map((n) => [n.Notification.NotificationType, n.Notification.Threshold])).toEqual([
      ['ACTUAL', 90],
      ['FORECASTED', 110],
      ['FORECASTED', 150],
    ]);
    expect((NotificationsWithSubscribers as any[])[0].Subscribers).toEqual([{ SubscriptionType: 'SNS', Address: topicRef() }]);
  });

  test('one budget per application, filtered by its user-defined cost-allocation tag, with the same notifications', () => {
    const chatbot = budgetAt('Budget/Applicationchatbot');
    expect(chatbot.Budget).toEqual({
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: 1500, Unit: 'USD' },
      CostFilters: { TagKeyValue: ['user:bedrock-application$chatbot'] },
    });
    expect(chatbot.NotificationsWithSubscribers).toEqual(budgetAt('Budget/Budget').NotificationsWithSubscribers);
    expect(budgetAt('Budget/Applicationsummarizer').Budget.CostFilters).toEqual({ TagKeyValue: ['user:team$docs'] });
    expect(resources('AWS::Budgets::Budget')).toHaveLength(4);
  });

  test('the topic admits Budgets once, pinned to this account as AWS documents, however many budgets use it', () => {
    const [[, policy]] = resources('AWS::SNS::TopicPolicy');
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    const budgets = statements.filter((s) => s.Principal?.Service === 'budgets.amazonaws.com');
    expect(budgets).toEqual([
      {
        Sid: 'AllowBudgetsOfThisAccountToPublish',
        Effect: 'Allow',
        Principal: { Service: 'budgets.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicRef(),
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': ['arn:aws:budgets::123456789012:*'] } },
      },
    ]);
    const sids = statements.map((s) => s.Sid).filter(Boolean);
    expect(new Set(sids).size).toBe(sids.length);
  });

  test("the topic's key admits Budgets with the statement AWS documents", () => {
    const [[, key]] = resources('AWS::KMS::Key');
    const statement = (key.Properties.KeyPolicy.Statement as any[]).find((s) => s.Sid === 'AllowBudgetsToPublishToEncryptedTopics');
    expect(statement).toEqual({
      Sid: 'AllowBudgetsToPublishToEncryptedTopics',
      Effect: 'Allow',
      Principal: { Service: 'budgets.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
    });
  });

  test('passes every compliance pack', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });
});

describe('BillingAlarm', () => {
  const alarmAt = (path: string) => template().Resources[synth.logicalId(`Costs/${path}/Alarm/Resource`)].Properties;

  test('by default: Bedrock + Marketplace estimated charges (USD, Maximum over 6 hours) above the threshold, to the topic', () => {
    const alarm = alarmAt('Billing');
    expect(alarm).toMatchObject({
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 6000,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
    expect(alarm.AlarmName).toMatch(/^bedrock-platform-.*-estimated-charges$/);
    const metrics = alarm.Metrics as any[];
    expect(metrics.find((m) => m.Expression)).toMatchObject({ Expression: 'FILL(bedrock, 0) + FILL(marketplace, 0)', ReturnData: true });
    for (const [id, service] of [['bedrock', 'AmazonBedrock'], ['marketplace', 'AWSMarketplace']]) {
      expect(metrics.find((m) => m.Id === id)).toEqual({
        Id: id,
        ReturnData: false,
        MetricStat: {
          Metric: { Namespace: 'AWS/Billing', MetricName: 'EstimatedCharges', Dimensions: [{ Name: 'Currency', Value: 'USD' }, { Name: 'ServiceName', Value: service }] },
          Period: 21600,
          Stat: 'Maximum',
        },
      });
    }
  });

  test('account scope: the total estimated charges', () => {
    expect(alarmAt('AccountBilling')).toMatchObject({
      Namespace: 'AWS/Billing',
      MetricName: 'EstimatedCharges',
      Dimensions: [{ Name: 'Currency', Value: 'USD' }],
      Statistic: 'Maximum',
      Period: 21600,
      Threshold: 20000,
      AlarmActions: [topicRef()],
    });
  });

  test('the topic admits exactly the two alarms', () => {
    const [[, policy]] = resources('AWS::SNS::TopicPolicy');
    const alarms = (policy.Properties.PolicyDocument.Statement as any[]).find((s) => s.Sid === 'AllowTheseCloudWatchAlarmsToPublish');
    expect(alarms.Condition.ArnEquals['aws:SourceArn']).toHaveLength(2);
  });

  test('metricEstimatedCharges: namespace, dimensions, statistic, period, us-east-1', () => {
    const metric = BillingAlarm.metricEstimatedCharges(BillingServiceName.BEDROCK);
    expect(metric.namespace).toBe('AWS/Billing');
    expect(metric.metricName).toBe('EstimatedCharges');
    expect(metric.dimensions).toEqual({ Currency: 'USD', ServiceName: 'AmazonBedrock' });
    expect(metric.statistic).toBe('Maximum');
    expect(metric.period.toHours()).toBe(6);
    expect(metric.region).toBe('us-east-1');
  });
});

describe('validation (no synthesis)', () => {
  // Partition literals as in cdk.json: a Region-bound stack renders `arn:aws:...`.
  const stackFor = (env: { account?: string; region?: string } = ENV) => new Stack(new App({ context: { '@aws-cdk/core:enablePartitionLiterals': true } }), 'S', { env });
  const budget = (overrides: Partial<BedrockBudgetProps>, s = stackFor()) => () => new BedrockBudget(s, 'B', { amount: 100, alertTopic: new AlertTopic(s, 'T'), ...overrides });

  test.each<[string, Partial<BedrockBudgetProps>, RegExp]>([
    ['zero amount', { amount: 0 }, /^S\/B: invalid amount 0\. Must be a positive, finite amount/],
    ['negative amount', { amount: -5 }, /^S\/B: invalid amount -5\. Must be a positive/],
    ['NaN amount', { amount: NaN }, /^S\/B: invalid amount "NaN"\. Must be a positive, finite/],
    ['infinite amount', { amount: Infinity }, /^S\/B: invalid amount "Infinity"\. Must be a positive, finite/],
    ['string amount', { amount: '100' as unknown as number }, /^S\/B: invalid amount "100"\./],
    ['another currency', { currency: 'EUR' }, /^S\/B: invalid currency "EUR"\. Allowed values: USD/],
    ['threshold 0', { thresholds: { actualPercent: [0] } }, /^S\/B: invalid thresholds\.actualPercent\[0\] 0\. Must be a percentage of the budgeted amount above 0 and at most 1000\./],
    ['threshold over 1000', { thresholds: { forecastedPercent: [1500] } }, /^S\/B: invalid thresholds\.forecastedPercent\[0\] 1500\./],
    ['NaN threshold', { thresholds: { actualPercent: [NaN] } }, /^S\/B: invalid thresholds\.actualPercent\[0\] "NaN"\./],
    ['duplicate threshold', { thresholds: { actualPercent: [80, 80] } }, /^S\/B: invalid thresholds\.actualPercent\[1\] 80\. It repeats thresholds\.actualPercent\[0\]/],
    ['too many notifications', { thresholds: { actualPercent: [20, 40, 60, 80], forecastedPercent: [90, 100] } }, /^S\/B: invalid thresholds .*at most 5 notifications .*6 were given/],
    ['no notification', { thresholds: { actualPercent: [], forecastedPercent: [] } }, /^S\/B: invalid thresholds .*at least one threshold/],
    ['bad e-mail', { notificationEmails: ['finops'] }, /^S\/B: invalid notificationEmails\[0\] "finops"\. Must be an e-mail address/],
    ['11 e-mails', { notificationEmails: Array.from({ length: 11 }, (_, i) => `p${i}@example.com`) }, /^S\/B: invalid notificationEmails "11 addresses"\. .*at most 10 e-mail subscribers/],
    ['Amazon Bedrock among products', { marketplaceProducts: ['Amazon Bedrock'] }, /^S\/B: invalid marketplaceProducts\[0\] "Amazon Bedrock"\. .*always counted/],
    ['budget name with a colon', { budgetName: 'team:bedrock' }, /^S\/B: invalid budgetName "team:bedrock"\./],
    ['application with a bad name', { applications: [{ name: 'chat bot', amount: 10 }] }, /^S\/B: invalid applications\[0\]\.name "chat bot"\./],
    ['application named twice', { applications: [{ name: 'chat', amount: 10 }, { name: 'chat', amount: 20 }] }, /^S\/B: invalid applications\[1\]\.name "chat"\. Another application/],
    ['application amount NaN', { applications: [{ name: 'chat', amount: NaN }] }, /^S\/B: invalid applications\[0\]\.amount "NaN"\./],
    ['aws: tag key', { applications: [{ name: 'chat', amount: 10, tagKey: 'aws:createdBy' }] }, /^S\/B: invalid applications\[0\]\.tagKey "aws:createdBy"\./],
    ['$ in a tag value', { applications: [{ name: 'chat', amount: 10, tagValue: 'a$b' }] }, /^S\/B: invalid applications\[0\]\.tagValue "a\$b"\./],
  ])('%s', (_name, overrides, message) => {
    expect(budget(overrides)).toThrow(message);
  });

  test('a topic of another account is refused: Budgets does not publish across accounts', () => {
    const s = stackFor();
    const other = AlertTopic.fromAlertTopicAttributes(s, 'Other', { topicArn: 'arn:aws:sns:us-east-1:210987654321:alerts' });
    expect(budget({ alertTopic: other }, s)).toThrow(/^S\/B: invalid alertTopic "arn:aws:sns:us-east-1:210987654321:alerts"\. AWS Budgets notifies only SNS topics of its own account/);
  });

  test('tokens are skipped', () => {
    const s = stackFor();
    expect(budget({ amount: Token.asNumber({ Ref: 'Amount' }), budgetName: Token.asString({ Ref: 'Name' }) }, s)).not.toThrow();
  });

  test('an imported topic gets the statement its owner must add, named in a warning', () => {
    const s = stackFor();
    const topic = AlertTopic.fromAlertTopicAttributes(s, 'Imported', { topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts' });
    new BedrockBudget(s, 'B', { amount: 100, alertTopic: topic });
    const [warning] = Annotations.fromStack(s).findWarning('/S/Imported', Match.stringLikeRegexp('Cannot edit the policy of imported topic'));
    const text = String(warning.entry.data);
    expect(text).toContain(IMPORTED_ALERT_TOPIC_WARNING);
    const start = text.indexOf('[\n');
    expect(JSON.parse(text.slice(start, text.indexOf('\n]', start) + 2))).toEqual([
      {
        Sid: 'AllowBudgetsOfThisAccountToPublish',
        Effect: 'Allow',
        Principal: { Service: 'budgets.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: 'arn:aws:sns:us-east-1:123456789012:alerts',
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': 'arn:aws:budgets::123456789012:*' } },
      },
    ]);
  });

  test('billing alarm: threshold and scope are checked', () => {
    const s = stackFor();
    const alertTopic = new AlertTopic(s, 'T');
    expect(() => new BillingAlarm(s, 'A', { alertTopic, thresholdUsd: -1 })).toThrow(/^S\/A: invalid thresholdUsd -1\. Must be a positive, finite amount of US dollars/);
    expect(() => new BillingAlarm(s, 'N', { alertTopic, thresholdUsd: NaN })).toThrow(/^S\/N: invalid thresholdUsd "NaN"\./);
    expect(() => new BillingAlarm(s, 'C', { alertTopic, thresholdUsd: 10, scope: 'ec2' as BillingAlarmScope })).toThrow(/^S\/C: invalid scope "ec2"\. Allowed values: bedrock-and-marketplace, bedrock, account\./);
  });

  test('billing alarm outside us-east-1 is refused, naming the Region', () => {
    const s = stackFor({ account: '123456789012', region: 'eu-west-1' });
    expect(() => new BillingAlarm(s, 'A', { alertTopic: new AlertTopic(s, 'T'), thresholdUsd: 10 })).toThrow(/^S\/A: invalid region "eu-west-1"\. AWS\/Billing metrics exist only in us-east-1/);
  });

  test('billing alarm with a topic of another Region is refused', () => {
    const s = stackFor();
    const topic = AlertTopic.fromAlertTopicAttributes(s, 'T', { topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts' });
    expect(() => new BillingAlarm(s, 'A', { alertTopic: topic, thresholdUsd: 10 })).toThrow(/^S\/A: invalid alertTopic "arn:aws:sns:eu-west-1:123456789012:alerts"\. .*own Region/);
  });

  test('billing alarm in an environment-agnostic stack: a warning, not an error', () => {
    const s = stackFor({});
    new BillingAlarm(s, 'A', { alertTopic: new AlertTopic(s, 'T'), thresholdUsd: 10 });
    Annotations.fromStack(s).hasWarning('/S/A', Match.stringLikeRegexp('AWS/Billing metrics exist only in us-east-1'));
  });
});
