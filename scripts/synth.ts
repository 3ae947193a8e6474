/**
 * Synthesizes CDK apps offline with the pinned CLI, strict CloudFormation registry validation and the
 * compliance packs, then prints a summary per app: stacks, resources per stack, findings,
 * acknowledgements, pre-deploy problems and the estimated fixed monthly cost. Exits non-zero on any
 * failed synth, unacknowledged finding or pre-deploy problem.
 *
 *   tsx scripts/synth.ts                 the reference app (bin/app.ts) into cdk.out
 *   tsx scripts/synth.ts --all           the reference app and every examples/<name>/app.ts
 *   tsx scripts/synth.ts --app <entry>   one app (bin/app.ts goes to cdk.out, an example to cdk.out.examples/<name>)
 *   add --verbose to list every acknowledgement with its reason
 *   add --if-stale to keep an assembly that is fresh (see below) instead of synthesizing it again
 *
 * Each app is synthesized once per `npm test`, here, and the jest suites read that same assembly
 * (test/kit/synth.ts `loadAssembly`). So that they can, every assembly gets a stamp
 * (`bsp-synth-stamp.json`) that records
 *   - a content hash of every input of a synthesis (lib/, bin/, examples/, the Lambda bundles,
 *     cdk.json, tsconfig.json, package.json, the installed dependency tree, this script), taken
 *     before the CLI starts;
 *   - the CLI arguments;
 *   - the validation plugins the app registered (recorded by the launcher below: the validation
 *     report lists only plugins that had something to say, so it cannot tell a clean pack from a
 *     pack that never ran);
 *   - a content hash of the assembly's files as the CLI left them.
 * An assembly is fresh when all of these still hold; `assemblyStatus` says why one is not.
 * Synthesis, and reading an assembly in the tests, happen under a lock per output directory.
 *
 * The examples are synthesized by ONE CLI run (`--all`, or several stale examples with `--if-stale`):
 * the app process the CLI starts synthesizes the first example into the CLI's output directory and
 * then each other example into its own, with the same environment and context the CLI gave it
 * (`--launch a=dirA b=dirB ...`). Each example is still its own `new App()` with its own assembly,
 * stamp and compliance report; they share one Node process, so aws-cdk-lib, the compliance packs and
 * the CloudFormation schema engine load once instead of once per example (about 5 s of CPU each).
 *
 * The CLI runs with --no-version-reporting --no-path-metadata --no-asset-metadata: the templates are
 * then byte for byte those of an in-process `new App().synth()` with cdk.json's context (what the
 * unit tests and their snapshots see), without the AWS::CDK::Metadata resource and the
 * `aws:cdk:path`/`aws:asset:*` resource metadata, which `cdk deploy` (cdk.json's app) still adds.
 */
import { spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { COMPLIANCE_PACK_NAMES } from '../lib/compliance/packs';
import { estimateFixedMonthlyCost } from '../lib/compliance/cost-estimate';
import { DeployProblem, deployProblems } from '../lib/compliance/deploy-checks';
import { readComplianceSummary } from '../lib/compliance/report';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

/** Stamp of a synthesized assembly, in its directory. */
export const STAMP_FILE = 'bsp-synth-stamp.json';
/** Written by the launcher, in the assembly directory: names of the validation plugins the app registered. */
const PLUGINS_FILE = 'bsp-validation-plugins.json';
/** Written by the launcher, in the assembly directory of an app it ran next to the CLI's own: its exit code and error. */
const LAUNCH_RESULT_FILE = 'bsp-launch-result.json';
const STAMP_VERSION = 1;

/** What the stamp hashes: everything a synthesis of any app here reads; node_modules through npm's record of the installed tree. */
const INPUT_ROOTS = ['lib', 'bin', 'examples', 'lambda-bundles', 'cdk.json', 'tsconfig.json', 'package.json', 'node_modules/.package-lock.json', 'scripts/synth.ts'];

export interface Target {
  readonly name: string;
  /** Entry file, relative to the repository root, e.g. `bin/app.ts`. */
  readonly entry: string;
  /** Assembly directory, relative to the repository root. */
  readonly outdir: string;
}

export interface Outcome {
  readonly target: Target;
  readonly ok: boolean;
  readonly seconds: number;
  readonly lines: string[];
}

/** The stamp of a synthesized assembly. */
export interface SynthStamp {
  readonly version: number;
  readonly entry: string;
  readonly cliArgs: string[];
  /** Hash over every input file. */
  readonly inputs: string;
  /** Hash of each input file, by path: to say which ones changed. */
  readonly inputFiles: Record<string, string>;
  /** Hash of the assembly's files as the CLI left them. */
  readonly outputs: string;
  /** Names of the validation plugins the app registered; undefined when the app never got to synth. */
  readonly plugins?: string[];
  readonly exitCode: number;
  /** Last lines of the CLI's stderr when it failed. */
  readonly stderrTail: string[];
  readonly seconds: number;
  readonly synthesizedAt: string;
}

/** The target of an app entry: the reference app goes to cdk.out, `examples/<name>/app.ts` to cdk.out.examples/<name>. */
export function targetFor(entry: string): Target {
  const rel = path.relative(ROOT, path.resolve(ROOT, entry)).split(path.sep).join('/');
  if (rel === 'bin/app.ts') return { name: 'reference app', entry: rel, outdir: 'cdk.out' };
  const name = path.basename(path.dirname(rel));
  return { name: rel.startsWith('examples/') ? `example ${name}` : name, entry: rel, outdir: path.join('cdk.out.examples', name) };
}

export function targets(args: string[]): Target[] {
  const appIndex = args.indexOf('--app');
  if (appIndex >= 0) {
    const entry = args[appIndex + 1];
    if (!entry) throw new Error('--app needs the path of an app entry, e.g. examples/private-link/app.ts');
    return [targetFor(entry)];
  }
  const reference = targetFor('bin/app.ts');
  if (!args.includes('--all')) return [reference];
  const examples = fs.existsSync(path.join(ROOT, 'examples'))
    ? fs
        .readdirSync(path.join(ROOT, 'examples'))
        .filter((d) => fs.existsSync(path.join(ROOT, 'examples', d, 'app.ts')))
        .sort()
        .map((d) => targetFor(`examples/${d}/app.ts`))
    : [];
  return [reference, ...examples];
}

/**
 * `cdk synth` with the pinned CLI: no credentials, no notices, no telemetry, strict template
 * validation, no CDK metadata in the templates (see the header). The app runs through this script's
 * launcher, which records the validation plugins the app registers.
 */
export function cdkSynthArgs(target: Target, batch: readonly Target[] = [target]): string[] {
  const launches = batch.map((t) => (t === target ? t.entry : `${t.entry}=${t.outdir}`));
  return [
    'synth',
    '--app', `${path.join(BIN, 'tsx')} ${path.join(ROOT, 'scripts', 'synth.ts')} --launch ${launches.join(' ')}`,
    '--output', path.join(ROOT, target.outdir),
    '--quiet',
    '--no-notices',
    '--no-version-reporting',
    '--no-path-metadata',
    '--no-asset-metadata',
    '-c', '@aws-cdk/core:validateAgainstDefaultRules=true',
  ];
}

// ---------------------------------------------------------------------------------------------
// Fingerprints and stamps

const sha256 = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('hex');

/** Directories under the input roots that hold outputs. */
const OUTPUT_DIRECTORIES = new Set(['cdk.out', '.cache', 'node_modules']);

function filesUnder(rel: string): string[] {
  const full = path.join(ROOT, rel);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [rel];
  return fs
    .readdirSync(full, { withFileTypes: true })
    // Outputs, not inputs: a `cdk synth` run inside an example writes its cdk.out (and caches) there.
    .filter((e) => !(e.isDirectory() && OUTPUT_DIRECTORIES.has(e.name)))
    .flatMap((e) => (e.isDirectory() ? filesUnder(`${rel}/${e.name}`) : e.isFile() ? [`${rel}/${e.name}`] : []));
}

/** Content hash of every input of a synthesis: the whole and per file. */
export function inputsFingerprint(): { digest: string; files: Record<string, string> } {
  const files: Record<string, string> = {};
  for (const f of INPUT_ROOTS.flatMap(filesUnder).sort()) files[f] = sha256(fs.readFileSync(path.join(ROOT, f)));
  return { digest: sha256(JSON.stringify(files)), files };
}

/** Content hash of the files of an assembly directory (its top level: asset directories are named by their own hash). */
function outputsFingerprint(outdir: string): string {
  const dir = path.join(ROOT, outdir);
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== STAMP_FILE)
    .map((e) => e.name)
    .sort();
  return sha256(JSON.stringify(names.map((n) => [n, sha256(fs.readFileSync(path.join(dir, n)))])));
}

