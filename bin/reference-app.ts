import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BedrockFeature, BedrockPlatform, GuardrailPresets, PersonaTrust } from '../lib';
import { BedrockModel } from '../lib/core';

/** Account and Region of the reference deployment; AZ context for them is in cdk.json, so synth needs no credentials. */
export const REFERENCE_ENV = { account: '123456789012', region: 'us-east-1' };

/** The corporate networks of the reference deployment (reached over Direct Connect). */
export const REFERENCE_ON_PREMISES_CIDRS = ['192.168.0.0/16'];

/** Models the applications may use: one list feeds the endpoint policies and the invoker's IAM policy. */
export const REFERENCE_MODELS: BedrockModel[] = ['amazon.nova-lite-v1:0', 'amazon.titan-embed-text-v2:0', 'us.amazon.nova-pro-v1:0'].map((id) => BedrockModel.parse(id));

/**
 * Who may assume the human personas: the corporate SAML identity provider when
 * `-c samlProviderArn=arn:aws:iam::<account>:saml-provider/<name>` names one (it must exist), else
 * IAM principals of the deployment account signed in with MFA, so a first deploy needs nothing
 * created by hand.
 */
function workforceTrust(app: App, stack: Stack, account: string): PersonaTrust {
  const samlProviderArn = app.node.tryGetContext('samlProviderArn') as string | undefined;
  return samlProviderArn
    ? PersonaTrust.saml(iam.SamlProvider.fromSamlProviderArn(stack, 'WorkforceIdp', samlProviderArn))
    : PersonaTrust.accounts([account]);
}

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
  const workforce = workforceTrust(app, stack, env.account);
  const platform = new BedrockPlatform(stack, 'Platform', {
    models: REFERENCE_MODELS,
    network: {
      privateLink: { features: [BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME, BedrockFeature.AGENTS_BUILD] },
      directConnect: { onPremisesCidrs: REFERENCE_ON_PREMISES_CIDRS },
    },
    alertEmails: ['bedrock-platform-alerts@example.com'],
    // The platform guardrail every invocation must carry (its pinned version): content filters and
    // prompt-attack detection at HIGH, PII anonymized in responses, encrypted with the platform key.
    guardrail: GuardrailPresets.strict(),
    // A knowledge base on S3 Vectors when asked for: `-c knowledgeBase=true`.
    knowledgeBase: app.node.tryGetContext('knowledgeBase') === 'true' || app.node.tryGetContext('knowledgeBase') === true ? {} : undefined,
    budget: { amount: 2000, notificationEmails: ['finops@example.com'] },
    // The deploy fails early, with what to fix, when a model is not usable here (access, agreement, Region).
    preflight: true,
    access: {
      enforcement: {
        guardrailExemptModels: [BedrockModel.foundationModel('amazon.titan-embed-text-v2:0')],
        requirePrivatePath: true,
        dataResidency: { allowedRegions: [env.region] },
        scpExemptPrincipalArns: ['arn:aws:iam::*:role/BreakGlass', 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*'],
      },
      invoker: { trust: PersonaTrust.service('lambda.amazonaws.com') },
      builder: { trust: workforce, maxSessionDuration: Duration.hours(8) },
      operator: { trust: workforce, maxSessionDuration: Duration.hours(4), provisionableModels: [BedrockModel.foundationModel('amazon.nova-pro-v1:0')] },
      auditor: { trust: workforce, maxSessionDuration: Duration.hours(4) },
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
  new CfnOutput(stack, 'GuardrailIdentifier', { value: platform.guardrail!.guardrailIdentifier, description: 'Name it (ARN:version) in every model call: bedrock:GuardrailIdentifier' });
  new CfnOutput(stack, 'ResolverEndpointId', { value: platform.directConnect!.resolver.resolverEndpointId, description: 'Point on-premises DNS forwarders at its addresses' });
  return [stack];
}
