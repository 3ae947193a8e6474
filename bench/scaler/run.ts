/*
 * The scaler benchmark: replays a trace through the scaler (simulate.ts), the oracle (oracle.ts) and
 * static provisioning for the peak, and prints model-unit-hours, throttled minutes and actions.
 *
 *   npm run bench:scaler -- --trace bench/scaler/traces/diurnal.csv [--json]
 *     [--tokens-per-mu-minute N] [--creation-delay N] [--billing-minutes N] [--signal-delay N]
 *     [--unit-size N] [--min-units N] [--max-units N]
 *
 * Throttled minute: a minute whose demand exceeds the capacity in service that minute; the excess is
 * served on-demand (overflow), so it counts minutes partly served on overflow, not lost requests.
 * With --json the last line printed is one JSON object with the trace, every parameter, and the three
 * results, so the oracle and static figures can be recomputed from the trace and the parameters.
 */
import * as fs from 'fs';
import { oracle, staticForPeak } from './oracle';
import { BenchParams, resolveParams, simulate } from './simulate';
import { parseTrace } from './trace';

export interface BenchReport {
  readonly trace: string;
  readonly minutes: number;
  readonly params: BenchParams;
  readonly scaler: { muHours: number; throttledMinutes: number; actions: number; flaps: number };
  readonly oracle: { muHours: number; throttledMinutes: number; actions: number };
  readonly static: { muHours: number; throttledMinutes: number; actions: number; modelUnits: number };
}

const FLAGS: Record<string, keyof BenchParams> = {
  '--tokens-per-mu-minute': 'tokensPerMuMinute',
  '--creation-delay': 'creationDelayMinutes',
  '--billing-minutes': 'billingMinutes',
  '--signal-delay': 'signalDelayMinutes',
  '--unit-size': 'unitSize',
  '--min-units': 'minModelUnits',
  '--max-units': 'maxModelUnits',
};

const round = (x: number) => Math.round(x * 1000) / 1000;

export function benchmark(trace: string, demand: readonly number[], params: Partial<BenchParams> = {}): BenchReport {
  const p = resolveParams(params);
  const s = simulate(demand, p);
  const o = oracle(demand, p);
  const st = staticForPeak(demand, p);
  return {
    trace,
    minutes: demand.length,
    params: p,
    scaler: { muHours: round(s.muHours), throttledMinutes: s.throttledMinutes, actions: s.actions, flaps: s.flaps },
    oracle: { muHours: round(o.muHours), throttledMinutes: o.throttledMinutes, actions: o.actions },
    static: { muHours: round(st.muHours), throttledMinutes: st.throttledMinutes, actions: st.actions, modelUnits: st.modelUnits },
  };
}

export function formatTable(r: BenchReport): string {
  const rows: Array<[string, string, string, string]> = [
    ['', 'MU-hours', 'throttled min', 'actions'],
    ['scaler', r.scaler.muHours.toFixed(1), String(r.scaler.throttledMinutes), String(r.scaler.actions)],
    ['oracle', r.oracle.muHours.toFixed(1), String(r.oracle.throttledMinutes), String(r.oracle.actions)],
    [`static (${r.static.modelUnits} MU)`, r.static.muHours.toFixed(1), String(r.static.throttledMinutes), String(r.static.actions)],
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = rows.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  const ratio = r.oracle.muHours > 0 ? r.scaler.muHours / r.oracle.muHours : Number.NaN;
  return [
    `trace ${r.trace}: ${r.minutes} minutes; ${r.params.tokensPerMuMinute} tokens/MU-minute, creation delay ${r.params.creationDelayMinutes} min, billing ${r.params.billingMinutes} min, ${r.params.minModelUnits}-${r.params.maxModelUnits} MU`,
    ...lines,
    `scaler/oracle MU-hours ${ratio.toFixed(3)}; throttled ${(100 * r.scaler.throttledMinutes / Math.max(1, r.minutes)).toFixed(2)}% of minutes; flaps ${r.scaler.flaps}`,
  ].join('\n');
}

/** The --json line: exactly trace, params, and muHours / throttledMinutes / actions of each contender. */
export function toJson(r: BenchReport): object {
  const pick = (x: { muHours: number; throttledMinutes: number; actions: number }) => ({ muHours: x.muHours, throttledMinutes: x.throttledMinutes, actions: x.actions });
  return { trace: r.trace, params: r.params, scaler: pick(r.scaler), oracle: pick(r.oracle), static: pick(r.static) };
}

/** CLI entry point; `print` is injectable so tests can call it in-process. Returns the exit code. */
export function main(argv: readonly string[], print: (line: string) => void = console.log): number {
  let trace: string | undefined;
  let json = false;
  const params: Partial<Record<keyof BenchParams, number>> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--trace') trace = argv[++i];
    else if (a in FLAGS) {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v)) throw new Error(`${a} needs a number`);
      params[FLAGS[a]] = v;
    } else throw new Error(`unknown argument ${a}; usage: --trace FILE.csv [--json] ${Object.keys(FLAGS).map((f) => `[${f} N]`).join(' ')}`);
  }
  if (!trace) throw new Error('usage: npm run bench:scaler -- --trace FILE.csv [--json]');
  const report = benchmark(trace, parseTrace(fs.readFileSync(trace, 'utf8')), params);
  print(formatTable(report));
  if (json) print(JSON.stringify(toJson(report)));
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
