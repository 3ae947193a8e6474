import { Duration, Fn, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { BedrockModel, BedrockModelKind } from '../core/bedrock-model';
import { DEFAULT_MODEL_PRICES, ModelPrice } from './model-prices';

/*
 * Metric factories of the bedrock-runtime endpoint: pure functions of a model, no constructs.
 * Namespace AWS/Bedrock, one dimension, ModelId. Metric names, units and what they count:
 * "Monitor bedrock-runtime inference using CloudWatch metrics",
 * https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html
 * TimeToFirstToken and EstimatedTPMQuotaUsage (March 2026, same namespace and dimension):
 * https://aws.amazon.com/blogs/machine-learning/improve-operational-visibility-for-inference-workloads-on-amazon-bedrock-with-new-cloudwatch-metrics-for-ttft-and-estimated-quota-consumption/
 */

/** Where a quota-usage metric reads the tokens counted against the tokens-per-minute quota. */
export enum QuotaUsageSource {
  /**
   * `EstimatedTPMQuotaUsage`: what Bedrock counts against the quota, burndown multipliers and
   * cache writes included (Claude models count each output token several times).
   */
  ESTIMATED_TPM_QUOTA_USAGE = 'EstimatedTPMQuotaUsage',
  /**
   * `InputTokenCount + OutputTokenCount`: for Regions that do not publish
   * `EstimatedTPMQuotaUsage` yet. It under-counts models with an output burndown rate.
   */
  TOKEN_COUNTS = 'TokenCounts',
}

/** Options of {@link BedrockMetrics}. */
export interface BedrockMetricsOptions {
  /**
   * Token prices for {@link BedrockMetrics.metricEstimatedCost}.
   * @default the model's entry in DEFAULT_MODEL_PRICES (by foundation model ID), if any
   */
  readonly price?: ModelPrice;
  /**
   * Region whose metrics to read (a widget can show another Region; an alarm cannot).
   * @default the model's own Region for a foundation model that names one, else the stack's
   */
  readonly region?: string;
}

/**
 * The `ModelId` dimension value under which Bedrock reports a model's invocations:
 * - a foundation model: its model ID (`amazon.nova-lite-v1:0`);
 * - a cross-Region inference profile: the profile ID (`us.amazon.nova-pro-v1:0`), the ID callers
 *   pass (TTFT / EstimatedTPMQuotaUsage blog above: "supports cross-Region inference profiles");
 * - an application inference profile: the profile ID, the last segment of its ARN. Not in the
 *   AWS documentation; it is what AWS's own tools query (awslabs/bedrock-usage-analyzer uses
 *   `inferenceProfileId`);
 * - a custom model deployment: its ARN (awslabs/bedrock-usage-analyzer, custom_models.py);
 * - a provisioned or imported model: its ARN, as called. Not verified: if the console shows
 *   another value, build the metrics with {@link BedrockMetrics.forModelId}.
 */
export function metricModelIdOf(model: BedrockModel): string {
  if (model.kind !== BedrockModelKind.APPLICATION_INFERENCE_PROFILE) return model.identifier;
  if (Token.isUnresolved(model.identifier)) return Fn.select(1, Fn.split('/', model.identifier));
  return model.identifier.slice(model.identifier.lastIndexOf('/') + 1);
}

/** The price of a model: `prices` by identifier or foundation model ID, then the default table. */
export function priceOf(model: BedrockModel, prices: Readonly<Record<string, ModelPrice>> = {}): ModelPrice | undefined {
  const foundation = model.foundationModelId ?? model.source?.foundationModelId;
  const keys = [model.identifier, ...(foundation ? [foundation] : [])];
  for (const key of keys) if (prices[key]) return prices[key];
  return foundation ? DEFAULT_MODEL_PRICES[foundation] : undefined;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * The AWS/Bedrock metrics of one model, for dashboards and for anyone's own alarms. Counts are
 * `Sum` over 5 minutes unless the props say otherwise; rates are metric math.
 *
 * @example
 * const nova = BedrockMetrics.forModel(BedrockModel.foundationModel('amazon.nova-pro-v1:0'));
 * nova.metricErrorRate().createAlarm(this, 'NovaErrors', { threshold: 5, evaluationPeriods: 3 });
 */
export class BedrockMetrics {
  /** Namespace of the bedrock-runtime metrics. */
  public static readonly NAMESPACE = 'AWS/Bedrock';

  /** The metrics of `model`, under its {@link metricModelIdOf} dimension value. */
  public static forModel(model: BedrockModel, options: BedrockMetricsOptions = {}): BedrockMetrics {
    return new BedrockMetrics(metricModelIdOf(model), model, { price: options.price ?? priceOf(model), region: options.region ?? model.region });
  }

  /** The metrics of a raw `ModelId` dimension value, as the CloudWatch console lists it. */
  public static forModelId(modelId: string, options: BedrockMetricsOptions = {}): BedrockMetrics {
    return new BedrockMetrics(modelId, undefined, options);
  }

  /** The `ModelId` dimension value. */
  public readonly modelId: string;
  /** The model, when built with {@link forModel}. */
  public readonly model?: BedrockModel;
  /** The token prices of {@link metricEstimatedCost}, if known. */
  public readonly price?: ModelPrice;
  private readonly region?: string;

  private constructor(modelId: string, model: BedrockModel | undefined, options: BedrockMetricsOptions) {
    this.modelId = modelId;
    this.model = model;
    this.price = options.price;
    this.region = options.region;
  }

  /** A short name for labels and titles: an ARN's last segment, else the ID. */
  public get label(): string {
    if (Token.isUnresolved(this.modelId)) return this.model?.kind ?? 'model';
    return this.modelId.startsWith('arn:') ? this.modelId.slice(this.modelId.lastIndexOf('/') + 1) : this.modelId;
  }

  /** Any AWS/Bedrock metric of the model (dimension `ModelId`): `Sum` over 5 minutes by default. */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: BedrockMetrics.NAMESPACE,
      metricName,
      dimensionsMap: { ModelId: this.modelId },
      statistic: cloudwatch.Stats.SUM,
      period: FIVE_MINUTES,
      ...(this.region !== undefined ? { region: this.region } : {}),
      ...props,
    });
  }

  /** Requests Bedrock accepted for processing (Converse, ConverseStream, InvokeModel, InvokeModelWithResponseStream), failed ones included; not throttled ones. */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', props);
  }

  /** Requests per second: `Invocations / PERIOD(Invocations)`, to find bottlenecks. */
  public metricRequestsPerSecond(props: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'n / PERIOD(n)',
      usingMetrics: { n: this.metricInvocations() },
      label: `${this.label} requests/s`,
      period: FIVE_MINUTES,
      ...props,
    });
  }

  /**
   * Time from the request to the last token, at `percentile` (`p50`, `p90`, `p99`, ...).
   * @param percentile a CloudWatch percentile statistic, e.g. `p99`
   */
  public metricLatency(percentile: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationLatency', { statistic: percentile, label: `${this.label} latency ${percentile}`, ...props });
  }

  /** Median latency (ms). */
  public metricLatencyP50(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricLatency('p50', props);
  }

  /** 90th-percentile latency (ms). */
  public metricLatencyP90(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricLatency('p90', props);
  }

  /** 99th-percentile latency (ms). */
  public metricLatencyP99(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricLatency('p99', props);
  }

  /** Server-side time to the first token of streaming requests (ConverseStream, InvokeModelWithResponseStream), ms: p90 over 5 minutes. */
  public metricTimeToFirstToken(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TimeToFirstToken', { statistic: 'p90', label: `${this.label} TTFT p90`, ...props });
  }

  /** Invocations that ended in a client-side error (validation, access denied, ...). */
  public metricClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationClientErrors', props);
  }

  /** Invocations that ended in an AWS server-side error. */
  public metricServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationServerErrors', props);
  }

  /** Invocations Bedrock throttled (not counted in Invocations; the count depends on the callers' SDK retries). */
  public metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationThrottles', props);
  }

  /**
   * Client and server errors as a percentage of invocations (Invocations counts the failed
   * ones too). With `minimumInvocations`, the rate reads 0 while fewer invocations arrived in
   * the period: one failure out of two requests at night is not an incident.
   */
  public metricErrorRate(props: cloudwatch.MathExpressionOptions & { readonly minimumInvocations?: number } = {}): cloudwatch.MathExpression {
    const { minimumInvocations = 0, ...options } = props;
    return new cloudwatch.MathExpression({
      expression: errorRateTerm('', minimumInvocations),
      usingMetrics: { c: this.metricClientErrors(), s: this.metricServerErrors(), n: this.metricInvocations() },
      label: `${this.label} error rate %`,
      period: FIVE_MINUTES,
      ...options,
    });
  }

  /** Throttled requests as a percentage of all requests (accepted + throttled); `minimumInvocations` as for the error rate. */
  public metricThrottleRate(props: cloudwatch.MathExpressionOptions & { readonly minimumInvocations?: number } = {}): cloudwatch.MathExpression {
    const { minimumInvocations = 0, ...options } = props;
    return new cloudwatch.MathExpression({
      expression: throttleRateTerm('', minimumInvocations),
      usingMetrics: { t: this.metricThrottles(), n: this.metricInvocations() },
      label: `${this.label} throttle rate %`,
      period: FIVE_MINUTES,
      ...options,
    });
  }

  /** Tokens in the requests. */
  public metricInputTokens(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InputTokenCount', props);
  }

  /** Tokens in the responses. */
  public metricOutputTokens(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OutputTokenCount', props);
  }

  /** Images generated (image generation models only). */
  public metricOutputImages(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OutputImageCount', props);
  }

  /** Tokens counted against the tokens-per-minute quota: `Sum` over 1 minute. */
  public metricEstimatedTpmQuotaUsage(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('EstimatedTPMQuotaUsage', { period: Duration.minutes(1), ...props });
  }

  /**
   * The percentage of the tokens-per-minute quota used each minute.
   * @param tokensPerMinute the quota ("On-demand / Cross-Region InvokeModel tokens per minute for <model>" in Service Quotas)
   * @param source where the used tokens are read
   */
  public metricQuotaUsagePercent(tokensPerMinute: number, source: QuotaUsageSource = QuotaUsageSource.ESTIMATED_TPM_QUOTA_USAGE, props: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression {
    const { term, metrics } = quotaUsageTerm(this, '', tokensPerMinute, source);
    return new cloudwatch.MathExpression({ expression: term, usingMetrics: metrics, label: `${this.label} % of TPM quota`, period: Duration.minutes(1), ...props });
  }

  /**
   * Estimated on-demand cost of the period's tokens in USD: input and output tokens times the
   * model's price (see DEFAULT_MODEL_PRICES and its date). Undefined when no price is known.
   */
  public metricEstimatedCost(props: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression | undefined {
    const term = costTerm(this.price, '');
    if (term === undefined) return undefined;
    return new cloudwatch.MathExpression({
      expression: term,
      usingMetrics: { i: this.metricInputTokens(), ...(this.price?.outputPerMillionTokens ? { o: this.metricOutputTokens() } : {}) },
      label: `${this.label} est. cost USD`,
      period: FIVE_MINUTES,
      ...props,
    });
  }
}

/** A number for a metric-math expression: a token number renders as its CloudFormation value. */
export function mathNumber(value: number): string {
  return Token.isUnresolved(value) ? Token.asString(value) : String(value);
}

/** `100 * errors / invocations`, 0 while fewer than `floor` invocations arrived (ids c, s, n + `suffix`). */
export function errorRateTerm(suffix: string, floor: number): string {
  const [c, s, n] = ['c', 's', 'n'].map((x) => x + suffix);
  return `IF(FILL(${n},0) >= ${mathNumber(floor)}, 100*(FILL(${c},0)+FILL(${s},0))/${n}, 0)`;
}

/** `100 * throttles / (invocations + throttles)`, 0 while fewer than `floor` requests arrived (ids t, n + `suffix`). */
export function throttleRateTerm(suffix: string, floor: number): string {
  const [t, n] = ['t', 'n'].map((x) => x + suffix);
  return `IF(FILL(${n},0)+FILL(${t},0) >= ${mathNumber(Math.max(floor, 1))}, 100*FILL(${t},0)/(FILL(${n},0)+FILL(${t},0)), 0)`;
}

/** The quota-usage term of `metrics` (ids q or i/o + `suffix`). */
export function quotaUsageTerm(metrics: BedrockMetrics, suffix: string, tokensPerMinute: number, source: QuotaUsageSource): { term: string; metrics: Record<string, cloudwatch.IMetric> } {
  const minute = { period: Duration.minutes(1) };
  if (source === QuotaUsageSource.TOKEN_COUNTS) {
    return {
      term: `100*(FILL(i${suffix},0)+FILL(o${suffix},0))/${mathNumber(tokensPerMinute)}`,
      metrics: { [`i${suffix}`]: metrics.metricInputTokens(minute), [`o${suffix}`]: metrics.metricOutputTokens(minute) },
    };
  }
  return { term: `100*q${suffix}/${mathNumber(tokensPerMinute)}`, metrics: { [`q${suffix}`]: metrics.metricEstimatedTpmQuotaUsage() } };
}

/** USD of the period's tokens (ids i, o + `suffix`); undefined without a price. */
export function costTerm(price: ModelPrice | undefined, suffix: string): string | undefined {
  if (!price) return undefined;
  const input = `FILL(i${suffix},0)*${mathNumber(price.inputPerMillionTokens)}`;
  const output = price.outputPerMillionTokens ? ` + FILL(o${suffix},0)*${mathNumber(price.outputPerMillionTokens)}` : '';
  return `(${input}${output})/1000000`;
}
