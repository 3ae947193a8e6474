/*
 * The ThroughputScaler's decision: a pure function (no AWS imports, no clock, no randomness) from the
 * pool of no-commitment provisioned throughputs, recent demand and the configuration to one action.
 * The Lambda shell reconciles the pool with what really exists, calls `decide`, and carries the
 * decision out; bench/scaler replays demand traces through this same function.
 *
 * Model units never change after purchase (CreateProvisionedModelThroughput / Update only renames or
 * swaps a custom model), so scaling means adding and removing whole throughputs of `unitSize` MUs.
 * Billing is hourly (https://docs.aws.amazon.com/bedrock/latest/userguide/prov-throughput.html):
 * a throughput pays a whole billing period as soon as the period starts, so removing one early saves
 * nothing; scale-in therefore removes only a throughput whose paid period is about to end, and keeps
 * the others as free capacity until their own period ends.
 */

/** A provisioned throughput's status, as GetProvisionedModelThroughput reports it. */
export type ThroughputStatus = 'Creating' | 'InService' | 'Updating' | 'Failed';

/** One no-commitment provisioned throughput of the pool. */
export interface PoolThroughput {
  /** Identifier (ARN or name); ties are broken on it, so the decision never depends on input order. */
  readonly id: string;
  readonly status: ThroughputStatus;
  /** Model units of this throughput (fixed at purchase). */
  readonly modelUnits: number;
  /** Creation time, epoch milliseconds: billing runs from here in whole billing periods. */
  readonly createdAt: number;
}

/**
 * Demand observed during one minute. Give `tokens` (total demand: tokens served by the pool plus the
 * overflow sent on-demand) where you can; otherwise `utilisation` (demand / in-service capacity of
 * that minute); `throttles` (InvocationThrottles on the pool) marks a minute as over capacity.
 */
export interface DemandSample {
  /** Start of the minute, epoch milliseconds. */
  readonly minute: number;
  readonly tokens?: number;
  readonly utilisation?: number;
  readonly throttles?: number;
}

/** The scaler's configuration. Every field has a default (`DEFAULT_SCALER_CONFIG`). */
export interface ScalerConfig {
  /** @default 1 */
  readonly minModelUnits: number;
  /** @default 10 */
  readonly maxModelUnits: number;
  /** Model units of each throughput the scaler buys. @default 1 */
  readonly unitSize: number;
  /**
   * Tokens one model unit serves per minute (model specific: ask your AWS account team, or measure).
   * Needed to read `tokens` samples.
   * @default 100000
   */
  readonly tokensPerMuMinute: number;
  /** Expected minutes from CreateProvisionedModelThroughput to InService: the forecast looks this far ahead. @default 15 */
  readonly creationDelayMinutes: number;
  /** Billing granularity in minutes. @default 60 */
  readonly billingMinutes: number;
  /** Scale out when demand (observed, or forecast at creation delay) exceeds this fraction of capacity incl. pending. @default 0.97 */
  readonly scaleOutUtilisation: number;
  /** Scale in only if the last `scaleInSustainMinutes` of demand stay below this fraction of the smaller capacity (hysteresis: below `scaleOutUtilisation`). @default 0.93 */
  readonly scaleInUtilisation: number;
  /** Minutes in a row of over-capacity demand (or throttles) that trigger scale-out. @default 2 */
  readonly scaleOutSustainMinutes: number;
  /** Minutes of low use required before scale-in. @default 20 */
  readonly scaleInSustainMinutes: number;
  /** Minutes of history for the trend forecast (least squares on each half). @default 30 */
  readonly forecastWindowMinutes: number;
  /** No scale-in within this many minutes after a scale-out, and no demand-driven scale-out within this many after a scale-in. @default 30 */
  readonly cooldownMinutes: number;
  /** Remove a throughput only when its paid billing period ends within this many minutes. @default 3 */
  readonly billingEdgeMinutes: number;
  /** Scheduled floor in force now (e.g. business hours), model units. @default 0 */
  readonly scheduledFloorModelUnits: number;
  /** Hard cap of model-unit-hours per calendar month. @default Infinity */
  readonly monthlyModelUnitHourCap: number;
}

