import { Duration, Names } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { BedrockModel } from '../core/bedrock-model';
import { PlatformValidationError } from '../core/errors';
import { IAlertTopic } from '../governance/alert-topic';
import { auditAlarmName } from '../governance/audit-alarm-name';
import { ModelInvocationLogging } from '../governance/model-invocation-logging';
import { PLATFORM_ALARM_NAME_PREFIX } from '../identity/operator-policy';
import { BedrockMetrics, errorRateTerm, mathNumber, QuotaUsageSource, quotaUsageTerm, throttleRateTerm } from './bedrock-metrics';
import { GuardrailMetrics, interventionRateTerm, MonitoredGuardrail } from './guardrail-metrics';
import { requireGuardrails, requireMonitoredModels, requireQuotas } from './monitoring-inputs';
import { AlarmSeverity, MonitoringThresholds, resolveThresholds, SeverityThresholds } from './monitoring-thresholds';

/** Properties of {@link BedrockAlarms}. */
export interface BedrockAlarmsProps {
  /** Topic every alarm notifies; its policy admits exactly these alarms. */
  readonly alertTopic: IAlertTopic;
  /**
   * Models to alarm on.
   * @default DEFAULT_TEXT_MODELS
   */
  readonly models?: BedrockModel[];
  /**
   * Thresholds by signal and severity.
   * @default DEFAULT_MONITORING_THRESHOLDS
   */
  readonly thresholds?: MonitoringThresholds;
  /**
   * Tokens-per-minute quota of each model, by model identifier: models listed here get quota
   * alarms (warning at 80%, critical at 95% by default). Read the quota in Service Quotas
   * ("On-demand InvokeModel tokens per minute for <model>", or "Cross-Region ..." for a profile).
   * @default no quota alarms
   */
  readonly quotas?: Record<string, number>;
  /**
   * Where quota usage is read.
   * @default QuotaUsageSource.ESTIMATED_TPM_QUOTA_USAGE
   */
  readonly quotaUsageSource?: QuotaUsageSource;
  /**
   * Guardrail versions whose intervention rate to alarm on.
   * @default none
   */
  readonly guardrails?: MonitoredGuardrail[];
  /**
   * The account's invocation logging: its delivery failures get alarms, named with the audit
   * prefix (`bedrock-audit-`) so that the operator persona cannot silence them.
   * @default no delivery alarms
   */
  readonly invocationLogging?: ModelInvocationLogging;
}

/** What one alarm of a signal watches: metric ids and their term in the group's MAX expression. */
interface Member {
  readonly label: string;
  readonly metrics: Record<string, cloudwatch.IMetric>;
  readonly term: string;
}

interface Signal {
  /** Construct-id and name fragment, e.g. `ErrorRate`. */
  readonly key: string;
  /** What the value is, for descriptions. */
  readonly what: string;
  readonly unit: string;
  readonly thresholds: Required<SeverityThresholds>;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly metricsPerMember: number;
  readonly members: Member[];
  readonly floorNote?: string;
}

/** An alarm may combine up to 10 metrics in its math (CloudWatch service quotas). */
const MAX_ALARM_METRICS = 10;

/**
 * The alarm factory of the monitoring layer: alarms on the error rate, throttle rate, p99
 * latency and quota usage of Bedrock models, guardrail intervention rates and invocation-log
 * delivery failures, each at a warning and a critical threshold, all notifying the alert topic.
 *
 * Scale: one alarm per model, signal and severity would be 8 alarms a model (800 for 100
 * models, over a stack's 500 resources). Instead each alarm watches a group of models with
 * metric math, `MAX([rate of model 1, rate of model 2, ...])`, as many models as fit in the 10
 * metrics an alarm may use: 3 models per error-rate alarm, 5 per throttle, latency and
 * guardrail alarm, 10 per quota alarm. The description names the models; the dashboard shows
 * which one. 100 models with quotas make about 170 alarms.
 *
 * Noise: a fixed threshold on a quiet model pages at night for nothing (one failure out of two
 * requests is a 50% error rate). A composite alarm "rate high AND invocations above a floor"
 * would be wrong on a group (the floor could be met by another model than the failing one) and
 * would double the alarms if built per model; so the floor is inside each model's term instead,
 * `IF(invocations >= minimumInvocations, rate, 0)`, evaluated per model and per period. Rates,
 * not counts, are alarmed on (a throttle burst that SDK retries absorb is a small rate), and
 * each alarm needs several breaching periods (2 of 3; 3 of 5 minutes for quotas). Anomaly
 * detection was not used: its bands need two weeks of history per metric and count against
 * 500 anomaly models per Region, and a new platform has neither.
 */
