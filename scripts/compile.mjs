#!/usr/bin/env node
// `npm test`'s compile stage: one tsc program over the whole tree (lib, lambda, bin, test, examples,
// bench, scripts) that type-checks all of it and emits dist/ (JS and declarations), while esbuild
// bundles the Lambda handlers. `npm run build` compiles lib/ alone, for `npm pack`; here the same
// dist/lib comes out of the program that type-checks the tests too, so lib/ is checked once, not
// twice (emitting costs little next to checking).
//
// Incremental: the build info lives in dist/, so a dist/ wiped by `npm run build` means a full
// compile. Outputs whose source is gone are deleted afterwards, so dist/lib (what the API report
// reads and the pack smoke test packs) holds nothing but the current sources' output.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const dist = join(root, 'dist');

const run = (command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('error', (e) => {
      console.error(`cannot start ${command}: ${e.message}`);
      resolve(127);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });

/** The source a dist/ file was emitted from, or undefined for a file tsc does not emit. */
function sourceOf(file) {
  const rel = relative(dist, file);
  for (const [suffix, source] of [['.d.ts', '.ts'], ['.js', '.ts'], ['.json', '.json']]) {
    if (rel.endsWith(suffix)) return join(root, rel.slice(0, -suffix.length) + source);
  }
  return undefined;
}

function pruneOrphans(dir) {
  let removed = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      removed += pruneOrphans(full);
      if (readdirSync(full).length === 0) rmSync(full, { recursive: true });
      continue;
    }
    const source = sourceOf(full);
    if (source && !existsSync(source)) {
      rmSync(full);
      removed++;
    }
  }
  return removed;
}

const tsc = join(root, 'node_modules', '.bin', 'tsc');
// `--no-lambdas`: npm test bundles the handlers in a stage of its own, which the synth stage waits for.
const withLambdas = !process.argv.includes('--no-lambdas');
const [bundles, compiled] = await Promise.all([
  withLambdas ? run(process.execPath, [join(root, 'scripts', 'build-lambdas.mjs')]) : Promise.resolve(0),
  run(tsc, ['-p', 'tsconfig.json', '--noEmit', 'false', '--rootDir', '.', '--outDir', 'dist', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo']),
]);
if (existsSync(dist)) {
  const removed = pruneOrphans(dist);
  if (removed) console.log(`removed ${removed} file(s) from dist/ whose source is gone`);
}
process.exitCode = bundles || compiled;
