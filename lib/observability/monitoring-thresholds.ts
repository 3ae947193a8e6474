import { IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { isResolved } from '../core/validate';

/** How urgent an alarm is: both notify the alert topic, the name and description say which. */
export enum AlarmSeverity {
  /** Worth a look in working hours. */
  WARNING = 'warning',
  /** Worth waking someone. */
  CRITICAL = 'critical',
}

/** The threshold of each severity; the alarm fires at or above it. */
export interface SeverityThresholds {
  /**
   * Threshold of the warning alarm.
   * @default the signal's default (see DEFAULT_MONITORING_THRESHOLDS)
   */
  readonly warning?: number;
  /**
   * Threshold of the critical alarm: at or above the warning one.
   * @default the signal's default (see DEFAULT_MONITORING_THRESHOLDS)
   */
  readonly critical?: number;
}

/** Alarm thresholds by signal and severity. Each alarm fires at or above its threshold. */
export interface MonitoringThresholds {
  /**
   * Client + server errors, % of invocations (5 minutes, 2 of 3 periods).
   * @default { warning: 5, critical: 10 }
   */
  readonly errorRatePercent?: SeverityThresholds;
  /**
   * Throttled requests, % of requests (5 minutes, 2 of 3 periods): a rate, not a count, so a
   * burst that SDK retries absorb does not page.
   * @default { warning: 5, critical: 20 }
   */
  readonly throttleRatePercent?: SeverityThresholds;
  /**
   * p99 latency to the last token, in milliseconds (5 minutes, 2 of 3 periods).
   * @default { warning: 30000, critical: 60000 }
   */
  readonly latencyP99Millis?: SeverityThresholds;
  /**
   * Tokens-per-minute quota used, % of the quota declared in `quotas` (1 minute, 3 of 5 periods).
   * @default { warning: 80, critical: 95 }
   */
  readonly quotaUsagePercent?: SeverityThresholds;
  /**
   * Guardrail interventions, % of evaluations (5 minutes, 2 of 3 periods).
   * @default { warning: 20, critical: 50 }
   */
  readonly guardrailInterventionRatePercent?: SeverityThresholds;
  /**
   * Failed deliveries of invocation logs per 5 minutes (any failure is a gap in the audit record).
   * @default { warning: 1, critical: 10 }
   */
  readonly logDeliveryFailures?: SeverityThresholds;
  /**
   * Requests a model (or evaluations a guardrail) must see in 5 minutes before its error,
   * throttle, latency and intervention alarms count: below it the rate reads 0. One failure out
   * of two requests at night is noise, not an incident.
   * @default 20
   */
  readonly minimumInvocations?: number;
}

/** Every threshold resolved. */
export interface ResolvedThresholds {
  readonly errorRatePercent: Required<SeverityThresholds>;
  readonly throttleRatePercent: Required<SeverityThresholds>;
  readonly latencyP99Millis: Required<SeverityThresholds>;
  readonly quotaUsagePercent: Required<SeverityThresholds>;
  readonly guardrailInterventionRatePercent: Required<SeverityThresholds>;
  readonly logDeliveryFailures: Required<SeverityThresholds>;
  readonly minimumInvocations: number;
}

/** The defaults of {@link MonitoringThresholds}. */
export const DEFAULT_MONITORING_THRESHOLDS: ResolvedThresholds = Object.freeze({
  errorRatePercent: { warning: 5, critical: 10 },
  throttleRatePercent: { warning: 5, critical: 20 },
  latencyP99Millis: { warning: 30_000, critical: 60_000 },
  quotaUsagePercent: { warning: 80, critical: 95 },
  guardrailInterventionRatePercent: { warning: 20, critical: 50 },
  logDeliveryFailures: { warning: 1, critical: 10 },
  minimumInvocations: 20,
});

type SignalKey = Exclude<keyof ResolvedThresholds, 'minimumInvocations'>;

/** What each threshold may be: (min, max], integer or not, and its unit for messages. */
const RANGES: Record<SignalKey, { min: number; max: number; integer: boolean; what: string }> = {
  errorRatePercent: { min: 0, max: 100, integer: false, what: 'a percentage above 0 and at most 100' },
  throttleRatePercent: { min: 0, max: 100, integer: false, what: 'a percentage above 0 and at most 100' },
  latencyP99Millis: { min: 0, max: 3_600_000, integer: false, what: 'milliseconds above 0 and at most 3600000 (one hour)' },
  quotaUsagePercent: { min: 0, max: 100, integer: false, what: 'a percentage above 0 and at most 100' },
  guardrailInterventionRatePercent: { min: 0, max: 100, integer: false, what: 'a percentage above 0 and at most 100' },
  logDeliveryFailures: { min: 0, max: 1_000_000, integer: true, what: 'a whole number of failures from 1 to 1000000' },
};

/** Merges `thresholds` over the defaults; throws a PlatformValidationError naming `prop.<signal>.<severity>` for a value out of range. */
export function resolveThresholds(scope: IConstruct, prop: string, thresholds: MonitoringThresholds | undefined): ResolvedThresholds {
  if (thresholds === undefined) return DEFAULT_MONITORING_THRESHOLDS;
  if (thresholds === null || typeof thresholds !== 'object' || Array.isArray(thresholds)) {
    throw new PlatformValidationError(scope, prop, thresholds, 'Must be an object such as { errorRatePercent: { warning: 5, critical: 10 } }.');
  }
  const known = [...Object.keys(RANGES), 'minimumInvocations'];
  const unknown = Object.keys(thresholds).find((k) => !known.includes(k));
  if (unknown) throw new PlatformValidationError(scope, `${prop}.${unknown}`, (thresholds as Record<string, unknown>)[unknown], `Unknown threshold. Known: ${known.join(', ')}.`);

  const resolved: Record<string, unknown> = {};
  for (const key of Object.keys(RANGES) as SignalKey[]) {
    const given = thresholds[key];
    if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) {
      throw new PlatformValidationError(scope, `${prop}.${key}`, given, 'Must be an object { warning?: number, critical?: number }.');
    }
    const merged = { ...DEFAULT_MONITORING_THRESHOLDS[key], ...definedOnly(given ?? {}) };
    for (const severity of [AlarmSeverity.WARNING, AlarmSeverity.CRITICAL]) {
      requireThreshold(scope, `${prop}.${key}.${severity}`, merged[severity], RANGES[key]);
    }
    if (isResolved(merged.warning) && isResolved(merged.critical) && merged.warning > merged.critical) {
      throw new PlatformValidationError(scope, `${prop}.${key}`, merged, 'The warning threshold must not be above the critical one: the critical alarm fires at a worse value.');
    }
    resolved[key] = merged;
  }
  const floor = thresholds.minimumInvocations ?? DEFAULT_MONITORING_THRESHOLDS.minimumInvocations;
  if (typeof floor !== 'number' || (isResolved(floor) && (!Number.isInteger(floor) || floor < 0 || floor > 1_000_000))) {
    throw new PlatformValidationError(scope, `${prop}.minimumInvocations`, floor, 'Must be a whole number of invocations per 5 minutes from 0 to 1000000.');
  }
  resolved.minimumInvocations = floor;
  return resolved as unknown as ResolvedThresholds;
}

function definedOnly(value: SeverityThresholds): SeverityThresholds {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

function requireThreshold(scope: IConstruct, prop: string, value: unknown, range: { min: number; max: number; integer: boolean; what: string }): void {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new PlatformValidationError(scope, prop, value, `Must be ${range.what}.`);
  if (!isResolved(value)) return;
  if (value <= range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
    throw new PlatformValidationError(scope, prop, value, `Must be ${range.what}.`);
  }
}
