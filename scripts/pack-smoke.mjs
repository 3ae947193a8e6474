#!/usr/bin/env node
// Proves the package is consumable: `npm pack`s it, installs the tarball into a throwaway CDK app
// outside the repo (its peers linked from the repository's installed copies), and synthesizes
// constructs from it in plain JavaScript (no TypeScript, no esbuild), both entry points required.
// Then type-checks a TypeScript consumer of both entry points ('bedrock-secure-platform' and
// 'bedrock-secure-platform/compliance') with the repository's own tsc under `moduleResolution:
// node16` (`exports` and its `types` conditions), and asks TypeScript's resolver where both resolve
// under `node10` (older `cdk init` projects: `exports` ignored, so the `typesVersions` fallback must
// map './compliance').
// Meanwhile (one more process, beside the JS app and the type-check) it synthesizes one real
// example, examples/quickstart, as its user would: its files copied next to the installed package,
// the imports of the repository's sources rewritten to the package's entry points, run with the
// context of its cdk.json and its output directory (what `cdk synth` passes an app), and the
// assembly checked for the stack, the Lambda bundles it ships, and a validation report with no
// finding from every compliance pack and the Control Tower rules.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const root = join(fileURLToPath(import.meta.url), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dev = pkg.devDependencies;
const work = mkdtempSync(join(tmpdir(), 'bsp-consumer-'));
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