export const DEFAULT_SCALER_CONFIG: ScalerConfig = Object.freeze({
  minModelUnits: 1,
  maxModelUnits: 10,
  unitSize: 1,
  tokensPerMuMinute: 100_000,
  creationDelayMinutes: 15,
  billingMinutes: 60,
  scaleOutUtilisation: 0.97,
  scaleInUtilisation: 0.93,
  scaleOutSustainMinutes: 2,
  scaleInSustainMinutes: 20,
  forecastWindowMinutes: 30,
  cooldownMinutes: 30,
  billingEdgeMinutes: 3,
  scheduledFloorModelUnits: 0,
  monthlyModelUnitHourCap: Number.POSITIVE_INFINITY,
});

export interface DecisionInput {
  readonly pool: readonly PoolThroughput[];
  /** Recent per-minute demand; duplicates, gaps, out-of-order and future samples are tolerated. */
  readonly signals: readonly DemandSample[];
  readonly config?: Partial<ScalerConfig>;
  /** Now, epoch milliseconds. */
  readonly now: number;
  /**
   * Model-unit-hours committed this month so far: every billing period a throughput started this
   * month counts in full (it is owed as soon as it starts), deleted throughputs included.
   * @default 0
   */
  readonly modelUnitHoursUsed?: number;
  /** Last scale-out the shell carried out (epoch ms); the newest createdAt of the pool counts too. */
  readonly lastScaleOutAt?: number;
  /** Last scale-in the shell carried out (epoch ms): deleted throughputs leave no other trace. */
  readonly lastScaleInAt?: number;
}

export interface DecisionMetrics {
  readonly inServiceUnits: number;
  readonly pendingUnits: number;
  readonly failedCount: number;
  /** Latest observed demand in model units (NaN without samples). */
  readonly demandUnits: number;
  /** Demand forecast at now + creation delay, model units. */
  readonly forecastUnits: number;
  /** Units the decision aims at (before the cap). */
  readonly targetUnits: number;
  /** Committed model-unit-hours this month if the decision is carried out. */
  readonly projectedModelUnitHours: number;
}

export interface ScalingDecision {
  readonly action: 'add' | 'remove' | 'none';
  /** Throughputs to add (action 'add') or remove (action 'remove'). */
  readonly count: number;
  /** Model units of each throughput to add. */
  readonly unitSize: number;
  /** Throughputs to delete for scale-in, in order. */
  readonly remove: readonly string[];
  /** Failed throughputs: no capacity, delete them whatever the action. */
  readonly deleteFailed: readonly string[];
  /** Client request tokens for the adds: the same input gives the same tokens, so a duplicate event cannot buy twice. */
  readonly requestTokens: readonly string[];
  readonly reason: string;
  readonly metrics: DecisionMetrics;
}

const MINUTE = 60_000;

/** The configuration with defaults applied and checked (throws on values that make no sense). */
export function resolveConfig(config: Partial<ScalerConfig> = {}): ScalerConfig {
  const c: ScalerConfig = { ...DEFAULT_SCALER_CONFIG, ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) };
  const positive = ['unitSize', 'tokensPerMuMinute', 'billingMinutes', 'scaleOutUtilisation', 'scaleInUtilisation', 'scaleOutSustainMinutes', 'scaleInSustainMinutes', 'forecastWindowMinutes'] as const;
  for (const k of positive) if (!(c[k] > 0)) throw new Error(`scaler config ${k} must be > 0, got ${c[k]}`);
  const nonNegative = ['minModelUnits', 'maxModelUnits', 'creationDelayMinutes', 'cooldownMinutes', 'billingEdgeMinutes', 'scheduledFloorModelUnits', 'monthlyModelUnitHourCap'] as const;
  for (const k of nonNegative) if (!(c[k] >= 0)) throw new Error(`scaler config ${k} must be >= 0, got ${c[k]}`);
  if (c.minModelUnits > c.maxModelUnits) throw new Error(`scaler config minModelUnits (${c.minModelUnits}) exceeds maxModelUnits (${c.maxModelUnits})`);
  if (c.scaleInUtilisation >= c.scaleOutUtilisation) throw new Error(`scaler config scaleInUtilisation (${c.scaleInUtilisation}) must be below scaleOutUtilisation (${c.scaleOutUtilisation}) (hysteresis)`);
  return c;
}

/** Minutes of the current paid billing period left for a throughput created at `createdAt` (0 exactly on a boundary). */
export function billedMinutesLeft(createdAt: number, now: number, billingMinutes: number): number {
  const elapsed = Math.max(0, (now - createdAt) / MINUTE);
  if (elapsed === 0) return billingMinutes;
  const into = elapsed % billingMinutes;
  return into === 0 ? 0 : billingMinutes - into;
}

