/**
 * The pipeline's pre-deploy gate: runs the library's pre-deploy checks (deployProblems) over every
 * template of a cloud assembly, nested stage assemblies included, and exits 1 on any problem.
 *
 *   npx tsx examples/multi-account-pipeline/check-deploy.ts <cdk.out>
 *
 * In your own project import from 'bedrock-secure-platform/compliance'.
 */
import * as fs from 'fs';
import * as path from 'path';
import { deployProblems } from '../../lib/compliance';

interface Manifest {
  artifacts?: Record<string, { type: string; properties?: { templateFile?: string; directoryName?: string } }>;
}

/** Every template file of the assembly in `dir`, recursively. */
export function templatesOf(dir: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  return Object.values(manifest.artifacts ?? {}).flatMap((a) => {
    if (a.type === 'aws:cloudformation:stack' && a.properties?.templateFile) return [path.join(dir, a.properties.templateFile)];
    if (a.type === 'cdk:cloud-assembly' && a.properties?.directoryName) return templatesOf(path.join(dir, a.properties.directoryName));
    return [];
  });
}

if (require.main === module) {
  const dir = process.argv[2] ?? 'cdk.out';
  const files = templatesOf(dir);
  const problems = files.flatMap((f) => deployProblems(JSON.parse(fs.readFileSync(f, 'utf8'))).map((p) => `${path.relative(dir, f)} ${p.check} at ${p.resource}: ${p.message}`));
  console.log(`pre-deploy checks: ${files.length} templates, ${problems.length} problems`);
  problems.forEach((p) => console.error(`  ${p}`));
  process.exit(problems.length > 0 || files.length === 0 ? 1 : 0);
}
