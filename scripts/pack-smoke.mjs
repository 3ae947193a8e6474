#!/usr/bin/env node
// Proves the package is consumable: `npm pack`s it, installs the tarball into a throwaway CDK app
// outside the repo (plain JavaScript, no TypeScript, no esbuild), and synthesizes constructs from it
// with the compliance packs. Dependencies come from the npm cache that `npm ci` filled.
// Then type-checks a TypeScript consumer of both entry points ('bedrock-secure-platform' and
// 'bedrock-secure-platform/compliance') with the repository's own tsc, under `moduleResolution:
// node10` (older `cdk init` projects: `exports` ignored, so the `typesVersions` fallback must map
// './compliance') and under `node16` (`exports` and its `types` conditions).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball,
    `aws-cdk-lib@${dev['aws-cdk-lib']}`, `constructs@${dev.constructs}`, `cdk-nag@${dev['cdk-nag']}`,
    `@cdklabs/cdk-validator-cfnguard@${dev['@cdklabs/cdk-validator-cfnguard']}`], app);
  writeFileSync(join(app, 'app.js'), `
const { App, Stack } = require('aws-cdk-lib');
const { PlatformKey, SecureBucket } = require('${pkg.name}');
const { addCompliancePacks } = require('${pkg.name}/compliance');
const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Consumer', { env: { account: '123456789012', region: 'us-east-1' } });
const key = new PlatformKey(stack, 'Key');
new SecureBucket(stack, 'Data', { encryptionKey: key.key });
addCompliancePacks(app); // cdk-nag packs and the Control Tower rules
const assembly = app.synth();
const report = require('fs').readFileSync('cdk.out/validation-report.json', 'utf8');
if (!report.includes('ControlTower')) throw new Error('the Control Tower rules did not run in the consumer app');
const template = assembly.getStackByName('Consumer').template;
const types = Object.values(template.Resources).map((r) => r.Type);
if (!types.includes('AWS::KMS::Key') || !types.includes('AWS::S3::Bucket')) throw new Error('constructs missing from template: ' + types.join(', '));
console.log('consumer app synthesized ' + types.length + ' resources from the packed tarball');
`);
  process.stdout.write(sh('node', ['app.js'], app));

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
  const resolutions = { node10: 'commonjs', node16: 'node16' };
  const typeCheckStart = Date.now();
  // Both at once: each run parses aws-cdk-lib's declarations, and one tsc uses one core.
  await Promise.all(Object.entries(resolutions).map(([moduleResolution, module]) => {
    const config = join(app, `tsconfig.${moduleResolution}.json`);
    writeFileSync(config, JSON.stringify({
      compilerOptions: { target: 'ES2022', lib: ['ES2022'], module, moduleResolution, strict: true, noEmit: true, skipLibCheck: true, types: [] },
      files: ['consumer.ts'],
    }));
    return execFileAsync(tsc, ['-p', config, '--pretty', 'false'], { cwd: app, encoding: 'utf8' }).catch((e) => {
      const hint = moduleResolution === 'node10' ? ' (node10 ignores `exports`: package.json `typesVersions` must map every subpath entry point)' : '';
      throw new Error(`a TypeScript consumer with moduleResolution ${moduleResolution} does not type-check against the packed types${hint}:\n${e.stdout}${e.stderr}`);
    });
  }));
  console.log(`TypeScript consumer of '${pkg.name}' and '${pkg.name}/compliance' type-checks under moduleResolution ${Object.keys(resolutions).join(' and ')} (${((Date.now() - typeCheckStart) / 1000).toFixed(1)} s)`);
  console.log(`package smoke test: ${tarballName} (${files.filter((f) => f && !f.endsWith('/')).length} files) installs, synthesizes and type-checks outside the repo`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
