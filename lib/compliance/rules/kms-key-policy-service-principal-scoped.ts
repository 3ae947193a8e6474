import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance } from 'cdk-nag';
import { conditionKeysOf, isScopingConditionKey, servicePrincipalsOf, statementsOf } from '../policy-document';

/**
 * Every key-policy statement that admits an AWS service principal carries a confused-deputy
 * condition (`aws:SourceAccount`, `aws:SourceArn`, an encryption context, ...). Without one, the
 * service could use the key on behalf of a resource in another account.
 */
export function kmsKeyPolicyServicePrincipalScoped(node: CfnResource): NagRuleCompliance {
  if (!(node instanceof CfnKey)) return NagRuleCompliance.NOT_APPLICABLE;
  const statements = statementsOf(Stack.of(node).resolve(node.keyPolicy));
  const unscoped = statements.some(
    (s) => s.Effect === 'Allow' && servicePrincipalsOf(s).length > 0 && !conditionKeysOf(s).some(isScopingConditionKey),
  );
  return unscoped ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