export function readStamp(outdir: string): SynthStamp | undefined {
  const file = path.join(ROOT, outdir, STAMP_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SynthStamp;
  } catch {
    return undefined;
  }
}

export type AssemblyStatus = { readonly fresh: true; readonly stamp: SynthStamp } | { readonly fresh: false; readonly reason: string };

/**
 * Whether the assembly of `target` is what synthesizing it now would give: it has a stamp, made with
 * today's CLI arguments from inputs identical to today's, and its files are as the CLI left them.
 * `inputs` may be passed in to hash the sources once for several targets.
 */
export function assemblyStatus(target: Target, inputs = inputsFingerprint()): AssemblyStatus {
  const stamp = readStamp(target.outdir);
  if (!stamp) return { fresh: false, reason: `no ${STAMP_FILE} in ${target.outdir} (never synthesized by scripts/synth.ts)` };
  if (stamp.version !== STAMP_VERSION || stamp.entry !== target.entry) return { fresh: false, reason: `${STAMP_FILE} is of another stamp version or entry` };
  if (JSON.stringify(stamp.cliArgs) !== JSON.stringify(cdkSynthArgs(target))) return { fresh: false, reason: 'synthesized with other CLI arguments' };
  if (stamp.inputs !== inputs.digest) {
    const all = new Set([...Object.keys(stamp.inputFiles), ...Object.keys(inputs.files)]);
    const changed = [...all].filter((f) => stamp.inputFiles[f] !== inputs.files[f]);
    const shown = changed.slice(0, 5).join(', ') + (changed.length > 5 ? ` and ${changed.length - 5} more` : '');
    return { fresh: false, reason: `sources changed since it was synthesized: ${shown}` };
  }
  let outputs: string;
  try {
    outputs = outputsFingerprint(target.outdir);
  } catch (e) {
    return { fresh: false, reason: `cannot read ${target.outdir}: ${(e as Error).message}` };
  }
  if (stamp.outputs !== outputs) return { fresh: false, reason: `${target.outdir} was changed after its synthesis (another cdk synth into it?)` };
  if (!stamp.plugins) return { fresh: false, reason: 'the app did not get to synth' };
  return { fresh: true, stamp };
}

// ---------------------------------------------------------------------------------------------
// Lock per assembly directory: one writer, and no reader while it writes

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock of an assembly directory: a directory under .cache/locks holding the owner's pid. */
const lockDir = (outdir: string) => path.join(ROOT, '.cache', 'locks', `${outdir.split(path.sep).join('+')}.lock`);

