/**
 * `npm test`: the stages, each timed, each started as soon as the stages it needs have passed (so
 * stages that do not depend on each other share the cores). After a failing stage no other starts;
 * those already running finish, and the exit code is the failing stage's. Jest's output goes
 * straight through; every other stage's is shown when it ends.
 *
 *   tsx scripts/test.ts [jest arguments]
 *
 * Each runnable app (bin/app.ts, examples/<name>/app.ts) is synthesized once, in the synth stage,
 * with the pinned CLI and every compliance engine; jest then reads those assemblies
 * (test/kit/synth.ts `loadAssembly`) instead of synthesizing the apps again. The compile keeps its
 * build info in dist/ and lint its cache in .cache/ (both gitignored), so a second run only
 * re-checks what changed.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { STAGE_TIMES_FILE, StageTimes } from './readme-figures';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

interface Stage {
  readonly name: string;
  readonly command: string;
  readonly args: string[];
  /** Stages that must have passed before this one starts; it starts as soon as they have. */
  readonly after: string[];
  /** Its output goes straight through (jest's progress); other stages' output is shown as each ends. */
  readonly stream?: boolean;
  /**
   * Runs at the lowest CPU priority (nice 19, inherited by its children): it takes only what the
   * stages beside it leave idle, and all it needs once they end, so it does not slow them down.
   */
  readonly idlePriority?: boolean;
}

// Each stage starts when what it needs is done, so a core that one stage leaves idle (tsc and
// eslint use one core each, the API report one for seconds) runs the next: the synth stage starts
// beside the type-check as soon as the handlers are bundled.
const STAGES: Stage[] = [
  { name: 'lambda bundles', command: process.execPath, args: ['scripts/build-lambdas.mjs'], after: [] },
  // One tsc program type-checks the whole tree and emits dist/ (what `npm pack` ships is dist/lib:
  // the API report reads its declarations, the pack smoke test packs it).
  { name: 'compile', command: process.execPath, args: ['scripts/compile.mjs', '--no-lambdas'], after: [] },
  { name: 'lint', command: path.join(BIN, 'eslint'), args: ['--max-warnings', '0', '--cache', '--cache-strategy', 'content', '--cache-location', '.cache/eslint/', '.'], after: [] },
  { name: 'synth', command: path.join(BIN, 'tsx'), args: ['scripts/synth.ts', '--all'], after: ['lambda bundles'] },
  { name: 'api report', command: process.execPath, args: ['scripts/api-report.mjs', '--check'], after: ['compile'] },
  { name: 'readme figures', command: path.join(BIN, 'tsx'), args: ['scripts/readme-figures.ts', '--check'], after: ['synth'] },
  { name: 'jest', command: path.join(BIN, 'jest'), args: process.argv.slice(2), after: ['synth', 'lint', 'compile'], stream: true },
  // Beside jest, on the cycles jest leaves idle (its workers wait on each other at the end); it
  // reuses the synth stage's Control Tower findings.
  { name: 'pack smoke', command: process.execPath, args: ['scripts/pack-smoke.mjs', '--prebuilt'], after: ['compile', 'synth'], idlePriority: true },
];

function run(stage: Stage, output?: Buffer[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(stage.command, stage.args, {
      cwd: ROOT,
      stdio: output ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      // Control Tower findings cached by rule contents and template slice (see ControlTowerChecks):
      // the stages synthesize many templates that share slices, such as a stack's default key.
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', BSP_CONTROL_TOWER_CACHE: process.env.BSP_CONTROL_TOWER_CACHE ?? path.join(ROOT, '.cache', 'control-tower') },
    });
    if (stage.idlePriority && child.pid !== undefined) os.setPriority(child.pid, 19);
    child.stdout?.on('data', (d: Buffer) => output?.push(d));
    child.stderr?.on('data', (d: Buffer) => output?.push(d));
    child.on('error', (e) => {
      console.error(`cannot start ${stage.command}: ${e.message}`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
  });
}

const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;

async function main(): Promise<number> {
  const times: Array<[string, number, string]> = [];
  const started = process.hrtime.bigint();
  const table = () => {
    const width = Math.max(...STAGES.map((s) => s.name.length));
    const lines = times.map(([name, s, status]) => `  ${name.padEnd(width)} ${s.toFixed(1).padStart(6)} s  ${status}`);
    return [...lines, `  ${'total'.padEnd(width)} ${seconds(started).toFixed(1).padStart(6)} s`].join('\n');
  };
  const pending = [...STAGES];
  const passed = new Set<string>();
  const running = new Map<string, Promise<readonly [Stage, number]>>();
  let failed: readonly [Stage, number] | undefined;
  while (pending.length || running.size) {
    // Start every stage whose prerequisites have passed (none after a failure).
    for (const stage of failed ? [] : pending.filter((s) => s.after.every((a) => passed.has(a)))) {
      pending.splice(pending.indexOf(stage), 1);
      const command = stage.command === process.execPath ? 'node' : path.relative(ROOT, stage.command);
      const beside = [...running.keys()];
      console.log(`\n=== ${stage.name}: ${[command, ...stage.args].join(' ')}${beside.length ? ` (beside ${beside.join(', ')})` : ''}`);
      const t = process.hrtime.bigint();
      const output: Buffer[] | undefined = stage.stream ? undefined : [];
      running.set(
        stage.name,
        run(stage, output).then((code) => {
          const s = seconds(t);
          if (output?.length) console.log(`--- ${stage.name} output:\n${Buffer.concat(output).toString('utf8').trimEnd()}`);
          times.push([stage.name, s, code === 0 ? 'ok' : `FAILED (exit ${code})`]);
          console.log(`=== ${stage.name}: ${code === 0 ? 'ok' : `FAILED with exit code ${code}`} in ${s.toFixed(1)} s`);
          return [stage, code] as const;
        }),
      );
    }
    if (!running.size) break;
    const [stage, code] = await Promise.race(running.values());
    running.delete(stage.name);
    if (code === 0) passed.add(stage.name);
    else failed ??= [stage, code];
  }
  if (failed) {
    console.log(`\nstage times (load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${os.cpus().length} cores):\n${table()}`);
    console.log(`npm test stopped at "${failed[0].name}" (exit code ${failed[1]}); stages already running were let finish`);
    return failed[1];
  }
  console.log(`\nstage times (load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${os.cpus().length} cores):\n${table()}`);
  // For README.md's stage-time table (`npm run docs`).
  const record: StageTimes = {
    stages: times.map(([name, s]) => ({ name, seconds: s })),
    totalSeconds: seconds(started),
    cores: os.cpus().length,
    loadAverage: os.loadavg()[0],
    node: process.version,
  };
  fs.mkdirSync(path.dirname(STAGE_TIMES_FILE), { recursive: true });
  fs.writeFileSync(STAGE_TIMES_FILE, `${JSON.stringify(record, undefined, 1)}\n`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
