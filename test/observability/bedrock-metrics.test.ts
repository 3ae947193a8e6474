import { Duration, Stack } from 'aws-cdk-lib';
import { BedrockModel } from '../../lib';
import { BedrockMetrics, DEFAULT_MODEL_PRICES, GuardrailMetrics, metricModelIdOf, QuotaUsageSource } from '../../lib/observability';

const stack = new Stack(undefined, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
const nova = BedrockMetrics.forModel(BedrockModel.foundationModel('amazon.nova-pro-v1:0'));

test('ModelId per kind: model ID, profile ID, application profile ID, ARN', () => {
  expect(metricModelIdOf(BedrockModel.parse('amazon.nova-lite-v1:0'))).toBe('amazon.nova-lite-v1:0');
  expect(metricModelIdOf(BedrockModel.parse('eu.amazon.nova-pro-v1:0'))).toBe('eu.amazon.nova-pro-v1:0');
  expect(metricModelIdOf(BedrockModel.parse('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123'))).toBe('abc123');
  const pt = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/xyz';
  expect(metricModelIdOf(BedrockModel.parse(pt))).toBe(pt);
  const dep = 'arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/d1';
  expect(metricModelIdOf(BedrockModel.parse(dep))).toBe(dep);
});

test('counts: AWS/Bedrock, ModelId, Sum over 5 minutes', () => {
  for (const [metric, name] of [
    [nova.metricInvocations(), 'Invocations'],
    [nova.metricClientErrors(), 'InvocationClientErrors'],
    [nova.metricServerErrors(), 'InvocationServerErrors'],
    [nova.metricThrottles(), 'InvocationThrottles'],
    [nova.metricInputTokens(), 'InputTokenCount'],
    [nova.metricOutputTokens(), 'OutputTokenCount'],
    [nova.metricOutputImages(), 'OutputImageCount'],
  ] as const) {
    expect([metric.namespace, metric.metricName, metric.dimensions, metric.statistic, metric.period.toSeconds()]).toEqual(['AWS/Bedrock', name, { ModelId: 'amazon.nova-pro-v1:0' }, 'Sum', 300]);
  }
});

test('latency percentiles, time to first token, quota usage per minute', () => {
  expect([nova.metricLatencyP50(), nova.metricLatencyP90(), nova.metricLatencyP99()].map((m) => [m.metricName, m.statistic])).toEqual([
    ['InvocationLatency', 'p50'],
    ['InvocationLatency', 'p90'],
    ['InvocationLatency', 'p99'],
  ]);
  expect([nova.metricTimeToFirstToken().metricName, nova.metricTimeToFirstToken().statistic]).toEqual(['TimeToFirstToken', 'p90']);
  const q = nova.metricEstimatedTpmQuotaUsage();
  expect([q.metricName, q.statistic, q.period.toSeconds()]).toEqual(['EstimatedTPMQuotaUsage', 'Sum', 60]);
});

test('rates and requests per second are metric math over the counts', () => {
  expect(nova.metricRequestsPerSecond().expression).toBe('n / PERIOD(n)');
  expect(nova.metricErrorRate({ minimumInvocations: 10 }).expression).toBe('IF(FILL(n,0) >= 10, 100*(FILL(c,0)+FILL(s,0))/n, 0)');
  expect(Object.keys(nova.metricErrorRate().usingMetrics).sort()).toEqual(['c', 'n', 's']);
  expect(nova.metricThrottleRate().expression).toBe('IF(FILL(n,0)+FILL(t,0) >= 1, 100*FILL(t,0)/(FILL(n,0)+FILL(t,0)), 0)');
  expect(nova.metricQuotaUsagePercent(2_000_000).expression).toBe('100*q/2000000');
  expect(nova.metricQuotaUsagePercent(2_000_000, QuotaUsageSource.TOKEN_COUNTS).expression).toBe('100*(FILL(i,0)+FILL(o,0))/2000000');
  expect(nova.metricQuotaUsagePercent(1).period.toSeconds()).toBe(60);
});

test('estimated cost from the dated table, an override, or none', () => {
  expect(DEFAULT_MODEL_PRICES['amazon.nova-pro-v1:0']).toEqual({ inputPerMillionTokens: 0.8, outputPerMillionTokens: 3.2 });
  expect(nova.metricEstimatedCost()!.expression).toBe('(FILL(i,0)*0.8 + FILL(o,0)*3.2)/1000000');
  const profile = BedrockMetrics.forModel(BedrockModel.parse('us.amazon.nova-pro-v1:0'));
  expect(profile.price).toEqual(DEFAULT_MODEL_PRICES['amazon.nova-pro-v1:0']);
  const embed = BedrockMetrics.forModel(BedrockModel.parse('amazon.titan-embed-text-v2:0'));
  expect(embed.metricEstimatedCost()!.expression).toBe('(FILL(i,0)*0.02)/1000000');
  expect(Object.keys(embed.metricEstimatedCost()!.usingMetrics)).toEqual(['i']);
  expect(BedrockMetrics.forModel(BedrockModel.parse('arn:aws:bedrock:us-east-1:123456789012:provisioned-model/x')).metricEstimatedCost()).toBeUndefined();
  expect(BedrockMetrics.forModelId('x.y', { price: { inputPerMillionTokens: 1, outputPerMillionTokens: 2 } }).metricEstimatedCost()!.expression).toBe('(FILL(i,0)*1 + FILL(o,0)*2)/1000000');
});

test('a model in its own Region reads that Region; props override', () => {
  const eu = BedrockMetrics.forModel(BedrockModel.foundationModel('amazon.nova-pro-v1:0', { region: 'eu-west-1' }));
  expect(eu.metricInvocations().region).toBe('eu-west-1');
  expect(nova.metricInvocations({ period: Duration.minutes(1), statistic: 'SampleCount' }).toMetricConfig().metricStat).toEqual(expect.objectContaining({ period: Duration.minutes(1), statistic: 'SampleCount' }));
});

test('guardrail metrics: AWS/Bedrock/Guardrails, GuardrailArn + GuardrailVersion', () => {
  const g = GuardrailMetrics.forGuardrail({ guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc', guardrailVersion: '2' });
  for (const [metric, name, stat] of [
    [g.metricInvocations(), 'Invocations', 'Sum'],
    [g.metricInvocationsIntervened(), 'InvocationsIntervened', 'Sum'],
    [g.metricInvocationLatency(), 'InvocationLatency', 'p99'],
    [g.metricTextUnits(), 'TextUnitCount', 'Sum'],
  ] as const) {
    expect([metric.namespace, metric.metricName, metric.dimensions, metric.statistic]).toEqual([
      'AWS/Bedrock/Guardrails',
      name,
      { GuardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc', GuardrailVersion: '2' },
      stat,
    ]);
  }
  expect(g.metricInterventionRate({ minimumInvocations: 5 }).expression).toBe('IF(FILL(g,0) >= 5, 100*FILL(v,0)/g, 0)');
  expect(g.label).toBe('abc:2');
  expect(stack.resolve(g.metricErrors().expression)).toBe('FILL(c,0)+FILL(s,0)+FILL(t,0)');
});
