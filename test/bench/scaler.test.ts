/**
 * The scaler benchmark: the oracle is exact (checked against exhaustive search on small instances),
 * the scaler meets the targets on the shipped traces and on seeded generated traces it was not
 * tuned on, and `run.ts --json` prints the documented shape. Each shipped trace is simulated once.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { oracle, solveCover, staticForPeak } from '../../bench/scaler/oracle';
import { benchmark, main } from '../../bench/scaler/run';
import { DEFAULT_BENCH_PARAMS, requiredThroughputs, simulate, SimulationResult } from '../../bench/scaler/simulate';
import { formatTrace, generateTrace, parseTrace, SHIPPED_SHAPES, TraceShape } from '../../bench/scaler/trace';
import { DEFAULT_SCALER_CONFIG } from '../../lambda/throughput-scaler/decide';

const RUNS = Number(process.env.FUZZ_RUNS ?? 8);
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const TRACES = path.join(__dirname, '..', '..', 'bench', 'scaler', 'traces');
const COOLDOWN = DEFAULT_SCALER_CONFIG.cooldownMinutes;

/**
 * Exhaustive search, written independently of the flow formulation: minute by minute, delete any
 * sub-multiset of the alive throughputs, create any number (the starting pool at minute 0 is in
 * service at once), require r_t in service; a throughput pays ceil(alive minutes / B) periods.
 * State = minute + multiset of alive throughputs' creation codes (-1: starting pool).
 */
