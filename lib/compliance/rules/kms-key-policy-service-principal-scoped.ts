import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { conditionKeysOf, isScopingConditionKey, servicePrincipalsOf, statementsOf } from '../policy-document';

/**
 * Every key-policy statement that admits an AWS service principal carries a confused-deputy
 * condition (`aws:SourceAccount`, `aws:SourceArn`, an encryption context, ...). Without one, the
 * service could use the key on behalf of a resource in another account.
 *
 * One finding per unscoped service (`BedrockPlatform-KMS2[Service::events.amazonaws.com]`), so an
 * acknowledgement covers exactly the service it names and a new unscoped service is still flagged.
 */
export function kmsKeyPolicyServicePrincipalScoped(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnKey)) return NagRuleCompliance.NOT_APPLICABLE;
  const statements = statementsOf(Stack.of(node).resolve(node.keyPolicy));
  const unscoped = statements
    .filter((s) => s.Effect === 'Allow' && !conditionKeysOf(s).some(isScopingConditionKey))
    .flatMap((s) => servicePrincipalsOf(s).map(String));
  return unscoped.length === 0 ? NagRuleCompliance.COMPLIANT : [...new Set(unscoped)].sort().map((service) => `Service::${service}`);
}
