import * as fs from 'fs';
import * as path from 'path';
import { cliDirectory, targetFor } from '../../scripts/synth';

// Every example is a standalone CDK app: `cd examples/<name> && npx cdk synth` runs its app.ts with
// its own cdk.json. npm test's synth stage runs the pinned CLI from the first example's directory
// (scripts/synth.ts cliDirectory); the others share that run's context, which is only equivalent if
// every example's cdk.json carries the same context as the repository's.
const ROOT = path.resolve(__dirname, '..', '..');
const rootContext = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((d) => fs.existsSync(path.join(ROOT, 'examples', d, 'app.ts')));

describe('examples are standalone CDK apps', () => {
  test('there are examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
  });

  test.each(examples)('%s has a cdk.json that runs its app.ts with the repository context', (name) => {
    const file = path.join(ROOT, 'examples', name, 'cdk.json');
    expect(fs.existsSync(file)).toBe(true);
    const cdkJson = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(cdkJson.app).toBe('npx tsx app.ts');
    expect(cdkJson.context).toEqual(rootContext);
    expect(cliDirectory(targetFor(`examples/${name}/app.ts`))).toBe(path.join(ROOT, 'examples', name));
  });

  test('the reference app runs from the repository root', () => {
    expect(cliDirectory(targetFor('bin/app.ts'))).toBe(ROOT);
  });
});
