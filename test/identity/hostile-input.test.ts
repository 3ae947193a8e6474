import { App, CfnParameter, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { PlatformValidationError } from '../../lib';
import { BedrockModel } from '../../lib/core/bedrock-model';
import {
  BedrockAuditorPolicy,
  BedrockBuilderPolicy,
  BedrockEnforcement,
  BedrockEnforcementProps,
  BedrockInvokerPolicy,
  BedrockInvokerRole,
  BedrockOperatorPolicy,
  PersonaTrust,
  PlatformServiceRole,
} from '../../lib/identity';
import { renderedCharacters } from '../../lib/identity/policy-size';
import { expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

/*
 * Hostile input (issue 11) for the identity layer: what a JavaScript caller or a careless one can
 * pass gets the library's PlatformValidationError (construct path, prop, value, what is allowed) or
 * a synth-time error naming what to remove, never a TypeError from deep inside aws-cdk-lib, and
 * nothing that fails at deploy passes silently.
 */

const ENV = { account: '123456789012', region: 'eu-west-1' };
const OTHER_ACCOUNT = '999999999999';
const EMBED = BedrockModel.foundationModel('amazon.titan-embed-text-v2:0');
const GUARDRAIL = { guardrailArn: 'arn:aws:bedrock:eu-west-1:123456789012:guardrail/abc123def456', guardrailVersion: '1' };
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const EU_PROFILES = ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu.amazon.nova-pro-v1:0'].map((id) => BedrockModel.crossRegionProfile(id));
/** JavaScript callers: anything goes. */
const js = <T>(value: unknown): T => value as T;

const stack = (app = new App()) => new Stack(app, 'S', { env: ENV });
const lambdaTrust = () => PersonaTrust.service('lambda.amazonaws.com');
const oidc = (s: Stack) => iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(s, 'Oidc', 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');

/** Asserts a PlatformValidationError whose message names the construct path and matches `message`. */
function expectInvalid(build: (s: Stack) => unknown, message: RegExp): void {
  let error: unknown;
  try {
    build(stack());
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PlatformValidationError);
  expect((error as Error).message).toMatch(/^S\//);
  expect((error as Error).message).toMatch(message);
}

/** The errors synthesis reports for the app `build` fills ('' when it synthesizes). */
function synthError(build: (app: App) => void): string {
  const app = new App();
  build(app);
  try {
    app.synth();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('missing and wrongly typed props (JavaScript callers)', () => {
  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['BedrockEnforcement without props', (s) => new BedrockEnforcement(s, 'E', js(undefined)), /invalid props \(not set\)\. Pass the switches to turn on/],
    ['BedrockEnforcement with null props', (s) => new BedrockEnforcement(s, 'E', js(null)), /invalid props null\. Pass the switches/],
    ['a persona role without props', (s) => new BedrockInvokerRole(s, 'R', js(undefined)), /invalid props \(not set\)\. Pass at least \{ trust \}/],
    ['a persona role without trust', (s) => new BedrockInvokerRole(s, 'R', js({ models: [EMBED] })), /invalid trust \(not set\)\. Must be a PersonaTrust/],
    ['a persona role with a principal as trust', (s) => new BedrockInvokerRole(s, 'R', js({ models: [EMBED], trust: new iam.ServicePrincipal('lambda.amazonaws.com') })), /invalid trust .*Must be a PersonaTrust/],
    ['an invoker policy without props', (s) => new BedrockInvokerPolicy(s, 'P', js(undefined)), /invalid props \(not set\)\. Pass at least \{ models \}/],
    ['a string for the models list', (s) => new BedrockInvokerPolicy(s, 'P', js({ models: 'amazon.nova-lite-v1:0' })), /invalid models "amazon\.nova-lite-v1:0"\. Must be a list: write \["amazon\.nova-lite-v1:0"\]/],
    ['a string for a BedrockModel (models)', (s) => new BedrockInvokerPolicy(s, 'P', js({ models: ['amazon.nova-lite-v1:0'] })), /invalid models\[0\] "amazon\.nova-lite-v1:0"\. Must be a BedrockModel/],
    ['a string for a BedrockModel (addModel)', (s) => new BedrockInvokerPolicy(s, 'P', { models: [EMBED] }).addModel(js('amazon.nova-lite-v1:0')), /invalid addModel\[0\] "amazon\.nova-lite-v1:0"\. Must be a BedrockModel/],
    ['a string for a BedrockModel (provisionableModels)', (s) => new BedrockOperatorPolicy(s, 'P', js({ provisionableModels: ['amazon.nova-lite-v1:0'] })), /invalid provisionableModels\[0\] "amazon\.nova-lite-v1:0"\. Must be a BedrockModel/],
    ['a string for the provisionableModels list', (s) => new BedrockOperatorPolicy(s, 'P', js({ provisionableModels: 'amazon.nova-lite-v1:0' })), /invalid provisionableModels "amazon\.nova-lite-v1:0"\. Must be a list/],
    ['a string for a BedrockModel (guardrailExemptModels)', (s) => new BedrockEnforcement(s, 'E', js({ requireGuardrail: GUARDRAIL, guardrailExemptModels: ['amazon.titan-embed-text-v2:0'] })), /invalid guardrailExemptModels\[0\] "amazon\.titan-embed-text-v2:0"\. Must be a BedrockModel/],
    ['a hole in models', (s) => new BedrockInvokerPolicy(s, 'P', js({ models: [EMBED, undefined] })), /invalid models\[1\] \(not set\)\. The list has a hole/],
    ['a string for knowledgeBaseArns', (s) => new BedrockInvokerPolicy(s, 'P', js({ models: [EMBED], knowledgeBaseArns: 'arn:aws:bedrock:eu-west-1:123456789012:knowledge-base/ABCDEFGHIJ' })), /invalid knowledgeBaseArns "arn:.*"\. Must be a list/],
    ['a hole in knowledgeBaseArns', (s) => new BedrockInvokerPolicy(s, 'P', js({ models: [EMBED], knowledgeBaseArns: [undefined] })), /invalid knowledgeBaseArns\[0\] \(not set\)\. The list has a hole/],
    ['a string for the encryption key', (s) => new BedrockInvokerPolicy(s, 'P', js({ models: [EMBED], encryptionKey: KEY_ARN })), /invalid encryptionKey "arn:aws:kms:.*"\. Must be a KMS key \(kms\.IKey, e\.g\. kms\.Key\.fromKeyArn\) \(an object with keyArn\), not string: import it first/],
    ['a string for the guardrail', (s) => new BedrockInvokerPolicy(s, 'P', js({ models: [EMBED], guardrail: GUARDRAIL.guardrailArn })), /invalid guardrail "arn:aws:bedrock:.*"\. Must be a guardrail reference/],
    ['a guardrail without version', (s) => new BedrockInvokerPolicy(s, 'P', js({ models: [EMBED], guardrail: { guardrailArn: GUARDRAIL.guardrailArn } })), /invalid guardrail\.guardrailVersion \(not set\)\. Must be a published numeric version/],
    ['a hole in serviceRoles', (s) => new BedrockBuilderPolicy(s, 'P', js({ serviceRoles: [undefined] })), /invalid serviceRoles\[0\] \(not set\)\. The list has a hole/],
    ['a role ARN for a role', (s) => new BedrockBuilderPolicy(s, 'P', js({ serviceRoles: ['arn:aws:iam::123456789012:role/kb'] })), /invalid serviceRoles\[0\] "arn:aws:iam::123456789012:role\/kb"\. Must be an IAM role .*import it first/],
    ['a role for the serviceRoles list', (s) => new BedrockBuilderPolicy(s, 'P', js({ serviceRoles: iam.Role.fromRoleName(s, 'Kb', 'kb') })), /invalid serviceRoles .*Must be a list/],
    ['a hole in auditBuckets', (s) => new BedrockAuditorPolicy(s, 'P', js({ auditBuckets: [null] })), /invalid auditBuckets\[0\] null\. The list has a hole/],
    ['a bucket name for a bucket', (s) => new BedrockAuditorPolicy(s, 'P', js({ auditBuckets: ['audit-records'] })), /invalid auditBuckets\[0\] "audit-records"\. Must be a bucket/],
    ['a hole in auditLogGroups', (s) => new BedrockAuditorPolicy(s, 'P', js({ auditLogGroups: [undefined] })), /invalid auditLogGroups\[0\] \(not set\)\. The list has a hole/],
    ['a hole in invocationLogGroups', (s) => new BedrockAuditorPolicy(s, 'P', js({ invocationLogGroups: [null] })), /invalid invocationLogGroups\[0\] null/],
    ['a log group for the auditLogGroups list', (s) => new BedrockAuditorPolicy(s, 'P', js({ auditLogGroups: logs.LogGroup.fromLogGroupName(s, 'G', 'audit') })), /invalid auditLogGroups .*Must be a list/],
    ['a hole in addAuditBucket', (s) => new BedrockAuditorPolicy(s, 'P').addAuditBucket(js(undefined)), /invalid addAuditBucket\[0\] \(not set\)/],
    ['a string for trailArns', (s) => new BedrockAuditorPolicy(s, 'P', js({ trailArns: 'arn:aws:cloudtrail:eu-west-1:123456789012:trail/org' })), /invalid trailArns "arn:.*"\. Must be a list/],
    ['a hole in trailArns', (s) => new BedrockAuditorPolicy(s, 'P', js({ trailArns: [null] })), /invalid trailArns\[0\] null\. The list has a hole/],
    ['a hole in trusted accounts', (s) => new BedrockInvokerRole(s, 'R', { models: [EMBED], trust: PersonaTrust.accounts(js(['123456789012', null])) }), /invalid trust\.accountIds\[1\] null\. The list has a hole/],
    ['a string for trusted accounts', (s) => new BedrockInvokerRole(s, 'R', { models: [EMBED], trust: PersonaTrust.accounts(js('123456789012')) }), /invalid trust\.accountIds "123456789012"\. Must be a list/],
    ['a number for a trusted account', (s) => new BedrockInvokerRole(s, 'R', { models: [EMBED], trust: PersonaTrust.accounts(js([123456789012])) }), /invalid trust\.accountIds\[0\] 123456789012\. Must be a 12-digit AWS account ID/],
    ['OIDC without options', (s) => new BedrockInvokerRole(s, 'R', { models: [EMBED], trust: PersonaTrust.oidc(oidc(s), js(undefined)) }), /invalid props \(not set\)\. Pass \{ audiences, subjects \}/],
    ['a string for OIDC subjects', (s) => new BedrockInvokerRole(s, 'R', { models: [EMBED], trust: PersonaTrust.oidc(oidc(s), js({ audiences: ['sts.amazonaws.com'], subjects: 'repo:org/app:*' })) }), /invalid trust\.subjects "repo:org\/app:\*"\. Must be a list/],
    ['a hole in OIDC subjects', (s) => new BedrockInvokerRole(s, 'R', { models: [EMBED], trust: PersonaTrust.oidc(oidc(s), js({ audiences: ['sts.amazonaws.com'], subjects: [undefined] })) }), /invalid trust\.subjects\[0\] \(not set\)/],
    ['a provider ARN for the OIDC provider', (s) => new BedrockInvokerRole(s, 'R', { models: [EMBED], trust: PersonaTrust.oidc(js('arn:aws:iam::123456789012:oidc-provider/x'), { audiences: ['a'], subjects: ['repo:o/r:*'] }) }), /invalid trust\.provider "arn:.*"\. Must be an OIDC provider/],
    ['a string for the endpoint IDs', (s) => new BedrockEnforcement(s, 'E', js({ requirePrivatePath: { vpcEndpointIds: 'vpce-0123456789abcdef0' } })), /invalid requirePrivatePath\.vpcEndpointIds "vpce-0123456789abcdef0"\. Must be a list/],
    ['a hole in the endpoint IDs', (s) => new BedrockEnforcement(s, 'E', js({ requirePrivatePath: { vpcEndpointIds: [null] } })), /invalid requirePrivatePath\.vpcEndpointIds\[0\] null\. The list has a hole/],
    ['a string for the allowed Regions', (s) => new BedrockEnforcement(s, 'E', js({ dataResidency: { allowedRegions: 'eu-west-1' } })), /invalid dataResidency\.allowedRegions "eu-west-1"\. Must be a list/],
    ['a hole in the allowed Regions', (s) => new BedrockEnforcement(s, 'E', js({ dataResidency: { allowedRegions: ['eu-west-1', undefined] } })), /invalid dataResidency\.allowedRegions\[1\] \(not set\)/],
    ['a hole in the exempt principals', (s) => new BedrockEnforcement(s, 'E', js({ requireGuardrail: GUARDRAIL, scpExemptPrincipalArns: [null] })), /invalid scpExemptPrincipalArns\[0\] null/],
    ['a string for the organization targets', (s) => new BedrockEnforcement(s, 'E', js({ requireGuardrail: GUARDRAIL, organizationTargetIds: 'r-abcd' })), /invalid organizationTargetIds "r-abcd"\. Must be a list/],
    ['a string for the enforcement', (s) => new BedrockInvokerRole(s, 'R', js({ models: [EMBED], trust: lambdaTrust(), enforcement: 'arn:aws:iam::123456789012:policy/e' })), /invalid enforcement "arn:.*"\. Must be a BedrockEnforcement/],
    ['a number for maxSessionDuration', (s) => new BedrockInvokerRole(s, 'R', js({ models: [EMBED], trust: lambdaTrust(), maxSessionDuration: 3600 })), /invalid maxSessionDuration 3600\. Must be a Duration/],
    ['a fractional maxSessionDuration', (s) => new BedrockInvokerRole(s, 'R', { models: [EMBED], trust: lambdaTrust(), maxSessionDuration: Duration.millis(3_600_500) }), /invalid maxSessionDuration \(seconds\) 3600\.5\. Must be a whole number from 3600 to 43200/],
    ['a non-grantable grantee', (s) => new BedrockInvokerPolicy(s, 'P', { models: [EMBED] }).grantInvoke(js('arn:aws:iam::123456789012:role/app')), /invalid grantee "arn:aws:iam::123456789012:role\/app"\. Must be a role, user, group or other iam\.IGrantable/],
  ])('%s', (_name, build, message) => expectInvalid(build, message));
});

describe('values that are not what they claim', () => {
  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['a trail ARN that is not an ARN', (s) => new BedrockAuditorPolicy(s, 'P', { trailArns: ['not-an-arn'] }), /invalid trailArns\[0\] "not-an-arn"\. Must be a CloudTrail trail ARN/],
    ['a trail ARN of another service', (s) => new BedrockAuditorPolicy(s, 'P', { trailArns: ['arn:aws:s3:::trail-bucket'] }), /invalid trailArns\[0\] "arn:aws:s3:::trail-bucket"/],
    ['no trail ARN', (s) => new BedrockAuditorPolicy(s, 'P', { trailArns: [] }), /invalid trailArns \[\]\. List at least one trail ARN, or leave the prop out/],
    ['a knowledge base ARN that is not an ARN', (s) => new BedrockInvokerPolicy(s, 'P', { models: [EMBED], knowledgeBaseArns: ['not-an-arn'] }), /invalid knowledgeBaseArns\[0\] "not-an-arn"\. Must be a knowledge base ARN/],
    ['a guardrail ARN that is not an ARN', (s) => new BedrockInvokerPolicy(s, 'P', { models: [EMBED], guardrail: { guardrailArn: 'not-an-arn', guardrailVersion: '1' } }), /invalid guardrail\.guardrailArn "not-an-arn"\. Must be a guardrail ARN/],
    ['an enforced guardrail ARN that is not an ARN', (s) => new BedrockEnforcement(s, 'E', { requireGuardrail: { guardrailArn: 'not-an-arn', guardrailVersion: '1' } }), /invalid requireGuardrail\.guardrailArn "not-an-arn"/],
    ['an application profile ARN that is not an ARN', (s) => new BedrockEnforcement(s, 'E', { dataResidency: { allowedRegions: ['eu-west-1'], applicationInferenceProfileArns: ['not-an-arn'] } }), /invalid dataResidency\.applicationInferenceProfileArns\[0\] "not-an-arn"/],
    ['an exempt principal that is not an ARN', (s) => new BedrockEnforcement(s, 'E', { requireGuardrail: GUARDRAIL, scpExemptPrincipalArns: ['not-an-arn'] }), /invalid scpExemptPrincipalArns\[0\] "not-an-arn"/],
    ['a service-role source that is not an ARN', (s) => new PlatformServiceRole(s, 'R', { sourceArns: ['not-an-arn'] }), /invalid sourceArns\[0\] "not-an-arn"/],
    ['an imported enforcement whose policy ARN is not an ARN', (s) => BedrockEnforcement.fromEnforcementAttributes(s, 'E', { managedPolicyArn: 'not-an-arn' }), /invalid managedPolicyArn "not-an-arn"/],
  ])('%s', (_name, build, message) => expectInvalid(build, message));
});

describe('Regions are checked against aws-cdk-lib region facts', () => {
  const enforce = (props: BedrockEnforcementProps) => (s: Stack) => new BedrockEnforcement(s, 'E', props);
  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['a Region that does not exist', enforce({ dataResidency: { allowedRegions: ['xx-fake-9'] } }), /invalid dataResidency\.allowedRegions\[0\] "xx-fake-9"\. aws-cdk-lib's region facts do not know this Region\. If it is a Region newer than your aws-cdk-lib, list it in additionalRegions/],
    ['an unknown Region of a real shape', enforce({ dataResidency: { allowedRegions: ['eu-west-1', 'eu-west-9'] } }), /invalid dataResidency\.allowedRegions\[1\] "eu-west-9"\. aws-cdk-lib's region facts do not know/],
    ['a private-path Region that does not exist', enforce({ requirePrivatePath: { vpcEndpointIds: ['vpce-0123456789abcdef0'], regions: ['xx-fake-9'] } }), /invalid requirePrivatePath\.regions\[0\] "xx-fake-9"/],
    ['a malformed additional Region', enforce({ additionalRegions: ['Europe'], dataResidency: { allowedRegions: ['eu-west-1'] } }), /invalid additionalRegions\[0\] "Europe"\. Must be a Region code/],
  ])('refuses %s', (_name, build, message) => expectInvalid(build, message));

  test('a Region newer than the facts passes when listed in additionalRegions', () => {
    const s = stack();
    const e = new BedrockEnforcement(s, 'E', { additionalRegions: ['eu-west-9'], dataResidency: { allowedRegions: ['eu-west-1', 'eu-west-9'] } });
    expect(JSON.parse(e.serviceControlPolicyJson()).Statement[0].Condition.StringNotEquals['aws:RequestedRegion']).toEqual(['eu-west-1', 'eu-west-9']);
  });

  test('every Region the facts know passes, including the newest partitions', () => {
    const s = stack();
    expect(() => new BedrockEnforcement(s, 'E', { dataResidency: { allowedRegions: ['eu-west-1', 'mx-central-1', 'ap-southeast-7'] } })).not.toThrow();
  });
});

describe('alarm-name prefixes stay within what IAM and CloudWatch accept', () => {
  test.each<[string, unknown]>([
    ['a character above U+00FF', 'bedrock-\u0100-'],
    ['a control character', 'bedrock-\u0007'],
    ['a policy variable', 'bedrock-${aws:username}'],
    ['a ? wildcard', 'bedrock-?'],
    ['a number', 42],
  ])('refuses %s', (_name, prefix) => expectInvalid((s) => new BedrockOperatorPolicy(s, 'P', { alarmNamePrefix: js(prefix) }), /invalid alarmNamePrefix .*Must be an alarm-name prefix of 1 to 255 characters from U\+0020 to U\+00FF/));

  test('accepts Latin-1 letters', () => {
    expect(() => new BedrockOperatorPolicy(stack(), 'P', { alarmNamePrefix: 'bédrock-' })).not.toThrow();
  });
});

describe('OIDC subjects must pin an owner before any wildcard', () => {
  const role = (subject: string) => (s: Stack) => new BedrockInvokerRole(s, 'R', { models: [EMBED], trust: PersonaTrust.oidc(oidc(s), { audiences: ['sts.amazonaws.com'], subjects: [subject] }) });
  test.each(['*', '*:*', 'repo:*', '?*', '**', 'repo:*:*', 'repo:my-org*', 'repo:?y-org/app', 'repo:my-org:*', 'sub*', 'project_path:*'])('refuses %s', (subject) =>
    expectInvalid(role(subject), new RegExp(`invalid trust\\.subjects\\[0\\] "${subject.replace(/[*?]/g, '\\$&')}"\\. A wildcard before the subject names its owner trusts \\(nearly\\) every subject`)),
  );
  test.each(['repo:my-org/*', 'repo:my-org/app:*', 'repo:my-org/app:ref:refs/heads/main', 'repo:my-org/app:environment:prod', 'repo:my-org', 'project_path:my-group/project:*', 'system:serviceaccount:ns:sa', 'system:serviceaccount:ns:*'])('accepts %s', (subject) => {
    expect(() => role(subject)(stack())).not.toThrow();
  });
});

describe('duplicate list entries count once (silently)', () => {
  test('trusted accounts, knowledge bases, Regions and endpoints', () => {
    const s = stack();
    const r = new BedrockInvokerRole(s, 'R', {
      models: [EMBED, EMBED],
      trust: PersonaTrust.accounts(['210987654321', '210987654321']),
      knowledgeBaseArns: ['arn:aws:bedrock:eu-west-1:123456789012:knowledge-base/ABCDEFGHIJ', 'arn:aws:bedrock:eu-west-1:123456789012:knowledge-base/ABCDEFGHIJ'],
    });
    const trust = s.resolve(r.role.assumeRolePolicy).Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0].Principal.AWS).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::210987654321:root']] });
    const retrieve = r.permissions.policyStatements.find((st) => st.sid === 'RetrieveFromPlatformKnowledgeBases')!;
    expect(retrieve.resources).toEqual(['arn:aws:bedrock:eu-west-1:123456789012:knowledge-base/ABCDEFGHIJ']);
    expect(r.permissions.allowedModels).toEqual([EMBED]);
    const e = new BedrockEnforcement(s, 'E', { dataResidency: { allowedRegions: ['eu-west-1', 'eu-west-1'] }, requirePrivatePath: { vpcEndpointIds: ['vpce-0123456789abcdef0', 'vpce-0123456789abcdef0'] } });
    const scp = JSON.parse(e.serviceControlPolicyJson());
    expect(scp.Statement[0].Condition.StringNotEqualsIfExists['aws:SourceVpce']).toEqual(['vpce-0123456789abcdef0']);
    expect(scp.Statement[2].Condition.StringNotEquals['aws:RequestedRegion']).toEqual(['eu-west-1']);
  });
});

