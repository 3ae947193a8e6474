import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PlatformValidationError } from '../../lib';
import { BedrockModel } from '../../lib/core/bedrock-model';
import { InferenceGeography } from '../../lib/core/inference-geographies';
import { BedrockEnforcement, BedrockEnforcementProps, BedrockInvokerPolicy, BedrockInvokerRole, BedrockOperatorPolicy, PersonaTrust, PrivatePathScope } from '../../lib/identity';

const ENV = { account: '123456789012', region: 'us-east-1' };
const stack = () => new Stack(new App(), 'S', { env: ENV });
const EMBED = BedrockModel.foundationModel('amazon.titan-embed-text-v2:0');
const GUARDRAIL = { guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', guardrailVersion: '1' };

/** Asserts a PlatformValidationError whose message names the construct path and matches `message`. */
function expectInvalid(build: (s: Stack) => unknown, message: RegExp): void {
  const s = stack();
  let error: unknown;
  try {
    build(s);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PlatformValidationError);
  expect((error as Error).message).toMatch(/^S\//);
  expect((error as Error).message).toMatch(message);
}

describe('invoker policy validation', () => {
  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['no model', (s) => new BedrockInvokerPolicy(s, 'P', { models: [] }), /invalid models \[\]\. List at least one BedrockModel/],
    ['a malformed model ID', (s) => new BedrockInvokerPolicy(s, 'P', { models: [BedrockModel.foundationModel('claude')] }), /invalid models\[0\] "claude"\. Must be a model ID/],
    ['a bad Region', (s) => new BedrockInvokerPolicy(s, 'P', { models: [BedrockModel.foundationModel('amazon.titan-embed-text-v2:0', { region: 'europe' })] }), /invalid models\[0\]\.region "europe"/],
    ['a profile without a geography prefix', (s) => new BedrockInvokerPolicy(s, 'P', { models: [EMBED, BedrockModel.crossRegionProfile('anthropic.claude-v2')] }), /invalid models\[1\].*prefixed with one of 'us\.', 'eu\.'/],
    ['a bad destination Region', (s) => new BedrockInvokerPolicy(s, 'P', { models: [BedrockModel.crossRegionProfile('eu.amazon.nova-pro-v1:0', { destinationRegions: ['mars-1'] })] }), /invalid models\[0\]\.destinationRegions\[0\] "mars-1"/],
    ['a provisioned model that is not an ARN', (s) => new BedrockInvokerPolicy(s, 'P', { models: [BedrockModel.provisionedModel('my-throughput')] }), /invalid models\[0\] "my-throughput"\. Must be a provisioned model ARN/],
    ['an application profile that is not an ARN', (s) => new BedrockInvokerPolicy(s, 'P', { models: [BedrockModel.applicationInferenceProfile('profile', EMBED)] }), /invalid models\[0\] "profile"\. Must be an application inference profile ARN/],
    ['an application profile without its source', (s) => new BedrockInvokerPolicy(s, 'P', { models: [BedrockModel.parse('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123')] }), /invalid models\[0\]\.source \(not set\)\. IAM also authorizes the models/],
    ['a model pattern (IAM grants name exact models)', (s) => new BedrockInvokerPolicy(s, 'P', { models: [BedrockModel.parse('anthropic.claude-*')] }), /invalid models\[0\] "anthropic\.claude-\*"\. Must name exactly one model/],
    ['a Mantle model', (s) => new BedrockInvokerPolicy(s, 'P', { models: [BedrockModel.mantleModel('openai.gpt-oss-120b')] }), /invalid models\[0\] "openai\.gpt-oss-120b"\. Must be a foundation model, .*; this is a Mantle model: a Mantle model is reached through the bedrock-mantle endpoint/],
    ['a custom model (invoked through its provisioned model)', (s) => new BedrockInvokerPolicy(s, 'P', { models: [BedrockModel.parse('arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.nova-lite-v1:0:300k/abc123')] }), /this is a custom model: a custom model is invoked through its provisioned throughput/],
    ['a plain string (the 0.x form)', (s) => new BedrockInvokerPolicy(s, 'P', { models: ['amazon.nova-lite-v1:0' as unknown as BedrockModel] }), /invalid models\[0\] "amazon\.nova-lite-v1:0"\. Must be a BedrockModel: BedrockModel\.parse/],
    ['a bad knowledge base ARN', (s) => new BedrockInvokerPolicy(s, 'P', { models: [EMBED], knowledgeBaseArns: ['arn:aws:bedrock:us-east-1:123456789012:agent/ABCDEFGHIJ'] }), /invalid knowledgeBaseArns\[0\]/],
    ['a DRAFT guardrail', (s) => new BedrockInvokerPolicy(s, 'P', { models: [EMBED], guardrail: { ...GUARDRAIL, guardrailVersion: 'DRAFT' } }), /invalid guardrail\.guardrailVersion "DRAFT"\. Must be a published numeric version/],
    ['a guardrail ARN with a version', (s) => new BedrockInvokerPolicy(s, 'P', { models: [EMBED], guardrail: { ...GUARDRAIL, guardrailArn: `${GUARDRAIL.guardrailArn}:1` } }), /invalid guardrail\.guardrailArn .*without version/],
  ])('rejects %s', (_name, build, message) => expectInvalid(build, message));
});

