/**
 * Synth benchmark: wall time of `cdk synth` of the reference app against an app with one empty
 * stack, with the same CLI, flags and context, run alternately so machine noise hits both alike.
 * Prints each run, the medians and their ratio. Usage: npm run bench [-- --runs 5]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 3;

function synthSeconds(entry: string): number {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bsp-bench-'));
  const started = process.hrtime.bigint();
  const result = spawnSync(
    path.join(BIN, 'cdk'),
    ['synth', '--app', `${path.join(BIN, 'tsx')} ${entry}`, '--output', out, '--quiet', '--no-notices', '-c', '@aws-cdk/core:validateAgainstDefaultRules=true'],
    { cwd: ROOT, env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  fs.rmSync(out, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`synth of ${entry} failed:\n${result.stderr}`);
  return seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const reference: number[] = [];
const baseline: number[] = [];
synthSeconds('bench/empty-app.ts'); // warm the file cache once; not counted
for (let i = 0; i < RUNS; i++) {
  baseline.push(synthSeconds('bench/empty-app.ts'));
  reference.push(synthSeconds('bin/app.ts'));
  console.log(`run ${i + 1}/${RUNS}: empty stack ${baseline[i].toFixed(2)} s, reference app ${reference[i].toFixed(2)} s`);
}
const [ref, base] = [median(reference), median(baseline)];
console.log(`median: empty stack ${base.toFixed(2)} s, reference app ${ref.toFixed(2)} s, ratio ${(ref / base).toFixed(2)}x (${os.cpus().length} cores, node ${process.version})`);
