import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BedrockFeature, BedrockPlatform, ModelTarget, PersonaTrust } from '../lib';

/** Account and Region of the reference deployment; AZ context for them is in cdk.json, so synth needs no credentials. */
export const REFERENCE_ENV = { account: '123456789012', region: 'us-east-1' };

/** The corporate networks of the reference deployment (reached over Direct Connect). */
export const REFERENCE_ON_PREMISES_CIDRS = ['192.168.0.0/16'];

/** Models the applications may use: one list feeds the runtime endpoint policy and the invoker's IAM policy. */
export const REFERENCE_MODELS = {
  foundationModelIds: ['amazon.nova-lite-v1:0', 'amazon.titan-embed-text-v2:0'],
  inferenceProfileIds: ['us.amazon.nova-pro-v1:0'],
};

/** The platform guardrail every invocation must carry (created by the guardrails stack, referenced here). */
export const REFERENCE_GUARDRAIL = { guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/platformguard1', guardrailVersion: '1' };

/**
 * The reference deployment: every capability of the library with its secure defaults, in one
 * account and Region. Override them with `-c account=... -c region=...` (add that pair's
 * availability-zone context to cdk.json, or synth with credentials).
 */
export function buildReferenceApp(app: App): Stack[] {
  const env = {
    account: (app.node.tryGetContext('account') as string | undefined) ?? REFERENCE_ENV.account,
    region: (app.node.tryGetContext('region') as string | undefined) ?? REFERENCE_ENV.region,
  };
  const stack = new Stack(app, 'BedrockPlatform', {
    env,
    description: 'Secure, governed Amazon Bedrock platform (reference deployment)',
    terminationProtection: true,
  });
  const workforce = iam.SamlProvider.fromSamlProviderArn(stack, 'WorkforceIdp', `arn:aws:iam::${env.account}:saml-provider/CorporateIdP`);
  const platform = new BedrockPlatform(stack, 'Platform', {
    network: {
      privateLink: { features: [BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME, BedrockFeature.AGENTS_BUILD], models: REFERENCE_MODELS },
      directConnect: { onPremisesCidrs: REFERENCE_ON_PREMISES_CIDRS },
    },
    alertEmails: ['bedrock-platform-alerts@example.com'],
    access: {
      enforcement: {
        requireGuardrail: REFERENCE_GUARDRAIL,
        guardrailExemptModelIds: ['amazon.titan-embed-text-v2:0'],
        requirePrivatePath: true,
        dataResidency: { allowedRegions: [env.region] },
        scpExemptPrincipalArns: ['arn:aws:iam::*:role/BreakGlass', 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*'],
      },
      invoker: {
        trust: PersonaTrust.service('lambda.amazonaws.com'),
        models: [
          ...REFERENCE_MODELS.foundationModelIds.map((id) => ModelTarget.foundationModel(id)),
          ...REFERENCE_MODELS.inferenceProfileIds.map((id) => ModelTarget.crossRegionProfile(id)),
        ],
        guardrail: REFERENCE_GUARDRAIL,
      },
      builder: { trust: PersonaTrust.saml(workforce), maxSessionDuration: Duration.hours(8) },
      operator: { trust: PersonaTrust.saml(workforce), maxSessionDuration: Duration.hours(4), provisionableModelIds: ['amazon.nova-pro-v1:0'] },
      auditor: { trust: PersonaTrust.saml(workforce), maxSessionDuration: Duration.hours(4) },
    },
  });
  // The SCP for AWS Organizations (managed from the organization's management account): the
  // endpoint IDs are known only after deployment, so the stack outputs the finished document.
  new CfnOutput(stack, 'ServiceControlPolicy', {
    value: stack.toJsonString(platform.enforcement!.serviceControlPolicyDocument),
    description: 'SCP enforcing guardrail, private path and Region for Bedrock; attach it in AWS Organizations',
  });

  const privateLink = platform.privateLink!;
  new CfnOutput(stack, 'RuntimeEndpointId', { value: privateLink.endpointId(BedrockFeature.RUNTIME), description: 'Require it with aws:SourceVpce' });
  new CfnOutput(stack, 'ResolverEndpointId', { value: platform.directConnect!.resolver.resolverEndpointId, description: 'Point on-premises DNS forwarders at its addresses' });
  return [stack];
}
