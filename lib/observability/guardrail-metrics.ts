import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { GUARDRAIL_METRICS_NAMESPACE, guardrailMetric } from '../core/guardrail-metric';
import type { GuardrailReference } from '../identity/guardrail-reference';
import { mathNumber } from './bedrock-metrics';

/*
 * AWS/Bedrock/Guardrails, dimension set (GuardrailArn, GuardrailVersion) (lib/core/guardrail-metric.ts).
 * The other dimension sets (Operation, GuardrailContentSource, GuardrailPolicyType) aggregate every
 * guardrail of the account.
 */

/** The guardrail a {@link GuardrailMetrics} reads: its ARN (without version) and a version, numeric or `DRAFT`. */
export type MonitoredGuardrail = Pick<GuardrailReference, 'guardrailArn' | 'guardrailVersion'>;

/** `100 * intervened / invocations`, 0 while fewer than `floor` evaluations ran (ids g, v + `suffix`). */
export function interventionRateTerm(suffix: string, floor: number): string {
  const [g, v] = ['g', 'v'].map((x) => x + suffix);
  return `IF(FILL(${g},0) >= ${mathNumber(Math.max(floor, 1))}, 100*FILL(${v},0)/${g}, 0)`;
}

/**
 * The AWS/Bedrock/Guardrails metrics of one guardrail version (each evaluation of a prompt or a
 * response counts, whether through ApplyGuardrail or a Converse / InvokeModel call naming the
 * guardrail). Counts are `Sum` over 5 minutes.
 */
export class GuardrailMetrics {
  /** Namespace of the guardrail metrics. */
  public static readonly NAMESPACE = GUARDRAIL_METRICS_NAMESPACE;

  /** The metrics of `guardrail`. */
  public static forGuardrail(guardrail: MonitoredGuardrail): GuardrailMetrics {
    return new GuardrailMetrics(guardrail);
  }

  /** ARN of the guardrail (the `GuardrailArn` dimension). */
  public readonly guardrailArn: string;
  /** Version (the `GuardrailVersion` dimension): a number or `DRAFT`. */
  public readonly guardrailVersion: string;

  private constructor(guardrail: MonitoredGuardrail) {
    this.guardrailArn = guardrail.guardrailArn;
    this.guardrailVersion = guardrail.guardrailVersion;
  }

  /** A short name for labels: the guardrail ID and version. */
  public get label(): string {
    const arn = this.guardrailArn;
    const id = typeof arn === 'string' && arn.includes('/') ? arn.slice(arn.lastIndexOf('/') + 1) : 'guardrail';
    return `${id}:${this.guardrailVersion}`;
  }

  /** Any metric of the guardrail: `Sum` over 5 minutes by default. */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return guardrailMetric(this, metricName, props);
  }

  /** Evaluations of the guardrail. */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', props);
  }

  /** Evaluations where the guardrail intervened (blocked or masked). */
  public metricInvocationsIntervened(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationsIntervened', props);
  }

  /** Latency of the evaluations at `p99` (ms) unless the props say otherwise. */
  public metricInvocationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationLatency', { statistic: 'p99', label: `${this.label} latency p99`, ...props });
  }

  /** Text units the guardrail's policies consumed (what guardrails are billed by). */
  public metricTextUnits(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TextUnitCount', props);
  }

  /** Evaluations that ended in a client or server error, or were throttled. */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'FILL(c,0)+FILL(s,0)+FILL(t,0)',
      usingMetrics: { c: this.metric('InvocationClientErrors', props), s: this.metric('InvocationServerErrors', props), t: this.metric('InvocationThrottles', props) },
      label: `${this.label} errors + throttles`,
      period: props?.period ?? Duration.minutes(5),
    });
  }

  /** Interventions as a percentage of evaluations; 0 while fewer than `minimumInvocations` ran. */
  public metricInterventionRate(props: cloudwatch.MathExpressionOptions & { readonly minimumInvocations?: number } = {}): cloudwatch.MathExpression {
    const { minimumInvocations = 0, ...options } = props;
    return new cloudwatch.MathExpression({
      expression: interventionRateTerm('', minimumInvocations),
      usingMetrics: { g: this.metricInvocations(), v: this.metricInvocationsIntervened() },
      label: `${this.label} intervention rate %`,
      period: Duration.minutes(5),
      ...options,
    });
  }
}
