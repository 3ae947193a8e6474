import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { BedrockModel } from '../../lib';
import { BedrockMonitoring, DASHBOARD_LIMITS, MAX_MONITORED_MODELS } from '../../lib/observability';
import { resolveIntrinsics } from '../kit/intrinsics';
import { synthesize } from '../kit/synth';

/*
 * 100 models, each with a quota, plus a guardrail: the largest fleet one BedrockMonitoring takes
 * must deploy (500 resources and 1 MB per stack, CloudWatch's dashboard limits). Models mix the
 * kinds, application profiles and provisioned models with their long ModelId values included.
 */
const ENV = { account: '123456789012', region: 'us-east-1' };
const models = Array.from({ length: MAX_MONITORED_MODELS }, (_, i) => {
  if (i % 4 === 1) return BedrockModel.crossRegionProfile(`us.anthropic.claude-model-${i}-v1:0`);
  if (i % 4 === 2) return BedrockModel.provisionedModel(`arn:aws:bedrock:us-east-1:123456789012:provisioned-model/pt${String(i).padStart(10, '0')}`);
  if (i % 4 === 3) return BedrockModel.applicationInferenceProfile(`arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/aip${String(i).padStart(9, '0')}`);
  return BedrockModel.foundationModel(`amazon.model-${i}-v1:0`);
});
const synth = synthesize(
  (app) => {
    new BedrockMonitoring(new Stack(app, 'Fleet', { env: ENV }), 'Monitoring', {
      models,
      quotas: Object.fromEntries(models.map((m) => [m.identifier, 1_000_000])),
      guardrails: [{ guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', guardrailVersion: '1' }],
      alertEmails: ['ml-oncall@example.com'],
    });
  },
  { nag: false },
);
const template = synth.json.Fleet;
const resources = Object.values(template.Resources as Record<string, any>);

test('100 models: within 500 resources', () => {
  // 34 error-rate groups, 20 throttle, 20 latency, 10 quota, 1 guardrail; x2 severities.
  expect(resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm')).toHaveLength(2 * (34 + 20 + 20 + 10 + 1));
  expect(resources.length).toBeLessThan(500);
});

test('100 models: the template file CDK writes is under 1 MB', () => {
  const size = fs.statSync(path.join(synth.assemblyDir, 'Fleet.template.json')).size;
  expect(size).toBeLessThan(1_000_000);
});

test('100 models: every alarm uses at most 10 metrics', () => {
  for (const alarm of resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm')) {
    expect((alarm.Properties.Metrics ?? []).filter((m: any) => m.MetricStat).length).toBeLessThanOrEqual(10);
  }
});

test('100 models: dashboard bodies are valid JSON within CloudWatch limits', () => {
  const dashboards = resources.filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
  expect(dashboards).toHaveLength(2);
  for (const d of dashboards) {
    const body = JSON.parse(resolveIntrinsics(d.Properties.DashboardBody, ENV));
    expect(body.widgets.length).toBeLessThanOrEqual(DASHBOARD_LIMITS.widgetsPerDashboard);
    for (const w of body.widgets) {
      expect((w.properties.metrics ?? []).length).toBeLessThanOrEqual(DASHBOARD_LIMITS.metricsPerWidget);
      // Assumed limit of an alarm status widget.
      expect((w.properties.alarms ?? []).length).toBeLessThanOrEqual(100);
    }
  }
  const model = dashboards.map((d) => JSON.parse(resolveIntrinsics(d.Properties.DashboardBody, ENV))).find((b) => b.variables);
  expect(model.variables[0].values).toHaveLength(100);
});