describe('persona role and trust validation', () => {
  const saml = (s: Stack) => iam.SamlProvider.fromSamlProviderArn(s, 'Idp', 'arn:aws:iam::123456789012:saml-provider/Corp');
  const oidc = (s: Stack) => iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(s, 'Oidc', 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
  const role = (s: Stack, trust: PersonaTrust, extra: object = {}) => new BedrockInvokerRole(s, 'R', { trust, models: [EMBED], ...extra });
  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['a 30-minute session', (s) => role(s, PersonaTrust.service('lambda.amazonaws.com'), { maxSessionDuration: Duration.minutes(30) }), /invalid maxSessionDuration \(seconds\) 1800\. Must be a whole number from 3600 to 43200/],
    ['a 13-hour session', (s) => role(s, PersonaTrust.service('lambda.amazonaws.com'), { maxSessionDuration: Duration.hours(13) }), /invalid maxSessionDuration \(seconds\) 46800/],
    ['a role name with a space', (s) => role(s, PersonaTrust.service('lambda.amazonaws.com'), { roleName: 'bedrock invoker' }), /invalid roleName "bedrock invoker"/],
    ['an unknown service principal', (s) => role(s, PersonaTrust.service('lambda')), /invalid trust\.servicePrincipal "lambda"/],
    ['a SAML audience that is not an AWS sign-in endpoint', (s) => role(s, PersonaTrust.saml(saml(s), { audience: 'https://idp.example.com/saml' })), /invalid trust\.audience "https:\/\/idp\.example\.com\/saml"/],
    ['an OIDC trust without subjects', (s) => role(s, PersonaTrust.oidc(oidc(s), { audiences: ['sts.amazonaws.com'], subjects: [] })), /invalid trust\.subjects \[\]\. List at least one subject/],
    ['an OIDC trust of every subject', (s) => role(s, PersonaTrust.oidc(oidc(s), { audiences: ['sts.amazonaws.com'], subjects: ['*'] })), /invalid trust\.subjects\[0\] "\*"\. A wildcard before the subject names its owner trusts \(nearly\) every subject/],
    ['an OIDC trust without audiences', (s) => role(s, PersonaTrust.oidc(oidc(s), { audiences: [], subjects: ['repo:org/app:*'] })), /invalid trust\.audiences \[\]/],
    ['no account', (s) => role(s, PersonaTrust.accounts([])), /invalid trust\.accountIds \[\]/],
    ['a malformed account', (s) => role(s, PersonaTrust.accounts(['12345'])), /invalid trust\.accountIds\[0\] "12345"\. Must be a 12-digit AWS account ID/],
    ['an MFA age beyond 36 hours', (s) => role(s, PersonaTrust.accounts(['123456789012'], { maxMfaAge: Duration.hours(48) })), /invalid trust\.maxMfaAge \(seconds\) 172800/],
  ])('rejects %s', (_name, build, message) => expectInvalid(build, message));

  test('tokens are not validated at synth time', () => {
    const s = stack();
    expect(() => role(s, PersonaTrust.accounts([Token.asString({ Ref: 'TrustedAccount' })]), { roleName: Token.asString({ Ref: 'RoleName' }) })).not.toThrow();
    expect(() => new BedrockInvokerPolicy(s, 'P', { models: [EMBED], guardrail: { guardrailArn: Token.asString({ Ref: 'G' }), guardrailVersion: Token.asString({ Ref: 'V' }) } })).not.toThrow();
  });
});

describe('operator policy validation', () => {
  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['a malformed model ID', (s) => new BedrockOperatorPolicy(s, 'P', { provisionableModels: [BedrockModel.parse('haiku')] }), /invalid provisionableModels\[0\] "haiku"/],
    ['a cross-Region profile (throughput is bought for a model)', (s) => new BedrockOperatorPolicy(s, 'P', { provisionableModels: [BedrockModel.parse('us.amazon.nova-pro-v1:0')] }), /invalid provisionableModels\[0\] "us\.amazon\.nova-pro-v1:0"\. Must be a foundation model or a custom model \(what CreateProvisionedModelThroughput is authorized against\); this is a cross-Region inference profile/],
    ['an alarm prefix with a wildcard', (s) => new BedrockOperatorPolicy(s, 'P', { alarmNamePrefix: 'bedrock-*' }), /invalid alarmNamePrefix "bedrock-\*"\. Must be an alarm-name prefix of 1 to 255 characters .*without the IAM wildcards \* and \?/],
  ])('rejects %s', (_name, build, message) => expectInvalid(build, message));
});

