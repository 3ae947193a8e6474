/** The scaler's pure decision: every pool state, the monthly cap, cooldowns, hysteresis, billing edges, idempotency. */
import { billedMinutesLeft, decide, DecisionInput, DemandSample, PoolThroughput, resolveConfig } from '../../../lambda/throughput-scaler/decide';

const M = 60_000;
const NOW = 1_000 * 60 * M; // minute 1000 since the epoch
const CONFIG = { tokensPerMuMinute: 100_000, minModelUnits: 1, maxModelUnits: 6, creationDelayMinutes: 15, billingMinutes: 60 };

/** A throughput created `ago` minutes before NOW. */
const tp = (id: string, ago: number, status: PoolThroughput['status'] = 'InService', modelUnits = 1): PoolThroughput => ({ id, status, modelUnits, createdAt: NOW - ago * M });
/** Per-minute demand (model units) for the last minutes, oldest first. */
const demand = (units: number[]): DemandSample[] => units.map((u, i) => ({ minute: NOW - (units.length - i) * M, tokens: u * 100_000 }));
const flat = (units: number, minutes = 40) => demand(Array(minutes).fill(units));
const run = (over: Partial<DecisionInput>) => decide({ pool: [], signals: [], now: NOW, config: CONFIG, ...over });

describe('scale-out', () => {
  test('sustained demand over 0.97 of capacity adds enough throughputs, with request tokens', () => {
    const d = run({ pool: [tp('a', 200), tp('b', 200)], signals: flat(3.5) });
    expect(d.action).toBe('add');
    expect(d.count).toBe(2); // 3.5 / 0.97 -> 4 MU
    expect(d.requestTokens).toHaveLength(2);
    expect(new Set(d.requestTokens).size).toBe(2);
    expect(d.reason).toMatch(/demand 3\.50 MU over 0\.97 of 2 MU/);
  });

  test('Creating throughputs count as pending capacity: a duplicate event does not buy twice', () => {
    const d = run({ pool: [tp('a', 200), tp('b', 200), tp('c', 1, 'Creating'), tp('d', 1, 'Creating')], signals: flat(3.5) });
    expect(d.action).toBe('none');
    expect(d.metrics.pendingUnits).toBe(2);
  });

  test('a rising trend is bought a creation delay ahead', () => {
    const ramp = Array.from({ length: 30 }, (_, i) => 1.0 + i * 0.05); // 1.0 -> 2.45 MU, +0.05/min
    const d = run({ pool: [tp('a', 200), tp('b', 200), tp('c', 200)], signals: demand(ramp) });
    expect(d.action).toBe('add');
    expect(d.reason).toMatch(/^forecast/);
    expect(d.metrics.forecastUnits).toBeGreaterThan(3);
  });

  test('a step (spike edge) is not extrapolated as a trend', () => {
    const step = [...Array(20).fill(1.5), ...Array(10).fill(2.5)];
    const d = run({ pool: [tp('a', 200), tp('b', 200), tp('c', 200)], signals: demand(step) });
    expect(d.metrics.forecastUnits).toBeCloseTo(2.5, 5);
    expect(d.action).toBe('none');
  });

  test('throttles without token readings still scale out, once', () => {
    const signals = Array.from({ length: 3 }, (_, i) => ({ minute: NOW - (3 - i) * M, throttles: 12 }));
    expect(run({ pool: [tp('a', 200)], signals }).action).toBe('add');
    expect(run({ pool: [tp('a', 200), tp('b', 1, 'Creating')], signals }).action).toBe('none');
  });

  test('never above maxModelUnits', () => {
    const d = run({ pool: [tp('a', 200), tp('b', 200), tp('c', 200), tp('d', 200), tp('e', 200)], signals: flat(50) });
    expect(d.action).toBe('add');
    expect(d.count).toBe(1);
    expect(run({ pool: ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => tp(id, 200)), signals: flat(50) }).action).toBe('none');
  });

  test('above max (configuration lowered): sheds the surplus at once, least paid time left first', () => {
    const pool = [tp('a', 200), tp('b', 59), tp('c', 10)];
    const d = run({ pool, signals: flat(3), config: { ...CONFIG, maxModelUnits: 2 } });
    expect(d).toMatchObject({ action: 'remove', remove: ['b'] });
  });

  test('the floor (min or scheduled) is restored even inside the cooldown', () => {
    expect(run({ pool: [], signals: [] })).toMatchObject({ action: 'add', count: 1 });
    const d = run({ pool: [tp('a', 200)], signals: flat(0.2), config: { ...CONFIG, scheduledFloorModelUnits: 3 }, lastScaleInAt: NOW - 2 * M });
    expect(d).toMatchObject({ action: 'add', count: 2 });
    expect(d.reason).toMatch(/below the floor of 3 MU/);
  });

  test('no demand-driven scale-out within the cooldown after a scale-in (no flapping)', () => {
    const d = run({ pool: [tp('a', 200)], signals: flat(3), lastScaleInAt: NOW - 10 * M });
    expect(d.action).toBe('none');
    expect(d.reason).toMatch(/within the 30 min cooldown/);
    expect(run({ pool: [tp('a', 200)], signals: flat(3), lastScaleInAt: NOW - 31 * M }).action).toBe('add');
  });
});

