import { App, Stack } from 'aws-cdk-lib';
import { BedrockModel } from '../../lib/core/bedrock-model';
import { BedrockEnforcement } from '../../lib/identity';
import { cdkJsonContext, synthesize } from '../kit/synth';
import { decide, IamRequest, PolicyJson } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';

/*
 * The enforcement SCP and the roles Amazon Bedrock assumes for the platform: roles on the reserved
 * path /bedrock-platform-service/ pass the private-path denies (Bedrock's calls with them come from
 * AWS's network), and nobody but the SCP's exempt principals can create, re-trust or re-permission a
 * role there. Evaluated by a real IAM policy evaluator (iam-simulate) on the SCP as SYNTHESIZED: the
 * Content of the AWS::Organizations::Policy in the template.
 */

const ENV = { account: '123456789012', region: 'us-east-1' };
const ENDPOINT = 'vpce-0123456789abcdef0';
const GUARDRAIL = 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456';
const EMBED = 'amazon.titan-embed-text-v2:0';
const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const DEPLOYMENT_ROLE = 'arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-us-east-1';
const EXEMPT = ['arn:aws:iam::*:role/BreakGlass', 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*'];

const fm = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
const role = (pathAndName: string) => `arn:aws:iam::123456789012:role/${pathAndName}`;
const policy = (pathAndName: string) => `arn:aws:iam::123456789012:policy/${pathAndName}`;
/** The principal of a request made with a session of `roleArn`: the session ARN has no path, aws:PrincipalArn is the role's ARN with its path. */
const sessionOf = (roleArn: string, session = 'session') => ({ principal: `arn:aws:sts::123456789012:assumed-role/${roleArn.split('/').pop()}/${session}`, principalArn: roleArn });

const KB_ROLE = role('bedrock-platform-service/kb-ingestion');
// Platform automation exempt from the private-path denies only (BedrockPlatform names its ingestion schedule's role here).
const SCHEDULER_ROLE = role('kb-ingestion-schedule');
const APP_ROLE = role('app');

const synth = synthesize((app) => {
  const stack = new Stack(app, 'Scp', { env: ENV });
  new BedrockEnforcement(stack, 'Enforcement', {
    requireGuardrail: { guardrailArn: GUARDRAIL, guardrailVersion: '3' },
    guardrailExemptModels: [BedrockModel.foundationModel(EMBED)],
    requirePrivatePath: { vpcEndpointIds: [ENDPOINT] },
    dataResidency: { allowedRegions: ['us-east-1'] },
    scpExemptPrincipalArns: EXEMPT,
    privatePathExemptPrincipalArns: [SCHEDULER_ROLE],
    organizationTargetIds: ['ou-ab12-cd345678'],
  });
});
const resources = () => Object.values(synth.json.Scp.Resources as Record<string, any>);
/** The SCP as deployed to AWS Organizations, read from the synthesized template. */
const scp = (): PolicyJson => resolveIntrinsics(resources().find((r) => r.Type === 'AWS::Organizations::Policy').Properties.Content, ENV);
/** The enforcement's identity policy (the form attached to personas), read from the synthesized template. */
const identityForm = (): PolicyJson => resolveIntrinsics(resources().find((r) => r.Type === 'AWS::IAM::ManagedPolicy').Properties.PolicyDocument, ENV);

// A principal whose own policies allow everything: only the SCP can stop it.
const ADMIN: PolicyJson[] = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];

/** A call made with a session of `roleArn` (or as the IAM user `roleArn`), evaluated against the SCP. */
async function underScp(roleArn: string, request: Omit<IamRequest, 'principal'>, identity: PolicyJson[] = ADMIN): Promise<string> {
  const session = roleArn.includes(':role/') ? sessionOf(roleArn) : { principal: roleArn, principalArn: roleArn };
  return decide({ ...request, principal: session.principal, context: { 'aws:PrincipalArn': session.principalArn, ...request.context } }, { identity, scps: [scp()] });
}

