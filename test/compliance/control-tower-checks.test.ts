import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { ControlTowerChecks } from '../../lib/compliance/control-tower-checks';

// ControlTowerChecks hands cfn-guard one slice of the template per set of resource types; the
// findings must be exactly those of the plugin's own run over the whole template.
const template = {
  Resources: {
    PlainBucket: { Type: 'AWS::S3::Bucket', Properties: {} },
    OpenQueue: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: false } },
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        Policies: [{ PolicyName: 'inline', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
      },
    },
    Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: false, KeyPolicy: { Version: '2012-10-17', Statement: [] } } },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: {} },
  },
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsp-ct-'));
const templatePath = path.join(dir, 'Stack.template.json');
fs.writeFileSync(templatePath, JSON.stringify(template));
const rulesDir = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');

/** rule name -> sorted logical ids it flags, in the given template file */
function findings(report: { violations: Array<{ ruleName: string; violatingResources: Array<{ resourceLogicalId: string; templatePath: string }> }> }) {
  const out: Record<string, string[]> = {};
  for (const v of report.violations) {
    for (const r of v.violatingResources) {
      expect(r.templatePath).toBe(templatePath);
      out[v.ruleName] = [...new Set([...(out[v.ruleName] ?? []), r.resourceLogicalId])].sort();
    }
  }
  return out;
}

test('sliced runs find exactly what one run over the whole template finds', () => {
  const context = { templatePaths: [templatePath] } as never;
  const sliced = findings(new ControlTowerChecks().validate(context) as never);
  const whole = findings(new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: [rulesDir] }).validate(context) as never);
  expect(Object.keys(whole).length).toBeGreaterThan(5); // the template really is non-compliant in several ways
  expect(sliced).toEqual(whole);
});

test('a disabled rule is not run', () => {
  const context = { templatePaths: [templatePath] } as never;
  const all = findings(new ControlTowerChecks().validate(context) as never);
  const rule = Object.keys(all)[0];
  const file = fs
    .readdirSync(rulesDir, { recursive: true })
    .map(String)
    .find((f) => f.endsWith('.guard') && new RegExp(`^rule ${rule}\\b`, 'm').test(fs.readFileSync(path.join(rulesDir, f), 'utf8'))) ?? '';
  expect(file).not.toBe('');
  const without = findings(new ControlTowerChecks({ disabledRules: [path.parse(file).name] }).validate(context) as never);
  expect(Object.keys(without)).not.toContain(rule);
});
