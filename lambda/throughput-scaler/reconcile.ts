/*
 * Pure parts of the ThroughputScaler's Lambda shell (index.ts): settings, which throughputs belong to
 * the pool, demand samples from CloudWatch series, the scaler's state (cooldown marks, the month's
 * committed model-unit-hours, the scheduled floor), the document published to clients, and the
 * decision metrics. No AWS calls, no clock: index.ts passes `now`.
 *
 * Ownership: the scaler names every throughput it buys `<poolName>-<suffix>` and tags it
 * `<ownerTagKey>=<poolName>`; it treats as its own only a no-commitment throughput with both (the
 * role's Get/Delete are conditioned on the tag too), so it never touches anyone else's.
 */
import { DemandSample, PoolThroughput, ScalerConfig, ScalingDecision, ThroughputStatus } from './decide';

/** What the construct passes in the SCALER_SETTINGS environment variable (JSON). */
export interface ScalerSettings {
  /** Name prefix and ownership tag value of the pool's throughputs. */
  readonly poolName: string;
  /** The model the pool buys capacity for: foundation model ID or custom model ARN (CreateProvisionedModelThroughput modelId). */
  readonly modelId: string;
  readonly ownerTagKey: string;
  /** SSM parameter that clients read (String, JSON: {@link PoolDocument}). */
  readonly poolParameterName: string;
  /** SSM parameter that holds the scaler's own state (String, JSON: {@link ScalerState}). */
  readonly stateParameterName: string;
  /** CloudWatch namespace of the decision metrics (dimension Pool). */
  readonly metricNamespace: string;
  /** EventBridge `source` of the pool-changed events. */
  readonly eventSource: string;
  /** EventBridge `detail-type` of the pool-changed events. */
  readonly eventDetailType: string;
  /** Name prefix of the per-throughput InvocationThrottles alarms the scaler keeps (their state changes trigger a run). */
  readonly alarmPrefix: string;
  /** Where clients send what the pool cannot take (published in the pool document). */
  readonly overflow?: { readonly modelId: string; readonly kind: string };
  /** ModelId dimension of the overflow model's metrics, when its tokens count as demand. */
  readonly overflowMetricModelId?: string;
  /** Minutes CloudWatch needs to publish a minute's Bedrock metrics: newer minutes are not read. @default 2 */
  readonly metricLagMinutes?: number;
  /** Configuration of `decide` (scheduledFloorModelUnits comes from the floor schedules, through the state). */
  readonly config: Partial<ScalerConfig>;
}

const NAME = /^([0-9a-zA-Z][_-]?)+$/;

/** Parses and checks the settings; throws with what is wrong (a deployment error, not a runtime one). */
export function parseSettings(raw: string | undefined): ScalerSettings {
  if (!raw) throw new Error('SCALER_SETTINGS is not set');
  const s = JSON.parse(raw) as ScalerSettings;
  for (const key of ['poolName', 'modelId', 'ownerTagKey', 'poolParameterName', 'stateParameterName', 'metricNamespace', 'eventSource', 'eventDetailType', 'alarmPrefix'] as const) {
    if (typeof s[key] !== 'string' || s[key].length === 0) throw new Error(`SCALER_SETTINGS.${key} must be a non-empty string`);
  }
  if (!NAME.test(s.poolName) || s.poolName.length > 40) throw new Error(`SCALER_SETTINGS.poolName ${JSON.stringify(s.poolName)} must be 1-40 letters and digits, each optionally followed by one - or _`);
  if (typeof s.config !== 'object' || s.config === null) throw new Error('SCALER_SETTINGS.config must be an object');
  return s;
}

/** A throughput as ListProvisionedModelThroughputs summarizes it (the fields read here). */
export interface ThroughputSummary {
  readonly provisionedModelArn?: string;
  readonly provisionedModelName?: string;
  readonly status?: string;
  readonly modelUnits?: number;
  readonly commitmentDuration?: string;
  readonly creationTime?: Date | string;
}

const STATUSES: readonly ThroughputStatus[] = ['Creating', 'InService', 'Updating', 'Failed'];

/** The name of the throughput bought with `requestToken` (deterministic: a retried purchase reuses it). */
export function throughputName(poolName: string, requestToken: string): string {
  const suffix = requestToken.replace(/^scaler-/, '').replace(/[^0-9a-zA-Z-]/g, '');
  return `${poolName}-${suffix}`.slice(0, 63).replace(/[-_]+$/, '');
}

