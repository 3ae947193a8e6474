import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  BedrockAuditorRole,
  BedrockBuilderRole,
  BedrockEnforcement,
  BedrockInvokerRole,
  BedrockOperatorRole,
  PersonaTrust,
} from '../../lib/identity';
import { BedrockModel } from '../../lib/core/bedrock-model';
import { decide } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const GITHUB = 'token.actions.githubusercontent.com';
let agnosticEnforcement: BedrockEnforcement | undefined;

const synth = synthesize((app) => {
  // Concrete environment, providers imported by ARN.
  const stack = new Stack(app, 'Federated', { env: ENV });
  const saml = iam.SamlProvider.fromSamlProviderArn(stack, 'Idp', 'arn:aws:iam::123456789012:saml-provider/Corp');
  const github = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'GitHub', `arn:aws:iam::123456789012:oidc-provider/${GITHUB}`);
  const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
    statements: [new iam.PolicyStatement({ actions: ['bedrock:GetFoundationModel'], resources: ['arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0'] })],
  });
  new BedrockBuilderRole(stack, 'Builder', { trust: PersonaTrust.saml(saml, { audience: 'https://eu-west-1.signin.aws.amazon.com/saml' }), maxSessionDuration: Duration.hours(8), roleName: 'bedrock-builder' });
  new BedrockInvokerRole(stack, 'Pipeline', {
    trust: PersonaTrust.oidc(github, { audiences: ['sts.amazonaws.com'], subjects: ['repo:my-org/my-app:ref:refs/heads/main'] }),
    models: [BedrockModel.foundationModel('amazon.titan-embed-text-v2:0')],
    permissionsBoundary: boundary,
  });
  new BedrockOperatorRole(stack, 'Operator', { trust: PersonaTrust.accounts(['123456789012', '210987654321'], { maxMfaAge: Duration.hours(1) }), maxSessionDuration: Duration.hours(12) });

  // Environment-agnostic stack (Region, account and partition are tokens), OIDC provider created here.
  const agnostic = new Stack(app, 'Agnostic');
  const provider = new iam.OpenIdConnectProvider(agnostic, 'Provider', { url: `https://${GITHUB}`, clientIds: ['sts.amazonaws.com'] });
  // The test's own provider, as a user would create it: aws-cdk-lib backs it with a function outside any VPC.
  Validations.of(agnostic.node.findChild('Custom::AWSCDKOpenIdConnectProviderCustomResourceProvider')).acknowledge({
    id: 'ControlTower::lambda_inside_vpc_check',
    reason: 'aws-cdk-lib\'s OIDC provider function runs only during deployment, calls only IAM and has no VPC setting.',
  });
  agnosticEnforcement = new BedrockEnforcement(agnostic, 'Enforcement', {
    requireGuardrail: { guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', guardrailVersion: '1' },
    requirePrivatePath: { vpcEndpointIds: ['vpce-0123456789abcdef0'] },
  });
  new BedrockInvokerRole(agnostic, 'Invoker', {
    trust: PersonaTrust.oidc(provider, { audiences: ['sts.amazonaws.com'], subjects: ['repo:my-org/*'] }),
    models: [BedrockModel.foundationModel('amazon.titan-embed-text-v2:0'), BedrockModel.crossRegionProfile('eu.anthropic.claude-sonnet-4-5-20250929-v1:0')],
    enforcement: agnosticEnforcement,
  });
  new BedrockBuilderRole(agnostic, 'Builder', { trust: PersonaTrust.accounts(['123456789012']) });
  new BedrockAuditorRole(agnostic, 'Auditor', { trust: PersonaTrust.accounts(['123456789012']) });
  new BedrockOperatorRole(agnostic, 'Operator', { trust: PersonaTrust.accounts(['123456789012']) });
});

const trustOf = (stack: string, prefix: string) => {
  const [role] = Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith(prefix));
  return role[1].Properties;
};

describe('federation', () => {
  test('SAML: AssumeRoleWithSAML from the provider, SAML:aud checked, 8-hour sessions, fixed name', () => {
    const role = trustOf('Federated', 'Builder');
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRoleWithSAML',
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::123456789012:saml-provider/Corp' },
        Condition: { StringEquals: { 'SAML:aud': 'https://eu-west-1.signin.aws.amazon.com/saml' } },
      },
    ]);
    expect(role.MaxSessionDuration).toBe(28800);
    expect(role.RoleName).toBe('bedrock-builder');
  });

  test('OIDC: web identity from the provider, aud and sub checked, permissions boundary applied', () => {
    const role = trustOf('Federated', 'Pipeline');
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRoleWithWebIdentity',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${GITHUB}` },
        Condition: { StringEquals: { [`${GITHUB}:aud`]: ['sts.amazonaws.com'] }, StringLike: { [`${GITHUB}:sub`]: ['repo:my-org/my-app:ref:refs/heads/main'] } },
      },
    ]);
    expect(role.PermissionsBoundary).toEqual({ Ref: expect.stringMatching(/^Boundary/) });
    expect(role.MaxSessionDuration).toBe(3600);
  });

  test('OIDC provider created in the same stack: the token issuer goes through CfnJson', () => {
    synth.template('Agnostic').hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { 'Fn::GetAtt': [Match.stringLikeRegexp('OidcAudienceCondition'), 'Value'] }, StringLike: { 'Fn::GetAtt': [Match.stringLikeRegexp('OidcSubjectCondition'), 'Value'] } },
          }),
        ],
      },
    });
  });

  test('accounts: the named accounts, MFA required and at most an hour old', () => {
    const statements = trustOf('Federated', 'Operator').AssumeRolePolicyDocument.Statement;
    const conditions = { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } };
    // One statement per account, merged by CDK's policy minimization since the conditions are equal.
    expect(statements).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::123456789012:root', 'arn:aws:iam::210987654321:root'] }, Condition: conditions }]);
  });

  test('accounts: assuming without MFA is denied by the synthesized trust policy', async () => {
    const trust = resolveIntrinsics(trustOf('Federated', 'Operator').AssumeRolePolicyDocument, ENV);
    const request = (context: Record<string, string>) => ({ principal: 'arn:aws:iam::210987654321:role/admin', action: 'sts:AssumeRole', resource: 'arn:aws:iam::123456789012:role/operator', context });
    const admin = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }];
    expect(await decide(request({ 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '600' }), { identity: admin, resource: trust })).toBe('Allowed');
    expect(await decide(request({ 'aws:MultiFactorAuthPresent': 'false' }), { identity: admin, resource: trust })).toBe('ImplicitlyDenied');
    expect(await decide(request({ 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '7200' }), { identity: admin, resource: trust })).toBe('ImplicitlyDenied');
  });
});

describe('environment-agnostic stacks', () => {
  test('personas and enforcement synthesize with token partition, Region and account, nag clean', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
    const partitionAcks = synth.compliance.acknowledgements.filter((a) => a.path.startsWith('Agnostic/') && a.id.includes('<AWS::Partition>'));
    expect(partitionAcks.length).toBeGreaterThan(0);
  });

  test('an SCP holding tokens cannot be written to a file: the error says what to do', () => {
    expect(() => agnosticEnforcement!.serviceControlPolicyJson()).toThrow(/known only at deployment .*pass literal ARNs and IDs, or deploy it with organizationTargetIds/);
  });
});
