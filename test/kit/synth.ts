import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DeployProblem, deployProblems } from '../../lib/compliance/deploy-checks';
import { addCompliancePacks } from '../../lib/compliance/packs';
import { ComplianceSummary, readComplianceSummary } from '../../lib/compliance/report';

const ROOT = path.resolve(__dirname, '..', '..');

/** The context of cdk.json (feature flags, strict registry validation, AZs), so tests synth exactly like the CLI. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/** One synthesis of an app: its templates, by stack name, and what the compliance packs said. */
export interface Synthesized {
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
 */
export function synthesize(build: (app: App) => void, options: SynthesizeOptions = {}): Synthesized {
  const assemblyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsp-test-'));
  const app = new App({ outdir: assemblyDir, context: { ...cdkJsonContext(), ...options.context } });
  build(app);
  const registeredPacks = options.nag === false ? [] : addCompliancePacks(app).map((p) => p.name);
  try {
    app.synth();
  } catch (e) {
    // In-memory synth throws the whole report («ValidationFailed»); the findings are read from the file below.
    if (!/A copy of this report can be found in/.test((e as Error).message)) throw e;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const json: Record<string, any> = {};
  const templates: Record<string, Template> = {};
  for (const [name, artifact] of Object.entries(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    json[name] = JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.properties.templateFile), 'utf8'));
    templates[name] = Template.fromJSON(json[name]);
  }
  const compliance = readComplianceSummary(assemblyDir) ?? { packs: [], findings: [], acknowledgements: [] };
  const problems = Object.entries(json).flatMap(([stack, template]) => deployProblems(template).map((p) => ({ ...p, resource: `${stack}/${p.resource}` })));
  if (problems.length && !options.allowDeployProblems) {
    throw new Error(`the synthesized templates would fail to deploy or redeploy:\n${problems.map((p) => `  ${p.check} at ${p.resource}: ${p.message}`).join('\n')}`);
  }
  return {
    assemblyDir,
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
  };
}
