import { COMPLIANCE_PACK_NAMES } from '../../lib/compliance/packs';
import { Synthesized } from './synth';

/**
 * Asserts that every compliance pack (cdk-nag and Control Tower) ran and none reported an
 * unacknowledged finding, and that the pre-deploy checks found nothing.
 */
export function expectNoFindings(synth: Synthesized): void {
  expect([...synth.registeredPacks].sort()).toEqual([...COMPLIANCE_PACK_NAMES].sort());
  // Render findings as lines so a failure reads like the synth output.
  const lines = synth.compliance.findings.map((f) => `${f.rule} at ${f.path}: ${f.description.slice(0, 120)}`);
  expect(lines).toEqual([]);
  expect(synth.deployProblems.map((p) => `${p.check} at ${p.resource}: ${p.message}`)).toEqual([]);
}

/**
 * Asserts that every acknowledgement is granular and explained: it names its pack, a wildcard
 * finding names the exact wildcard, and the reason is a sentence, not a placeholder.
 */
export function expectAcknowledgementsJustified(synth: Synthesized): void {
  for (const ack of synth.compliance.acknowledgements) {
    // `Pack::Rule`; pack names may carry a hyphen (aws-cdk-lib's own `CloudFormation-Validate`).
    expect(ack.id).toMatch(/^[A-Za-z0-9.-]+::[A-Za-z0-9.-]*[A-Za-z0-9]/);
    if (/-IAM5$/.test(ack.id)) throw new Error(`${ack.path}: acknowledge each IAM5 wildcard separately, e.g. ${ack.id}[Resource::*]`);
    expect(ack.reason.length).toBeGreaterThanOrEqual(40);
  }
}

/**
 * The synthesis without the acknowledgement aws-cdk-lib itself makes on every stack that reads
 * `stack.availabilityZones` (any VPC): cfn-lint's W3010, "literal AZs limit portability". Tests use
 * it to assert what the library itself acknowledges.
 */
export function withoutCdkOwnAcknowledgements(synth: Synthesized): Synthesized {
  const acknowledgements = synth.compliance.acknowledgements.filter((a) => a.id !== 'CloudFormation-Validate::W3010');
  return { ...synth, compliance: { ...synth.compliance, acknowledgements } };
}
