import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { ControlTowerChecks, ruleScope } from '../../lib/compliance/control-tower-checks';

// ControlTowerChecks hands cfn-guard documents cut from the templates: per resource for rules that
// judge each resource alone, per group of resources that name each other for rules that look one
// resource up from another (a bucket's logging target, a queue's dead-letter queue, a function's
// subnets), one process per rule batch for all of an app's templates. The findings must be exactly
// those of the plugin's own run over each whole template.
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
    // Functions in a VPC: the rule looks their subnets and security groups up by id; one names a
    // queue where a subnet belongs, which that lookup must catch.
    Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: 'vpc-1', CidrBlock: '10.0.0.0/24' } },
    Firewall: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'f', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }] } },
    OpenIngress: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { Ref: 'Firewall' }, IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, CidrIp: '0.0.0.0/0' } },
    VpcFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Code: { ZipFile: 'x' }, VpcConfig: { SubnetIds: [{ Ref: 'Subnet' }], SecurityGroupIds: [{ 'Fn::GetAtt': ['Firewall', 'GroupId'] }] } },
    },
    MisplacedFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Code: { ZipFile: 'x' }, VpcConfig: { SubnetIds: [{ Ref: 'OpenQueue' }], SecurityGroupIds: [{ 'Fn::GetAtt': ['Firewall', 'GroupId'] }] } },
    },
    // Two queues share a dead-letter queue: the three are judged together.
    OtherQueue: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: { Ref: 'Key' }, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] }, maxReceiveCount: 3 } } },
    // Rules that judge several types, each resource on its own (IAM policies, users and roles).
    AdminPolicy: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Users: [{ Ref: 'User' }], PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } } },
    UserPolicy: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', Users: [{ Ref: 'User' }], PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] } } },
    User: { Type: 'AWS::IAM::User', Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] } },
    // A bucket policy names its bucket, which the rule looks up.
    PlainBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: { Bucket: { Ref: 'PlainBucket' }, PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }] } },
    },
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
  // A subnet that is a queue fails the lookup; a function with no VPC fails outright.
  expect(whole['Stack.template.json'].lambda_inside_vpc_check).toEqual(expect.arrayContaining(['Function', 'MisplacedFunction']));
  expect(whole['Stack.template.json'].lambda_inside_vpc_check).not.toContain('VpcFunction');
  // Several judged types: the policies attached to a user, the user with managed policies.
  expect(whole['Stack.template.json'].iam_user_no_policies_check).toEqual(['AdminPolicy', 'User', 'UserPolicy']);
  expect(whole['Stack.template.json'].vpc_sg_open_only_to_authorized_ports_check).toEqual(['Firewall', 'OpenIngress']);
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

describe('what a rule is shown', () => {
  const rule = (checks: string, helper = 'rule check(queue) {\n    %queue { KmsMasterKeyId exists }\n}') => `
let QUEUE = "AWS::SQS::Queue"
let INPUT_DOCUMENT = this
let queues = Resources.*[ Type == %QUEUE ]
rule queue_check when is_cfn_template(%INPUT_DOCUMENT)
                      %queues not empty {
    ${checks}
    <<
        [CT.X]: a message that names Resources and %queues freely
    >>
}
# a comment that names Resources.*
${helper}
rule is_cfn_template(doc) {
    %doc {
        AWSTemplateFormatVersion exists  or
        Resources exists
    }
}`;
  const lookup = `rule check_target(doc, key) {
    let target = %doc.Resources[ keys == %key ]
    %target { Type == "AWS::SQS::Queue" }
}`;

  test('a rule that judges each resource by its own properties is shown one resource', () => {
    expect(ruleScope(rule('check(%queues.Properties)'))).toEqual({ types: new Set(['AWS::SQS::Queue']), judges: new Set(['AWS::SQS::Queue']), shows: 'each' });
  });

  test('a rule that looks a named resource up is shown the resources the judged one names', () => {
    const helper = `rule check(queue) {\n    %queue { RedrivePolicy.deadLetterTargetArn { check_target(%INPUT_DOCUMENT, this) } }\n}\n${lookup}`;
    expect(ruleScope(rule('check(%queues.Properties)', helper)).shows).toBe('linked');
  });

  // Every row has three entries: jest hands a test function of three parameters a done callback otherwise.
  test.each<[string, string, string | undefined]>([
    ['a count over the selection', 'check(%queues.Properties)\n    count(%queues) == 1', undefined],
    ['the selection used other than through its properties', 'check(%queues)', undefined],
    ['a helper that asks whether some resource passes', 'check(%queues.Properties)', 'rule check(queue) {\n    some %queue { KmsMasterKeyId exists }\n}'],
    ['a helper that asks whether the selection is empty', 'check(%queues.Properties)', 'rule check(queue) {\n    %queue[ KmsMasterKeyId exists ] not empty\n}'],
    ['a helper that reads the selection itself', 'check(%queues.Properties)', 'rule check(queue) {\n    %queues { KmsMasterKeyId exists }\n}'],
    ['a read of every resource', 'check(%queues.Properties)\n    Resources.* { Type exists }', undefined],
  ])('a rule with %s is shown the whole template', (_, checks, helper) => {
    expect(ruleScope(rule(checks, helper)).shows).toBe('whole');
  });

  test('the bundled rules: lookups are linked, several judged types are judged one resource at a time, anything unrecognised is whole', () => {
    const scopes = new Map(
      fs
        .readdirSync(rulesDir, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.guard'))
        .map((f) => [path.basename(f, '.guard'), ruleScope(fs.readFileSync(path.join(rulesDir, f), 'utf8'))] as const),
    );
    expect(scopes.size).toBeGreaterThan(200);
    for (const [name, scope] of scopes) {
      const text = fs.readFileSync(path.join(rulesDir, fs.readdirSync(rulesDir, { recursive: true }).map(String).find((f) => f.endsWith(`/${name}.guard`))!), 'utf8');
      if (/Resources\[\s*keys\s*==/.test(text)) expect([name, scope.shows]).not.toEqual([name, 'each']);
    }
    expect(scopes.get('ct-sqs-pr-1')?.shows).toBe('linked');
    expect(scopes.get('ct-lambda-pr-3')).toMatchObject({ shows: 'linked', judges: new Set(['AWS::Lambda::Function']) });
    expect(scopes.get('ct-iam-pr-1')).toMatchObject({ shows: 'each', judges: new Set(['AWS::IAM::Group', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::User']) });
    // EKS's rule reads a cluster property named Resources, which the reader cannot tell from the template's.
    expect(scopes.get('ct-eks-pr-2')?.shows).toBe('whole');
  });
});