try {
  // `--prebuilt`: npm test's build stage has just made dist/ and the Lambda bundles the way
  // `prepack` would (`npm run build`), so they are packed as they are instead of built twice.
  const prebuilt = process.argv.includes('--prebuilt');
  const tarballName = sh('npm', ['pack', '--silent', ...(prebuilt ? ['--ignore-scripts'] : []), '--pack-destination', work], root).trim().split('\n').pop();
  const tarball = join(work, tarballName);
  const files = sh('tar', ['-tzf', tarball], work).split('\n');
  for (const required of ['package/dist/lib/index.js', 'package/dist/lib/index.d.ts', 'package/dist/lib/compliance/index.js', 'package/LICENSE']) {
    if (!files.includes(required)) throw new Error(`tarball lacks ${required}`);
  }
  const bundles = existsSync(join(root, 'lambda-bundles')) ? readdirSync(join(root, 'lambda-bundles')) : [];
  for (const b of bundles) {
    if (!files.includes(`package/lambda-bundles/${b}/index.js`)) throw new Error(`tarball lacks the prebuilt bundle of ${b}`);
  }
  if (files.some((f) => f.startsWith('package/test/') || f.startsWith('package/lib/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
    throw new Error('tarball ships sources or tests it should not');
  }

  const app = join(work, 'app');
  sh('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  // The peers are the repository's installed copies, linked (npm still checks them against the
  // tarball's peer ranges): extracting aws-cdk-lib's 240 MB once more took most of this test's
  // first seconds, and the versions are exactly those `npm ci` installed from the lock file.
  const peers = ['aws-cdk-lib', 'constructs', 'cdk-nag', '@cdklabs/cdk-validator-cfnguard'].map((name) => {
    if (dev[name] === undefined) throw new Error(`${name} is not a devDependency`);
    return join(root, 'node_modules', name);
  });
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...peers], app);
  // Plain JavaScript, plain node: both entry points resolve through `exports` under require(). The
  // compliance packs run in the example below, which is synthesized from the same installed package.
  writeFileSync(join(app, 'app.js'), `
const { App, Stack } = require('aws-cdk-lib');
const { PlatformKey, SecureBucket } = require('${pkg.name}');
const { addCompliancePacks, readComplianceSummary } = require('${pkg.name}/compliance');
if (typeof addCompliancePacks !== 'function' || typeof readComplianceSummary !== 'function') throw new Error('the compliance entry point lacks its functions');
const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Consumer', { env: { account: '123456789012', region: 'us-east-1' } });
const key = new PlatformKey(stack, 'Key');
new SecureBucket(stack, 'Data', { encryptionKey: key.key });
const assembly = app.synth();
const template = assembly.getStackByName('Consumer').template;
const types = Object.values(template.Resources).map((r) => r.Type);
if (!types.includes('AWS::KMS::Key') || !types.includes('AWS::S3::Bucket')) throw new Error('constructs missing from template: ' + types.join(', '));
console.log('consumer app synthesized ' + types.length + ' resources from the packed tarball');
`);
  // The example runs from here on, beside the JS app and then the type-check (each of those leaves
  // a core to it): it is awaited with the type-checks below.
  const example = synthesizeExample('quickstart', app);
  example.catch(() => {}); // handled where it is awaited; not an unhandled rejection meanwhile
  process.stdout.write((await execFileAsync('node', ['app.js'], { cwd: app, encoding: 'utf8' })).stdout);

  // TypeScript consumers. `@ts-expect-error` lines prove the types are the package's, not `any`.
  writeFileSync(join(app, 'consumer.ts'), `
import { App, Stack } from 'aws-cdk-lib';
import { KeyConsumer, PlatformKey, SecureBucket, type PlatformKeyProps } from '${pkg.name}';
import { addCompliancePacks, readComplianceSummary, type ComplianceSummary } from '${pkg.name}/compliance';

const app = new App();
const stack = new Stack(app, 'Consumer');
const props: PlatformKeyProps = { consumers: [KeyConsumer.CLOUDWATCH_LOGS] };
const key = new PlatformKey(stack, 'Key', props);
new SecureBucket(stack, 'Data', { encryptionKey: key.key });
// @ts-expect-error rotationPeriodDays is a number of days
new PlatformKey(stack, 'Wrong', { rotationPeriodDays: 'yearly' });
addCompliancePacks(app, { controlTower: false });
const summary: ComplianceSummary | undefined = readComplianceSummary('cdk.out');
// @ts-expect-error findings is a list, not a count
const count: number = summary?.findings;
export { count };
`);
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  const typeCheckStart = Date.now();
  // The whole consumer under node16 (`exports` and its `types` conditions). Under node10, which
  // ignores `exports`, only where each entry point's types resolve can differ (package.json
  // `typesVersions` must map every subpath): asked of TypeScript's resolver itself, since the
  // declarations found are the same files the node16 check reads (a second full check parsed all
  // of aws-cdk-lib's declarations again).
  const config = join(app, 'tsconfig.json');
  writeFileSync(config, JSON.stringify({
    compilerOptions: { target: 'ES2022', lib: ['ES2022'], module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: true, types: [] },
    files: ['consumer.ts'],
  }));
  const typeChecks = execFileAsync(tsc, ['-p', config, '--pretty', 'false'], { cwd: app, encoding: 'utf8' }).catch((e) => {
    throw new Error(`a TypeScript consumer with moduleResolution node16 does not type-check against the packed types:\n${e.stdout}${e.stderr}`);
  }).then(() => Date.now());
  const ts = createRequire(import.meta.url)('typescript');
  for (const [specifier, declarations] of [[pkg.name, 'dist/lib/index.d.ts'], [`${pkg.name}/compliance`, 'dist/lib/compliance/index.d.ts']]) {
    const options = { moduleResolution: ts.ModuleResolutionKind.Node10, module: ts.ModuleKind.CommonJS };
    const resolved = ts.resolveModuleName(specifier, join(app, 'consumer.ts'), options, ts.sys).resolvedModule;
    const expected = join(app, 'node_modules', pkg.name, declarations);
    if (resolved?.resolvedFileName !== expected) {
      throw new Error(`under moduleResolution node10, '${specifier}' resolves to ${resolved?.resolvedFileName ?? 'nothing'}, not ${expected} (node10 ignores \`exports\`: package.json \`typesVersions\` must map every subpath entry point)`);
    }
  }
  const [typeChecked, exampleReport] = await Promise.all([typeChecks, example]);
  console.log(`TypeScript consumer of '${pkg.name}' and '${pkg.name}/compliance' type-checks under moduleResolution node16, and both resolve to their declarations under node10 (${((typeChecked - typeCheckStart) / 1000).toFixed(1)} s)`);
  console.log(exampleReport);
  console.log(`package smoke test: ${tarballName} (${files.filter((f) => f && !f.endsWith('/')).length} files) installs, synthesizes and type-checks outside the repo`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * Synthesizes examples/<name> from the package installed in `app`, the way its user would run it:
 * `cdk synth` runs the app (cdk.json `npx tsx app.ts`) with cdk.json's context in CDK_CONTEXT_JSON
 * and its `output` in CDK_OUTDIR; here the repository's tsx runs it directly (the consumer has no
 * tsx, and `npx` would fetch one). Resolves to a one-line report; rejects on anything amiss.
 */
async function synthesizeExample(name, app) {
  const started = Date.now();
  const source = join(root, 'examples', name);
  const dir = join(app, name);
  mkdirSync(dir);
  for (const file of readdirSync(source)) {
    if (file === 'cdk.json') writeFileSync(join(dir, file), readFileSync(join(source, file)));
    if (!file.endsWith('.ts')) continue;
    // '../../lib' and '../../lib/<folder>' -> the package (its root re-exports every folder's public
    // API); '../../lib/compliance' -> its compliance entry point.
    const text = readFileSync(join(source, file), 'utf8').replace(/(['"])\.\.\/\.\.\/lib(?:\/([\w-]+))?\1/g, (_, q, folder) => `${q}${pkg.name}${folder === 'compliance' ? '/compliance' : ''}${q}`);
    const outside = /from\s+['"]\.\.\//.exec(text);
    if (outside) throw new Error(`examples/${name}/${file} imports from outside its folder in a way a user of the package cannot: ${text.slice(outside.index).split('\n')[0]}`);
    writeFileSync(join(dir, file), text);
  }
  const cdkJson = JSON.parse(readFileSync(join(dir, 'cdk.json'), 'utf8'));
  if (cdkJson.app !== 'npx tsx app.ts') throw new Error(`examples/${name}/cdk.json runs '${cdkJson.app}'; this smoke test runs app.ts with tsx`);
  const outdir = join(dir, cdkJson.output ?? 'cdk.out');
  try {
    await execFileAsync(join(root, 'node_modules', '.bin', 'tsx'), ['app.ts'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(cdkJson.context ?? {}) },
    });
  } catch (e) {
    throw new Error(`examples/${name} does not synthesize from the packed package:\n${e.stdout ?? ''}${e.stderr ?? e.message}`, { cause: e });
  }
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  if (stacks.length === 0) throw new Error(`examples/${name}: the assembly has no stack`);
  if (manifest.missing?.length) throw new Error(`examples/${name}: context missing from its cdk.json: ${manifest.missing.map((m) => m.key).join(', ')}`);
  // Every file asset (the prebuilt Lambda bundles) was staged from the installed package.
  let assets = 0;
  for (const [, artifact] of Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'cdk:asset-manifest')) {
    const files = JSON.parse(readFileSync(join(outdir, artifact.properties.file), 'utf8')).files ?? {};
    for (const [hash, asset] of Object.entries(files)) {
      if (asset.source.path.endsWith('.template.json')) continue;
      if (!existsSync(join(outdir, asset.source.path))) throw new Error(`examples/${name}: asset ${hash} was not staged (${asset.source.path})`);
      assets++;
    }
  }
  // The compliance summary, as readComplianceSummary reads it: unacknowledged violations are findings.
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  const plugins = (report.pluginReports ?? []).map((p) => p.pluginName);
  const findings = (report.pluginReports ?? []).flatMap((p) => (p.violations ?? []).flatMap((v) => (v.violatingConstructs ?? []).map((c) => `${p.pluginName} ${v.ruleName} at ${c.constructPath}`)));
  if (findings.length) throw new Error(`examples/${name}: ${findings.length} findings:\n  ${findings.join('\n  ')}`);
  for (const pack of ['AwsSolutions', 'ControlTower']) {
    if (!plugins.includes(pack)) throw new Error(`examples/${name}: the ${pack} rules did not run (validation report lists ${plugins.join(', ')})`);
  }
  const resources = stacks.reduce((n, [, a]) => n + Object.keys(JSON.parse(readFileSync(join(outdir, a.properties.templateFile), 'utf8')).Resources).length, 0);
  return `examples/${name} synthesized from the packed package: ${stacks.map(([id]) => id).join(', ')}, ${resources} resources, ${assets} Lambda assets staged, 0 findings from ${plugins.length} validation plugins (${((Date.now() - started) / 1000).toFixed(1)} s, alongside the JS app and the type-check)`;
}