/** Takes the lock of `outdir` if it is free or its owner died; returns the pid of the live owner otherwise. */
function tryLock(outdir: string): { taken: true } | { taken: false; owner: string } {
  const lock = lockDir(outdir);
  const ownerFile = path.join(lock, 'pid');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(ownerFile, String(process.pid));
      return { taken: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let pid = NaN;
    let age = 0;
    try {
      pid = Number(fs.readFileSync(ownerFile, 'utf8'));
    } catch {
      try {
        age = Date.now() - fs.statSync(lock).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
    }
    // A lock without an owner is being created, or was left by a crash between mkdir and write.
    const stale = pid ? !alive(pid) : age > 5000;
    if (!stale) return { taken: false, owner: pid ? String(pid) : '?' };
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function unlock(outdir: string): void {
  fs.rmSync(lockDir(outdir), { recursive: true, force: true });
}

const LOCK_TIMEOUT_MS = 10 * 60_000;

/** Runs `fn` holding the lock of `outdir`. Synchronous on purpose: the jest loader runs at module level. */
export function withAssemblyLock<T>(outdir: string, fn: () => T): T {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (let got = tryLock(outdir); !got.taken; got = tryLock(outdir)) {
    if (Date.now() > deadline) throw new Error(`${outdir} is locked by process ${got.owner} (remove ${path.relative(ROOT, lockDir(outdir))} if that is wrong)`);
    sleep(200);
  }
  try {
    return fn();
  } finally {
    unlock(outdir);
  }
}

/** The same for the synth workers, without blocking the event loop. */
async function withAssemblyLockAsync<T>(outdir: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (let got = tryLock(outdir); !got.taken; got = tryLock(outdir)) {
    if (Date.now() > deadline) throw new Error(`${outdir} is locked by process ${got.owner} (remove ${path.relative(ROOT, lockDir(outdir))} if that is wrong)`);
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    return await fn();
  } finally {
    unlock(outdir);
  }
}

// ---------------------------------------------------------------------------------------------
// Synthesis

/**
 * Where the CLI runs for `target`: the app's own directory when it has a cdk.json (every example is a
 * standalone CDK app, run as a user runs it: `cd examples/<name> && npx cdk synth`), else the root.
 */
export function cliDirectory(target: Target): string {
  const dir = path.join(ROOT, path.dirname(target.entry));
  return target.entry.startsWith('examples/') && fs.existsSync(path.join(dir, 'cdk.json')) ? dir : ROOT;
}

function runCli(target: Target, batch: readonly Target[]): Promise<{ code: number; stderr: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(path.join(BIN, 'cdk'), cdkSynthArgs(target, batch), {
      cwd: cliDirectory(target),
      env: {
        ...process.env,
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        AWS_EC2_METADATA_DISABLED: 'true',
        // The CLI may run in an example's directory: a relative cache path stays the repository's.
        ...(process.env.BSP_CONTROL_TOWER_CACHE ? { BSP_CONTROL_TOWER_CACHE: path.resolve(ROOT, process.env.BSP_CONTROL_TOWER_CACHE) } : {}),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr, seconds: (Date.now() - started) / 1000 }));
  });
}

/** Holds the locks of every directory in `outdirs` (in a fixed order, so two holders never deadlock) while `fn` runs. */
async function withAssemblyLocksAsync<T>(outdirs: readonly string[], fn: () => Promise<T>): Promise<T> {
  const [first, ...rest] = [...outdirs].sort();
  if (first === undefined) return fn();
  return withAssemblyLockAsync(first, () => withAssemblyLocksAsync(rest, fn));
}

/** What the launcher records for an app it ran in-process next to the CLI's own (see the header). */
interface LaunchResult {
  readonly exitCode: number;
  readonly error?: string;
  readonly seconds: number;
}

/**
 * Synthesizes `batch` (one CLI run: the first target is the CLI's own app, the others run in the same
 * app process) into their directories and stamps them, under their locks; with `ifStale`, keeps fresh
 * assemblies instead. Returns one summary per target.
 */
async function synthesizeBatch(batch: readonly Target[], options: { ifStale: boolean; verbose: boolean }): Promise<Outcome[]> {
  return withAssemblyLocksAsync(
    batch.map((t) => t.outdir),
    async () => {
      const kept: Outcome[] = [];
      const stale: Target[] = [];
      for (const target of batch) {
        const status = options.ifStale ? assemblyStatus(target) : undefined;
        if (status?.fresh) {
          const { stamp } = status;
          kept.push(summarize(target, stamp.exitCode, stamp.stderrTail.join('\n'), stamp.seconds, options.verbose, `fresh, kept (synthesized ${stamp.synthesizedAt})`));
        } else stale.push(target);
      }
      if (!stale.length) return kept;
      const inputs = inputsFingerprint(); // before the CLI reads anything: a file edited meanwhile makes the stamp stale, never the reverse
      for (const t of stale) fs.rmSync(path.join(ROOT, t.outdir), { recursive: true, force: true });
      const cli = await runCli(stale[0], stale);
      // The CLI's own app: the CLI's exit code and output. The others: what the launcher recorded.
      const launched = stale.map((target, i): LaunchResult | undefined => {
        const resultFile = path.join(ROOT, target.outdir, LAUNCH_RESULT_FILE);
        return i > 0 && fs.existsSync(resultFile) ? (JSON.parse(fs.readFileSync(resultFile, 'utf8')) as LaunchResult) : undefined;
      });
      // The CLI's own app runs after the others in its process: its time is the rest of the run.
      const ownSeconds = Math.max(0, cli.seconds - launched.reduce((sum, r) => sum + (r?.seconds ?? 0), 0));
      const outcomes = stale.map((target, i) => {
        const outdir = path.join(ROOT, target.outdir);
        const own = launched[i];
        const code = i === 0 ? cli.code : (own?.exitCode ?? 1);
        const stderr = i === 0 ? cli.stderr : (own?.error ?? cli.stderr);
        const seconds = i === 0 ? ownSeconds : (own?.seconds ?? cli.seconds);
        if (fs.existsSync(path.join(outdir, 'manifest.json'))) {
          const pluginsFile = path.join(outdir, PLUGINS_FILE);
          const stamp: SynthStamp = {
            version: STAMP_VERSION,
            entry: target.entry,
            // The arguments of a CLI run of this app alone: a batch gives the app the same context and flags.
            cliArgs: cdkSynthArgs(target),
            inputs: inputs.digest,
            inputFiles: inputs.files,
            outputs: outputsFingerprint(target.outdir),
            plugins: fs.existsSync(pluginsFile) ? (JSON.parse(fs.readFileSync(pluginsFile, 'utf8')) as string[]) : undefined,
            exitCode: code,
            stderrTail: code === 0 ? [] : stderr.trim().split('\n').slice(-40),
            seconds,
            synthesizedAt: new Date().toISOString(),
          };
          fs.writeFileSync(path.join(outdir, STAMP_FILE), `${JSON.stringify(stamp, undefined, 1)}\n`);
        }
        const how =
          i > 0
            ? `synthesized in ${seconds.toFixed(1)} s, in the app process of ${stale[0].entry}'s CLI run`
            : stale.length > 1
              ? `synthesized in ${seconds.toFixed(1)} s, after ${stale.length - 1} other app(s) in its CLI run's process (the run: ${cli.seconds.toFixed(1)} s)`
              : `synthesized in ${seconds.toFixed(1)} s`;
        return summarize(target, code, stderr, seconds, options.verbose, how);
      });
      return [...kept, ...outcomes];
    },
  );
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** Every stack template of an assembly, nested assemblies (CDK Pipelines stages, `Stage`s) included. */
function stackTemplates(dir: string, prefix = ''): Array<{ name: string; environment?: string; templatePath: string }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; environment?: string; properties?: { templateFile?: string; directoryName?: string } }>;
  };
  return Object.entries(manifest.artifacts).flatMap(([name, artifact]) => {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      return [{ name: `${prefix}${name}`, environment: artifact.environment, templatePath: path.join(dir, artifact.properties.templateFile) }];
    }
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      return stackTemplates(path.join(dir, artifact.properties.directoryName), `${prefix}${name}/`);
    }
    return [];
  });
}

