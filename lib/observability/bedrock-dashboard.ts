import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { BedrockModel } from '../core/bedrock-model';
import { PlatformValidationError } from '../core/errors';
import { BedrockMetrics, costTerm, priceOf, QuotaUsageSource, quotaUsageTerm } from './bedrock-metrics';
import { GuardrailMetrics, MonitoredGuardrail } from './guardrail-metrics';
import { MODEL_PRICES_AS_OF, ModelPrice } from './model-prices';
import { requireDashboardName, requireGuardrails, requireMonitoredModels, requirePrices, requireQuotas } from './monitoring-inputs';
import { MonitoringThresholds, ResolvedThresholds, resolveThresholds } from './monitoring-thresholds';

/** Properties of {@link BedrockDashboard}. */
export interface BedrockDashboardProps {
  /**
   * Models the dashboards chart (the model dashboard's drop-down lists them).
   * @default DEFAULT_TEXT_MODELS
   */
  readonly models?: BedrockModel[];
  /**
   * Tokens-per-minute quota by model identifier: the quota widget shows the % used.
   * @default the quota widget shows EstimatedTPMQuotaUsage in tokens
   */
  readonly quotas?: Record<string, number>;
  /**
   * Where quota usage is read.
   * @default QuotaUsageSource.ESTIMATED_TPM_QUOTA_USAGE
   */
  readonly quotaUsageSource?: QuotaUsageSource;
  /**
   * Token prices (USD per million tokens) by model identifier or foundation model ID, over
   * DEFAULT_MODEL_PRICES.
   * @default DEFAULT_MODEL_PRICES
   */
  readonly prices?: Record<string, ModelPrice>;
  /**
   * Guardrail versions to chart (evaluations, intervention rate, latency).
   * @default none
   */
  readonly guardrails?: MonitoredGuardrail[];
  /**
   * Alarms to show in alarm-status widgets on the overview.
   * @default none
   */
  readonly alarms?: cloudwatch.IAlarm[];
  /**
   * Thresholds drawn as lines on the latency and quota graphs.
   * @default DEFAULT_MONITORING_THRESHOLDS
   */
  readonly thresholds?: MonitoringThresholds;
  /**
   * Name of the overview dashboard; the model dashboard is `<name>-model`.
   * @default names CloudFormation generates
   */
  readonly dashboardName?: string;
}

/** CloudWatch quotas: 500 widgets per dashboard, 500 metrics per widget (CloudWatch service quotas, "Dashboards"). */
export const DASHBOARD_LIMITS = Object.freeze({ widgetsPerDashboard: 500, metricsPerWidget: 500 });
/** Alarms per alarm-status widget (assumed 100; CloudWatch's limit is not in the CDK docs). */
const ALARMS_PER_STATUS_WIDGET = 100;
const HEIGHT = 6;

/**
 * The monitoring dashboards: an overview of the fleet, and a model dashboard with a model
 * selector.
 *
 * Scale (CloudWatch allows 500 widgets per dashboard and 500 metrics per widget; a stack's
 * template 1 MB): a row of widgets per model would cost about 3.4 KB of template per model (a
 * third of the 1 MB budget at 100 models, next to the alarms). Instead:
 * - the overview's account-wide graphs are SEARCH expressions
 *   (`SEARCH('{AWS/Bedrock,ModelId} MetricName="Invocations"', 'Sum', 300)`): one entry per graph
 *   whatever the number of models, and they show models the platform does not declare too;
 * - the model dashboard is one row of widgets for one model, with a dashboard variable (a
 *   property variable on the `ModelId` dimension) that switches every widget to the model
 *   selected in its drop-down, which lists the declared models: constant size;
 * - what needs a per-model constant stays on the overview: estimated cost (price per model, 3
 *   entries per priced model) and % of the tokens-per-minute quota (2 entries per model with a
 *   quota, 3 with token counts), at most 300 entries a widget at 100 models.
 */
export class BedrockDashboard extends Construct {
  /** The overview dashboard. */
  public readonly overview: cloudwatch.Dashboard;
  /** The model dashboard (one model at a time, chosen in its `Model` drop-down). */
  public readonly modelDetail: cloudwatch.Dashboard;
  /** Every dashboard: the overview first. */
  public readonly dashboards: readonly cloudwatch.Dashboard[];

