import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BedrockAuditorPolicy, BedrockBuilderPolicy, BedrockEnforcement, BedrockInvokerPolicy, BedrockInvokerRole, PersonaTrust } from '../../lib/identity';
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
