import { Stack } from 'aws-cdk-lib';
import { BedrockModel, DEFAULT_TEXT_MODELS, ModelInvocationLogging } from '../../lib';
import { BedrockMonitoring, DASHBOARD_LIMITS, QuotaUsageSource } from '../../lib/observability';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const GUARDRAIL_ARN = 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456';
const APP_PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6';
const PROVISIONED = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/xyz789';
const FULL_MODELS = [
  BedrockModel.foundationModel('amazon.nova-pro-v1:0'),
  BedrockModel.crossRegionProfile('us.anthropic.claude-sonnet-4-5-20250929-v1:0'),
  BedrockModel.applicationInferenceProfile(APP_PROFILE, BedrockModel.foundationModel('amazon.nova-lite-v1:0')),
  BedrockModel.provisionedModel(PROVISIONED),
];
let full: BedrockMonitoring;

const synth = synthesize((app) => {
  new BedrockMonitoring(new Stack(app, 'Default', { env: ENV }), 'Monitoring');

  const stack = new Stack(app, 'Full', { env: ENV });
  const logging = new ModelInvocationLogging(stack, 'InvocationLogging');
  full = new BedrockMonitoring(stack, 'Monitoring', {
    models: FULL_MODELS,
    quotas: { 'amazon.nova-pro-v1:0': 2_000_000, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0': 500_000 },
    guardrails: [{ guardrailArn: GUARDRAIL_ARN, guardrailVersion: '3' }],
    invocationLogging: logging,
    alertEmails: ['ml-oncall@example.com'],
    thresholds: { errorRatePercent: { warning: 2 }, latencyP99Millis: { warning: 10_000, critical: 20_000 }, minimumInvocations: 50 },
    prices: { 'amazon.nova-pro-v1:0': { inputPerMillionTokens: 1, outputPerMillionTokens: 4 } },
    dashboardName: 'bedrock-platform',
  });

  new BedrockMonitoring(new Stack(app, 'TokenCounts', { env: ENV }), 'Monitoring', {
    models: [BedrockModel.foundationModel('amazon.nova-micro-v1:0')],
    quotas: { 'amazon.nova-micro-v1:0': 1_000_000 },
    quotaUsageSource: QuotaUsageSource.TOKEN_COUNTS,
  });
});

const resources = (stack: string, type: string): Array<[string, any]> => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);
/** The alarms of the BedrockMonitoring construct (ModelInvocationLogging still makes its own). */
const alarmsOf = (stack: string) =>
  resources(stack, 'AWS::CloudWatch::Alarm')
    .map(([id, r]) => ({ id, ...r.Properties }))
    .filter((a) => /-Monitoring-Alarms-[0-9A-F]{8}-/.test(a.AlarmName));
const resolve = (value: unknown) => resolveIntrinsics(value, ENV);

/** What each signal's alarms must read, keyed by the alarm name's signal fragment. */
interface Expected {
  readonly namespace: string;
  /** Metric name -> statistic. */
  readonly metrics: Record<string, string>;
  readonly period: number;
  readonly warning: number;
  readonly critical: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
}
const RATE = { namespace: 'AWS/Bedrock', period: 300, evaluationPeriods: 3, datapointsToAlarm: 2 };
const DEFAULTS: Record<string, Expected> = {
  'error-rate': { ...RATE, metrics: { InvocationClientErrors: 'Sum', InvocationServerErrors: 'Sum', Invocations: 'Sum' }, warning: 5, critical: 10 },
  'throttle-rate': { ...RATE, metrics: { InvocationThrottles: 'Sum', Invocations: 'Sum' }, warning: 5, critical: 20 },
  'latency-p99': { ...RATE, metrics: { InvocationLatency: 'p99', Invocations: 'Sum' }, warning: 30_000, critical: 60_000 },
  'quota-usage': { namespace: 'AWS/Bedrock', metrics: { EstimatedTPMQuotaUsage: 'Sum' }, period: 60, warning: 80, critical: 95, evaluationPeriods: 5, datapointsToAlarm: 3 },
  'guardrail-intervention-rate': { ...RATE, namespace: 'AWS/Bedrock/Guardrails', metrics: { Invocations: 'Sum', InvocationsIntervened: 'Sum' }, warning: 20, critical: 50 },
};

