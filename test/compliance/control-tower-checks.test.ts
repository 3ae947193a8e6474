import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { ControlTowerChecks } from '../../lib/compliance/control-tower-checks';

// ControlTowerChecks hands cfn-guard documents cut from the templates: per resource for rules that
// judge each resource alone, per template for rules that look one resource up from another (a
// bucket's logging target, a queue's dead-letter queue), one process per rule group for all of an
// app's templates. The findings must be exactly those of the plugin's own run over each whole template.
const assumeLambda = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const template = {
  Resources: {
    PlainBucket: { Type: 'AWS::S3::Bucket', Properties: {} },
    LoggedBucket: { Type: 'AWS::S3::Bucket', Properties: { LoggingConfiguration: { DestinationBucketName: { Ref: 'LogBucket' } }, VersioningConfiguration: { Status: 'Enabled' } } },
    LogBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } } },
    OpenQueue: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: false } },
    Queue: { Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] }, maxReceiveCount: 3 } } },
    DeadLetters: { Type: 'AWS::SQS::Queue', Properties: { RedriveAllowPolicy: { redrivePermission: 'allowAll' } } },
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: assumeLambda,
        Policies: [{ PolicyName: 'inline', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
      },
    },
    Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: false, KeyPolicy: { Version: '2012-10-17', Statement: [] } } },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: {} },
    // EventBridge may invoke the function only for this rule: the SourceArn is a reference to a
    // resource of another type, which the rule about Lambda permissions looks up.
    Function: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler', Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Code: { ZipFile: 'exports.handler = async () => {}' } } },
    Schedule: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 hour)', Targets: [{ Id: 'f', Arn: { 'Fn::GetAtt': ['Function', 'Arn'] } }] } },
    SchedulePermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': ['Function', 'Arn'] }, Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': ['Schedule', 'Arn'] } },
    },
    OpenPermission: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': ['Function', 'Arn'] }, Principal: 'events.amazonaws.com' } },
  },
};
// A second stack of the same app: the same rule groups run once for both templates.
const other = {
  Resources: {
    PlainBucket: { Type: 'AWS::S3::Bucket', Properties: {} },
    Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { Version: '2012-10-17', Statement: [] } } },
    Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: assumeLambda } },
  },
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsp-ct-'));
const templatePath = path.join(dir, 'Stack.template.json');
const otherPath = path.join(dir, 'Other.template.json');
fs.writeFileSync(templatePath, JSON.stringify(template));
fs.writeFileSync(otherPath, JSON.stringify(other));
const rulesDir = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');

type Report = { violations: Array<{ ruleName: string; violatingResources: Array<{ resourceLogicalId: string; templatePath: string }> }> };
/** template file name -> rule name -> sorted logical ids it flags */
function findings(report: Report) {
  const out: Record<string, Record<string, string[]>> = {};
  for (const v of report.violations) {
    for (const r of v.violatingResources) {
      const byRule = (out[path.basename(r.templatePath)] ??= {});
      byRule[v.ruleName] = [...new Set([...(byRule[v.ruleName] ?? []), r.resourceLogicalId])].sort();
    }
  }
  return out;
}

test('documents cut per resource, per template and per rule group find exactly what one run over each whole template finds', () => {
  const context = { templatePaths: [templatePath, otherPath] } as never;
  const report = new ControlTowerChecks().validate(context) as never as Report;
  const sliced = findings(report);
  const whole = findings(new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: [rulesDir] }).validate(context) as never);
  expect(Object.keys(whole['Stack.template.json']).length).toBeGreaterThan(5); // the template really is non-compliant in several ways
  // Rules that look a resource up must see it: Queue's dead-letter queue, SchedulePermission's rule.
  expect(whole['Stack.template.json'].sqs_dlq_check).toEqual(['OpenQueue']);
  expect(whole['Stack.template.json'].lambda_function_public_access_prohibited_check).toEqual(['OpenPermission']);
  expect(Object.keys(whole['Other.template.json']).length).toBeGreaterThan(1);
  expect(sliced).toEqual(whole);
  // As one run reports them: one violation per rule and message, listing every resource it flags.
  const keys = report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0].templatePath}`);
  expect(keys.length).toBe(new Set(keys).size);
});

test('a disabled rule is not run', () => {
  const context = { templatePaths: [templatePath] } as never;
  const all = findings(new ControlTowerChecks().validate(context) as never)['Stack.template.json'];
  const rule = Object.keys(all)[0];
  const file = fs
    .readdirSync(rulesDir, { recursive: true })
    .map(String)
    .find((f) => f.endsWith('.guard') && new RegExp(`^rule ${rule}\\b`, 'm').test(fs.readFileSync(path.join(rulesDir, f), 'utf8'))) ?? '';
  expect(file).not.toBe('');
  const without = findings(new ControlTowerChecks({ disabledRules: [path.parse(file).name] }).validate(context) as never)['Stack.template.json'];
  expect(Object.keys(without)).not.toContain(rule);
});
