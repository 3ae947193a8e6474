import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Dependable } from 'constructs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BedrockAuditorPolicy, BedrockBuilderPolicy, BedrockEnforcement, BedrockInvokerPolicy, BedrockInvokerRole, BedrockOperatorPolicy, PersonaTrust } from '../../lib/identity';
import { BedrockModel } from '../../lib/core/bedrock-model';
import { cdkJsonContext } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const setup = () => {
  const stack = new Stack(new App({ context: cdkJsonContext() }), 'Grants', { env: ENV });
  const invoker = new BedrockInvokerPolicy(stack, 'Invoke', { models: [BedrockModel.foundationModel('amazon.titan-embed-text-v2:0')] });
  return { stack, invoker, policyRef: { Ref: stack.getLogicalId(invoker.managedPolicy.node.defaultChild as CfnResource) } };
};

describe('grant methods on existing principals', () => {
  test('a Lambda function: the managed policy is attached to its execution role, once', () => {
    const { stack, invoker, policyRef } = setup();
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;') });
    const grant = invoker.grantInvoke(fn);
    invoker.grantInvoke(fn);
    expect(grant.success).toBe(true);
    expect(grant.principalStatements.map((s) => s.actions)).toEqual([['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']]);
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    const arns = Object.values(roles)[0].Properties.ManagedPolicyArns as unknown[];
    expect(arns.filter((a) => JSON.stringify(a) === JSON.stringify(policyRef))).toHaveLength(1);
  });

  test('the grant orders deployment: a construct can wait for the policy', () => {
    const { stack, invoker, policyRef } = setup();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    const consumer = new CfnResource(stack, 'Consumer', { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: 'x' } });
    invoker.grantInvoke(role).applyBefore(consumer);
    expect(Template.fromStack(stack).toJSON().Resources.Consumer.DependsOn).toEqual([policyRef.Ref]);
  });

  test('a group and a user get the policy attached', () => {
    const { stack } = setup();
    const builders = new iam.Group(stack, 'Builders');
    const auditor = new iam.User(stack, 'AuditUser');
    const build = new BedrockBuilderPolicy(stack, 'Build');
    const audit = new BedrockAuditorPolicy(stack, 'Audit');
    build.grantBuild(builders);
    audit.grantAudit(auditor);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Group', { ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('^BuildPolicy') }] });
    t.hasResourceProperties('AWS::IAM::User', { ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('^AuditPolicy') }] });
  });

  test('an imported role is attached by name; an immutable import is left untouched, as CDK does', () => {
    const { stack } = setup();
    const enforcement = new BedrockEnforcement(stack, 'Enforce', { dataResidency: { allowedRegions: ['us-east-1'] } });
    enforcement.enforceOn(iam.Role.fromRoleArn(stack, 'Mutable', 'arn:aws:iam::123456789012:role/orders'));
    enforcement.enforceOn(iam.Role.fromRoleArn(stack, 'Frozen', 'arn:aws:iam::123456789012:role/frozen', { mutable: false }));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: ['orders'] });
  });

  test('an invoker role held to a guardrail may apply it without repeating it', () => {
    const { stack } = setup();
    const guardrailArn = 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456';
    const enforcement = new BedrockEnforcement(stack, 'Enforce', { requireGuardrail: { guardrailArn, guardrailVersion: '2' } });
    new BedrockInvokerRole(stack, 'Held', { trust: PersonaTrust.service('lambda.amazonaws.com'), models: [BedrockModel.foundationModel('amazon.nova-lite-v1:0')], enforcement });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Sid: 'ApplyPlatformGuardrail', Effect: 'Allow', Action: 'bedrock:ApplyGuardrail', Resource: guardrailArn }]) },
    });
  });

  test('a principal without an identity policy reports an unsuccessful grant', () => {
    const { invoker } = setup();
    expect(invoker.grantInvoke(new iam.AccountPrincipal('210987654321')).success).toBe(false);
  });
});

describe('grant methods include the KMS permissions of the keys involved', () => {
  const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const GUARDRAIL_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab';
  const fixture = () => {
    const stack = new Stack(new App({ context: cdkJsonContext() }), 'Keys', { env: ENV });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const key = kms.Key.fromKeyArn(stack, 'Key', KEY_ARN);
    return { stack, role, key };
  };
  /** The grant's statements that use a KMS key, as JSON. */
  const kmsStatements = (stack: Stack, grant: iam.Grant) =>
    grant.principalStatements.map((st) => stack.resolve(st.toStatementJson())).filter((st) => [st.Action].flat().some((a: string) => a.startsWith('kms:')));
  const via = (service: string) => ({ StringEquals: { 'kms:ViaService': `${service}.us-east-1.amazonaws.com` } });

  test('grantInvoke: decrypt the guardrail key and use the platform key, through Bedrock only', () => {
    const { stack, role, key } = fixture();
    const guardrailKey = kms.Key.fromKeyArn(stack, 'GuardrailKey', GUARDRAIL_KEY_ARN);
    const invoker = new BedrockInvokerPolicy(stack, 'Invoke', {
      models: [BedrockModel.foundationModel('amazon.nova-lite-v1:0')],
      guardrail: { guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', guardrailVersion: '1', encryptionKey: guardrailKey },
      encryptionKey: key,
    });
    const grant = invoker.grantInvoke(role);
    expect(kmsStatements(stack, grant)).toEqual([
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: GUARDRAIL_KEY_ARN, Condition: via('bedrock') },
      { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: KEY_ARN, Condition: via('bedrock') },
    ]);
    // The grant waits for the managed policy that holds them.
    expect(Dependable.of(grant).dependencyRoots).toEqual([invoker.managedPolicy]);
  });

  test('grantBuild: use the platform key and let Bedrock hold grants on it (for AWS resources only)', () => {
    const { stack, role, key } = fixture();
    const grant = new BedrockBuilderPolicy(stack, 'Build', { encryptionKey: key }).grantBuild(role);
    expect(kmsStatements(stack, grant)).toEqual([
      { Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Effect: 'Allow', Resource: KEY_ARN, Condition: via('bedrock') },
      { Action: 'kms:CreateGrant', Effect: 'Allow', Resource: KEY_ARN, Condition: { ...via('bedrock'), Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
    ]);
  });

  test("grantAudit: decrypt the audit bucket's key, through S3 only", () => {
    const { stack, role, key } = fixture();
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Trail', { bucketName: 'audit-trail', encryptionKey: key });
    const grant = new BedrockAuditorPolicy(stack, 'Audit', { auditBuckets: [bucket] }).grantAudit(role);
    expect(kmsStatements(stack, grant)).toEqual([{ Action: 'kms:Decrypt', Effect: 'Allow', Resource: KEY_ARN, Condition: via('s3') }]);
  });

  test('grantOperate: no key is involved, so the grant holds no KMS permission', () => {
    const { stack, role } = fixture();
    const grant = new BedrockOperatorPolicy(stack, 'Operate').grantOperate(role);
    expect(grant.success).toBe(true);
    expect(kmsStatements(stack, grant)).toEqual([]);
  });
});
