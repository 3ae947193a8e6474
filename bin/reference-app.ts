import { App, Stack } from 'aws-cdk-lib';
import { BedrockPlatform } from '../lib';

/** Account and Region of the reference deployment; AZ context for them is in cdk.json, so synth needs no credentials. */
export const REFERENCE_ENV = { account: '123456789012', region: 'us-east-1' };

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
  new BedrockPlatform(stack, 'Platform');
  return [stack];
}