/** Checks one alarm against its signal's expectations; returns the dimension values it watches. */
function checkAlarm(alarm: any, expected: Expected, topicRef: unknown): string[] {
  const severity = /-(warning|critical)-\d+$/.exec(alarm.AlarmName)![1] as 'warning' | 'critical';
  expect(alarm.Threshold).toBe(expected[severity]);
  expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
  expect(alarm.EvaluationPeriods).toBe(expected.evaluationPeriods);
  expect(alarm.DatapointsToAlarm).toBe(expected.datapointsToAlarm);
  expect(alarm.TreatMissingData).toBe('notBreaching');
  expect(alarm.AlarmActions).toEqual([topicRef]);
  expect(alarm.AlarmDescription).toMatch(new RegExp(`^\\[${severity}\\] Amazon Bedrock .* at or above ${expected[severity]}`));
  const stats = alarm.Metrics.filter((m: any) => m.MetricStat);
  const expressions = alarm.Metrics.filter((m: any) => m.Expression);
  expect(expressions).toHaveLength(1);
  expect(expressions[0].ReturnData).toBe(true);
  // CloudWatch: an alarm's math may use up to 10 metrics.
  expect(stats.length).toBeLessThanOrEqual(10);
  const watched = new Set<string>();
  for (const m of stats) {
    expect(m.ReturnData).toBe(false);
    expect(m.MetricStat.Metric.Namespace).toBe(expected.namespace);
    expect(expected.metrics[m.MetricStat.Metric.MetricName]).toBe(m.MetricStat.Stat);
    expect(m.MetricStat.Period).toBe(expected.period);
    // Every metric id is used by the expression.
    expect(expressions[0].Expression).toContain(m.Id);
    const dims = m.MetricStat.Metric.Dimensions.map((d: any) => d.Name).sort();
    expect(dims).toEqual(expected.namespace === 'AWS/Bedrock' ? ['ModelId'] : ['GuardrailArn', 'GuardrailVersion']);
    watched.add(m.MetricStat.Metric.Dimensions.map((d: any) => d.Value).join('|'));
  }
  return [...watched];
}

function signalOf(alarmName: string): string {
  return /^bedrock-(?:platform|audit)-.+?-((?:[a-z0-9]+-)*[a-z0-9]+)-(?:warning|critical)(?:-\d+)?$/.exec(alarmName)![1];
}