  constructor(scope: Construct, id: string, props: BedrockDashboardProps = {}) {
    super(scope, id);
    if (props === null || typeof props !== 'object') throw new PlatformValidationError(this, 'props', props, 'Must be an object.');
    const models = requireMonitoredModels(this, 'models', props.models);
    const quotas = requireQuotas(this, 'quotas', props.quotas, models);
    const prices = requirePrices(this, 'prices', props.prices);
    const guardrails = requireGuardrails(this, 'guardrails', props.guardrails);
    const thresholds = resolveThresholds(this, 'thresholds', props.thresholds);
    const name = requireDashboardName(this, 'dashboardName', props.dashboardName);
    if (props.alarms !== undefined && !Array.isArray(props.alarms)) throw new PlatformValidationError(this, 'alarms', props.alarms, 'Must be an array of alarms.');
    const source = props.quotaUsageSource ?? QuotaUsageSource.ESTIMATED_TPM_QUOTA_USAGE;
    const metrics = models.map((m) => BedrockMetrics.forModel(m, { price: priceOf(m, prices) }));
    const quotaMetrics = metrics.flatMap((m, i) => {
      const quota = quotas[models[i].identifier];
      return quota === undefined ? [] : [{ m, quota }];
    });

    this.overview = new cloudwatch.Dashboard(this, 'Overview', {
      dashboardName: name,
      defaultInterval: Duration.hours(3),
      widgets: overviewRows(metrics, quotaMetrics, source, thresholds, guardrails, props.alarms ?? []),
    });
    this.modelDetail = new cloudwatch.Dashboard(this, 'Model', {
      dashboardName: name ? `${name}-model` : undefined,
      defaultInterval: Duration.hours(3),
      variables: [
        new cloudwatch.DashboardVariable({
          id: 'model',
          label: 'Model',
          type: cloudwatch.VariableType.PROPERTY,
          inputType: cloudwatch.VariableInputType.SELECT,
          value: 'ModelId',
          values: cloudwatch.Values.fromValues(...metrics.map((m) => ({ value: m.modelId, label: m.label }))),
          defaultValue: cloudwatch.DefaultValue.value(metrics[0].modelId),
        }),
      ],
      widgets: [modelRow(metrics[0], thresholds)],
    });
    this.dashboards = [this.overview, this.modelDetail];
  }
}

/** An account-wide graph of one AWS/Bedrock metric, a line per ModelId. */
function search(title: string, metricName: string, statistic: string, width = 8): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title,
    width,
    height: HEIGHT,
    left: [
      new cloudwatch.MathExpression({
        expression: `SEARCH('{AWS/Bedrock,ModelId} MetricName="${metricName}"', '${statistic}', 300)`,
        usingMetrics: {},
        label: '',
        period: Duration.minutes(5),
      }),
    ],
  });
}

function overviewRows(
  metrics: BedrockMetrics[],
  quotaMetrics: Array<{ m: BedrockMetrics; quota: number }>,
  source: QuotaUsageSource,
  thresholds: ResolvedThresholds,
  guardrails: readonly MonitoredGuardrail[],
  alarms: cloudwatch.IAlarm[],
): cloudwatch.IWidget[][] {
  const priced = metrics.filter((m) => m.price);
  const rows: cloudwatch.IWidget[][] = [
    [
      new cloudwatch.TextWidget({
        width: 24,
        height: 2,
        markdown: [
          `# Amazon Bedrock platform: ${metrics.length} model${metrics.length === 1 ? '' : 's'} declared`,
          `Graphs below cover every ModelId of the account and Region; the model dashboard shows one model at a time (pick it in its Model drop-down). Costs are estimates from on-demand prices as of ${MODEL_PRICES_AS_OF}.`,
        ].join('\n\n'),
      }),
    ],
    [search('Invocations by model', 'Invocations', 'Sum'), search('Client errors by model', 'InvocationClientErrors', 'Sum'), search('Server errors by model', 'InvocationServerErrors', 'Sum')],
    [search('Throttles by model', 'InvocationThrottles', 'Sum'), search('Latency p99 (ms) by model', 'InvocationLatency', 'p99'), search('Time to first token p90 (ms) by model', 'TimeToFirstToken', 'p90')],
    [search('Input tokens by model', 'InputTokenCount', 'Sum'), search('Output tokens by model', 'OutputTokenCount', 'Sum'), search('TPM quota usage (tokens/min) by model', 'EstimatedTPMQuotaUsage', 'Sum')],
  ];
  const bottom: cloudwatch.IWidget[] = [];
  if (priced.length > 0) {
    bottom.push(
      new cloudwatch.GraphWidget({
        title: `Estimated cost, USD per 5 minutes (declared models, prices as of ${MODEL_PRICES_AS_OF})`,
        width: 8,
        height: HEIGHT,
        stacked: true,
        left: priced.map((m, n) => costExpression(m, String(n))!),
      }),
    );
  }
  if (quotaMetrics.length > 0) {
    bottom.push(
      new cloudwatch.GraphWidget({
        title: '% of tokens-per-minute quota (models with a declared quota)',
        width: 8,
        height: HEIGHT,
        left: quotaMetrics.map(({ m, quota }, n) => {
          const usage = quotaUsageTerm(m, String(n), quota, source);
          return new cloudwatch.MathExpression({ expression: usage.term, usingMetrics: usage.metrics, label: m.label, period: Duration.minutes(1) });
        }),
        leftAnnotations: [
          { value: thresholds.quotaUsagePercent.warning, label: 'warning', color: '#ff7f0e' },
          { value: thresholds.quotaUsagePercent.critical, label: 'critical', color: '#d62728' },
        ],
      }),
    );
  }
  bottom.push(
    new cloudwatch.GraphWidget({
      title: 'Invocation log deliveries',
      width: 8,
      height: HEIGHT,
      left: ['CloudWatchDeliverySuccess', 'S3DeliverySuccess', 'LargeDataS3DeliverySuccess'].map(
        (n) => new cloudwatch.Metric({ namespace: BedrockMetrics.NAMESPACE, metricName: `ModelInvocation${n.startsWith('Large') ? n : `Logs${n}`}`, statistic: 'Sum', period: Duration.minutes(5) }),
      ),
      right: ['CloudWatchDeliveryFailure', 'S3DeliveryFailure', 'LargeDataS3DeliveryFailure'].map(
        (n) => new cloudwatch.Metric({ namespace: BedrockMetrics.NAMESPACE, metricName: `ModelInvocation${n.startsWith('Large') ? n : `Logs${n}`}`, statistic: 'Sum', period: Duration.minutes(5) }),
      ),
    }),
  );
  if (guardrails.length > 0) {
    const gms = guardrails.map((g) => GuardrailMetrics.forGuardrail(g));
    bottom.push(
      new cloudwatch.GraphWidget({
        title: 'Guardrails: evaluations and intervention rate %',
        width: 8,
        height: HEIGHT,
        left: gms.map((g) => g.metricInvocations({ label: `${g.label} evaluations` })),
        right: gms.map((g) => g.metricInterventionRate()),
      }),
    );
  }
  rows.push(bottom);
  for (let i = 0; i < alarms.length; i += ALARMS_PER_STATUS_WIDGET) {
    const chunk = alarms.slice(i, i + ALARMS_PER_STATUS_WIDGET);
    rows.push([
      new cloudwatch.AlarmStatusWidget({
        title: alarms.length > ALARMS_PER_STATUS_WIDGET ? `Alarms (${i + 1}-${i + chunk.length})` : 'Alarms',
        alarms: chunk,
        width: 24,
        height: Math.min(2 + Math.ceil(chunk.length / 4), 20),
        sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
      }),
    ]);
  }
  return rows;
}