/**
 * Candidates of the pool from the list: named `<poolName>-...`, no commitment, a status decide knows.
 * Their ownership tag is checked next (index.ts), except for those the state already knows.
 */
export function poolCandidates(summaries: readonly ThroughputSummary[], poolName: string): Array<PoolThroughput & { readonly name: string }> {
  const out: Array<PoolThroughput & { name: string }> = [];
  for (const s of summaries) {
    if (!s.provisionedModelArn || !s.provisionedModelName?.startsWith(`${poolName}-`)) continue;
    // A committed throughput is never the scaler's (it buys none): leave it alone, whatever its name.
    if (s.commitmentDuration) continue;
    const status = STATUSES.find((x) => x === s.status);
    if (!status) continue;
    const created = s.creationTime instanceof Date ? s.creationTime.getTime() : typeof s.creationTime === 'string' ? Date.parse(s.creationTime) : Number.NaN;
    out.push({ id: s.provisionedModelArn, name: s.provisionedModelName, status, modelUnits: s.modelUnits ?? 0, createdAt: Number.isFinite(created) ? created : 0 });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const MINUTE = 60_000;

/** One CloudWatch series: timestamps (ms) and values, as GetMetricData returns them. */
export interface Series {
  readonly kind: 'throttles' | 'tokens';
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
}

/**
 * The window of minutes to read: [start, end), whole minutes, ending `lagMinutes` before now (the
 * newest minutes are not published yet; reading them as zero would look like demand vanishing).
 */
export function metricWindow(now: number, minutes: number, lagMinutes: number): { start: number; end: number } {
  const end = Math.floor(now / MINUTE) * MINUTE - lagMinutes * MINUTE;
  return { start: end - minutes * MINUTE, end };
}

/**
 * One demand sample per minute of the window: tokens and throttles summed over the series. Bedrock
 * publishes nothing for a minute without invocations, so a minute of the window without a data
 * point is a minute of zero demand (the window ends before the minutes still being published).
 */
export function demandSamples(series: readonly Series[], window: { start: number; end: number }): DemandSample[] {
  const tokens = new Map<number, number>();
  const throttles = new Map<number, number>();
  for (const s of series) {
    const into = s.kind === 'tokens' ? tokens : throttles;
    s.timestamps.forEach((t, i) => {
      const minute = Math.floor(t / MINUTE) * MINUTE;
      const v = s.values[i];
      if (minute < window.start || minute >= window.end || !Number.isFinite(v)) return;
      into.set(minute, (into.get(minute) ?? 0) + v);
    });
  }
  const out: DemandSample[] = [];
  for (let m = window.start; m < window.end; m += MINUTE) out.push({ minute: m, tokens: tokens.get(m) ?? 0, throttles: throttles.get(m) ?? 0 });
  return out;
}

/**
 * The samples moved `lagMinutes` later, so that the newest published minute reads as the minute
 * before now. decide() looks at the minutes just before now (the last 2 for scale-out, the last 20
 * for scale-in): unshifted, the minutes CloudWatch has not published yet would always be missing,
 * and a scale-in would never find its 20 minutes of history.
 */
export function asOfNow(samples: readonly DemandSample[], lagMinutes: number): DemandSample[] {
  return samples.map((s) => ({ ...s, minute: s.minute + lagMinutes * MINUTE }));
}

/** A throughput the state accounts for: committed model-unit-hours run from its creation. */
export interface LedgerEntry {
  readonly createdAt: number;
  readonly modelUnits: number;
}

/** The scaler's state, in its SSM parameter. */
export interface ScalerState {
  readonly version: 1;
  /** Calendar month (UTC, `YYYY-MM`) the usage below belongs to. */
  readonly month?: string;
  /** Model-unit-hours this month of throughputs that are gone. */
  readonly closedModelUnitHours?: number;
  /** Throughputs of the pool, by ARN, that the ledger counts (verified as the pool's). */
  readonly live?: Readonly<Record<string, LedgerEntry>>;
  readonly lastScaleOutAt?: number;
  readonly lastScaleInAt?: number;
  /** The scheduled floor in force: the latest schedule's (out-of-order deliveries never win over a later one). */
  readonly floor?: { readonly modelUnits: number; readonly scheduledAt: number };
  /** Name of the pool the stack deleted (drained): no run of that pool buys anything afterwards. */
  readonly drained?: string;
}

/** Parses the state parameter; an empty or unreadable value is a fresh state (logged by the caller). */
export function parseState(raw: string | undefined): { state: ScalerState; problem?: string } {
  if (!raw) return { state: { version: 1 } };
  try {
    const v = JSON.parse(raw) as ScalerState;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return { state: { version: 1 }, problem: 'state is not a JSON object' };
    return { state: { ...v, version: 1 } };
  } catch {
    return { state: { version: 1 }, problem: 'state is not JSON' };
  }
}

export function monthOf(now: number): string {
  return new Date(now).toISOString().slice(0, 7);
}

function monthStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/**
 * Model-unit-hours owed this month by a throughput that existed from `createdAt` until `end`: every
 * billing period that started in [month start, end) counts in full (it is owed as soon as it starts).
 */
export function periodHoursThisMonth(entry: LedgerEntry, end: number, now: number, billingMinutes: number): number {
  const period = billingMinutes * MINUTE;
  const from = monthStart(now);
  if (end <= entry.createdAt) return 0;
  const firstK = Math.max(0, Math.ceil((from - entry.createdAt) / period));
  const lastK = Math.ceil((end - entry.createdAt) / period) - 1; // the last period starting before end
  const periods = Math.max(0, lastK - firstK + 1);
  return periods * entry.modelUnits * (billingMinutes / 60);
}

/**
 * The state after seeing `pool` at `now`: a new month starts from zero; throughputs that are gone
 * move their month's hours to `closedModelUnitHours` (gone "now" at the latest: a run that missed
 * the moment over-counts, never under-counts); new ones join the ledger. Idempotent: the same pool
 * at the same time gives the same state.
 */
export function advanceState(state: ScalerState, pool: readonly PoolThroughput[], now: number, billingMinutes: number): ScalerState {
  const month = monthOf(now);
  const sameMonth = state.month === month;
  let closed = sameMonth ? (state.closedModelUnitHours ?? 0) : 0;
  const live: Record<string, LedgerEntry> = {};
  const present = new Map(pool.map((t) => [t.id, t]));
  for (const [arn, entry] of Object.entries(state.live ?? {})) {
    if (present.has(arn)) live[arn] = entry;
    else closed += periodHoursThisMonth(entry, now, now, billingMinutes);
  }
  for (const t of pool) if (!live[t.id]) live[t.id] = { createdAt: t.createdAt, modelUnits: t.modelUnits };
  return { ...state, version: 1, month, closedModelUnitHours: round(closed), live };
}

/** Committed model-unit-hours this month: closed ones plus every live throughput's periods started so far. */
export function modelUnitHoursUsed(state: ScalerState, now: number, billingMinutes: number): number {
  const live = Object.values(state.live ?? {}).reduce((a, e) => a + periodHoursThisMonth(e, Math.max(now, e.createdAt + 1), now, billingMinutes), 0);
  return round((state.month === monthOf(now) ? (state.closedModelUnitHours ?? 0) : 0) + live);
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** What invoked the function. */
export type ScalerEvent =
  | { readonly kind: 'cloudformation'; readonly requestType: 'Create' | 'Update' | 'Delete' }
  | { readonly kind: 'floor'; readonly modelUnits: number; readonly scheduledAt: number }
  | { readonly kind: 'reconcile'; readonly trigger: string };

/** Classifies an invocation event; anything unknown is just a reason to reconcile. */
export function classifyEvent(raw: unknown): ScalerEvent {
  const e = (raw ?? {}) as Record<string, unknown>;
  if (typeof e.RequestType === 'string' && typeof e.ResponseURL === 'string' && ['Create', 'Update', 'Delete'].includes(e.RequestType)) {
    return { kind: 'cloudformation', requestType: e.RequestType as 'Create' | 'Update' | 'Delete' };
  }
  if (e.scalerEvent === 'floor') {
    const units = Number(e.floorModelUnits);
    const at = typeof e.scheduledTime === 'string' ? Date.parse(e.scheduledTime) : Number.NaN;
    if (Number.isInteger(units) && units >= 0 && Number.isFinite(at)) return { kind: 'floor', modelUnits: units, scheduledAt: at };
    return { kind: 'reconcile', trigger: 'malformed floor event' };
  }
  if (e['detail-type'] === 'CloudWatch Alarm State Change') return { kind: 'reconcile', trigger: 'alarm' };
  if (e.scalerEvent === 'tick') return { kind: 'reconcile', trigger: 'schedule' };
  return { kind: 'reconcile', trigger: 'other' };
}

/** The state with a floor event applied: only a later schedule replaces the floor (duplicates and late deliveries change nothing). */
export function applyFloor(state: ScalerState, floor: { modelUnits: number; scheduledAt: number }): ScalerState {
  if (state.floor && state.floor.scheduledAt >= floor.scheduledAt) return state;
  return { ...state, floor: { modelUnits: floor.modelUnits, scheduledAt: floor.scheduledAt } };
}

/** What clients read from the pool parameter and receive in the pool-changed event. */
export interface PoolDocument {
  readonly version: 1;
  readonly pool: string;
  /** The model the capacity is for. */
  readonly model: string;
  /** In-service provisioned throughput ARNs: send traffic here (as modelId), spread across them. */
  readonly throughputArns: readonly string[];
  readonly modelUnits: number;
  /** Where to send what the pool throttles, or everything when it is empty; null without one. */
  readonly overflow: { readonly modelId: string; readonly kind: string } | null;
}

/** The document for the in-service part of `pool` (sorted: the same pool always gives the same text). */
export function poolDocument(settings: ScalerSettings, pool: readonly PoolThroughput[]): PoolDocument {
  const serving = pool.filter((t) => t.status === 'InService' || t.status === 'Updating').sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    version: 1,
    pool: settings.poolName,
    model: settings.modelId,
    throughputArns: serving.map((t) => t.id),
    modelUnits: serving.reduce((a, t) => a + t.modelUnits, 0),
    overflow: settings.overflow ?? null,
  };
}

/** True when the parameter's text holds the same pool as `doc` (any other text, or none, differs). */
export function samePool(raw: string | undefined, doc: PoolDocument): boolean {
  if (!raw) return false;
  try {
    return JSON.stringify(JSON.parse(raw)) === JSON.stringify(doc);
  } catch {
    return false;
  }
}

/** Name of the InvocationThrottles alarm of a throughput (its ARN's last segment). */
export function alarmName(prefix: string, arn: string): string {
  return `${prefix}${arn.slice(arn.lastIndexOf('/') + 1)}`;
}

/** Alarms to create (for serving or pending throughputs without one) and to delete (left by throughputs that are gone). */
export function alarmPlan(prefix: string, pool: readonly PoolThroughput[], existing: readonly string[]): { put: string[]; remove: string[] } {
  const wanted = new Map(pool.filter((t) => t.status !== 'Failed').map((t) => [alarmName(prefix, t.id), t.id]));
  return {
    put: [...wanted.entries()].filter(([name]) => !existing.includes(name)).map(([, arn]) => arn),
    remove: existing.filter((name) => name.startsWith(prefix) && !wanted.has(name)).sort(),
  };
}

/** What the run did, for the log line and the metrics. */
export interface RunOutcome {
  readonly created: readonly string[];
  readonly deleted: readonly string[];
  readonly errors: readonly string[];
}

/** The decision metrics (namespace `settings.metricNamespace`, dimension Pool). */
export function decisionMetrics(settings: ScalerSettings, decision: ScalingDecision, outcome: RunOutcome, usedModelUnitHours: number, now: number) {
  const m = decision.metrics;
  const value = (x: number) => (Number.isFinite(x) ? x : 0);
  const rows: Array<[string, number, 'Count' | 'None']> = [
    ['InServiceModelUnits', m.inServiceUnits, 'None'],
    ['PendingModelUnits', m.pendingUnits, 'None'],
    ['TargetModelUnits', m.targetUnits, 'None'],
    ['DemandModelUnits', value(m.demandUnits), 'None'],
    ['ModelUnitHoursUsed', usedModelUnitHours, 'None'],
    ['ThroughputsCreated', outcome.created.length, 'Count'],
    ['ThroughputsDeleted', outcome.deleted.length, 'Count'],
    ['FailedThroughputs', m.failedCount, 'Count'],
    ['ReconcileErrors', outcome.errors.length, 'Count'],
  ];
  return rows.map(([MetricName, Value, Unit]) => ({ MetricName, Value, Unit, Timestamp: new Date(now), Dimensions: [{ Name: 'Pool', Value: settings.poolName }] }));
}