export class BedrockAlarms extends Construct {
  /** Every alarm. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The alarms of each severity. */
  public readonly bySeverity: Readonly<Record<AlarmSeverity, readonly cloudwatch.Alarm[]>>;
  /** Topic the alarms notify. */
  public readonly alertTopic: IAlertTopic;

  constructor(scope: Construct, id: string, props: BedrockAlarmsProps) {
    super(scope, id);
    if (props === undefined || props === null || typeof props !== 'object') throw new PlatformValidationError(this, 'props', props, 'Must be an object with at least alertTopic.');
    if (!props.alertTopic || typeof (props.alertTopic as IAlertTopic).allowCloudWatchAlarms !== 'function') {
      throw new PlatformValidationError(this, 'alertTopic', props.alertTopic === undefined ? undefined : String(props.alertTopic), 'Must be an IAlertTopic: new AlertTopic(...) or AlertTopic.fromAlertTopicAttributes(...).');
    }
    if (props.invocationLogging !== undefined && !(props.invocationLogging instanceof ModelInvocationLogging)) {
      throw new PlatformValidationError(this, 'invocationLogging', String(props.invocationLogging), 'Must be the ModelInvocationLogging construct of this account and Region.');
    }
    const models = requireMonitoredModels(this, 'models', props.models);
    const quotas = requireQuotas(this, 'quotas', props.quotas, models);
    const guardrails = requireGuardrails(this, 'guardrails', props.guardrails);
    const thresholds = resolveThresholds(this, 'thresholds', props.thresholds);
    const source = props.quotaUsageSource ?? QuotaUsageSource.ESTIMATED_TPM_QUOTA_USAGE;
    if (!Object.values(QuotaUsageSource).includes(source)) {
      throw new PlatformValidationError(this, 'quotaUsageSource', source, `Allowed values: ${Object.values(QuotaUsageSource).join(', ')}.`);
    }
    this.alertTopic = props.alertTopic;

    const floor = thresholds.minimumInvocations;
    const metrics = models.map((m) => BedrockMetrics.forModel(m));
    const floorNote = floor > 0 ? ` (ignored below ${floor} requests a period)` : '';
    const fiveMinutes = { period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 2 };
    const signals: Signal[] = [
      {
        key: 'ErrorRate',
        what: 'client + server errors, % of invocations',
        unit: '%',
        thresholds: thresholds.errorRatePercent,
        ...fiveMinutes,
        metricsPerMember: 3,
        floorNote,
        members: metrics.map((m, i) => ({
          label: m.label,
          metrics: { [`c${i}`]: m.metricClientErrors(), [`s${i}`]: m.metricServerErrors(), [`n${i}`]: m.metricInvocations() },
          term: errorRateTerm(String(i), floor),
        })),
      },
      {
        key: 'ThrottleRate',
        what: 'throttled requests, % of requests',
        unit: '%',
        thresholds: thresholds.throttleRatePercent,
        ...fiveMinutes,
        metricsPerMember: 2,
        floorNote,
        members: metrics.map((m, i) => ({ label: m.label, metrics: { [`t${i}`]: m.metricThrottles(), [`n${i}`]: m.metricInvocations() }, term: throttleRateTerm(String(i), floor) })),
      },
      {
        key: 'LatencyP99',
        what: 'p99 latency to the last token, ms',
        unit: ' ms',
        thresholds: thresholds.latencyP99Millis,
        ...fiveMinutes,
        metricsPerMember: 2,
        floorNote,
        members: metrics.map((m, i) => ({
          label: m.label,
          metrics: { [`p${i}`]: m.metricLatencyP99(), [`n${i}`]: m.metricInvocations() },
          term: `IF(FILL(n${i},0) >= ${mathNumber(Math.max(floor, 1))}, FILL(p${i},0), 0)`,
        })),
      },
      {
        key: 'QuotaUsage',
        what: `tokens-per-minute quota used, % (${source})`,
        unit: '%',
        thresholds: thresholds.quotaUsagePercent,
        period: Duration.minutes(1),
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        metricsPerMember: source === QuotaUsageSource.TOKEN_COUNTS ? 2 : 1,
        members: metrics.flatMap((m, i) => {
          const quota = quotas[models[i].identifier];
          if (quota === undefined) return [];
          const usage = quotaUsageTerm(m, String(i), quota, source);
          return [{ label: `${m.label} (quota ${mathNumber(quota)} TPM)`, metrics: usage.metrics, term: usage.term }];
        }),
      },
      {
        key: 'GuardrailInterventionRate',
        what: 'guardrail interventions, % of evaluations',
        unit: '%',
        thresholds: thresholds.guardrailInterventionRatePercent,
        ...fiveMinutes,
        metricsPerMember: 2,
        floorNote: floor > 0 ? ` (ignored below ${floor} evaluations a period)` : '',
        members: guardrails.map((g, i) => {
          const gm = GuardrailMetrics.forGuardrail(g);
          return { label: gm.label, metrics: { [`g${i}`]: gm.metricInvocations(), [`v${i}`]: gm.metricInvocationsIntervened() }, term: interventionRateTerm(String(i), floor) };
        }),
      },
    ];

    const alarms: Record<AlarmSeverity, cloudwatch.Alarm[]> = { [AlarmSeverity.WARNING]: [], [AlarmSeverity.CRITICAL]: [] };
    for (const signal of signals) this.signalAlarms(signal, alarms);
    if (props.invocationLogging) this.deliveryAlarms(props.invocationLogging, thresholds.logDeliveryFailures, alarms);

    const all = [...alarms[AlarmSeverity.WARNING], ...alarms[AlarmSeverity.CRITICAL]];
    const action = new cloudwatchActions.SnsAction(this.alertTopic.topic);
    all.forEach((a) => a.addAlarmAction(action));
    this.alertTopic.allowCloudWatchAlarms(all);
    this.alarms = all;
    this.bySeverity = alarms;
  }

