#!/usr/bin/env node
// Proves the package is consumable: `npm pack`s it, installs the tarball into a throwaway CDK app
// outside the repo (plain JavaScript, no TypeScript, no esbuild), and synthesizes constructs from it
// with the compliance packs. Dependencies come from the npm cache that `npm ci` filled.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dev = pkg.devDependencies;
const work = mkdtempSync(join(tmpdir(), 'bsp-consumer-'));
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

try {
  const tarballName = sh('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').pop();
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
  console.log(`package smoke test: ${tarballName} (${files.filter((f) => f && !f.endsWith('/')).length} files) installs and synthesizes outside the repo`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
