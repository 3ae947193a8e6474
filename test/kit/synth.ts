import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DeployProblem, deployProblems } from '../../lib/compliance/deploy-checks';
import { addCompliancePacks } from '../../lib/compliance/packs';
import { ComplianceSummary, readComplianceSummary } from '../../lib/compliance/report';
import { assemblyStatus, inputsFingerprint, SynthStamp, targetFor, withAssemblyLock } from '../../scripts/synth';

const ROOT = path.resolve(__dirname, '..', '..');

/** The context of cdk.json (feature flags, strict registry validation, AZs), so tests synth exactly like the CLI. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/** One synthesis of an app: its templates, by stack name, and what the compliance packs said. */
export interface Synthesized {
  /** The cloud assembly directory (of the first app, when several were loaded together). */
  readonly assemblyDir: string;
  /** Template of each stack, by stack (artifact) name. */
  readonly templates: Record<string, Template>;
  /** Raw template JSON of each stack, for snapshots and policy evaluation. */
  readonly json: Record<string, any>;
  readonly compliance: ComplianceSummary;
  /** What the pre-deploy checks found, over every stack (the resource is `<stack>/<logical id>`). */
  readonly deployProblems: DeployProblem[];
  /** Names of the compliance packs registered for this synthesis (the report lists only packs with something to say). */
  readonly registeredPacks: string[];
  /** The template of the only stack, or of `stackName`. */
  template(stackName?: string): Template;
  /** Logical id of the CloudFormation resource at a construct path, e.g. `MyStack/Key/Resource` (from the assembly's metadata). */
  logicalId(constructPath: string): string;
}

export interface SynthesizeOptions {
  /** Run the compliance packs. @default true */
  readonly nag?: boolean;
  /** Extra context on top of cdk.json's. */
  readonly context?: Record<string, unknown>;
  /**
   * Return the pre-deploy problems instead of failing on them: only for tests of the checks
   * themselves. Every other synthesis in the test suite must be deployable.
   * @default false
   */
  readonly allowDeployProblems?: boolean;
}

/**
 * Synthesizes the app `build` fills, with the compliance packs and cdk.json's context. Call it once
 * per test file (at module level or in `beforeAll`): synthesis is the slow part of a CDK test.
 * Validation failures do not throw here; they are in `compliance.findings` for the test to assert.
 * Pre-deploy problems (`deployProblems`) do throw, unless `allowDeployProblems` is set.
 *
 * For the runnable apps (bin/app.ts, examples/<name>/app.ts) use {@link loadAssembly}: `npm test`
 * synthesizes them once, through the CLI, and the tests read that assembly.
 */
export function synthesize(build: (app: App) => void, options: SynthesizeOptions = {}): Synthesized {
  const assemblyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsp-test-'));
  // Assets (the prebuilt handler bundles) are not copied into each test assembly: their hash, and so
  // the template, is the same, and the copies were most of the tests' kernel time.
  const app = new App({ outdir: assemblyDir, context: { ...cdkJsonContext(), 'aws:cdk:disable-asset-staging': true, ...options.context } });
  build(app);
  const registeredPacks = options.nag === false ? [] : addCompliancePacks(app).map((p) => p.name);
  try {
    app.synth();
  } catch (e) {
    // In-memory synth throws the whole report («ValidationFailed»); the findings are read from the file below.
    if (!/A copy of this report can be found in/.test((e as Error).message)) throw e;
  }
  return fromAssemblies([readAssembly(assemblyDir, registeredPacks)], options);
}

/** What one assembly directory holds, read into memory. */
interface AssemblyContents {
  readonly dir: string;
  readonly json: Record<string, any>;
  readonly compliance: ComplianceSummary;
  readonly registeredPacks: string[];
  /** Logical id by construct path (without a leading slash), over every stack. */
  readonly logicalIds: Map<string, string>;
}

interface ManifestArtifact {
  type: string;
  properties?: { templateFile?: string };
  metadata?: Record<string, Array<{ type: string; data?: unknown }>>;
  additionalMetadataFile?: string;
}

