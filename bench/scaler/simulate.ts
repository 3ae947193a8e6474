/*
 * Replays a per-minute demand trace through the scaler's own decision function (lambda/throughput-scaler
 * /decide.ts), with a model of the service:
 *
 * - capacity: a throughput of u model units serves u x tokensPerMuMinute tokens per minute once
 *   InService; it is Creating for creationDelayMinutes after the create call;
 * - billing: a throughput bills in whole periods of billingMinutes from its creation to its deletion
 *   (alive for any part of a period pays the whole period); at the end of the trace every throughput
 *   still alive is deleted;
 * - signals: the decision at minute t sees the demand of minutes up to t - signalDelayMinutes
 *   (CloudWatch's lag; default 3, as the Lambda shell reads 2 minutes behind), as total tokens (pool +
 *   overflow) and a throttle count, shifted as the shell shifts them (reconcile.ts asOfNow);
 * - throttled minute: a minute whose demand exceeds the in-service capacity of that minute. The excess
 *   goes to on-demand (or a cross-Region profile): such a minute is served, partly on overflow, and is
 *   what we count — minutes, not tokens, and independent of how much overflowed.
 *
 * The pool starts with the throughputs minute 0's demand needs (clamped to min/max), in service at
 * minute 0 and billed from minute 0; the oracle gets the same start. Each minute: throughputs whose
 * creation delay has passed go InService, the decision runs, its action is carried out at once, then
 * the minute is served. O(minutes x window).
 */
import { decide, DemandSample, PoolThroughput, resolveConfig, ScalerConfig } from '../../lambda/throughput-scaler/decide';
import { asOfNow } from '../../lambda/throughput-scaler/reconcile';

/** The service model and the pool's bounds, shared by the scaler, the oracle and static provisioning. */
export interface BenchParams {
  /** Tokens one model unit serves per minute (model specific; an illustrative figure). */
  readonly tokensPerMuMinute: number;
  /** Minutes from the create call to InService. */
  readonly creationDelayMinutes: number;
  /** Billing granularity: a throughput alive for any part of a period pays the whole period. */
  readonly billingMinutes: number;
  /** Minutes between the end of a minute and the decision seeing its demand (>= 1). */
  readonly signalDelayMinutes: number;
  /** Model units per throughput. */
  readonly unitSize: number;
  readonly minModelUnits: number;
  readonly maxModelUnits: number;
}

export const DEFAULT_BENCH_PARAMS: BenchParams = Object.freeze({
  tokensPerMuMinute: 100_000,
  creationDelayMinutes: 15,
  billingMinutes: 60,
  // The Lambda shell reads CloudWatch 2 minutes behind (metricLagMinutes): the newest minute it sees is now - 3.
  signalDelayMinutes: 3,
  unitSize: 1,
  minModelUnits: 1,
  maxModelUnits: 20,
});

export interface ScaleEvent {
  readonly minute: number;
  readonly action: 'add' | 'remove';
  readonly count: number;
  readonly reason: string;
}

export interface SimulationResult {
  /** Billed model-unit-hours over the trace. */
  readonly muHours: number;
  /** Minutes whose demand exceeded the in-service capacity (served partly on overflow). */
  readonly throttledMinutes: number;
  /** Create and delete calls (one per throughput). */
  readonly actions: number;
  /** Scale-outs within the cooldown after a scale-in. */
  readonly flaps: number;
  /** In-service model units per minute. */
  readonly capacity: number[];
  readonly events: ScaleEvent[];
}

const MINUTE = 60_000;

/** Throughputs (of unitSize MUs) that serve `tokens` in one minute, clamped to the bounds. */
export function requiredThroughputs(tokens: number, p: BenchParams): number {
  const per = p.unitSize * p.tokensPerMuMinute;
  const min = Math.ceil(p.minModelUnits / p.unitSize - 1e-9);
  const max = Math.floor(p.maxModelUnits / p.unitSize + 1e-9);
  return Math.min(max, Math.max(min, Math.ceil(tokens / per - 1e-9)));
}

/** Billed periods of a throughput alive over [from, to) minutes. */
export function billedPeriods(from: number, to: number, billingMinutes: number): number {
  return Math.ceil(Math.max(0, to - from) / billingMinutes);
}

export function resolveParams(params: Partial<BenchParams> = {}): BenchParams {
  const p = { ...DEFAULT_BENCH_PARAMS, ...Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) } as BenchParams;
  if (!(p.tokensPerMuMinute > 0) || !(p.billingMinutes >= 1) || !(p.unitSize > 0) || !(p.creationDelayMinutes >= 0) || !(p.signalDelayMinutes >= 1) || !(p.minModelUnits >= 0) || !(p.maxModelUnits >= p.minModelUnits)) {
    throw new Error(`invalid bench parameters ${JSON.stringify(p)}`);
  }
  return p;
}