function exhaustive(r: number[], D: number, B: number, maxAlive: number): number {
  const T = r.length;
  const memo = new Map<string, number>();
  const start = (code: number) => Math.max(0, code);
  const ready = (code: number) => (code < 0 ? 0 : code + D);
  const periods = (code: number, end: number) => Math.ceil((end - start(code)) / B);
  const f = (t: number, alive: number[]): number => {
    if (t === T) return alive.reduce((s, c) => s + periods(c, T), 0);
    const key = `${t}|${alive.join(',')}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let best = Infinity;
    const distinct = [...new Set(alive)];
    const counts = distinct.map((c) => alive.filter((x) => x === c).length);
    const choose = (i: number, kept: number[], cost: number): void => {
      if (i === distinct.length) {
        for (let initial = 0; initial <= (t === 0 ? maxAlive - kept.length : 0); initial++) {
          for (let created = 0; kept.length + initial + created <= maxAlive; created++) {
            const next = [...kept, ...Array(initial).fill(-1), ...Array(created).fill(t)].sort((a, b) => a - b);
            if (next.filter((c) => ready(c) <= t).length < r[t]) continue;
            best = Math.min(best, cost + f(t + 1, next));
          }
        }
        return;
      }
      for (let del = 0; del <= counts[i]; del++) {
        choose(i + 1, [...kept, ...Array(counts[i] - del).fill(distinct[i])], cost + del * periods(distinct[i], t));
      }
    };
    choose(0, [], 0);
    memo.set(key, best);
    return best;
  };
  return f(0, []);
}

describe('oracle', () => {
  test('billing periods make throughputs cross levels: [1,2,1] with B=2, D=0 costs 2 periods, not 3', () => {
    expect(solveCover([1, 2, 1], 0, 2).periods).toBe(2);
    expect(exhaustive([1, 2, 1], 0, 2, 4)).toBe(2);
  });

  test('creation delay: demand that appears at minute 3 with D=2 is ordered at minute 1', () => {
    // One starting throughput for minutes 0-1 would cost a period; ordering at 1 (in service at 3) too.
    const r = [0, 0, 0, 1, 1];
    expect(solveCover(r, 2, 10).periods).toBe(1);
    expect(solveCover(r, 2, 10).coverage.slice(3)).toEqual([1, 1]);
  });

  test('equals exhaustive search on small traces (property: <= 7 minutes, <= 3 units, B <= 4, D <= 3)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        (r, D, B) => {
          const maxR = Math.max(...r);
          expect(solveCover(r, D, B).periods).toBe(exhaustive(r, D, B, maxR + 2));
        },
      ),
      { seed: SEED, numRuns: 20, endOnFailure: true },
    );
  });

  test('coverage never falls short and the schedule costs what it says', () => {
    const r = [2, 3, 3, 1, 0, 0, 4, 4, 2, 1, 1, 3];
    const { coverage } = solveCover(r, 2, 3);
    coverage.forEach((c, t) => expect(c).toBeGreaterThanOrEqual(r[t]));
  });

  test('static provisioning is ceil(peak / capacity) units for the whole trace', () => {
    const demand = [100_000, 250_001, 90_000];
    expect(staticForPeak(demand, { tokensPerMuMinute: 100_000, billingMinutes: 60 })).toEqual({ muHours: 3, throttledMinutes: 0, actions: 0, modelUnits: 3 });
  });
});

describe('shipped traces', () => {
  const shipped = (['steady', 'diurnal', 'spike'] as const).map((name) => {
    const demand = parseTrace(fs.readFileSync(path.join(TRACES, `${name}.csv`), 'utf8'));
    return { name, demand, sim: simulate(demand), best: oracle(demand) };
  });

  test('the committed CSVs are what make-traces.ts generates (deterministic)', () => {
    for (const { name, demand } of shipped) expect(formatTrace(demand)).toBe(formatTrace(generateTrace(SHIPPED_SHAPES[name])));
  });

  test.each(['steady', 'diurnal', 'spike'])('%s: within 1.25x the oracle, throttled <= oracle + 5%%, no flapping, never below the oracle', (name) => {
    const { demand, sim, best } = shipped.find((s) => s.name === name)!;
    expectTargets(demand, sim, best);
  });
});

function expectTargets(demand: number[], sim: SimulationResult, best: ReturnType<typeof oracle>): void {
  expect(sim.muHours).toBeGreaterThanOrEqual(best.muHours); // the oracle is a lower bound
  expect(sim.muHours).toBeLessThanOrEqual(1.25 * best.muHours);
  expect(sim.throttledMinutes).toBeLessThanOrEqual(best.throttledMinutes + 0.05 * demand.length);
  expect(flaps(sim)).toBe(0);
  // Never above max, whatever the demand.
  expect(Math.max(...sim.capacity)).toBeLessThanOrEqual(DEFAULT_BENCH_PARAMS.maxModelUnits);
}

/** Scale-outs within the cooldown after a scale-in, recounted from the event log (not the simulator's own count). */
function flaps(sim: SimulationResult): number {
  let lastIn = -Infinity;
  let n = 0;
  for (const e of sim.events) {
    if (e.action === 'remove') lastIn = e.minute;
    else if (e.minute - lastIn < COOLDOWN) n++;
  }
  return n;
}

describe('unseen traces (property, seeded)', () => {
  // The family: one day, business-hours cycle or flat, noise, at most 1 unforeseeable spike a day (2 a
  // day plus a steep daily ramp can exceed the throttle budget of a 1-day trace: see the report), mean
  // demand >= 3 MU. Outside it the targets are not met; see the next describe.
  const shape: fc.Arbitrary<TraceShape> = fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    days: fc.constant(1),
    base: fc.integer({ min: 300_000, max: 500_000 }),
    dailyAmplitude: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 900_000 })),
    noise: fc.double({ min: 0, max: 0.1, noNaN: true }),
    spikesPerDay: fc.integer({ min: 0, max: 1 }),
    spikeHeight: fc.integer({ min: 0, max: 600_000 }),
  });

  test('targets hold on generated traces', () => {
    fc.assert(
      fc.property(shape, (s) => {
        const demand = generateTrace(s);
        expectTargets(demand, simulate(demand), oracle(demand));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});

describe('known limits (measured, not hidden)', () => {
  test('unforeseeable spikes cost about creation delay + detection minutes each: 6 a day break the 5% throttle target', () => {
    const demand = generateTrace({ seed: 11, days: 1, base: 300_000, dailyAmplitude: 0, noise: 0.04, spikesPerDay: 6, spikeHeight: 500_000 });
    const sim = simulate(demand);
    const best = oracle(demand);
    const perSpike = DEFAULT_BENCH_PARAMS.creationDelayMinutes + DEFAULT_BENCH_PARAMS.signalDelayMinutes + DEFAULT_SCALER_CONFIG.scaleOutSustainMinutes;
    expect(best.throttledMinutes).toBe(0);
    // Every spike throttles until bought capacity is in service: about 6 x 18 minutes = 7.5% of the day.
    expect(sim.throttledMinutes).toBeGreaterThan(0.05 * demand.length);
    expect(sim.throttledMinutes).toBeLessThanOrEqual(6 * (perSpike + 2) + 10);
  });

  test('small pools: demand parked in the hysteresis band costs a whole extra unit, over 1.25x at 2-3 MU', () => {
    // Demand wanders around 2 MU (+-10%): between 0.9 x 2 and 0.97 x 3 the scaler keeps 3 MU where the
    // oracle, knowing each hour's peak, often needs 2. One unit is 33-50% of such a pool.
    const demand = generateTrace({ seed: 1486616295, days: 1, base: 200_005, dailyAmplitude: 0, noise: 0, spikesPerDay: 2, spikeHeight: 218_275 });
    const sim = simulate(demand);
    const best = oracle(demand);
    expect(sim.muHours / best.muHours).toBeGreaterThan(1.25);
    expect(sim.throttledMinutes).toBeLessThanOrEqual(0.05 * demand.length);
  });
});

describe('run.ts', () => {
  test('--json prints the documented object on the last line; the oracle and static figures recompute from it', () => {
    const lines: string[] = [];
    const head = parseTrace(fs.readFileSync(path.join(TRACES, 'steady.csv'), 'utf8')).slice(0, 720);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scaler-bench-')), 'steady-12h.csv');
    fs.writeFileSync(file, formatTrace(head));
    expect(main(['--trace', file, '--json', '--creation-delay', '15'], (l) => lines.push(l))).toBe(0);
    const out = JSON.parse(lines[lines.length - 1]);
    expect(Object.keys(out)).toEqual(['trace', 'params', 'scaler', 'oracle', 'static']);
    expect(out.trace).toBe(file);
    expect(out.params).toEqual(DEFAULT_BENCH_PARAMS);
    for (const k of ['scaler', 'oracle', 'static']) expect(Object.keys(out[k])).toEqual(['muHours', 'throttledMinutes', 'actions']);
    // The table precedes it.
    expect(lines[0]).toMatch(/^trace .*steady-12h\.csv: 720 minutes/);
    // Anyone can recompute the oracle and static figures from the trace and the parameters.
    expect(out.oracle).toEqual({ muHours: oracle(head, out.params).muHours, throttledMinutes: 0, actions: oracle(head, out.params).actions });
    expect(out.static.muHours).toBe(Math.ceil(Math.max(...head) / out.params.tokensPerMuMinute) * 12);
  });

  test('rejects a trace with a gap or a bad header, and unknown arguments', () => {
    expect(() => parseTrace('minute,tokens\n0,5\n2,5\n')).toThrow(/line 3/);
    expect(() => parseTrace('t,v\n0,5\n')).toThrow(/header/);
    expect(() => main(['--trace', 'x.csv', '--frobnicate'], () => undefined)).toThrow(/unknown argument/);
  });

  test('benchmark(): requiredThroughputs clamps to the bounds', () => {
    expect(requiredThroughputs(0, DEFAULT_BENCH_PARAMS)).toBe(1);
    expect(requiredThroughputs(10_000_000, DEFAULT_BENCH_PARAMS)).toBe(20);
    expect(benchmark('tiny', [0, 0, 0]).oracle).toEqual({ muHours: 1, throttledMinutes: 0, actions: 0 });
  });
});