describe('tokens: skipped by range and pattern checks, refused where aws-cdk-lib needs a literal', () => {
  test('a token role name passes', () => {
    const s = stack();
    expect(() => new BedrockInvokerRole(s, 'R', { models: [EMBED], trust: lambdaTrust(), roleName: new CfnParameter(s, 'Name').valueAsString })).not.toThrow();
  });

  test('a CfnParameter number for the session length is refused clearly, not as -1.888e+289', () => {
    expectInvalid((s) => new BedrockInvokerRole(s, 'R', { models: [EMBED], trust: lambdaTrust(), maxSessionDuration: Duration.seconds(new CfnParameter(s, 'Seconds', { type: 'Number' }).valueAsNumber) }), /invalid maxSessionDuration "\(token\)"\. Must be a literal Duration/);
  });
});

describe('grants across environments', () => {
  const otherStack = (app: App, env: { account: string; region: string }) => new Stack(app, 'Other', { env });
  test('a role in another account\'s stack is refused with what to do', () => {
    const app = new App();
    const s = stack(app);
    const role = new iam.Role(otherStack(app, { account: OTHER_ACCOUNT, region: 'eu-west-1' }), 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const invoker = new BedrockInvokerPolicy(s, 'Invoke', { models: [EMBED] });
    expect(() => invoker.grantInvoke(role)).toThrow(
      new RegExp(`^S/Invoke: invalid grantee "Other/App"\\. It is an identity of account ${OTHER_ACCOUNT}, and this BedrockInvokerPolicy's managed policy is in account 123456789012: IAM attaches a managed policy only to roles, users and groups of its own account\\. Create a BedrockInvokerPolicy in a stack of account ${OTHER_ACCOUNT}`),
    );
  });

  test('an imported role of another account (which would silently get nothing) is refused', () => {
    const s = stack();
    const role = iam.Role.fromRoleArn(s, 'Foreign', `arn:aws:iam::${OTHER_ACCOUNT}:role/app`);
    expect(() => new BedrockAuditorPolicy(s, 'Audit').grantAudit(role)).toThrow(PlatformValidationError);
    const e = new BedrockEnforcement(s, 'E', { requireGuardrail: GUARDRAIL });
    expect(() => e.enforceOn(role)).toThrow(/invalid grantee .*It is an identity of account 999999999999, and this BedrockEnforcement's managed policy/);
  });

  test('a role in another Region\'s stack is refused; one in another stack of the same environment is granted', () => {
    const app = new App();
    const s = stack(app);
    const invoker = new BedrockInvokerPolicy(s, 'Invoke', { models: [EMBED] });
    const elsewhere = new iam.Role(otherStack(app, { account: ENV.account, region: 'us-east-1' }), 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => invoker.grantInvoke(elsewhere)).toThrow(/invalid grantee "Other\/App"\. It is a role of stack Other \(us-east-1\), and this BedrockInvokerPolicy is in stack S \(eu-west-1\): CloudFormation cannot reference/);
    const sameEnv = new iam.Role(new Stack(app, 'Same', { env: ENV }), 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(invoker.grantInvoke(sameEnv).success).toBe(true);
    expect(() => app.synth()).not.toThrow();
  });
});

describe('collisions within the app', () => {
  test('the same role name in two stacks of one account names both construct paths (case-insensitively)', () => {
    const app = new App();
    new BedrockInvokerRole(new Stack(app, 'A', { env: ENV }), 'Invoker', { models: [EMBED], trust: lambdaTrust(), roleName: 'bedrock-app' });
    expect(() => new BedrockInvokerRole(new Stack(app, 'B', { env: { ...ENV, region: 'us-east-1' } }), 'Invoker', { models: [EMBED], trust: lambdaTrust(), roleName: 'Bedrock-App' })).toThrow(
      /^B\/Invoker: invalid roleName "Bedrock-App"\. Role names are unique per account \(ignoring case\): 'Bedrock-App' in account 123456789012 is already used by A\/Invoker: give one of them another name\./,
    );
    expect(() => new PlatformServiceRole(new Stack(app, 'C', { env: ENV }), 'Kb', { roleName: 'bedrock-app' })).toThrow(/^C\/Kb: invalid roleName "bedrock-app"\. .*already used by A\/Invoker/);
  });

  test('the same role name in two accounts is fine', () => {
    const app = new App();
    new BedrockInvokerRole(new Stack(app, 'A', { env: ENV }), 'Invoker', { models: [EMBED], trust: lambdaTrust(), roleName: 'bedrock-app' });
    expect(() => new BedrockInvokerRole(new Stack(app, 'B', { env: { ...ENV, account: OTHER_ACCOUNT } }), 'Invoker', { models: [EMBED], trust: lambdaTrust(), roleName: 'bedrock-app' })).not.toThrow();
  });

  test('two SCPs with the same name name both construct paths; scpName tells them apart', () => {
    const s = stack();
    new BedrockEnforcement(s, 'One', { requireGuardrail: GUARDRAIL, organizationTargetIds: ['r-abcd'] });
    expect(() => new BedrockEnforcement(s, 'Two', { dataResidency: { allowedRegions: ['eu-west-1'] }, organizationTargetIds: ['r-abcd'] })).toThrow(
      /^S\/Two: invalid scpName "bedrock-platform-S"\. The Service Control Policy name 'bedrock-platform-S' is already used by S\/One: give one of them another name\./,
    );
    const three = new BedrockEnforcement(s, 'Three', { dataResidency: { allowedRegions: ['eu-west-1'] }, organizationTargetIds: ['r-abcd'], scpName: 'bedrock-residency' });
    expect(s.resolve(three.organizationPolicy!.name)).toBe('bedrock-residency');
  });

  test('scpName without organizationTargetIds is refused', () => {
    expectInvalid((s) => new BedrockEnforcement(s, 'E', { requireGuardrail: GUARDRAIL, scpName: 'x' }), /invalid scpName "x"\. Only meaningful with organizationTargetIds/);
  });
});

describe('the SCP reflects inputs that grow after construction', () => {
  test('serviceControlPolicyJson() and the organizations policy include endpoints added later', () => {
    const s = stack();
    const ids = ['vpce-0123456789abcdef0'];
    const e = new BedrockEnforcement(s, 'E', { requirePrivatePath: { vpcEndpointIds: Lazy.uncachedList({ produce: () => ids }) }, organizationTargetIds: ['r-abcd'] });
    ids.push('vpce-0123456789abcdef1'); // e.g. BedrockPrivateLink.addFeature after the enforcement
    const expected = ['vpce-0123456789abcdef0', 'vpce-0123456789abcdef1'];
    expect(JSON.parse(e.serviceControlPolicyJson()).Statement[0].Condition.StringNotEqualsIfExists['aws:SourceVpce']).toEqual(expected);
    expect(s.resolve(e.serviceControlPolicyDocument).Statement[1].Condition.StringNotEqualsIfExists['aws:SourceVpce']).toEqual(expected);
    const content = s.resolve(e.organizationPolicy!.content);
    expect(content.Statement[0].Condition.StringNotEqualsIfExists['aws:SourceVpce']).toEqual(expected);
  });

  test('an SCP that grows past 5,120 characters after construction fails at synth', () => {
    const message = synthError((app) => {
      const ids = ['vpce-00000000000000000'];
      new BedrockEnforcement(stack(app), 'E', { requirePrivatePath: { vpcEndpointIds: Lazy.uncachedList({ produce: () => ids }) } });
      for (let i = 1; i < 150; i++) ids.push(`vpce-${String(i).padStart(17, '0')}`);
    });
    expect(message).toMatch(/S\/E: the Service Control Policy renders to \d+ characters\. The Service Control Policy would exceed the 5120-character limit of AWS Organizations/);
  });
});

describe('trust policy size (2,048 characters by default)', () => {
  const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(200000000000 + i));
  test('60 trusted accounts fail at synth, naming how many to remove', () => {
    const message = synthError((app) => new BedrockInvokerRole(stack(app), 'R', { models: [EMBED], trust: PersonaTrust.accounts(accounts(60)) }));
    expect(message).toMatch(/S\/R: the trust policy renders to (\d+) characters, more than the 2048 IAM allows \(white space not counted; the quota can be raised to 8192, then set trustPolicySizeQuota\)\. Trust (\d+) fewer accounts \(of 60\), or trust the organization instead/);
    const [, size, remove] = /renders to (\d+) characters.*Trust (\d+) fewer/.exec(message)!.map(Number);
    // Removing that many brings it under the quota, one fewer does not.
    expect(size - Number(remove) * 33).toBeLessThanOrEqual(2048);
    expect(size - (Number(remove) - 1) * 33).toBeGreaterThan(2048);
  });

  test('a raised quota is honoured, and out-of-range quotas are refused', () => {
    expect(synthError((app) => new BedrockInvokerRole(stack(app), 'R', { models: [EMBED], trust: PersonaTrust.accounts(accounts(60)), trustPolicySizeQuota: 4096 }))).toBe('');
    expectInvalid((s) => new BedrockInvokerRole(s, 'R', { models: [EMBED], trust: lambdaTrust(), trustPolicySizeQuota: 10000 }), /invalid trustPolicySizeQuota 10000\. Must be a whole number from 2048 to 8192/);
  });
});

describe('managed policy size (6,144 characters) and count per role (10, 20 at most)', () => {
  const profile = (i: number) => BedrockModel.crossRegionProfile(`eu.amazon.model-${i}-v1:0`);

  test('the issue\'s claim holds: two eu. profiles render past 6,144 characters in one document', () => {
    const s = stack();
    const p = new BedrockInvokerPolicy(s, 'P', { models: EU_PROFILES });
    const all = { Version: '2012-10-17', Statement: p.policyStatements.map((st) => st.toStatementJson()) };
    expect(renderedCharacters(s, all)).toBeGreaterThan(6144);
    expect(p.managedPolicies).toHaveLength(2);
  });

  test('more than 20 managed policies fail at synth', () => {
    const message = synthError((app) => {
      const s = stack(app);
      new BedrockInvokerRole(s, 'R', { models: Array.from({ length: 45 }, (_, i) => profile(i)), trust: lambdaTrust() });
    });
    expect(message).toMatch(/S\/R\/Permissions: its statements need (2[1-9]|[3-9]\d) managed policies of 6144 characters, more than the 20 IAM lets a role hold\. Allow fewer models/);
    expect(message).toMatch(/S\/R\/Role: \d+ managed policies are attached, and IAM allows at most 20 per role or user/);
  });

  test('a role holding more than 10 managed policies warns about the quota', () => {
    const app = new App();
    const s = stack(app);
    const role = new iam.Role(s, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    for (let i = 0; i < 10; i++) role.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyArn(s, `P${i}`, `arn:aws:iam::123456789012:policy/p${i}`));
    new BedrockInvokerPolicy(s, 'Invoke', { models: [EMBED] }).grantInvoke(role);
    const warnings = app.synth().getStackByName('S').messages.filter((m) => m.level === 'warning').map((m) => String(m.entry.data));
    expect(warnings.some((w) => /S\/App: 11 managed policies are attached; IAM allows 10 unless the account's quota "Managed policies per role" \(or per user\) is raised, up to 20/.test(w))).toBe(true);
  });
});

/*
 * One synthesis with every compliance engine: the split documents are deployable (pre-deploy checks,
 * unique Sids per document), acknowledged where their wildcards land, and attached everywhere.
 */
let twoProfiles: BedrockInvokerRole;
let manyProfiles: BedrockInvokerRole;
let grantedEarly: iam.Role;
const synth = synthesize((app) => {
  const s = new Stack(app, 'Split', { env: ENV });
  twoProfiles = new BedrockInvokerRole(s, 'TwoProfiles', { models: EU_PROFILES, trust: lambdaTrust(), encryptionKey: kms.Key.fromKeyArn(s, 'Key', KEY_ARN), knowledgeBaseArns: ['arn:aws:bedrock:eu-west-1:123456789012:knowledge-base/ABCDEFGHIJ'] });
  manyProfiles = new BedrockInvokerRole(s, 'ManyProfiles', { models: [EU_PROFILES[0]], trust: lambdaTrust() });
  grantedEarly = new iam.Role(s, 'GrantedEarly', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  manyProfiles.permissions.grantInvoke(grantedEarly);
  // Added after the grant: the statement outgrows one document and is cut; the new documents reach the early grantee too.
  manyProfiles.addModel(...Array.from({ length: 5 }, (_, i) => BedrockModel.crossRegionProfile(`eu.amazon.model-${i}-v1:0`)));
});

describe('split managed policies, synthesized', () => {
  const template = () => synth.json.Split;
  const policiesOf = (roleId: string): any[] => {
    const refs = (template().Resources[roleId].Properties.ManagedPolicyArns ?? []).map((a: any) => a.Ref);
    return refs.map((id: string) => template().Resources[id]).filter((r: any) => r?.Type === 'AWS::IAM::ManagedPolicy');
  };
  const roleId = (r: iam.Role) => synth.logicalId(`${r.node.path}/Resource`);
  const size = (doc: unknown) => JSON.stringify(doc).replace(/\s/g, '').replace(/\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},"([^"]*)"\]\]\}/g, '"arn:aws$1"').length;

  test('two eu. profiles take two managed policies, each within 6,144 characters, both attached to the role', () => {
    const docs = policiesOf(roleId(twoProfiles.role)).map((p) => p.Properties.PolicyDocument);
    expect(twoProfiles.permissions.managedPolicies).toHaveLength(2);
    expect(docs).toHaveLength(2);
    for (const d of docs) expect(size(d)).toBeLessThanOrEqual(6144);
    // The union of the documents is the persona's statements, one per purpose.
    const sids = docs.flatMap((d) => d.Statement.map((st: any) => st.Sid));
    expect([...sids].sort()).toEqual(twoProfiles.permissions.policyStatements.map((st) => st.sid).sort());
  });

  test('a statement too large for one document is cut into statements of the same Sid, at most one per document', () => {
    const docs = policiesOf(roleId(manyProfiles.role)).map((p) => p.Properties.PolicyDocument);
    expect(docs.length).toBeGreaterThanOrEqual(3);
    for (const d of docs) {
      expect(size(d)).toBeLessThanOrEqual(6144);
      const sids = d.Statement.map((st: any) => st.Sid);
      expect(new Set(sids).size).toBe(sids.length);
    }
    const cut = docs.flatMap((d) => d.Statement).filter((st: any) => st.Sid === 'InvokeModelsOnlyThroughAllowedProfiles');
    expect(cut.length).toBeGreaterThan(1);
    const resources = cut.flatMap((st: any) => st.Resource);
    const whole = manyProfiles.permissions.policyStatements.find((st) => st.sid === 'InvokeModelsOnlyThroughAllowedProfiles')!;
    expect(resources).toHaveLength(whole.resources.length);
    // Every piece keeps the profile condition.
    for (const st of cut) expect(st.Condition.StringEquals['bedrock:InferenceProfileArn'].length).toBeGreaterThan(0);
  });

  test('documents added after a grant are attached to the earlier grantee too', () => {
    expect(policiesOf(roleId(grantedEarly))).toHaveLength(manyProfiles.permissions.managedPolicies.length);
  });

  test('every compliance engine passes (wildcards acknowledged in whichever document holds them)', () => {
    expectNoFindings(synth);
  });
});