describe('monthly cap', () => {
  test('an add never pushes committed model-unit-hours over the cap (a new throughput owes a whole period)', () => {
    const over = { pool: [tp('a', 30)], signals: flat(4), config: { ...CONFIG, monthlyModelUnitHourCap: 100 } };
    expect(run({ ...over, modelUnitHoursUsed: 98 })).toMatchObject({ action: 'add', count: 2 });
    expect(run({ ...over, modelUnitHoursUsed: 98 }).metrics.projectedModelUnitHours).toBe(100);
    expect(run({ ...over, modelUnitHoursUsed: 99.5 })).toMatchObject({ action: 'none' });
    expect(run({ ...over, modelUnitHoursUsed: 99.5 }).reason).toMatch(/monthly cap/);
  });

  test('at its billing edge a throughput is deleted if another period would break the cap, whatever the demand', () => {
    const d = run({ pool: [tp('a', 59), tp('b', 30)], signals: flat(5), config: { ...CONFIG, monthlyModelUnitHourCap: 100 }, modelUnitHoursUsed: 99.5 });
    expect(d).toMatchObject({ action: 'remove', remove: ['a'] });
  });
});

describe('scale-in', () => {
  const pool = [tp('old', 178), tp('mid', 150), tp('new', 100)]; // paid minutes left: 2, 30, 20
  test('sustained low use removes only the throughput whose paid period ends now', () => {
    const d = run({ pool, signals: flat(1.2) });
    expect(d).toMatchObject({ action: 'remove', remove: ['old'] });
  });

  test('waits for a billing edge instead of throwing paid time away', () => {
    const d = run({ pool: [tp('mid', 150), tp('new', 100)], signals: flat(0.5) });
    expect(d.action).toBe('none');
    expect(d.reason).toMatch(/waiting for a paid period to end \(20 min left\)/);
  });

  test('hysteresis: demand between 0.93 of the smaller pool and 0.97 of the current one changes nothing', () => {
    // 1.9 MU: over 0.93 x 2, under 0.97 x 3.
    expect(run({ pool, signals: flat(1.9) }).action).toBe('none');
  });

  test('not within the cooldown after a scale-out, not while something is Creating, not without enough history', () => {
    expect(run({ pool, signals: flat(1.2), lastScaleOutAt: NOW - 5 * M }).reason).toMatch(/scale-out 5 min ago/);
    expect(run({ pool: [...pool, tp('c', 3, 'Creating')], signals: flat(0.2) }).action).toBe('none');
    expect(run({ pool, signals: flat(1.2, 10) }).reason).toMatch(/only 10 of 20 minutes/);
  });

  test('never below the floor', () => {
    expect(run({ pool: [tp('a', 59)], signals: flat(0) }).reason).toMatch(/at the floor/);
  });

  test('ties on paid time left: the newest goes first', () => {
    const d = run({ pool: [tp('x', 119), tp('y', 59), tp('z', 290)], signals: flat(0.3), config: { ...CONFIG, billingEdgeMinutes: 1 } });
    expect(d.remove).toEqual(['y', 'x']);
  });
});

describe('every status', () => {
  test('Failed: no capacity, listed for deletion, replaced; Updating: capacity, never removed mid-update', () => {
    const d = run({ pool: [tp('f', 30, 'Failed'), tp('u', 200, 'Updating')], signals: flat(1.5) });
    expect(d.deleteFailed).toEqual(['f']);
    expect(d.metrics).toMatchObject({ inServiceUnits: 1, failedCount: 1 });
    expect(d).toMatchObject({ action: 'add', count: 1 });
    const idle = run({ pool: [tp('u', 179, 'Updating'), tp('i', 59)], signals: flat(0.2) });
    expect(idle.remove).toEqual(['i']);
  });
});

describe('idempotency and hostile input', () => {
  const input: DecisionInput = { pool: [tp('a', 200), tp('b', 100), tp('c', 5, 'Creating')], signals: flat(4.5), now: NOW, config: CONFIG };
  test('same input, same decision (request tokens included); input order does not matter', () => {
    const d = decide(input);
    expect(decide(input)).toEqual(d);
    expect(decide({ ...input, pool: [...input.pool].reverse(), signals: [...input.signals].reverse() })).toEqual(d);
  });

  test('duplicated, future and garbage samples are ignored; the largest reading of a minute wins', () => {
    const noisy = [...input.signals, ...input.signals, { minute: NOW + 5 * M, tokens: 1e9 }, { minute: Number.NaN, tokens: 5 }, { minute: NOW - M, tokens: -4 }];
    expect(decide({ ...input, signals: noisy })).toEqual(decide(input));
  });

  test('billedMinutesLeft: whole periods from creation; exactly on an edge nothing is left', () => {
    expect(billedMinutesLeft(0, 59 * M, 60)).toBe(1);
    expect(billedMinutesLeft(0, 60 * M, 60)).toBe(0);
    expect(billedMinutesLeft(0, 61 * M, 60)).toBe(59);
    expect(billedMinutesLeft(0, 0, 60)).toBe(60);
  });

  test('nonsense configuration is refused with the field named', () => {
    expect(() => resolveConfig({ scaleInUtilisation: 0.99 })).toThrow(/scaleInUtilisation .* must be below scaleOutUtilisation/);
    expect(() => resolveConfig({ minModelUnits: 5, maxModelUnits: 2 })).toThrow(/minModelUnits/);
    expect(() => resolveConfig({ unitSize: 0 })).toThrow(/unitSize/);
  });
});
