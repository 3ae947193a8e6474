import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { iamNoBedrockWildcardAction } from './rules/iam-no-bedrock-wildcard-action';
import { kmsKeyPolicyNoPublicPrincipal } from './rules/kms-key-policy-no-public-principal';
import { kmsKeyPolicyServicePrincipalScoped } from './rules/kms-key-policy-service-principal-scoped';

interface PlatformRule {
  readonly suffix: string;
  readonly info: string;
  readonly explanation: string;
  readonly check: (node: CfnResource) => NagRuleResult;
}

const RULES: readonly PlatformRule[] = [
  {
    suffix: 'KMS1',
    info: 'The KMS key policy allows a wildcard principal without an account, organization or source condition.',
    explanation: 'Any AWS account could use the key. Name principals, or pin the statement with aws:PrincipalAccount / aws:PrincipalOrgID.',
    check: kmsKeyPolicyNoPublicPrincipal,
  },
  {
    suffix: 'KMS2',
    info: 'The KMS key policy admits an AWS service principal without a confused-deputy condition.',
    explanation: 'Scope service statements with aws:SourceAccount, aws:SourceArn or the service encryption context so only this account\'s resources can use the key.',
    check: kmsKeyPolicyServicePrincipalScoped,
  },
  {
    suffix: 'IAM1',
    info: 'The IAM policy allows every Bedrock action (bedrock:* or *).',
    explanation: 'A blanket grant lets an application buy provisioned throughput or disable invocation logging. Grant the actions of one persona instead.',
    check: iamNoBedrockWildcardAction,
  },
];

/**
 * This library's own rules, run beside the cdk-nag packs: checks the public packs do not make
 * (wildcard principals and unscoped service principals in key policies, blanket Bedrock grants).
 * Acknowledge a finding with the id `BedrockPlatform::BedrockPlatform-KMS1` and so on.
 */
export class BedrockPlatformChecks extends NagPack {
  public readonly name = 'BedrockPlatform';

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'BedrockPlatform';
  }

  protected checkResource(node: CfnResource): void {
    for (const rule of RULES) {
      this.applyRule({
        ruleSuffixOverride: rule.suffix,
        info: rule.info,
        explanation: rule.explanation,
        level: NagMessageLevel.ERROR,
        rule: rule.check,
        node,
      });
    }
  }
}
