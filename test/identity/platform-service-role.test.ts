import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PlatformValidationError } from '../../lib/core/errors';
import { PLATFORM_SERVICE_ROLE_PATH, PlatformServiceRole, PlatformServiceRoleProps } from '../../lib/identity/platform-service-role';
import { decide, IamRequest } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { cdkJsonContext, synthesize } from '../kit/synth';

/*
 * The service role Amazon Bedrock assumes for the platform: on the reserved path the enforcement
 * SCP exempts from the private path, trusted by bedrock.amazonaws.com of this account only, its
 * permissions in one managed policy on the same path (which the SCP also protects).
 */

const ENV = { account: '123456789012', region: 'us-east-1' };
const KB = 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ';

const synth = synthesize((app) => {
  const stack = new Stack(app, 'Roles', { env: ENV });
  const kb = new PlatformServiceRole(stack, 'KnowledgeBaseRole', { sourceArns: ['arn:aws:bedrock:us-east-1:123456789012:knowledge-base/*'], roleName: 'kb-ingestion' });
  kb.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0'] }));
  iam.Grant.addToPrincipal({ grantee: kb, actions: ['s3:GetObject'], resourceArns: ['arn:aws:s3:::corpus/manifest.json'] });
  new PlatformServiceRole(stack, 'BatchRole');

  // Without an account or Region: the conditions become references.
  new PlatformServiceRole(new Stack(app, 'Agnostic'), 'Role');
});
const resources = (stack = 'Roles') => Object.entries(synth.json[stack].Resources as Record<string, any>);
const roleNamed = (prefix: string, stack = 'Roles') => resources(stack).find(([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith(prefix))![1];
const trustOf = (prefix: string) => resolveIntrinsics(roleNamed(prefix).Properties.AssumeRolePolicyDocument, ENV);

describe('PlatformServiceRole', () => {
  test('is on the reserved path the SCP exempts', () => {
    expect(PLATFORM_SERVICE_ROLE_PATH).toBe('/bedrock-platform-service/');
    for (const prefix of ['KnowledgeBaseRole', 'BatchRole']) expect(roleNamed(prefix).Properties.Path).toBe('/bedrock-platform-service/');
    expect(roleNamed('KnowledgeBaseRole').Properties.RoleName).toBe('kb-ingestion');
  });

  test('trusts bedrock.amazonaws.com of this account only, for the given resources', () => {
    expect(trustOf('KnowledgeBaseRole').Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'bedrock.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/*' } },
      },
    ]);
  });

  test('by default, for every Bedrock resource of this account in the stack\'s Region', () => {
    expect(trustOf('BatchRole').Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnLike: { 'aws:SourceArn': 'arn:aws:bedrock:us-east-1:123456789012:*' },
    });
    expect(roleNamed('Role', 'Agnostic').Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
  });

  const assume = (principal: string, context: Record<string, string>): Promise<string> =>
    decide({ principal, action: 'sts:AssumeRole', resource: 'arn:aws:iam::123456789012:role/bedrock-platform-service/kb-ingestion', context } as IamRequest, { resource: trustOf('KnowledgeBaseRole') });
  test.each([
    ['Bedrock, for a knowledge base of this account', { 'aws:SourceAccount': '123456789012', 'aws:SourceArn': KB }, 'Allowed'],
    ['Bedrock, for an agent of this account (not listed)', { 'aws:SourceAccount': '123456789012', 'aws:SourceArn': 'arn:aws:bedrock:us-east-1:123456789012:agent/ABCDEFGHIJ' }, 'ImplicitlyDenied'],
    ['Bedrock, for a knowledge base of another account (confused deputy)', { 'aws:SourceAccount': '999999999999', 'aws:SourceArn': 'arn:aws:bedrock:us-east-1:999999999999:knowledge-base/ABCDEFGHIJ' }, 'ImplicitlyDenied'],
    ['Bedrock, with no source at all', {}, 'ImplicitlyDenied'],
  ])('assumable by %s: %s', async (_name, context, expected) => {
    expect(await assume('bedrock.amazonaws.com', context)).toBe(expected);
  });

  test('not assumable by an administrator of the account: the trust names no account, user or role', async () => {
    const admin = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
    const request = { principal: 'arn:aws:iam::123456789012:role/admin', action: 'sts:AssumeRole', resource: 'arn:aws:iam::123456789012:role/bedrock-platform-service/kb-ingestion' };
    expect(await decide(request, { identity: admin, resource: trustOf('KnowledgeBaseRole') })).toBe('ImplicitlyDenied');
  });

  test('not assumable by another service, e.g. AgentCore, which runs callers\' code with the role', async () => {
    expect(await assume('bedrock-agentcore.amazonaws.com', { 'aws:SourceAccount': '123456789012', 'aws:SourceArn': KB })).toBe('ImplicitlyDenied');
  });

  test('permissions land in one managed policy on the same path (no inline policy)', () => {
    const policies = resources().filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy');
    expect(policies).toHaveLength(1);
    const [, managed] = policies[0];
    expect(managed.Properties.Path).toBe('/bedrock-platform-service/');
    expect(managed.Properties.Roles).toEqual([{ Ref: resources().find(([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith('KnowledgeBaseRole'))![0] }]);
    expect(managed.Properties.PolicyDocument.Statement.map((s: any) => s.Action)).toEqual(['bedrock:InvokeModel', 's3:GetObject']);
    expect(resources().filter(([, r]) => r.Type === 'AWS::IAM::Policy')).toEqual([]);
    // A role without permissions gets no (empty, undeployable) policy.
    expect(roleNamed('BatchRole').Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('nag clean, nothing acknowledged', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });

  describe('validation', () => {
    const stack = () => new Stack(new App({ context: cdkJsonContext() }), 'S', { env: ENV });
    test.each<[string, PlatformServiceRoleProps, RegExp]>([
      ['no source ARN', { sourceArns: [] }, /invalid sourceArns \[\]\. List at least one Bedrock resource ARN/],
      ['a source ARN of another service', { sourceArns: ['arn:aws:s3:::bucket'] }, /invalid sourceArns\[0\] "arn:aws:s3:::bucket"\. Must be a Bedrock resource ARN/],
      ['a source ARN with an account wildcard', { sourceArns: ['arn:aws:bedrock:us-east-1:*:knowledge-base/*'] }, /invalid sourceArns\[0\] .*Must be a Bedrock resource ARN \(wildcards allowed\) with a 12-digit account/],
      ['a source ARN of another account', { sourceArns: ['arn:aws:bedrock:us-east-1:999999999999:knowledge-base/*'] }, /invalid sourceArns\[0\] .*Must be a resource of this account \(123456789012\)/],
    ])('rejects %s', (_name, props, message) => {
      expect(() => new PlatformServiceRole(stack(), 'R', props)).toThrow(PlatformValidationError);
      expect(() => new PlatformServiceRole(stack(), 'R', props)).toThrow(message);
    });

    test('rejects a trust statement added after construction, at synth time', () => {
      const s = stack();
      const role = new PlatformServiceRole(s, 'R');
      role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.AccountRootPrincipal()] }));
      expect(() => (s.node.root as App).synth()).toThrow(/a platform service role trusts bedrock\.amazonaws\.com only/);
    });
  });
});