/** One sample per minute, oldest first, only minutes before now; the largest reading wins for duplicates. */
function cleanSignals(signals: readonly DemandSample[], now: number, capacityUnits: number, tokensPerMu: number): Array<{ minute: number; units: number; throttled: boolean }> {
  const byMinute = new Map<number, { units: number; throttled: boolean }>();
  for (const s of signals) {
    if (!Number.isFinite(s.minute) || s.minute >= now) continue;
    const minute = Math.floor(s.minute / MINUTE) * MINUTE;
    let units = Number.NaN;
    if (s.tokens !== undefined && Number.isFinite(s.tokens) && s.tokens >= 0) units = s.tokens / tokensPerMu;
    else if (s.utilisation !== undefined && Number.isFinite(s.utilisation) && s.utilisation >= 0) units = s.utilisation * capacityUnits;
    const throttled = (s.throttles ?? 0) > 0;
    if (Number.isNaN(units) && !throttled) continue;
    const prev = byMinute.get(minute);
    byMinute.set(minute, {
      units: Math.max(prev?.units ?? Number.NEGATIVE_INFINITY, Number.isNaN(units) ? Number.NEGATIVE_INFINITY : units),
      throttled: (prev?.throttled ?? false) || throttled,
    });
  }
  return [...byMinute.entries()]
    .sort((a, b) => a[0] - b[0])
    // A throttled minute without a token reading: demand is at least the capacity.
    .map(([minute, v]) => ({ minute, units: Number.isFinite(v.units) ? Math.max(v.units, v.throttled ? capacityUnits : 0) : capacityUnits, throttled: v.throttled }));
}

function slope(points: Array<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 3) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

/**
 * Demand `ahead` minutes from now: the level (mean of the last 5 minutes) plus a rising trend, if
 * there is one. The trend is the smaller least-squares slope of the window's two halves: a steady
 * ramp rises in both, whereas a step (a spike's edge) rises in only one and must not be extrapolated
 * as a ramp (it would buy capacity for demand that never comes). A falling trend is ignored: demand
 * still here must not be forecast away.
 */
function forecast(samples: Array<{ minute: number; units: number }>, now: number, windowMinutes: number, ahead: number): number {
  const w = samples.filter((s) => s.minute >= now - windowMinutes * MINUTE).map((s) => ({ x: (s.minute - now) / MINUTE, y: s.units }));
  if (w.length === 0) return Number.NaN;
  const last = w.slice(-5);
  const level = last.reduce((a, p) => a + p.y, 0) / last.length;
  const half = Math.floor(w.length / 2);
  const trend = Math.max(0, Math.min(slope(w.slice(0, half)), slope(w.slice(half))));
  return level + trend * (ahead + (last.length - 1) / 2);
}

/** Deterministic short hash (FNV-1a) for request tokens. */
function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h.toString(36);
}

/**
 * Decide what to do now. Pure and deterministic: the same input always gives the same decision.
 *
 * - Capacity counts InService and Updating throughputs; Creating ones are pending capacity (never
 *   bought twice); Failed ones count for nothing and are listed in `deleteFailed`.
 * - Out: when demand exceeded `scaleOutUtilisation` of capacity (incl. pending) for
 *   `scaleOutSustainMinutes` in a row, or the rising trend forecast at `creationDelayMinutes` does;
 *   never above `maxModelUnits`, never if the first billing period of the new throughputs would push
 *   the month's committed model-unit-hours over the cap.
 * - In: when the last `scaleInSustainMinutes` (and the forecast) stay below `scaleInUtilisation` of
 *   the smaller pool, not within `cooldownMinutes` of a scale-out, and only a throughput whose paid
 *   period ends within `billingEdgeMinutes` (least time left first, then the newest). A throughput
 *   whose next period would break the monthly cap is removed at its period edge whatever the demand;
 *   above `maxModelUnits`, the surplus goes at once.
 */
