import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { optionalString } from '../core/validate';
import { BedrockEnforcement } from '../identity/bedrock-enforcement';
import { claimName, requireProps, requireStrings } from '../identity/input-checks';

/** A root (`r-...`), organizational unit (`ou-...-...`) or 12-digit account ID: what an Organizations policy attaches to. */
const POLICY_TARGET = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/;

/** Properties of a {@link BedrockServiceControlPolicy}. */
export interface BedrockServiceControlPolicyProps {
  /**
   * The enforcement whose SCP document to deploy (`serviceControlPolicyDocument`). Its switches apply
   * to every account of the targets: data residency is naturally organization-wide; a required
   * guardrail or VPC endpoints name one account's resources (an ARN, `vpce-` IDs), so list what every
   * targeted account uses, or keep those switches to the accounts' identity policies.
   */
  readonly enforcement: BedrockEnforcement;
  /** Roots, organizational units or accounts to attach the policy to, e.g. the stack set's `organizationalUnitIds`. */
  readonly targetIds: string[];
  /**
   * Name of the policy: unique in the organization, 1 to 128 characters.
   * @default `bedrock-platform-<stack name>-<id>`
   */
  readonly policyName?: string;
  /** @default 'Bedrock platform enforcement: guardrail, private endpoints, allowed Regions' */
  readonly description?: string;
}

/**
 * The Service Control Policy of a {@link BedrockEnforcement} as an AWS Organizations policy
 * (AWS::Organizations::Policy, type SERVICE_CONTROL_POLICY) attached to organizational units: the
 * denies hold for every principal of those accounts, whatever their identity policies say.
 *
 * Deploy the stack that holds it in the organization's management account, or in a member account
 * that is a delegated administrator for AWS Organizations policy management (a resource-based
 * delegation policy in Organizations); SCPs must be enabled in the organization. SCPs never apply to
 * the management account itself. The document's size is checked by the enforcement (5,120 characters).
 */
export class BedrockServiceControlPolicy extends Construct {
  /** The Organizations policy. */
  public readonly policy: organizations.CfnPolicy;
  /** ID of the policy (`p-...`). */
  public readonly policyId: string;
  public readonly targetIds: readonly string[];
  private readonly enforcement: BedrockEnforcement;

  constructor(scope: Construct, id: string, props: BedrockServiceControlPolicyProps) {
    super(scope, id);
    props = requireProps(this, props, 'Pass { enforcement, targetIds }.');
    if (!(props.enforcement instanceof BedrockEnforcement)) {
      throw new PlatformValidationError(this, 'enforcement', typeof props.enforcement, 'Must be a BedrockEnforcement created in this app (an imported one has no known document).');
    }
    this.enforcement = props.enforcement;
    const targets = requireStrings(this, 'targetIds', props.targetIds, POLICY_TARGET, 'a root (r-xxxx), organizational unit (ou-xxxx-xxxxxxxx) or 12-digit account ID');
    if (targets.length === 0) throw new PlatformValidationError(this, 'targetIds', [], 'List at least one root, OU or account.');
    this.targetIds = targets;
    const name = props.policyName ?? `bedrock-platform-${Stack.of(this).stackName}-${id}`.slice(0, 128);
    if (!Token.isUnresolved(name)) {
      if (typeof name !== 'string' || !/^[\s\S]{1,128}$/.test(name)) throw new PlatformValidationError(this, 'policyName', name, 'Must be 1 to 128 characters.');
      // Policy names are unique in the organization (and BedrockEnforcement's organizationTargetIds claims the same namespace).
      claimName(this, 'policyName', name, `scp:${name}`, `The Service Control Policy name '${name}'`);
    }
    this.policy = new organizations.CfnPolicy(this, 'Resource', {
      name,
      description: optionalString(this, 'description', props.description, 512) ?? 'Bedrock platform enforcement: guardrail, private endpoints, allowed Regions',
      type: 'SERVICE_CONTROL_POLICY',
      // Rendered at synth: inputs of the enforcement that grow later are included.
      content: Lazy.any({ produce: () => this.enforcement.serviceControlPolicyDocument }),
      targetIds: [...targets],
    });
    this.policyId = this.policy.attrId;
  }

  /** The policy document, as deployed. */
  public get document(): ReturnType<() => BedrockEnforcement['serviceControlPolicyDocument']> {
    return this.enforcement.serviceControlPolicyDocument;
  }
}
