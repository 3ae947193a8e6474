import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance } from 'cdk-nag';
import { conditionKeysOf, hasPublicPrincipal, isScopingConditionKey, statementsOf } from '../policy-document';

/**
 * A KMS key policy allows nobody as `Principal: "*"` unless the statement is pinned to an account,
 * organization or source with a condition. A bare wildcard lets any AWS account use the key.
 */
export function kmsKeyPolicyNoPublicPrincipal(node: CfnResource): NagRuleCompliance {
  if (!(node instanceof CfnKey)) return NagRuleCompliance.NOT_APPLICABLE;
  const statements = statementsOf(Stack.of(node).resolve(node.keyPolicy));
  const open = statements.some(
    (s) => s.Effect === 'Allow' && hasPublicPrincipal(s) && !conditionKeysOf(s).some(isScopingConditionKey),
  );
  return open ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
