/**
 * Synthesizes CDK apps offline with the pinned CLI, strict CloudFormation registry validation and the
 * compliance packs, then prints a summary per app: stacks, resources per stack, findings,
 * acknowledgements and the estimated fixed monthly cost. Exits non-zero on any failed synth or
 * unacknowledged finding.
 *
 *   tsx scripts/synth.ts                 the reference app (bin/app.ts) into cdk.out
 *   tsx scripts/synth.ts --all           the reference app and every examples/<name>/app.ts
 *   tsx scripts/synth.ts --app <entry>   one app
 *   add --verbose to list every acknowledgement with its reason
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { COMPLIANCE_PACK_NAMES } from '../lib/compliance/packs';
import { estimateFixedMonthlyCost } from '../lib/compliance/cost-estimate';
import { DeployProblem, deployProblems } from '../lib/compliance/deploy-checks';
import { readComplianceSummary } from '../lib/compliance/report';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

interface Target {
  readonly name: string;
  readonly entry: string;
  readonly outdir: string;
}

interface Outcome {
  readonly target: Target;
  readonly ok: boolean;
  readonly seconds: number;
  readonly lines: string[];
}

function targets(args: string[]): Target[] {
  const reference: Target = { name: 'reference app', entry: 'bin/app.ts', outdir: 'cdk.out' };
  const appIndex = args.indexOf('--app');
  if (appIndex >= 0) {
    const entry = args[appIndex + 1];
    if (!entry) throw new Error('--app needs the path of an app entry, e.g. examples/private-link/app.ts');
    const name = path.basename(path.dirname(entry));
    return [{ name, entry, outdir: path.join('cdk.out.examples', name) }];
  }
  if (!args.includes('--all')) return [reference];
  const examples = fs.existsSync(path.join(ROOT, 'examples'))
    ? fs
        .readdirSync(path.join(ROOT, 'examples'))
        .filter((d) => fs.existsSync(path.join(ROOT, 'examples', d, 'app.ts')))
        .sort()
        .map((d) => ({ name: `example ${d}`, entry: `examples/${d}/app.ts`, outdir: path.join('cdk.out.examples', d) }))
    : [];
  return [reference, ...examples];
}

/** `cdk synth` with the pinned CLI: no credentials, no notices, no telemetry, strict template validation. */
export function cdkSynthArgs(target: Target): string[] {
  return [
    'synth',
    '--app', `${path.join(BIN, 'tsx')} ${target.entry}`,
    '--output', target.outdir,
    '--quiet',
    '--no-notices',
    '-c', '@aws-cdk/core:validateAgainstDefaultRules=true',
  ];
}

function run(target: Target): Promise<{ code: number; stderr: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(path.join(BIN, 'cdk'), cdkSynthArgs(target), {
      cwd: ROOT,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr, seconds: (Date.now() - started) / 1000 }));
  });
}

const usd = (n: number) => `$${n.toFixed(2)}`;

function summarize(target: Target, code: number, stderr: string, seconds: number, verbose: boolean): Outcome {
  const lines = [`${target.name} (${target.entry}) -> ${target.outdir}: synthesized in ${seconds.toFixed(1)} s`];
  const outdir = path.join(ROOT, target.outdir);
  const manifestFile = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    lines.push('  synth failed before writing a cloud assembly:', ...stderr.trim().split('\n').slice(-15).map((l) => `    ${l}`));
    return { target, ok: false, seconds, lines };
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as {
    artifacts: Record<string, { type: string; environment?: string; properties?: { templateFile?: string } }>;
  };
  let total = 0;
  const unpriced = new Set<string>();
  const problems: DeployProblem[] = [];
  for (const [name, artifact] of Object.entries(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const template = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties.templateFile), 'utf8'));
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
  lines.push(
    `  compliance: ${COMPLIANCE_PACK_NAMES.length} packs (${COMPLIANCE_PACK_NAMES.join(', ')}): ` +
      `${compliance.findings.length} findings, ${compliance.acknowledgements.length} acknowledgements`,
  );
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
  const ok = code === 0 && compliance.findings.length === 0 && problems.length === 0;
  if (code !== 0 && compliance.findings.length === 0) lines.push(...stderr.trim().split('\n').slice(-15).map((l) => `    ${l}`));
  return { target, ok, seconds, lines };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const queue = targets(args);
  const outcomes: Outcome[] = [];
  // Two at a time: CI has two cores, and each synth is one busy node process.
  const workers = Array.from({ length: Math.min(2, queue.length) }, async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      fs.rmSync(path.join(ROOT, t.outdir), { recursive: true, force: true });
      const { code, stderr, seconds } = await run(t);
      const outcome = summarize(t, code, stderr, seconds, verbose);
      console.log(outcome.lines.join('\n') + '\n');
      outcomes.push(outcome);
    }
  });
  await Promise.all(workers);
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