// Bedrock calling a model with the knowledge base's role, during ingestion: no endpoint ID, and no aws:ViaAWSService.
const fromAwsNetwork = (region = 'us-east-1') => ({ 'aws:RequestedRegion': region });
const embed = { action: 'bedrock:InvokeModel', resource: fm('us-east-1', EMBED), context: fromAwsNetwork() };
// Only what the knowledge base's role needs: the SCP must let it through on its own.
const KB_PERMISSIONS: PolicyJson[] = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fm('us-east-1', EMBED) }] }];

describe('(a) platform service roles pass the private path', () => {
  test('a session of a role on the service path invokes a model from outside the endpoints', async () => {
    expect(await underScp(KB_ROLE, embed, KB_PERMISSIONS)).toBe('Allowed');
  });

  test('so does a role on a deeper path under it', async () => {
    expect(await underScp(role('bedrock-platform-service/agents/orders-agent'), embed)).toBe('Allowed');
  });

  test('control-plane calls too (the private path covers bedrock:* by default)', async () => {
    expect(await underScp(KB_ROLE, { action: 'bedrock:GetKnowledgeBase', resource: 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ', context: fromAwsNetwork() })).toBe('Allowed');
  });

  test('the guardrail deny still applies to them', async () => {
    expect(await underScp(KB_ROLE, { action: 'bedrock:InvokeModel', resource: fm('us-east-1', CLAUDE), context: fromAwsNetwork() })).toBe('ExplicitlyDenied');
  });

  test('data residency still applies to them', async () => {
    expect(await underScp(KB_ROLE, { ...embed, resource: fm('eu-west-1', EMBED), context: fromAwsNetwork('eu-west-1') })).toBe('ExplicitlyDenied');
  });
});

describe('privatePathExemptPrincipalArns: out of the private-path denies, nothing else', () => {
  const startIngestion = { action: 'bedrock:StartIngestionJob', resource: 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ', context: fromAwsNetwork() };

  test('the scheduler starts an ingestion job from outside the endpoints', async () => {
    expect(await underScp(SCHEDULER_ROLE, startIngestion)).toBe('Allowed');
  });

  test('the guardrail deny, data residency and the service-role guard still apply to it', async () => {
    expect(await underScp(SCHEDULER_ROLE, { action: 'bedrock:InvokeModel', resource: fm('us-east-1', CLAUDE), context: fromAwsNetwork() })).toBe('ExplicitlyDenied');
    expect(await underScp(SCHEDULER_ROLE, { ...startIngestion, context: fromAwsNetwork('eu-west-1') })).toBe('ExplicitlyDenied');
    expect(await underScp(SCHEDULER_ROLE, { action: 'iam:UpdateAssumeRolePolicy', resource: KB_ROLE })).toBe('ExplicitlyDenied');
  });

  test('it is refused without a private path', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    expect(() => new BedrockEnforcement(stack, 'E', { dataResidency: { allowedRegions: ['us-east-1'] }, privatePathExemptPrincipalArns: [SCHEDULER_ROLE] })).toThrow(
      /invalid privatePathExemptPrincipalArns .*requirePrivatePath is not set/,
    );
  });
});

describe('(b, c) no one else passes the private path', () => {
  test.each([
    ['(b) an application role', APP_ROLE],
    ['(b) an IAM user', 'arn:aws:iam::123456789012:user/alice'],
    ['(c) a role on /bedrock-platform-service-x/', role('bedrock-platform-service-x/kb')],
    ['(c) a role on /x/bedrock-platform-service/', role('x/bedrock-platform-service/kb')],
    ['(c) a role on /bedrock-platform-servicex/', role('bedrock-platform-servicex/kb')],
    ['(c) a role named bedrock-platform-service, on the root path', role('bedrock-platform-service')],
    ['(c) a role on the path spelled in another case', role('Bedrock-Platform-Service/kb')],
  ])('%s is denied the same call', async (_name, principal) => {
    expect(await underScp(principal, embed)).toBe('ExplicitlyDenied');
  });

  test('(c) a session NAMED bedrock-platform-service of an ordinary role is denied', async () => {
    const request = { ...embed, principal: 'arn:aws:sts::123456789012:assumed-role/app/bedrock-platform-service', context: { ...embed.context, 'aws:PrincipalArn': APP_ROLE } };
    expect(await decide(request, { identity: ADMIN, scps: [scp()] })).toBe('ExplicitlyDenied');
  });

  test('an application role still passes through the endpoint', async () => {
    expect(await underScp(APP_ROLE, { ...embed, context: { ...fromAwsNetwork(), 'aws:SourceVpce': ENDPOINT } })).toBe('Allowed');
  });
});

describe('(d, e) only the exempt principals can put a role on the service path', () => {
  const kbRole = { resource: KB_ROLE };
  const changes: Array<[string, Omit<IamRequest, 'principal'>]> = [
    ['iam:CreateRole on the path', { action: 'iam:CreateRole', resource: role('bedrock-platform-service/mine') }],
    ['iam:CreateRole deeper under the path', { action: 'iam:CreateRole', resource: role('bedrock-platform-service/nested/mine') }],
    ['iam:UpdateAssumeRolePolicy (re-trust)', { action: 'iam:UpdateAssumeRolePolicy', ...kbRole }],
    ['iam:PutRolePolicy', { action: 'iam:PutRolePolicy', ...kbRole }],
    ['iam:DeleteRolePolicy', { action: 'iam:DeleteRolePolicy', ...kbRole }],
    ['iam:AttachRolePolicy', { action: 'iam:AttachRolePolicy', ...kbRole, context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' } }],
    ['iam:DetachRolePolicy', { action: 'iam:DetachRolePolicy', ...kbRole, context: { 'iam:PolicyARN': policy('bedrock-platform-service/kb') } }],
    ['iam:PutRolePermissionsBoundary', { action: 'iam:PutRolePermissionsBoundary', ...kbRole, context: { 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' } }],
    ['iam:DeleteRolePermissionsBoundary', { action: 'iam:DeleteRolePermissionsBoundary', ...kbRole }],
    ['iam:TagRole', { action: 'iam:TagRole', ...kbRole }],
    ['iam:UntagRole', { action: 'iam:UntagRole', ...kbRole }],
    ['iam:CreatePolicyVersion on a policy on the path', { action: 'iam:CreatePolicyVersion', resource: policy('bedrock-platform-service/kb') }],
    ['iam:SetDefaultPolicyVersion on a policy on the path', { action: 'iam:SetDefaultPolicyVersion', resource: policy('bedrock-platform-service/kb') }],
    ['sts:AssumeRole of a role on the path', { action: 'sts:AssumeRole', ...kbRole }],
  ];

  test.each(changes)('(d) an administrator of the account is denied %s', async (_name, request) => {
    expect(await underScp(APP_ROLE, request)).toBe('ExplicitlyDenied');
  });

  test.each(changes.filter(([name]) => !name.startsWith('sts:')))('(d) a platform service role is denied %s as well', async (_name, request) => {
    expect(await underScp(KB_ROLE, request)).toBe('ExplicitlyDenied');
  });

  test.each(changes)('(e) the CloudFormation execution role may %s', async (_name, request) => {
    expect(await underScp(DEPLOYMENT_ROLE, request)).toBe('Allowed');
  });

  test('(e) so may the break-glass role', async () => {
    expect(await underScp(role('BreakGlass'), { action: 'iam:UpdateAssumeRolePolicy', resource: KB_ROLE })).toBe('Allowed');
  });

  test.each([
    ['creates a role on another path', { action: 'iam:CreateRole', resource: role('app/new-role') }],
    ['creates a role on a look-alike path', { action: 'iam:CreateRole', resource: role('bedrock-platform-service-x/new-role') }],
    ['re-trusts a role off the path', { action: 'iam:UpdateAssumeRolePolicy', resource: APP_ROLE }],
    ['versions a policy off the path', { action: 'iam:CreatePolicyVersion', resource: policy('app-policy') }],
    ['reads a service role', { action: 'iam:GetRole', resource: KB_ROLE }],
    ['passes a service role (its trust decides which service can use it)', { action: 'iam:PassRole', resource: KB_ROLE, context: { 'iam:PassedToService': 'bedrock.amazonaws.com' } }],
  ])('the SCP is not broader: an administrator still %s', async (_name, request) => {
    expect(await underScp(APP_ROLE, request)).toBe('Allowed');
  });
});

describe('the two forms of the enforcement', () => {
  test('the identity policy (attached to personas) has no exemption and no IAM deny', () => {
    const statements = identityForm().Statement as any[];
    expect(statements.map((s) => s.Sid)).toEqual(['DenyInvokeWithoutPlatformGuardrail', 'DenyBedrockOutsidePrivateEndpoints', 'DenyOtherRegionsUnlessRoutedFromPrivateEndpoints', 'DenyBedrockOutsideAllowedRegions']);
    expect(JSON.stringify(statements)).not.toMatch(/aws:PrincipalArn|iam:|sts:|bedrock-platform-service/);
  });

  test('only the private-path denies of the SCP exempt the service path; the IAM deny exempts only the exempt principals', () => {
    const bySid = Object.fromEntries((scp().Statement as any[]).map((s) => [s.Sid, s.Condition?.ArnNotLike?.['aws:PrincipalArn']]));
    const servicePath = 'arn:aws:iam::*:role/bedrock-platform-service/*';
    expect(bySid).toEqual({
      DenyInvokeWithoutPlatformGuardrail: EXEMPT,
      DenyBedrockOutsidePrivateEndpoints: [...EXEMPT, SCHEDULER_ROLE, servicePath],
      DenyOtherRegionsUnlessRoutedFromPrivateEndpoints: [...EXEMPT, SCHEDULER_ROLE, servicePath],
      DenyBedrockOutsideAllowedRegions: EXEMPT,
      DenyChangesToPlatformServiceRoles: EXEMPT,
    });
  });

  test('without the private path, the SCP neither exempts service roles nor denies IAM calls', () => {
    const stack = new Stack(new App({ context: cdkJsonContext() }), 'S', { env: ENV });
    const e = new BedrockEnforcement(stack, 'E', { requireGuardrail: { guardrailArn: GUARDRAIL, guardrailVersion: '3' }, dataResidency: { allowedRegions: ['us-east-1'] } });
    expect(e.serviceControlPolicyJson()).not.toMatch(/bedrock-platform-service|iam:/);
  });
});

describe('the SCP size', () => {
  test('the reference configuration (four endpoints of the longest ID form, guardrail, residency, two exempt patterns) fits the 5,120-character limit', () => {
    const stack = new Stack(new App({ context: cdkJsonContext() }), 'Reference', { env: ENV });
    const endpoints = Array.from({ length: 4 }, (_, i) => `vpce-${String(i).padStart(17, '0')}`);
    const e = new BedrockEnforcement(stack, 'E', {
      requireGuardrail: { guardrailArn: GUARDRAIL, guardrailVersion: '12345678' },
      guardrailExemptModels: [BedrockModel.foundationModel(EMBED)],
      requirePrivatePath: { vpcEndpointIds: endpoints },
      dataResidency: { allowedRegions: ['us-east-1'] },
      scpExemptPrincipalArns: EXEMPT,
    });
    const size = Buffer.byteLength(e.serviceControlPolicyJson(), 'utf8');
    expect(size).toBeLessThanOrEqual(5120);
    // Room to spare for more exempt principals or endpoints.
    expect(size).toBeLessThan(4000);
  });

  test('the size check still runs, on the SCP with the service-role statements', () => {
    const stack = new Stack(new App({ context: cdkJsonContext() }), 'Big', { env: ENV });
    const endpoints = Array.from({ length: 90 }, (_, i) => `vpce-${String(i).padStart(17, '0')}`);
    expect(() => new BedrockEnforcement(stack, 'E', { requirePrivatePath: { vpcEndpointIds: endpoints }, scpExemptPrincipalArns: EXEMPT })).toThrow(
      /invalid props "\d+ characters"\. The Service Control Policy would exceed the 5120-character limit/,
    );
  });
});
