import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/*
 * AWS/Bedrock/Guardrails, dimension set (GuardrailArn, GuardrailVersion): Invocations,
 * InvocationLatency, InvocationClientErrors, InvocationServerErrors, InvocationThrottles,
 * InvocationsIntervened, TextUnitCount. "Monitor Amazon Bedrock Guardrails using CloudWatch metrics",
 * https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-guardrails-cw-metrics.html
 * Here in core so that the guardrail itself (lib/guardrails) and the monitoring (lib/observability)
 * build the same metric.
 */

/** Namespace of the Bedrock guardrail metrics. */
export const GUARDRAIL_METRICS_NAMESPACE = 'AWS/Bedrock/Guardrails';

/** Metric `metricName` of one guardrail version (its ARN without version, and a version or `DRAFT`): `Sum` over 5 minutes unless `props` say otherwise. */
export function guardrailMetric(guardrail: { readonly guardrailArn: string; readonly guardrailVersion: string }, metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: GUARDRAIL_METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { GuardrailArn: guardrail.guardrailArn, GuardrailVersion: guardrail.guardrailVersion },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    ...props,
  });
}
