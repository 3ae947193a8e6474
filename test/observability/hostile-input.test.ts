import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { BedrockModel, PlatformValidationError } from '../../lib';
import { AlertTopic } from '../../lib/governance';
import { BedrockAlarms, BedrockDashboard, BedrockMonitoring } from '../../lib/observability';

/*
 * Every bad prop of the monitoring layer fails at synth with a PlatformValidationError naming the
 * construct path, the prop and the value, before aws-cdk-lib or CloudFormation would.
 */
const ENV = { account: '123456789012', region: 'us-east-1' };
const NOVA = 'amazon.nova-pro-v1:0';
const stack = () => new Stack(new App(), 'S', { env: ENV });
const monitoring = (props: any) => () => new BedrockMonitoring(stack(), 'M', props);

const cases: Array<[string, () => unknown, RegExp]> = [
  ['models not an array (JS)', monitoring({ models: NOVA }), /S\/M: invalid models "amazon.nova-pro-v1:0". Must be an array of BedrockModel/],
  ['models empty', monitoring({ models: [] }), /invalid models \[\]\. Name at least one model/],
  ['a string where a BedrockModel is expected (JS)', monitoring({ models: [NOVA] }), /invalid models\[0\] "amazon.nova-pro-v1:0". Must be a BedrockModel/],
  ['null inside models (JS)', monitoring({ models: [BedrockModel.parse(NOVA), null] }), /invalid models\[1\] null\. Must be a BedrockModel/],
  ['an unparseable model', monitoring({ models: [BedrockModel.parse('not a model')] }), /invalid models\[0\] "not a model"/],
  ['a custom model (invoked through its provisioned model)', monitoring({ models: [BedrockModel.customModel('arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.nova-lite-v1:0:300k/abc123')] }), /invalid models\[0\] .*a custom model is invoked through/],
  ['a Mantle model (metrics elsewhere)', monitoring({ models: [BedrockModel.mantleModel('openai.gpt-oss-120b')] }), /invalid models\[0\] "openai.gpt-oss-120b".*bedrock-mantle/],
  ['a pattern', monitoring({ models: [BedrockModel.parse('anthropic.claude-*')] }), /invalid models\[0\] "anthropic.claude-\*". Must name exactly one model/],
  ['the same model twice', monitoring({ models: [BedrockModel.parse(NOVA), BedrockModel.parse(NOVA)] }), /invalid models\[1\] "amazon.nova-pro-v1:0". Duplicate of models\[0\]/],
  ['a model in another Region', monitoring({ models: [BedrockModel.foundationModel(NOVA, { region: 'eu-west-1' })] }), /invalid models\[0\]\.region "eu-west-1". Must be the stack's Region \(us-east-1\)/],
  ['101 models', monitoring({ models: Array.from({ length: 101 }, (_, i) => BedrockModel.parse(`amazon.m${i}-v1:0`)) }), /invalid models "101 models". At most 100 models/],
  ['quotas not an object', monitoring({ quotas: 5 }), /invalid quotas 5\. Must be an object of tokens-per-minute quotas/],
  ['a quota for a model not monitored', monitoring({ quotas: { 'amazon.titan-text-express-v1': 1000 } }), /invalid quotas\['amazon.titan-text-express-v1'\] "amazon.titan-text-express-v1". Must be the identifier of a monitored model/],
  ['a zero quota', monitoring({ quotas: { [NOVA]: 0 } }), /invalid quotas\['amazon.nova-pro-v1:0'\] 0\. Must be a positive whole number/],
  ['a negative quota', monitoring({ quotas: { [NOVA]: -5 } }), /invalid quotas\['amazon.nova-pro-v1:0'\] -5\./],
  ['a fractional quota', monitoring({ quotas: { [NOVA]: 1.5 } }), /invalid quotas\['amazon.nova-pro-v1:0'\] 1\.5\./],
  ['a quota as a string (JS)', monitoring({ quotas: { [NOVA]: '1000' } }), /invalid quotas\['amazon.nova-pro-v1:0'\] "1000"\./],
  ['thresholds not an object', monitoring({ thresholds: 'high' }), /invalid thresholds "high". Must be an object/],
  ['an unknown threshold', monitoring({ thresholds: { errorRate: { warning: 1 } } }), /invalid thresholds\.errorRate .*Unknown threshold. Known: errorRatePercent/],
  ['a rate above 100%', monitoring({ thresholds: { errorRatePercent: { critical: 150 } } }), /invalid thresholds\.errorRatePercent\.critical 150\. Must be a percentage above 0 and at most 100/],
  ['a zero threshold', monitoring({ thresholds: { quotaUsagePercent: { warning: 0 } } }), /invalid thresholds\.quotaUsagePercent\.warning 0\./],
  ['a threshold as a string (JS)', monitoring({ thresholds: { latencyP99Millis: { warning: '100' } } }), /invalid thresholds\.latencyP99Millis\.warning "100"\. Must be milliseconds/],
  ['NaN threshold', monitoring({ thresholds: { throttleRatePercent: { warning: NaN } } }), /invalid thresholds\.throttleRatePercent\.warning/],
  ['warning above critical', monitoring({ thresholds: { quotaUsagePercent: { warning: 97 } } }), /invalid thresholds\.quotaUsagePercent \{"warning":97,"critical":95\}\. The warning threshold must not be above the critical one/],
  ['fractional delivery failures', monitoring({ thresholds: { logDeliveryFailures: { warning: 0.5 } } }), /invalid thresholds\.logDeliveryFailures\.warning 0\.5\. Must be a whole number of failures/],
  ['a negative invocation floor', monitoring({ thresholds: { minimumInvocations: -1 } }), /invalid thresholds\.minimumInvocations -1\./],
  ['a severity as a number (JS)', monitoring({ thresholds: { errorRatePercent: 5 } }), /invalid thresholds\.errorRatePercent 5\. Must be an object \{ warning\?: number, critical\?: number \}/],
  ['guardrails not an array', monitoring({ guardrails: 'gr' }), /invalid guardrails "gr"\./],
  ['a guardrail ARN with its version', monitoring({ guardrails: [{ guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123:1', guardrailVersion: '1' }] }), /invalid guardrails\[0\]\.guardrailArn "arn:aws:bedrock:us-east-1:123456789012:guardrail\/abc123:1"/],
  ['a guardrail version 0', monitoring({ guardrails: [{ guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123', guardrailVersion: '0' }] }), /invalid guardrails\[0\]\.guardrailVersion "0"/],
  ['null guardrail (JS)', monitoring({ guardrails: [null] }), /invalid guardrails\[0\] null\./],
  ['the same guardrail version twice', monitoring({ guardrails: [1, 2].map(() => ({ guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123', guardrailVersion: '1' })) }), /invalid guardrails\[1\] .*Duplicate guardrail version/],
  ['a negative price', monitoring({ prices: { [NOVA]: { inputPerMillionTokens: -1 } } }), /invalid prices\['amazon.nova-pro-v1:0'\]\.inputPerMillionTokens -1\./],
  ['a price as a string (JS)', monitoring({ prices: { [NOVA]: { inputPerMillionTokens: 1, outputPerMillionTokens: 'x' } } }), /invalid prices\['amazon.nova-pro-v1:0'\]\.outputPerMillionTokens "x"\./],
  ['a dashboard name with spaces', monitoring({ dashboardName: 'my dashboard' }), /invalid dashboardName "my dashboard". Must be a dashboard name of 1 to 240 letters/],
  ['an invalid e-mail', monitoring({ alertEmails: ['not-an-email'] }), /invalid alertEmails\[0\] "not-an-email"/],
  ['alertEmails as a string (JS)', monitoring({ alertEmails: 'ops@example.com' }), /invalid alertEmails "ops@example.com". Must be an array/],
  ['invocationLogging that is not the construct (JS)', monitoring({ invocationLogging: {} }), /invalid invocationLogging "\[object Object\]". Must be the ModelInvocationLogging construct/],
  ['an unknown quota source (JS)', monitoring({ quotaUsageSource: 'Tokens' }), /invalid quotaUsageSource "Tokens". Allowed values: EstimatedTPMQuotaUsage, TokenCounts/],
  ['BedrockAlarms without an alert topic (JS)', () => new BedrockAlarms(stack(), 'A', {} as any), /S\/A: invalid alertTopic \(not set\)\. Must be an IAlertTopic/],
  ['BedrockDashboard with alarms not an array (JS)', () => new BedrockDashboard(stack(), 'D', { alarms: 'x' } as any), /S\/D: invalid alarms "x"/],
];

describe('hostile props fail at synth with a PlatformValidationError naming prop and value', () => {
  test.each(cases)('%s', (_name, build, message) => {
    let error: unknown;
    try {
      build();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlatformValidationError);
    expect((error as Error).message).toMatch(message);
  });
});

test('tokens skip the range checks: a quota and a threshold from CfnParameters', () => {
  const s = stack();
  const quota = new CfnParameter(s, 'Quota', { type: 'Number' }).valueAsNumber;
  const critical = new CfnParameter(s, 'Critical', { type: 'Number' }).valueAsNumber;
  const m = new BedrockMonitoring(s, 'M', { quotas: { [NOVA]: quota }, thresholds: { quotaUsagePercent: { critical } } });
  const alarm = m.alarms.bySeverity.critical.find((a) => a.node.id === 'QuotaUsageCritical1')!;
  expect(s.resolve((alarm.node.defaultChild as any).threshold)).toEqual({ Ref: 'Critical' });
  const expression = s.resolve((alarm.node.defaultChild as any).metrics).find((q: any) => q.expression).expression;
  expect(expression).toEqual({ 'Fn::Join': ['', ['100*q2/', { Ref: 'Quota' }]] });
});

test('a stack over 1 MB fails at synth, naming what to change', () => {
  const app = new App();
  const s = new Stack(app, 'Big', { env: ENV });
  const arn = (i: number) => `arn:aws:bedrock:us-east-1:123456789012:provisioned-model/${'p'.repeat(20)}${String(i).padStart(6, '0')}`;
  const models = Array.from({ length: 100 }, (_, i) => BedrockModel.provisionedModel(arn(i)));
  const m = new BedrockMonitoring(s, 'M', { models, quotas: Object.fromEntries(models.map((x) => [x.identifier, 1000])), quotaUsageSource: 'TokenCounts' as any });
  // A second monitoring of the same fleet in the same stack doubles the template.
  new BedrockMonitoring(s, 'M2', { models, alertTopic: m.alertTopic });
  expect(() => app.synth()).toThrow(/Stack Big renders a template of about \d+ KB, over CloudFormation's 1 MB: monitor fewer models or quotas here \(100 models now\), or put BedrockMonitoring in a stack of its own/);
});

test('an imported alert topic is accepted', () => {
  const s = stack();
  const topic = AlertTopic.fromAlertTopicAttributes(s, 'Topic', { topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts' });
  const m = new BedrockMonitoring(s, 'M', { alertTopic: topic });
  expect(m.alertTopic).toBe(topic);
});