export function summarize(target: Target, code: number, stderr: string, seconds: number, verbose: boolean, how: string): Outcome {
  const lines = [`${target.name} (${target.entry}) -> ${target.outdir}: ${how}`];
  const outdir = path.join(ROOT, target.outdir);
  const manifestFile = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    lines.push('  synth failed before writing a cloud assembly:', ...stderr.trim().split('\n').slice(-15).map((l) => `    ${l}`));
    return { target, ok: false, seconds, lines };
  }
  let total = 0;
  const unpriced = new Set<string>();
  const problems: DeployProblem[] = [];
  for (const { name, environment, templatePath } of stackTemplates(outdir)) {
    const artifact = { environment };
    const template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
    const resources = Object.values(template.Resources ?? {}) as Array<{ Type: string }>;
    problems.push(...deployProblems(template).map((p) => ({ ...p, resource: `${name}/${p.resource}` })));
    const cost = estimateFixedMonthlyCost(template);
    total += cost.monthlyTotal;
    cost.unpriced.forEach((u) => unpriced.add(u));
    lines.push(`  stack ${name} (${(artifact.environment ?? '').replace('aws://', '')}): ${resources.length} resources, fixed cost ~${usd(cost.monthlyTotal)}/month`);
    for (const l of cost.lines) lines.push(`    ${String(l.quantity).padStart(3)} x ${l.item.padEnd(46)} ${usd(l.monthly).padStart(9)}`);
  }
  const compliance = readComplianceSummary(outdir);
  if (!compliance) {
    lines.push('  compliance: no validation report in the assembly (were the packs registered?)');
    return { target, ok: false, seconds, lines };
  }
  const registered = readStamp(target.outdir)?.plugins ?? [];
  const missing = COMPLIANCE_PACK_NAMES.filter((p) => !registered.includes(p));
  lines.push(
    `  compliance: ${COMPLIANCE_PACK_NAMES.length} packs (${COMPLIANCE_PACK_NAMES.join(', ')}): ` +
      `${compliance.findings.length} findings, ${compliance.acknowledgements.length} acknowledgements`,
  );
  if (missing.length) lines.push(`    NOT REGISTERED by the app: ${missing.join(', ')}`);
  for (const f of compliance.findings) lines.push(`    FINDING ${f.rule} at ${f.path}: ${f.description.slice(0, 160)}`);
  const byId = new Map<string, number>();
  for (const a of compliance.acknowledgements) byId.set(a.id, (byId.get(a.id) ?? 0) + 1);
  if (verbose) {
    for (const a of compliance.acknowledgements) lines.push(`    ack ${a.id} at ${a.path}: ${a.reason}`);
  } else {
    for (const [id, n] of [...byId.entries()].sort()) lines.push(`    ack ${String(n).padStart(2)} x ${id}`);
  }
  lines.push(`  pre-deploy checks (unique Sids, no retained literal names, one policy per topic/queue/bucket, custom resources after their endpoints, gateway ASNs): ${problems.length} problems`);
  for (const p of problems) lines.push(`    PROBLEM ${p.check} at ${p.resource}: ${p.message}`);
  lines.push(`  fixed cost total ~${usd(total)}/month (us-east-1 list prices; usage such as tokens, data processing and logs not included)`);
  if (unpriced.size) lines.push(`  not priced (depends on your choices): ${[...unpriced].join(', ')}`);
  const ok = code === 0 && compliance.findings.length === 0 && problems.length === 0 && missing.length === 0;
  if (code !== 0 && compliance.findings.length === 0) lines.push(...stderr.trim().split('\n').slice(-15).map((l) => `    ${l}`));
  return { target, ok, seconds, lines };
}

