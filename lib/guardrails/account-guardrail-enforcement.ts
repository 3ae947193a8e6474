import { RemovalPolicy } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { Construct } from 'constructs';
import { BedrockModel, BedrockModelKind } from '../core/bedrock-model';
import { PlatformValidationError } from '../core/errors';
import { claimAccountSetting, isResolved, requireList, requireProps, requireRemovalPolicy } from '../core/validate';
import { GuardrailReference, validateGuardrail } from '../identity/guardrail-reference';

/** How an enforced guardrail treats tagged content (API SelectiveGuardingMode). */
export enum SelectiveGuardingMode {
  /** Guard only the content the caller tagged for guarding. */
  SELECTIVE = 'SELECTIVE',
  /** Guard everything, tagged or not. */
  COMPREHENSIVE = 'COMPREHENSIVE',
}

/** Properties of an {@link AccountGuardrailEnforcement}. */
export interface AccountGuardrailEnforcementProps {
  /**
   * The guardrail and the published numeric version Bedrock applies to every model invocation of
   * the account in the stack's Region: a `PolicyGuardrail` (its pinned version) or a reference.
   */
  readonly guardrail: GuardrailReference;
  /**
   * Enforce on these foundation models only.
   * @default every model
   */
  readonly includedModels?: BedrockModel[];
  /**
   * Foundation models exempt from enforcement, e.g. the embedding models a knowledge base calls
   * during ingestion. A model in both lists is exempt.
   * @default none
   */
  readonly excludedModels?: BedrockModel[];
  /**
   * Guarding of system prompts.
   * @default the service's default
   */
  readonly systemPrompts?: SelectiveGuardingMode;
  /**
   * Guarding of user messages.
   * @default the service's default
   */
  readonly messages?: SelectiveGuardingMode;
  /**
   * What happens to the account setting when it leaves the stack. DESTROY turns enforcement off
   * for the whole account and Region.
   * @default RemovalPolicy.DESTROY: the stack that set it removes it
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** ExcludedModelId / IncludedModelId of the API: a foundation model ID. */
const MODEL_ID = /^([a-z0-9-]{1,63}[.][a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2}(\/[a-z0-9]{12})?$/;
const MARK = Symbol.for('bedrock-secure-platform.AccountGuardrailEnforcement');

/**
 * Account-level guardrail enforcement (AWS::Bedrock::EnforcedGuardrailConfiguration): Bedrock
 * applies the guardrail's pinned version to every model invocation of the account in this Region,
 * whatever the caller names. Complements `BedrockEnforcement`'s IAM deny, which only refuses calls
 * that do not name the guardrail.
 *
 * This is one setting per account and Region (ListEnforcedGuardrailsConfiguration returns a single
 * configuration), so it is opt-in and at most one per account and Region in an app. CloudFormation
 * cannot see a configuration set outside this stack, and the service documents neither refusal nor
 * replacement when one exists: run `aws bedrock list-enforced-guardrails-configuration` first, and
 * if another team owns the setting, agree before deploying this. Deleting the stack removes the
 * setting unless `removalPolicy` is RETAIN. An organization-level Bedrock policy, when present,
 * applies on top (the most restrictive control wins). AWS recommends a guardrail resource policy
 * with account-level enforcement (guardrails-resource-based-policies.html): give every role that
 * invokes models `grantApply` on the guardrail, so applying it on their behalf is allowed and its
 * key decrypts. See https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-enforcements.html.
 */
export class AccountGuardrailEnforcement extends Construct {
  /** The configuration resource. */
  public readonly resource: bedrock.CfnEnforcedGuardrailConfiguration;
  /** The enforced guardrail. */
  public readonly guardrail: GuardrailReference;
  /** ID of the account configuration. */
  public readonly configId: string;

  constructor(scope: Construct, id: string, props: AccountGuardrailEnforcementProps) {
    super(scope, id);
    props = requireProps(this, props);
    this.guardrail = validateGuardrail(this, 'guardrail', props.guardrail);
    const included = this.modelIds('includedModels', props.includedModels);
    const excluded = this.modelIds('excludedModels', props.excludedModels);
    const modes = Object.values(SelectiveGuardingMode);
    for (const prop of ['systemPrompts', 'messages'] as const) {
      const v = props[prop];
      if (v !== undefined && !modes.includes(v)) throw new PlatformValidationError(this, prop, v, 'Allowed values: SelectiveGuardingMode.SELECTIVE, SelectiveGuardingMode.COMPREHENSIVE.');
    }
    const removalPolicy = requireRemovalPolicy(this, 'removalPolicy', props.removalPolicy, 'An enforced guardrail configuration') ?? RemovalPolicy.DESTROY;
    // One setting per account and Region: two in one app would overwrite each other.
    claimAccountSetting(
      this,
      MARK,
      (other, here) =>
        `Account-level guardrail enforcement is one setting per account and Region, and ${other} already manages it for ${here}. Create one AccountGuardrailEnforcement per account and Region.`,
    );

    this.resource = new bedrock.CfnEnforcedGuardrailConfiguration(this, 'Resource', {
      guardrailIdentifier: this.guardrail.guardrailArn,
      guardrailVersion: this.guardrail.guardrailVersion,
      // The API wants both lists once either is given; `ALL` stands for every model.
      modelEnforcement: included.length || excluded.length ? { includedModels: included.length ? included : ['ALL'], excludedModels: excluded } : undefined,
      selectiveContentGuarding: props.systemPrompts || props.messages ? { system: props.systemPrompts, messages: props.messages } : undefined,
    });
    this.resource.applyRemovalPolicy(removalPolicy);
    // The guardrail's version must exist before it is enforced, and outlive the enforcement.
    if (this.guardrail instanceof Construct) this.resource.node.addDependency(this.guardrail);
    this.configId = this.resource.attrConfigId;
  }

  private modelIds(prop: string, models: BedrockModel[] | undefined): string[] {
    return requireList(this, prop, models).map((m, i) => {
      const ok = m instanceof BedrockModel && m.kind === BedrockModelKind.FOUNDATION_MODEL && (!isResolved(m.identifier) || MODEL_ID.test(m.identifier));
      if (!ok) {
        const shown = m instanceof BedrockModel ? m.identifier : m;
        throw new PlatformValidationError(this, `${prop}[${i}]`, shown, "Must be a foundation model, e.g. BedrockModel.foundationModel('amazon.titan-embed-text-v2:0'): enforcement is configured per foundation model ID.");
      }
      return m.identifier;
    });
  }
}