function readAssembly(dir: string, registeredPacks: string[]): AssemblyContents {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, ManifestArtifact> };
  const json: Record<string, any> = {};
  const logicalIds = new Map<string, string>();
  for (const [name, artifact] of Object.entries(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    json[name] = JSON.parse(fs.readFileSync(path.join(dir, artifact.properties.templateFile), 'utf8'));
    const metadata = {
      ...artifact.metadata,
      ...(artifact.additionalMetadataFile ? JSON.parse(fs.readFileSync(path.join(dir, artifact.additionalMetadataFile), 'utf8')) : {}),
    } as NonNullable<ManifestArtifact['metadata']>;
    for (const [constructPath, entries] of Object.entries(metadata)) {
      const id = entries.find((e) => e.type === 'aws:cdk:logicalId')?.data;
      if (typeof id === 'string') logicalIds.set(constructPath.replace(/^\//, ''), id);
    }
  }
  const compliance = readComplianceSummary(dir) ?? { packs: [], findings: [], acknowledgements: [] };
  return { dir, json, compliance, registeredPacks, logicalIds };
}

/** One {@link Synthesized} over one or more assemblies (several apps tested together). */
function fromAssemblies(assemblies: AssemblyContents[], options: { allowDeployProblems?: boolean }): Synthesized {
  const json: Record<string, any> = {};
  const logicalIds = new Map<string, string>();
  for (const a of assemblies) {
    for (const [stack, template] of Object.entries(a.json)) {
      if (json[stack]) throw new Error(`stack ${stack} is in two of the assemblies loaded together`);
      json[stack] = template;
    }
    a.logicalIds.forEach((id, p) => logicalIds.set(p, id));
  }
  const templates: Record<string, Template> = {};
  for (const [name, template] of Object.entries(json)) templates[name] = Template.fromJSON(template);
  const compliance: ComplianceSummary = {
    packs: [...new Set(assemblies.flatMap((a) => a.compliance.packs))],
    findings: assemblies.flatMap((a) => a.compliance.findings),
    acknowledgements: assemblies.flatMap((a) => a.compliance.acknowledgements),
  };
  // A pack counts as registered only if it was registered for every app.
  const registeredPacks = assemblies.map((a) => a.registeredPacks).reduce((all, packs) => all.filter((p) => packs.includes(p)));
  const problems = Object.entries(json).flatMap(([stack, template]) => deployProblems(template).map((p) => ({ ...p, resource: `${stack}/${p.resource}` })));
  if (problems.length && !options.allowDeployProblems) {
    throw new Error(`the synthesized templates would fail to deploy or redeploy:\n${problems.map((p) => `  ${p.check} at ${p.resource}: ${p.message}`).join('\n')}`);
  }
  return {
    assemblyDir: assemblies[0].dir,
    templates,
    json,
    compliance,
    deployProblems: problems,
    registeredPacks,
    template(stackName?: string) {
      const names = Object.keys(templates);
      const name = stackName ?? (names.length === 1 ? names[0] : undefined);
      if (!name || !templates[name]) throw new Error(`no single stack to pick; stacks: ${names.join(', ')}`);
      return templates[name];
    },
    logicalId(constructPath: string) {
      const id = logicalIds.get(constructPath.replace(/^\//, ''));
      if (!id) throw new Error(`no CloudFormation resource at construct path ${constructPath}`);
      return id;
    },
  };
}

/**
 * The assembly `npm test` synthesized from a runnable app (`bin/app.ts`, `examples/<name>/app.ts`)
 * with the pinned CLI and the packs the app registers (scripts/synth.ts): the same synthesis the
 * compliance summary, the pre-deploy checks and the cost estimate read. Several entries are loaded
 * as one {@link Synthesized}, stacks by name.
 *
 * Never stale: an assembly is used only if its stamp shows it was synthesized from exactly today's
 * sources (content hash of lib/, bin/, examples/, the Lambda bundles, cdk.json, the installed
 * dependencies...) and is unchanged since. Otherwise, e.g. `npx jest test/bin` after an edit, it is
 * synthesized again here, the same way (`tsx scripts/synth.ts --app <entry> --if-stale`), under the
 * assembly directory's lock so that parallel workers never read a half-written one.
 */
export function loadAssembly(entries: string | string[], options: { allowDeployProblems?: boolean } = {}): Synthesized {
  const list = typeof entries === 'string' ? [entries] : entries;
  return fromAssemblies(list.map(freshAssembly), options);
}

function freshAssembly(entry: string): AssemblyContents {
  const target = targetFor(entry);
  const read = () =>
    withAssemblyLock(target.outdir, () => {
      const status = assemblyStatus(target, inputsFingerprint());
      return status.fresh ? { contents: contentsOf(target.outdir, status.stamp), stamp: status.stamp } : { reason: status.reason };
    });
  let got = read();
  if ('reason' in got) {
    const started = Date.now();
    const child = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/synth.ts', '--app', target.entry, '--if-stale'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const again = read();
    if ('reason' in again) {
      throw new Error(
        `${target.entry}: no fresh assembly in ${target.outdir} (${got.reason}), and synthesizing it failed (${again.reason}):\n` +
          `${child.stdout ?? ''}${child.stderr ?? ''}${child.error ? String(child.error) : ''}`,
      );
    }
    process.stderr.write(`[test/kit] ${target.entry} synthesized again in ${((Date.now() - started) / 1000).toFixed(1)} s: ${got.reason}\n`);
    got = again;
  }
  const { contents, stamp } = got;
  // A synthesis that failed without a finding to show failed for another reason: say which.
  if (stamp.exitCode !== 0 && contents.compliance.findings.length === 0) {
    throw new Error(`${target.entry}: cdk synth exited with ${stamp.exitCode}:\n${stamp.stderrTail.join('\n')}`);
  }
  return contents;
}

function contentsOf(outdir: string, stamp: SynthStamp): AssemblyContents {
  return readAssembly(path.join(ROOT, outdir), stamp.plugins ?? []);
}
