import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { BedrockFeature, BedrockPlatform } from '../lib';

/** Account and Region of the reference deployment; AZ context for them is in cdk.json, so synth needs no credentials. */
export const REFERENCE_ENV = { account: '123456789012', region: 'us-east-1' };

/** The corporate networks of the reference deployment (reached over Direct Connect). */
export const REFERENCE_ON_PREMISES_CIDRS = ['192.168.0.0/16'];

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
  const platform = new BedrockPlatform(stack, 'Platform', {
    network: {
      privateLink: { features: [BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME, BedrockFeature.AGENTS_BUILD] },
      directConnect: { onPremisesCidrs: REFERENCE_ON_PREMISES_CIDRS },
    },
    alertEmails: ['bedrock-platform-alerts@example.com'],
  });

  const privateLink = platform.privateLink!;
  new CfnOutput(stack, 'RuntimeEndpointId', { value: privateLink.endpointId(BedrockFeature.RUNTIME), description: 'Require it with aws:SourceVpce' });
  new CfnOutput(stack, 'ResolverEndpointId', { value: platform.directConnect!.resolver.resolverEndpointId, description: 'Point on-premises DNS forwarders at its addresses' });
  return [stack];
}