/**
 * The app command the CLI runs (`--launch <entry> [<entry>=<outdir> ...]`): records the names of the
 * validation plugins each app registers (`Validations.addPlugins`, which addCompliancePacks calls)
 * into its assembly. The apps after the first are synthesized first, each into its own directory with
 * the CLI's environment and context (only CDK_OUTDIR and the CLI's side files differ); an error in one
 * of them is recorded in its directory and does not stop the others. The first entry, the CLI's own
 * app, runs last and unchanged, so its errors and exit code are exactly those of a CLI run of it alone.
 */
function launch(specs: string[]): void {
  const { Validations } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  if (specs.length > 1) {
    // Several apps in this process: one template-validation engine for all of them (the same checks).
    const { PLUGIN_FILE, sharedValidatePlugin } = require('./shared-cfn-validate-plugin');
    require(PLUGIN_FILE).CloudFormationValidatePlugin._instance = sharedValidatePlugin();
  }
  let names: string[] = [];
  const addPlugins = Validations.prototype.addPlugins;
  Validations.prototype.addPlugins = function (this: import('aws-cdk-lib').Validations, ...plugins) {
    names.push(...plugins.map((p) => p.name));
    return addPlugins.apply(this, plugins);
  };
  const cliEnv = { CDK_OUTDIR: process.env.CDK_OUTDIR, CDK_ERROR_FILE: process.env.CDK_ERROR_FILE, CDK_PERF_COUNTERS_FILE: process.env.CDK_PERF_COUNTERS_FILE };
  const [own, ...others] = specs;
  for (const spec of others) {
    const [entry, outdirRel] = spec.split('=');
    const outdir = path.resolve(ROOT, outdirRel);
    fs.mkdirSync(outdir, { recursive: true });
    Object.assign(process.env, { CDK_OUTDIR: outdir, CDK_ERROR_FILE: path.join(outdir, 'error.txt'), CDK_PERF_COUNTERS_FILE: path.join(outdir, 'performance-counters.json') });
    names = [];
    const started = Date.now();
    let result: LaunchResult;
    try {
      require(path.resolve(ROOT, entry));
      result = { exitCode: 0, seconds: (Date.now() - started) / 1000 };
    } catch (e) {
      const error = e instanceof Error ? `${e.stack ?? e.message}` : String(e);
      console.error(`${entry}: ${error}`);
      result = { exitCode: 1, error, seconds: (Date.now() - started) / 1000 };
    }
    fs.writeFileSync(path.join(outdir, PLUGINS_FILE), `${JSON.stringify(names)}\n`);
    fs.writeFileSync(path.join(outdir, LAUNCH_RESULT_FILE), `${JSON.stringify(result)}\n`);
  }
  for (const [k, v] of Object.entries(cliEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  names = [];
  const outdir = cliEnv.CDK_OUTDIR;
  const ownNames = () => names;
  process.on('exit', () => {
    if (outdir && fs.existsSync(outdir)) fs.writeFileSync(path.join(outdir, PLUGINS_FILE), `${JSON.stringify(ownNames())}\n`);
  });
  require(path.resolve(ROOT, own));
}

/**
 * Examples synthesized in the reference app's CLI run rather than the other examples' (measured on a
 * fresh clone: reference app 25 s, all examples 42 s, the pipeline example 10 s of them).
 */
const WITH_REFERENCE_APP = ['examples/multi-account-pipeline/app.ts'];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const launchIndex = args.indexOf('--launch');
  if (launchIndex >= 0) return launch(args.slice(launchIndex + 1));
  const options = { verbose: args.includes('--verbose'), ifStale: args.includes('--if-stale') };
  const all = targets(args);
  // Two CLI runs side by side (CI has two cores, each run is one busy app process), of about equal
  // length: the reference app with the examples in WITH_REFERENCE_APP, and the other examples.
  const withReference = (t: Target) => !t.entry.startsWith('examples/') || WITH_REFERENCE_APP.includes(t.entry);
  const batches = [all.filter(withReference).sort((a, b) => Number(a.entry.startsWith('examples/')) - Number(b.entry.startsWith('examples/'))), all.filter((t) => !withReference(t))].filter((b) => b.length);
  const outcomes: Outcome[] = [];
  await Promise.all(
    batches.map(async (batch) => {
      for (const outcome of await synthesizeBatch(batch, options)) {
        console.log(outcome.lines.join('\n') + '\n');
        outcomes.push(outcome);
      }
    }),
  );
  const failed = outcomes.filter((o) => !o.ok);
  console.log(`${outcomes.length - failed.length} passed, ${failed.length} failed`);
  if (failed.length) {
    console.error(`synth failed or has findings: ${failed.map((o) => o.target.name).join(', ')}`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
