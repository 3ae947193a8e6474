#!/usr/bin/env node
// Bundles every Lambda handler (lambda/<name>/index.ts) with esbuild into lambda-bundles/<name>/.
// Constructs reference these prebuilt bundles, so a consumer's synth needs neither esbuild nor
// Docker, and the asset hash depends only on our sources and lock file: the same on every machine.
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const sources = join(root, 'lambda');
const out = join(root, 'lambda-bundles');

const handlers = readdirSync(sources, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(sources, d.name, 'index.ts')))
  .map((d) => d.name)
  .sort();

rmSync(out, { recursive: true, force: true });
for (const name of handlers) {
  const result = await build({
    entryPoints: [join(sources, name, 'index.ts')],
    outfile: join(out, name, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    // Paths in the map are relative to the bundle, so the map (and the asset hash) is machine-independent.
    sourceRoot: '',
    legalComments: 'none',
    // The SDK is bundled, not taken from the runtime: the handler runs the exact client version it was tested with.
    external: [],
    logLevel: 'warning',
    metafile: true,
  });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`bundled ${relative(root, join(out, name))} (${(bytes / 1024).toFixed(0)} KiB with source map)`);
}
if (handlers.length === 0) console.log('no Lambda handlers to bundle');