/** The model's cost with metric ids suffixed by `suffix` (unique within one widget). */
function costExpression(m: BedrockMetrics, suffix: string): cloudwatch.MathExpression | undefined {
  const term = costTerm(m.price, suffix);
  if (term === undefined) return undefined;
  return new cloudwatch.MathExpression({
    expression: term,
    usingMetrics: { [`i${suffix}`]: m.metricInputTokens(), ...(m.price?.outputPerMillionTokens ? { [`o${suffix}`]: m.metricOutputTokens() } : {}) },
    label: m.label,
    period: Duration.minutes(5),
  });
}

/**
 * One model's row, for the model dashboard: the `ModelId` variable rewrites every dimension to
 * the selected model, so nothing here may depend on the model (no price, no quota).
 */
function modelRow(m: BedrockMetrics, thresholds: ResolvedThresholds): cloudwatch.IWidget[] {
  const line = (value: number, label: string, color: string): cloudwatch.HorizontalAnnotation => ({ value, label, color });
  return [
    new cloudwatch.GraphWidget({ title: 'Invocations and requests/s', width: 5, height: HEIGHT, left: [m.metricInvocations({ label: 'invocations' })], right: [m.metricRequestsPerSecond({ label: 'requests/s' })] }),
    new cloudwatch.GraphWidget({
      title: 'Latency (ms)',
      width: 5,
      height: HEIGHT,
      left: [m.metricLatencyP50({ label: 'p50' }), m.metricLatencyP90({ label: 'p90' }), m.metricLatencyP99({ label: 'p99' }), m.metricTimeToFirstToken({ label: 'time to first token p90' })],
      leftAnnotations: [line(thresholds.latencyP99Millis.warning, 'p99 warning', '#ff7f0e'), line(thresholds.latencyP99Millis.critical, 'p99 critical', '#d62728')],
    }),
    new cloudwatch.GraphWidget({
      title: 'Errors, throttles and error rate %',
      width: 5,
      height: HEIGHT,
      left: [m.metricClientErrors({ label: 'client errors' }), m.metricServerErrors({ label: 'server errors' }), m.metricThrottles({ label: 'throttles' })],
      right: [m.metricErrorRate({ label: 'error rate %' })],
    }),
    new cloudwatch.GraphWidget({ title: 'Tokens', width: 5, height: HEIGHT, left: [m.metricInputTokens({ label: 'input tokens' }), m.metricOutputTokens({ label: 'output tokens' })] }),
    new cloudwatch.GraphWidget({ title: 'Tokens counted against the TPM quota, per minute', width: 4, height: HEIGHT, left: [m.metricEstimatedTpmQuotaUsage({ label: 'EstimatedTPMQuotaUsage' })] }),
  ];
}
