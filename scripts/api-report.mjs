#!/usr/bin/env node
// The public API reports (api/*.api.md), made by API Extractor from the emitted declarations, one per
// package entry point: '.' (dist/lib/index.d.ts) and './compliance' (dist/lib/compliance/index.d.ts).
//
//   npm run api                      builds the .d.ts, then rewrites the reports: commit them with the change
//   npm run api:check                builds the .d.ts, then fails if the API differs from the committed reports
//   node scripts/api-report.mjs [--check]   the same without the build (dist/ must be current)
//
// It also checks that lib/index.ts re-exports exactly what each folder index (lib/core/index.ts, ...)
// exports, so the two lists of the public API cannot drift apart.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { CompilerState, Extractor, ExtractorConfig } = require('@microsoft/api-extractor');
const ts = require('typescript');

const root = join(fileURLToPath(import.meta.url), '..', '..');
const check = process.argv.includes('--check');
const started = Date.now();
const CONFIGS = ['api-extractor.json', 'api-extractor.compliance.json'];
const UPDATE = 'npm run api';

function fail(lines) {
  console.error(['', ...lines, ''].join('\n'));
  process.exit(1);
}

// 1. lib/index.ts and the folder indexes name the same API.
function namedExports(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const byModule = new Map();
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier) continue;
    const from = statement.moduleSpecifier.text;
    if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) {
      fail([`${relative(root, file)}: \`export * from '${from}'\`: name the public API one by one.`]);
    }
    const names = byModule.get(from) ?? new Set();
    for (const element of statement.exportClause.elements) names.add(element.name.text);
    byModule.set(from, names);
  }
  return byModule;
}
const fromIndex = namedExports(join(root, 'lib', 'index.ts'));
const drift = [];
for (const folder of readdirSync(join(root, 'lib'))) {
  const index = join(root, 'lib', folder, 'index.ts');
  if (folder === 'compliance' || !existsSync(index)) continue;
  const inFolder = new Set([...namedExports(index).values()].flatMap((names) => [...names]));
  const inRoot = fromIndex.get(`./${folder}`) ?? new Set();
  const missing = [...inFolder].filter((n) => !inRoot.has(n));
  const extra = [...inRoot].filter((n) => !inFolder.has(n));
  if (missing.length) drift.push(`lib/index.ts does not re-export from './${folder}': ${missing.join(', ')}`);
  if (extra.length) drift.push(`lib/index.ts re-exports from './${folder}' what lib/${folder}/index.ts does not export: ${extra.join(', ')}`);
}
if (drift.length) fail(['The public API lists disagree:', ...drift.map((d) => `  - ${d}`)]);

// 2. The declarations must be those of the current sources.
const entry = join(root, 'dist', 'lib', 'index.d.ts');
if (!existsSync(entry)) fail([`${relative(root, entry)} is missing: run \`${check ? 'npm run api:check' : UPDATE}\` (it builds the declarations first).`]);
// Each source against its own declaration file: an incremental compile (npm test's) re-emits only
// the files that changed, so the entry point's age says nothing about the others.
const staleDeclarations = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
  const p = join(dir, e.name);
  if (e.isDirectory()) return staleDeclarations(p);
  if (!e.name.endsWith('.ts') || e.name.endsWith('.d.ts')) return [];
  const declaration = join(root, 'dist', relative(root, p).replace(/\.ts$/, '.d.ts'));
  return !existsSync(declaration) || statSync(p).mtimeMs > statSync(declaration).mtimeMs ? [relative(root, p)] : [];
});
const stale = staleDeclarations(join(root, 'lib'));
if (stale.length) {
  fail([`dist/lib is older than ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ` and ${stale.length - 3} more` : ''}: run \`tsc -p tsconfig.build.json\` first (\`npm run api\` and \`npm run api:check\` do).`]);
}

// 3. API Extractor, both entry points over one compiler program.
const configs = CONFIGS.map((c) => ExtractorConfig.loadFileAndPrepare(join(root, c)));
const compilerState = CompilerState.create(configs[0], { additionalEntryPoints: configs.map((c) => c.mainEntryPointFilePath) });
// Progress chatter, and the report-changed notices this script words itself (they would count as warnings).
const quiet = new Set(['console-preamble', 'console-compiler-version-notice', 'console-writing-api-report',
  'console-api-report-unchanged', 'console-api-report-not-copied', 'console-api-report-copied',
  'console-api-report-created', 'console-api-report-diff']);
const changed = [];
let problems = 0;
for (const config of configs) {
  const result = Extractor.invoke(config, {
    localBuild: !check,
    compilerState,
    showVerboseMessages: false,
    messageCallback: (message) => {
      if (quiet.has(message.messageId)) {
        message.logLevel = 'none';
        message.handled = true;
      }
    },
  });
  problems += result.errorCount + result.warningCount;
  if (result.apiReportChanged) changed.push(config);
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (problems) fail([`API Extractor reported ${problems} problem(s) above.`]);
if (check && changed.length) {
  const lines = ['The public API changed, but its report was not updated:'];
  for (const config of changed) {
    const committed = relative(root, config.reportFilePath);
    const current = relative(root, config.reportTempFilePath);
    lines.push('', `--- ${committed} (committed)`, `+++ ${current} (from the current sources)`);
    const diff = existsSync(config.reportFilePath)
      ? spawnSync('diff', ['-U', '2', config.reportFilePath, config.reportTempFilePath], { encoding: 'utf8' }).stdout ?? ''
      : '(no committed report)';
    const body = diff.split('\n').slice(2).filter(Boolean);
    lines.push(...body.slice(0, 120), ...(body.length > 120 ? [`... ${body.length - 120} more lines`] : []));
  }
  lines.push('', `If the change is intended, run \`${UPDATE}\` and commit the updated api/ files with it.`,
    'If not: a new declaration stays internal when it is left out of lib/index.ts, lib/<folder>/index.ts and',
    'lib/compliance/index.ts; a removed or changed one breaks code that uses it.');
  fail(lines);
}
if (!check && changed.length) {
  console.log(`API report updated: ${changed.map((c) => relative(root, c.reportFilePath)).join(', ')} (commit it with the change)`);
}
console.log(`API reports ${check ? 'match the committed ones' : 'written'}: ${configs.map((c) => relative(root, c.reportFilePath)).join(', ')} (${seconds} s)`);