describe('BedrockMonitoring with defaults', () => {
  const alarms = alarmsOf('Default');
  const [[topicId]] = resources('Default', 'AWS::SNS::Topic');

  test('alarms on error rate, throttle rate and p99 latency of every default model, at both severities', () => {
    // 4 models: 2 error-rate groups (3 models each at most), 1 throttle group, 1 latency group; x2 severities.
    expect(alarms.map((a) => a.AlarmName.replace(/^bedrock-platform-Monitoring-Alarms-[0-9A-F]{8}-/, '')).sort()).toEqual(
      [
        'error-rate-critical-1', 'error-rate-critical-2', 'error-rate-warning-1', 'error-rate-warning-2',
        'latency-p99-critical-1', 'latency-p99-warning-1', 'throttle-rate-critical-1', 'throttle-rate-warning-1',
      ],
    );
    const modelIds = DEFAULT_TEXT_MODELS.map((m) => m.identifier).sort();
    const bySignal = new Map<string, Set<string>>();
    for (const alarm of alarms) {
      const signal = signalOf(alarm.AlarmName);
      const watched = checkAlarm(alarm, DEFAULTS[signal], { Ref: topicId });
      bySignal.set(signal, new Set([...(bySignal.get(signal) ?? []), ...watched]));
    }
    for (const signal of ['error-rate', 'throttle-rate', 'latency-p99']) expect([...bySignal.get(signal)!].sort()).toEqual(modelIds);
  });

  test('the error-rate math counts a model only above the invocation floor, worst model of the group', () => {
    const first = alarms.find((a) => a.AlarmName.endsWith('error-rate-critical-1'))!;
    expect(first.Metrics.find((m: any) => m.Expression).Expression).toBe(
      'MAX([' +
        ['0', '1', '2'].map((i) => `IF(FILL(n${i},0) >= 20, 100*(FILL(c${i},0)+FILL(s${i},0))/n${i}, 0)`).join(', ') +
        '])',
    );
  });

  test('the alert topic admits exactly these alarms, and is encrypted with the platform key', () => {
    const [[, policy]] = resources('Default', 'AWS::SNS::TopicPolicy');
    const statement = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'AllowTheseCloudWatchAlarmsToPublish');
    expect(statement.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(statement.Condition.StringEquals).toEqual({ 'aws:SourceAccount': '123456789012' });
    expect(statement.Condition.ArnEquals['aws:SourceArn'].map((a: any) => a['Fn::GetAtt'][0]).sort()).toEqual(alarms.map((a) => a.id).sort());
    const [[, topic]] = resources('Default', 'AWS::SNS::Topic');
    const [[keyId]] = resources('Default', 'AWS::KMS::Key');
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  test('two dashboards with valid JSON bodies within CloudWatch limits; no fixed names', () => {
    const dashboards = resources('Default', 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(2);
    for (const [, d] of dashboards) {
      expect(d.Properties.DashboardName).toBeUndefined();
      const body = JSON.parse(resolve(d.Properties.DashboardBody));
      expect(body.widgets.length).toBeLessThanOrEqual(DASHBOARD_LIMITS.widgetsPerDashboard);
      for (const w of body.widgets) expect((w.properties.metrics ?? []).length).toBeLessThanOrEqual(DASHBOARD_LIMITS.metricsPerWidget);
    }
  });
});

describe('BedrockMonitoring with every option', () => {
  const alarms = alarmsOf('Full');
  const topicId = resources('Full', 'AWS::SNS::Topic').find(([id]) => id.startsWith('MonitoringAlerts'))![0];
  const expectations: Record<string, Expected> = {
    ...DEFAULTS,
    'error-rate': { ...DEFAULTS['error-rate'], warning: 2 },
    'latency-p99': { ...DEFAULTS['latency-p99'], warning: 10_000, critical: 20_000 },
  };

  test('each model kind is watched under the ModelId Bedrock reports for it', () => {
    expect(full.models.map((m) => full.metricsFor(m).modelId)).toEqual(['amazon.nova-pro-v1:0', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'a1b2c3d4e5f6', PROVISIONED]);
    const watched = new Set(alarms.filter((a) => signalOf(a.AlarmName) === 'error-rate').flatMap((a) => checkAlarm(a, expectations['error-rate'], { Ref: topicId })));
    expect([...watched].sort()).toEqual(['a1b2c3d4e5f6', 'amazon.nova-pro-v1:0', PROVISIONED, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'].sort());
  });

  test('every model alarm reads the right metric, statistic and period, with the overridden thresholds and the floor', () => {
    const platform = alarms.filter((a) => a.AlarmName.startsWith('bedrock-platform-'));
    expect(platform).toHaveLength(2 * (2 + 1 + 1 + 1 + 1)); // error (2 groups), throttle, latency, quota, guardrail
    for (const alarm of platform) checkAlarm(alarm, expectations[signalOf(alarm.AlarmName)], { Ref: topicId });
    const latency = platform.find((a) => a.AlarmName.endsWith('latency-p99-warning-1'))!;
    expect(latency.Metrics.find((m: any) => m.Expression).Expression).toContain('IF(FILL(n0,0) >= 50, FILL(p0,0), 0)');
  });

  test('quota alarms only for models with a declared quota, as % of that quota', () => {
    const quota = alarms.filter((a) => signalOf(a.AlarmName) === 'quota-usage');
    expect(quota.map((a) => a.AlarmName.replace(/.*-(warning|critical)-1$/, '$1')).sort()).toEqual(['critical', 'warning']);
    for (const alarm of quota) {
      expect(checkAlarm(alarm, expectations['quota-usage'], { Ref: topicId }).sort()).toEqual(['amazon.nova-pro-v1:0', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0']);
      expect(alarm.Metrics.find((m: any) => m.Expression).Expression).toBe('MAX([100*q0/2000000, 100*q1/500000])');
    }
  });

  test('guardrail intervention-rate alarms read the guardrail ARN and version', () => {
    const guardrail = alarms.filter((a) => signalOf(a.AlarmName) === 'guardrail-intervention-rate');
    expect(guardrail).toHaveLength(2);
    for (const alarm of guardrail) expect(checkAlarm(alarm, expectations['guardrail-intervention-rate'], { Ref: topicId })).toEqual([`${GUARDRAIL_ARN}|3`]);
  });

  test('log-delivery alarms per destination carry the audit prefix and go to the same topic', () => {
    const delivery = alarms.filter((a) => a.AlarmName.startsWith('bedrock-audit-Full-Monitoring-Alarms-'));
    expect(delivery.map((a) => a.AlarmName.replace(/^bedrock-audit-Full-Monitoring-Alarms-[0-9A-F]{8}-/, '')).sort()).toEqual(
      ['large-data-s3-delivery-critical', 'large-data-s3-delivery-warning', 'logs-cloud-watch-delivery-critical', 'logs-cloud-watch-delivery-warning', 'logs-s3-delivery-critical', 'logs-s3-delivery-warning'],
    );
    for (const alarm of delivery) {
      expect(alarm.Namespace).toBe('AWS/Bedrock');
      expect(alarm.MetricName).toMatch(/^ModelInvocation(Logs)?(CloudWatch|S3|LargeDataS3)DeliveryFailure$/);
      expect(alarm.Dimensions).toBeUndefined();
      expect(alarm.Statistic).toBe('Sum');
      expect(alarm.Period).toBe(300);
      expect(alarm.EvaluationPeriods).toBe(1);
      expect(alarm.Threshold).toBe(alarm.AlarmName.endsWith('critical') ? 10 : 1);
      expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });

  test('the e-mail address is subscribed to the monitoring topic', () => {
    const subscriptions = resources('Full', 'AWS::SNS::Subscription').filter(([id]) => id.startsWith('MonitoringAlerts'));
    expect(subscriptions.map(([, s]) => [s.Properties.Protocol, s.Properties.Endpoint, s.Properties.TopicArn])).toEqual([['email', 'ml-oncall@example.com', { Ref: topicId }]]);
  });

  test('named dashboards: the overview charts cost, quota %, guardrails and every alarm; the model dashboard switches models', () => {
    const dashboards = Object.fromEntries(resources('Full', 'AWS::CloudWatch::Dashboard').map(([, d]) => [d.Properties.DashboardName, JSON.parse(resolve(d.Properties.DashboardBody))]));
    expect(Object.keys(dashboards).sort()).toEqual(['bedrock-platform', 'bedrock-platform-model']);
    const overview = dashboards['bedrock-platform'];
    const titles = overview.widgets.map((w: any) => w.properties.title);
    expect(titles).toEqual(expect.arrayContaining(['Invocations by model', 'Guardrails: evaluations and intervention rate %', '% of tokens-per-minute quota (models with a declared quota)', 'Alarms']));
    const search = overview.widgets.find((w: any) => w.properties.title === 'Invocations by model').properties.metrics;
    expect(search).toEqual([[{ expression: `SEARCH('{AWS/Bedrock,ModelId} MetricName="Invocations"', 'Sum', 300)` }]]);
    const cost = overview.widgets.find((w: any) => /^Estimated cost/.test(w.properties.title)).properties.metrics;
    // The overridden Nova Pro price; Claude Sonnet 4.5 from the table (profile priced by its model); the app profile by its source.
    expect(cost.filter((m: any[]) => m[0]?.expression).map((m: any[]) => m[0].expression)).toEqual([
      '(FILL(i0,0)*1 + FILL(o0,0)*4)/1000000',
      '(FILL(i1,0)*3 + FILL(o1,0)*15)/1000000',
      '(FILL(i2,0)*0.06 + FILL(o2,0)*0.24)/1000000',
    ]);
    const alarmWidget = overview.widgets.find((w: any) => w.type === 'alarm');
    expect(alarmWidget.properties.alarms).toHaveLength(alarms.length);

    const detail = dashboards['bedrock-platform-model'];
    expect(detail.variables).toEqual([
      expect.objectContaining({
        type: 'property',
        property: 'ModelId',
        inputType: 'select',
        id: 'model',
        values: full.models.map((m) => expect.objectContaining({ value: full.metricsFor(m).modelId })),
      }),
    ]);
    expect(detail.widgets.map((w: any) => w.properties.title)).toEqual([
      'Invocations and requests/s', 'Latency (ms)', 'Errors, throttles and error rate %', 'Tokens', 'Tokens counted against the TPM quota, per minute',
    ]);
  });
});

test('quota usage from token counts when EstimatedTPMQuotaUsage is not published', () => {
  const quota = alarmsOf('TokenCounts').filter((a) => signalOf(a.AlarmName) === 'quota-usage');
  expect(quota).toHaveLength(2);
  for (const alarm of quota) {
    expect(alarm.Metrics.find((m: any) => m.Expression).Expression).toBe('100*(FILL(i0,0)+FILL(o0,0))/1000000');
    expect(alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.MetricStat.Metric.MetricName, m.MetricStat.Stat, m.MetricStat.Period])).toEqual([
      ['InputTokenCount', 'Sum', 60],
      ['OutputTokenCount', 'Sum', 60],
    ]);
  }
});

test('compliance: nag packs, Control Tower rules and pre-deploy checks find nothing', () => {
  expectNoFindings(synth);
  expectAcknowledgementsJustified(synth);
});
