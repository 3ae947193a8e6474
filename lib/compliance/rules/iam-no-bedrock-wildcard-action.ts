import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnManagedPolicy, CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance } from 'cdk-nag';
import { actionsOf, statementsOf } from '../policy-document';

/** Policy documents an IAM resource carries, resolved. */
function documentsOf(node: CfnResource): unknown[] {
  const stack = Stack.of(node);
  if (node instanceof CfnPolicy || node instanceof CfnManagedPolicy) return [stack.resolve(node.policyDocument)];
  if (node instanceof CfnRole) {
    const inline = stack.resolve(node.policies) as Array<{ PolicyDocument?: unknown }> | undefined;
    return (inline ?? []).map((p) => p.PolicyDocument);
  }
  return [];
}

/**
 * No identity policy allows every Bedrock action (`bedrock:*` or `bedrock:<prefix>*` wider than a
 * verb family). A blanket grant lets an application role buy provisioned throughput or switch off
 * invocation logging; grant the actions a persona needs instead.
 */
export function iamNoBedrockWildcardAction(node: CfnResource): NagRuleCompliance {
  const docs = documentsOf(node);
  if (docs.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const blanket = docs
    .flatMap(statementsOf)
    .some((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a === '*' || a.toLowerCase() === 'bedrock:*'));
  return blanket ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