describe('enforcement validation', () => {
  const enforce = (props: BedrockEnforcementProps) => (s: Stack) => new BedrockEnforcement(s, 'E', props);
  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['no switch', enforce({}), /Turn on at least one switch: requireGuardrail, requirePrivatePath or dataResidency/],
    ['exempt models without a guardrail requirement', enforce({ guardrailExemptModels: [EMBED], dataResidency: { allowedRegions: ['us-east-1'] } }), /invalid guardrailExemptModels .*Only meaningful with requireGuardrail/],
    ['an exempt profile (the deny exempts foundation models)', enforce({ requireGuardrail: GUARDRAIL, guardrailExemptModels: [BedrockModel.parse('us.amazon.nova-pro-v1:0')] }), /invalid guardrailExemptModels\[0\] "us\.amazon\.nova-pro-v1:0"\. Must be a foundation model/],
    ['an exempt model pattern', enforce({ requireGuardrail: GUARDRAIL, guardrailExemptModels: [BedrockModel.parse('amazon.titan-embed-*')] }), /invalid guardrailExemptModels\[0\] "amazon\.titan-embed-\*"\. Must name exactly one model/],
    ['an exempt model in one Region (the exemption spans every Region)', enforce({ requireGuardrail: GUARDRAIL, guardrailExemptModels: [BedrockModel.foundationModel('amazon.titan-embed-text-v2:0', { region: 'us-east-1' })] }), /invalid guardrailExemptModels\[0\]\.region "us-east-1"\. Leave it unset/],
    ['a DRAFT guardrail', enforce({ requireGuardrail: { ...GUARDRAIL, guardrailVersion: 'DRAFT' } }), /invalid requireGuardrail\.guardrailVersion "DRAFT"/],
    ['no endpoint', enforce({ requirePrivatePath: { vpcEndpointIds: [] } }), /invalid requirePrivatePath\.vpcEndpointIds \[\]/],
    ['a malformed endpoint ID', enforce({ requirePrivatePath: { vpcEndpointIds: ['vpc-123'] } }), /invalid requirePrivatePath\.vpcEndpointIds\[0\] "vpc-123"\. Must be a VPC endpoint ID/],
    ['an unknown private-path scope', enforce({ requirePrivatePath: { vpcEndpointIds: ['vpce-0123456789abcdef0'], scope: 'some' as PrivatePathScope } }), /invalid requirePrivatePath\.scope "some"\. Allowed values: all, runtime/],
    ['no allowed Region', enforce({ dataResidency: { allowedRegions: [] } }), /invalid dataResidency\.allowedRegions \[\]/],
    ['a malformed Region', enforce({ dataResidency: { allowedRegions: ['EU'] } }), /invalid dataResidency\.allowedRegions\[0\] "EU"/],
    ['a geography with no allowed Region', enforce({ dataResidency: { allowedRegions: ['eu-west-1'], geographies: [InferenceGeography.US] } }), /invalid dataResidency\.geographies\[0\] "us"\. A us\. profile can only be called from a Region of its geography/],
    ['an unknown geography', enforce({ dataResidency: { allowedRegions: ['eu-west-1'], geographies: ['mars' as InferenceGeography] } }), /invalid dataResidency\.geographies\[0\] "mars"\. Allowed values: /],
    ['a token Region', enforce({ dataResidency: { allowedRegions: [Token.asString({ Ref: 'Region' })] } }), /invalid dataResidency\.allowedRegions "\(token\)"\. Name the allowed Regions literally/],
    ['a malformed exempt principal', enforce({ requireGuardrail: GUARDRAIL, scpExemptPrincipalArns: ['BreakGlass'] }), /invalid scpExemptPrincipalArns\[0\] "BreakGlass"/],
    ['a malformed organization target', enforce({ requireGuardrail: GUARDRAIL, organizationTargetIds: ['root'] }), /invalid organizationTargetIds\[0\] "root"\. Must be a root \(r-\.\.\.\), OU/],
    [
      'an SCP over 5,120 characters',
      enforce({ requirePrivatePath: { vpcEndpointIds: Array.from({ length: 120 }, (_, i) => `vpce-${String(i).padStart(17, '0')}`) } }),
      /invalid props "\d+ characters"\. The Service Control Policy would exceed the 5120-character limit/,
    ],
  ])('rejects %s', (_name, build, message) => expectInvalid(build, message));

  test('the size check counts the minified SCP', () => {
    const s = stack();
    const ids = Array.from({ length: 40 }, (_, i) => `vpce-${String(i).padStart(17, '0')}`);
    const e = new BedrockEnforcement(s, 'E', { requirePrivatePath: { vpcEndpointIds: ids } });
    expect(e.serviceControlPolicyJson().length).toBeLessThanOrEqual(5120);
  });
});
