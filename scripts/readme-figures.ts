/**
 * The figures in README.md that come from a run, not from a keyboard: the reference app's synth
 * summary (resources, fixed cost, compliance), a table of every runnable app, and npm test's stage
 * times. Each sits between `<!-- figures:<name> -->` and `<!-- /figures:<name> -->`.
 *
 *   tsx scripts/readme-figures.ts           rewrite them from the assemblies in cdk.out* (npm run docs)
 *   tsx scripts/readme-figures.ts --check   fail if README.md says something else (npm test); times
 *                                           (“12.3 s”) are compared as “N s”, as they vary by run, and
 *                                           the stage times, which describe the last full run, not at all
 *
 * Reads the assemblies `scripts/synth.ts --all` made (npm test's synth stage, or npm run docs).
 */
import * as fs from 'fs';
import * as path from 'path';
import { estimateFixedMonthlyCost } from '../lib/compliance/cost-estimate';
import { readComplianceSummary } from '../lib/compliance/report';
import { readStamp, summarize, Target, targets } from './synth';

const ROOT = path.resolve(__dirname, '..');
const README = path.join(ROOT, 'README.md');
/** The README's quickstart is this file, with the package's import paths. */
const QUICKSTART = 'examples/quickstart/app.ts';
/** Written by scripts/test.ts after a run in which every stage passed. */
export const STAGE_TIMES_FILE = path.join(ROOT, '.cache', 'test-stage-times.json');

export interface StageTimes {
  readonly stages: Array<{ name: string; seconds: number }>;
  readonly totalSeconds: number;
  readonly cores: number;
  readonly loadAverage: number;
  readonly node: string;
}

interface AppFigures {
  readonly target: Target;
  readonly stacks: number;
  readonly resources: number;
  readonly monthly: number;
  readonly findings: number;
  readonly acknowledgements: number;
  readonly seconds: number;
}

function figuresOf(target: Target): AppFigures {
  const outdir = path.join(ROOT, target.outdir);
  const manifestFile = path.join(outdir, 'manifest.json');
  const stamp = readStamp(target.outdir);
  if (!fs.existsSync(manifestFile) || !stamp) throw new Error(`${target.entry}: no assembly in ${target.outdir}; run \`npx tsx scripts/synth.ts --all\` first`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { artifacts: Record<string, { type: string; properties?: { templateFile?: string } }> };
  let stacks = 0;
  let resources = 0;
  let monthly = 0;
  for (const artifact of Object.values(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const template = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties.templateFile), 'utf8'));
    stacks += 1;
    resources += Object.keys(template.Resources ?? {}).length;
    monthly += estimateFixedMonthlyCost(template).monthlyTotal;
  }
  const compliance = readComplianceSummary(outdir);
  return { target, stacks, resources, monthly, findings: compliance?.findings.length ?? NaN, acknowledgements: compliance?.acknowledgements.length ?? NaN, seconds: stamp.seconds };
}

/** The summary with its acknowledgement list folded into one line (the reference app's shows them). */
function withoutAcknowledgements(lines: string[]): string[] {
  const acks = lines.filter((l) => l.startsWith('    ack '));
  const at = lines.findIndex((l) => l.startsWith('    ack '));
  if (at < 0) return lines;
  return [...lines.slice(0, at), `    (${acks.length} acknowledgement lines; \`-- --verbose\` lists each with its reason)`, ...lines.filter((l, i) => i > at && !l.startsWith('    ack '))];
}

function sections(): Record<string, string> {
  const apps = targets(['--all']).map(figuresOf);
  const reference = apps[0];
  const stamp = readStamp(reference.target.outdir)!;
  const summary = summarize(reference.target, stamp.exitCode, '', stamp.seconds, false, `synthesized in ${stamp.seconds.toFixed(1)} s`).lines;
  const table = [
    '| App | Stacks | Resources | Fixed cost / month | Findings | Acknowledgements | Synth time |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...apps.map((a) => `| \`${a.target.entry}\` | ${a.stacks} | ${a.resources} | $${a.monthly.toFixed(2)} | ${a.findings} | ${a.acknowledgements} | ${a.seconds.toFixed(1)} s |`),
  ];
  const quickstart = targets(['--app', QUICKSTART])[0];
  const quickstartStamp = readStamp(quickstart.outdir);
  const quickstartSource = fs
    .readFileSync(path.join(ROOT, QUICKSTART), 'utf8')
    .replace(/'\.\.\/\.\.\/lib'/g, "'bedrock-secure-platform'")
    .replace(/'\.\.\/\.\.\/lib\/compliance'/g, "'bedrock-secure-platform/compliance'")
    .trimEnd();
  const out: Record<string, string> = {
    quickstart: ['```ts', quickstartSource, '```'].join('\n'),
    'quickstart-summary': ['```', ...withoutAcknowledgements(summarize(quickstart, quickstartStamp!.exitCode, '', quickstartStamp!.seconds, false, `synthesized in ${quickstartStamp!.seconds.toFixed(1)} s`).lines), '```'].join('\n'),
    'reference-summary': ['```', ...summary, '```'].join('\n'),
    apps: table.join('\n'),
  };
  if (fs.existsSync(STAGE_TIMES_FILE)) {
    const t = JSON.parse(fs.readFileSync(STAGE_TIMES_FILE, 'utf8')) as StageTimes;
    out['test-stages'] = [
      `Last measured (\`npm test\`, ${t.cores} cores, load average ${t.loadAverage.toFixed(1)}, Node ${t.node}):`,
      '',
      '| Stage | Time |',
      '|---|---:|',
      ...t.stages.map((s) => `| ${s.name} | ${s.seconds.toFixed(1)} s |`),
      `| **total** | **${t.totalSeconds.toFixed(1)} s** |`,
    ].join('\n');
  }
  return out;
}

const mask = (s: string) => s.replace(/\d+(\.\d+)? s\b/g, 'N s').replace(/load average \d+(\.\d+)?/g, 'load average N').replace(/Node v[\d.]+/g, 'Node vN');

function main(): void {
  const check = process.argv.includes('--check');
  const readme = fs.readFileSync(README, 'utf8');
  let updated = readme;
  const stale: string[] = [];
  for (const [name, body] of Object.entries(sections())) {
    const re = new RegExp(`(<!-- figures:${name} -->\\n)([\\s\\S]*?)\\n?(<!-- /figures:${name} -->)`);
    const m = re.exec(updated);
    if (!m) throw new Error(`README.md has no <!-- figures:${name} --> ... <!-- /figures:${name} --> block`);
    // Stage times describe the last full run, which a check made during a run cannot know.
    if (name !== 'test-stages' && mask(m[2]) !== mask(body)) stale.push(name);
    updated = updated.replace(re, (_all, open: string, _old: string, close: string) => `${open}${body}\n${close}`);
  }
  if (check) {
    if (stale.length) {
      console.error(`README.md figures out of date: ${stale.join(', ')}. Run \`npm run docs\` and commit README.md.`);
      process.exitCode = 1;
    } else {
      console.log('README.md figures match the assemblies');
    }
    return;
  }
  if (updated !== readme) fs.writeFileSync(README, updated);
  console.log(updated === readme ? 'README.md figures already current' : 'README.md figures rewritten');
}

if (require.main === module) main();