/** The decision's configuration for the bench: the scaler is told the true service model and bounds. */
export function scalerConfigFor(p: BenchParams, overrides: Partial<ScalerConfig> = {}): ScalerConfig {
  return resolveConfig({
    tokensPerMuMinute: p.tokensPerMuMinute,
    creationDelayMinutes: p.creationDelayMinutes,
    billingMinutes: p.billingMinutes,
    unitSize: p.unitSize,
    minModelUnits: p.minModelUnits,
    maxModelUnits: p.maxModelUnits,
    ...overrides,
  });
}

interface SimThroughput { id: string; createdAt: number; readyAt: number; modelUnits: number }

export function simulate(demand: readonly number[], params: Partial<BenchParams> = {}, overrides: Partial<ScalerConfig> = {}): SimulationResult {
  const p = resolveParams(params);
  const config = scalerConfigFor(p, overrides);
  const T = demand.length;
  const perThroughput = p.unitSize * p.tokensPerMuMinute;
  const history = Math.max(config.scaleInSustainMinutes, config.forecastWindowMinutes, config.scaleOutSustainMinutes) + 1;

  let nextId = 0;
  const alive: SimThroughput[] = [];
  const initial = T > 0 ? requiredThroughputs(demand[0], p) : 0;
  for (let i = 0; i < initial; i++) alive.push({ id: `t${String(nextId++).padStart(6, '0')}`, createdAt: 0, readyAt: 0, modelUnits: p.unitSize });

  let billed = 0; // periods x units of deleted throughputs
  let throttledMinutes = 0;
  let actions = 0;
  let flaps = 0;
  let lastIn = Number.NEGATIVE_INFINITY;
  let lastOut = Number.NEGATIVE_INFINITY;
  const capacity: number[] = new Array(T);
  const events: ScaleEvent[] = [];
  const signals: DemandSample[] = [];
  const servedUnits: number[] = new Array(T);

  for (let t = 0; t < T; t++) {
    // Signals of minutes up to t - signalDelay, newest `history` of them.
    const seen = t - p.signalDelayMinutes;
    if (seen >= 0) {
      signals.push({ minute: seen * MINUTE, tokens: demand[seen], throttles: demand[seen] > servedUnits[seen] * p.tokensPerMuMinute ? 1 : 0 });
      if (signals.length > history) signals.shift();
    }
    const pool: PoolThroughput[] = alive.map((a) => ({
      id: a.id,
      status: t >= a.readyAt ? 'InService' : 'Creating',
      modelUnits: a.modelUnits,
      createdAt: a.createdAt * MINUTE,
    }));
    const committed = billed + alive.reduce((s, a) => s + Math.max(1, billedPeriods(a.createdAt, t, p.billingMinutes)) * a.modelUnits, 0);
    const d = decide({
      pool,
      // As the Lambda shell does (lambda/throughput-scaler/reconcile.ts asOfNow): the newest minute
      // it can see reads as the minute before now, so a delay postpones decisions, never starves them.
      signals: asOfNow(signals, p.signalDelayMinutes - 1),
      config,
      now: t * MINUTE,
      modelUnitHoursUsed: committed * p.billingMinutes / 60,
      lastScaleInAt: lastIn * MINUTE,
      lastScaleOutAt: lastOut * MINUTE,
    });
    if (d.action === 'add') {
      for (let i = 0; i < d.count; i++) alive.push({ id: `t${String(nextId++).padStart(6, '0')}`, createdAt: t, readyAt: t + p.creationDelayMinutes, modelUnits: d.unitSize });
      if (t - lastIn < config.cooldownMinutes) flaps++;
      lastOut = t;
      actions += d.count;
      events.push({ minute: t, action: 'add', count: d.count, reason: d.reason });
    } else if (d.action === 'remove') {
      for (const id of d.remove) {
        const i = alive.findIndex((a) => a.id === id);
        if (i < 0) continue;
        billed += billedPeriods(alive[i].createdAt, t, p.billingMinutes) * alive[i].modelUnits;
        alive.splice(i, 1);
      }
      lastIn = t;
      actions += d.remove.length;
      events.push({ minute: t, action: 'remove', count: d.remove.length, reason: d.reason });
    }
    // Serve minute t.
    let units = 0;
    for (const a of alive) if (t >= a.readyAt) units += a.modelUnits;
    servedUnits[t] = units;
    capacity[t] = units;
    if (demand[t] > (units / p.unitSize) * perThroughput) throttledMinutes++;
  }
  for (const a of alive) billed += billedPeriods(a.createdAt, T, p.billingMinutes) * a.modelUnits;
  return { muHours: billed * p.billingMinutes / 60, throttledMinutes, actions, flaps, capacity, events };
}
