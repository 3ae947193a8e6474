import { Synthesized } from '../kit/synth';

/**
 * The synthesis without the acknowledgement aws-cdk-lib itself makes on every stack that reads
 * `stack.availabilityZones` (a VPC does): cfn-lint's W3010, "literal AZs limit portability".
 * Tests use it to assert that the library itself acknowledges nothing.
 */
export function withoutCdkOwnAcknowledgements(synth: Synthesized): Synthesized {
  const acknowledgements = synth.compliance.acknowledgements.filter((a) => a.id !== 'CloudFormation-Validate::W3010');
  return { ...synth, compliance: { ...synth.compliance, acknowledgements } };
}