export function decide(input: DecisionInput): ScalingDecision {
  const c = resolveConfig(input.config);
  const now = input.now;
  const used = input.modelUnitHoursUsed ?? 0;
  const pool = [...input.pool].sort((a, b) => (a.createdAt - b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const failed = pool.filter((t) => t.status === 'Failed');
  const serving = pool.filter((t) => t.status === 'InService' || t.status === 'Updating');
  const creating = pool.filter((t) => t.status === 'Creating');
  const sum = (ts: readonly PoolThroughput[]) => ts.reduce((a, t) => a + t.modelUnits, 0);
  const inServiceUnits = sum(serving);
  const pendingUnits = sum(creating);
  const liveUnits = inServiceUnits + pendingUnits;
  const periodHours = c.billingMinutes / 60;

  const samples = cleanSignals(input.signals, now, inServiceUnits, c.tokensPerMuMinute);
  const demandUnits = samples.length ? samples[samples.length - 1].units : Number.NaN;
  const forecastUnits = forecast(samples, now, c.forecastWindowMinutes, c.creationDelayMinutes + 1);

  const lastOut = Math.max(input.lastScaleOutAt ?? Number.NEGATIVE_INFINITY, ...pool.filter((t) => t.status !== 'Failed').map((t) => t.createdAt));
  const lastIn = input.lastScaleInAt ?? Number.NEGATIVE_INFINITY;
  const sinceOut = (now - lastOut) / MINUTE;
  const sinceIn = (now - lastIn) / MINUTE;

  const maxUnits = Math.floor(c.maxModelUnits / c.unitSize) * c.unitSize;
  const floorUnits = Math.min(maxUnits, Math.max(c.minModelUnits, c.scheduledFloorModelUnits));
  const roundUp = (units: number) => Math.ceil(units / c.unitSize - 1e-9) * c.unitSize;

  // Demand-driven target: what the forecast (or the sustained observed demand) needs at the scale-out threshold.
  const recent = samples.filter((s) => s.minute >= now - c.scaleOutSustainMinutes * MINUTE);
  // Throttles alone do not count here: they go on while bought capacity is still Creating. A throttled
  // minute without a token reading reads as demand = in-service capacity (cleanSignals), which is
  // over the threshold only when nothing is pending.
  const sustainedOver = recent.length >= c.scaleOutSustainMinutes && recent.every((s) => s.units > c.scaleOutUtilisation * liveUnits);
  const sustainedDemand = sustainedOver ? Math.min(...recent.map((s) => s.units)) : 0;
  const trendOver = Number.isFinite(forecastUnits) && forecastUnits > c.scaleOutUtilisation * liveUnits;
  const wanted = Math.max(sustainedDemand, trendOver ? forecastUnits : 0) / c.scaleOutUtilisation;
  const targetUnits = Math.min(maxUnits, Math.max(floorUnits, roundUp(wanted)));

  const deleteFailed = failed.map((t) => t.id);
  const metricsBase = { inServiceUnits, pendingUnits, failedCount: failed.length, demandUnits, forecastUnits, targetUnits };
  const none = (reason: string): ScalingDecision => ({ action: 'none', count: 0, unitSize: c.unitSize, remove: [], deleteFailed, requestTokens: [], reason, metrics: { ...metricsBase, projectedModelUnitHours: used } });
  const remove = (ids: string[], reason: string): ScalingDecision => ({ action: 'remove', count: ids.length, unitSize: c.unitSize, remove: ids, deleteFailed, requestTokens: [], reason, metrics: { ...metricsBase, projectedModelUnitHours: used } });

  // Removal candidates: serving throughputs, least paid time left first, then the newest.
  const byEdge = serving
    .map((t) => ({ t, left: billedMinutesLeft(t.createdAt, now, c.billingMinutes) }))
    .sort((a, b) => (a.left - b.left) || (b.t.createdAt - a.t.createdAt) || (a.t.id < b.t.id ? -1 : 1));
  const atEdge = byEdge.filter((x) => x.left <= c.billingEdgeMinutes && now > x.t.createdAt);

  // 1. Above max (configuration lowered): shed the surplus at once, the cheapest to lose first.
  if (liveUnits > maxUnits) {
    const ids: string[] = [];
    let units = liveUnits;
    for (const x of byEdge) {
      if (units <= maxUnits) break;
      ids.push(x.t.id);
      units -= x.t.modelUnits;
    }
    if (ids.length) return remove(ids, `pool has ${liveUnits} MU, above maxModelUnits ${maxUnits}`);
  }

  // 2. Monthly cap: a throughput reaching its period edge starts another paid period unless deleted.
  if (Number.isFinite(c.monthlyModelUnitHourCap)) {
    let projected = used;
    const ids: string[] = [];
    for (const x of atEdge) {
      const next = x.t.modelUnits * periodHours;
      if (projected + next > c.monthlyModelUnitHourCap + 1e-9) ids.push(x.t.id);
      else projected += next;
    }
    if (ids.length) return remove(ids, `monthly cap ${c.monthlyModelUnitHourCap} MU-h: ${used} committed, another billing period would exceed it`);
  }

  // 3. Scale out (to the floor, or on demand).
  if (targetUnits > liveUnits) {
    const belowFloor = liveUnits < floorUnits;
    if (!belowFloor && sinceIn < c.cooldownMinutes) {
      return none(`demand wants ${targetUnits} MU but a scale-in ${Math.round(sinceIn)} min ago is within the ${c.cooldownMinutes} min cooldown`);
    }
    let count = Math.ceil((targetUnits - liveUnits) / c.unitSize - 1e-9);
    const perThroughput = c.unitSize * periodHours;
    const room = Math.floor((c.monthlyModelUnitHourCap - used) / perThroughput + 1e-9);
    const capped = count > room;
    count = Math.max(0, Math.min(count, room));
    if (count === 0) return none(`wants ${targetUnits} MU, but the monthly cap ${c.monthlyModelUnitHourCap} MU-h leaves no room (${used} committed)`);
    const why = belowFloor
      ? `below the floor of ${floorUnits} MU`
      : sustainedOver
        ? `demand ${sustainedDemand.toFixed(2)} MU over ${c.scaleOutUtilisation} of ${liveUnits} MU for ${c.scaleOutSustainMinutes} min`
        : `forecast ${forecastUnits.toFixed(2)} MU in ${c.creationDelayMinutes} min over ${c.scaleOutUtilisation} of ${liveUnits} MU`;
    const seed = hash(`${Math.floor(now / MINUTE)}|${pool.map((t) => t.id).join(',')}`);
    return {
      action: 'add',
      count,
      unitSize: c.unitSize,
      remove: [],
      deleteFailed,
      requestTokens: Array.from({ length: count }, (_, i) => `scaler-${seed}-${i}`),
      reason: `${why}: add ${count} x ${c.unitSize} MU${capped ? ' (limited by the monthly cap)' : ''}`,
      metrics: { ...metricsBase, projectedModelUnitHours: used + count * perThroughput },
    };
  }

  // 4. Scale in: sustained low use, hysteresis, cooldown, billing edge.
  if (liveUnits <= floorUnits) return none(`at the floor of ${floorUnits} MU`);
  if (pendingUnits > 0) return none('throughputs still Creating: no scale-in until they are in service');
  if (sinceOut < c.cooldownMinutes) return none(`scale-out ${Math.round(sinceOut)} min ago is within the ${c.cooldownMinutes} min cooldown`);
  const window = samples.filter((s) => s.minute >= now - c.scaleInSustainMinutes * MINUTE);
  if (window.length < c.scaleInSustainMinutes) return none(`only ${window.length} of ${c.scaleInSustainMinutes} minutes of demand history: no scale-in`);
  if (window.some((s) => s.throttled)) return none('throttling in the scale-in window');
  const peak = Math.max(...window.map((s) => s.units), Number.isFinite(forecastUnits) ? forecastUnits : 0);
  const ids: string[] = [];
  let units = liveUnits;
  for (const x of atEdge) {
    const after = units - x.t.modelUnits;
    if (after < floorUnits || peak >= c.scaleInUtilisation * after) break;
    ids.push(x.t.id);
    units = after;
  }
  if (ids.length) {
    return remove(ids, `peak ${peak.toFixed(2)} MU over ${c.scaleInSustainMinutes} min stays under ${c.scaleInUtilisation} of ${units} MU; remove at the end of the paid period`);
  }
  const lowEnough = peak < c.scaleInUtilisation * (liveUnits - (byEdge[0]?.t.modelUnits ?? c.unitSize));
  return none(lowEnough
    ? `could drop to ${liveUnits - (byEdge[0]?.t.modelUnits ?? c.unitSize)} MU: waiting for a paid period to end (${byEdge[0]?.left.toFixed(0)} min left)`
    : `demand ${Number.isFinite(demandUnits) ? demandUnits.toFixed(2) : 'unknown'} MU within ${liveUnits} MU`);
}