  private signalAlarms(signal: Signal, out: Record<AlarmSeverity, cloudwatch.Alarm[]>): void {
    const size = Math.floor(MAX_ALARM_METRICS / signal.metricsPerMember);
    const groups: Member[][] = [];
    for (let i = 0; i < signal.members.length; i += size) groups.push(signal.members.slice(i, i + size));
    groups.forEach((group, g) => {
      const terms = group.map((m) => m.term);
      const expression = new cloudwatch.MathExpression({
        expression: terms.length === 1 ? terms[0] : `MAX([${terms.join(', ')}])`,
        usingMetrics: Object.assign({}, ...group.map((m) => m.metrics)),
        period: signal.period,
        label: `${signal.what} (worst of ${group.length})`,
      });
      for (const severity of [AlarmSeverity.WARNING, AlarmSeverity.CRITICAL]) {
        const threshold = signal.thresholds[severity];
        const suffix = `${kebab(signal.key)}-${severity}-${g + 1}`;
        out[severity].push(
          expression.createAlarm(this, `${signal.key}${capitalized(severity)}${g + 1}`, {
            alarmName: `${PLATFORM_ALARM_NAME_PREFIX}${Names.uniqueResourceName(this, { maxLength: 160, separator: '-' })}-${suffix}`,
            alarmDescription: truncate(
              `[${severity}] Amazon Bedrock ${signal.what} at or above ${mathNumber(threshold)}${signal.unit} in ${signal.datapointsToAlarm} of ${signal.evaluationPeriods} ` +
                `${signal.period.toMinutes()}-minute periods for one of: ${group.map((m) => m.label).join(', ')}${signal.floorNote ?? ''}.`,
            ),
            threshold,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: signal.evaluationPeriods,
            datapointsToAlarm: signal.datapointsToAlarm,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
        );
      }
    });
  }

  /** Delivery failures per destination the logging delivers to. */
  private deliveryAlarms(logging: ModelInvocationLogging, thresholds: Required<SeverityThresholds>, out: Record<AlarmSeverity, cloudwatch.Alarm[]>): void {
    for (const destination of logging.destinations) {
      const key = destination.replace(/^ModelInvocation/, '').replace(/Failure$/, '');
      for (const severity of [AlarmSeverity.WARNING, AlarmSeverity.CRITICAL]) {
        const threshold = thresholds[severity];
        out[severity].push(
          logging.metricDeliveryFailures(destination).createAlarm(this, `${key}${capitalized(severity)}`, {
            // Audit alarms carry the audit prefix: the operator persona may not change or silence them.
            alarmName: auditAlarmName(this, `${kebab(key)}-${severity}`),
            alarmDescription: `[${severity}] Amazon Bedrock failed to deliver ${mathNumber(threshold)} or more model invocation logs (${destination}) in 5 minutes: invocations are missing from the audit record.`,
            threshold,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
        );
      }
    }
  }
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** CloudWatch takes descriptions of up to 1024 characters. */
function truncate(s: string): string {
  return s.length <= 1024 ? s : `${s.slice(0, 1021)}...`;
}
