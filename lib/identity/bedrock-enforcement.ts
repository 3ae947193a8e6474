import { Annotations, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { BedrockModel, BedrockModelKind, requireModels } from '../core/bedrock-model';
import { PlatformValidationError } from '../core/errors';
import { ALL_GEOGRAPHIES, GEOGRAPHY_REGIONS, InferenceGeography, narrowestGeographyOf } from '../core/inference-geographies';
import { isResolved, requireNonEmpty, requirePattern } from '../core/validate';
import { claimName, requireAdditionalRegions, requireList, requireProps, requireRegions, requireString, requireStrings } from './input-checks';
import { MANAGED_POLICY_MAX_CHARACTERS, renderedCharacters } from './policy-size';
import { attachPolicy, identityOf } from './attachable-policy';
import { APPLICATION_PROFILE_ARN_PATTERN, MANAGED_POLICY_ARN_PATTERN, VPC_ENDPOINT_ID_PATTERN } from './bedrock-arns';
import { enforcementStatements, EnforcementInputs, PrivatePathScope, serviceControlStatements, StatementJson } from './enforcement-statements';
import { GuardrailReference, guardrailIdentifier, validateGuardrail } from './guardrail-reference';

// The reserved service-role path is part of the SCP's contract: published with it.

/** Maximum size of a Service Control Policy document, white space included (AWS Organizations quota). */
export const SCP_MAX_CHARACTERS = 5120;

/** Options of the private-path switch. */
export interface PrivatePathOptions {
  /** IDs of the platform's Bedrock interface endpoints (`vpce-...`). At least one. */
  readonly vpcEndpointIds: string[];
  /**
   * Regions those endpoints are in: calls there must come through them; calls elsewhere only as the
   * routed part of a cross-Region inference request made through them.
   * @default the stack's Region
   */
  readonly regions?: string[];
  /**
   * Which calls the switch covers.
   * @default PrivatePathScope.ALL_BEDROCK
   */
  readonly scope?: PrivatePathScope;
}

/** Options of the data-residency switch. */
export interface DataResidencyOptions {
  /** Regions where Bedrock may be called. At least one. */
  readonly allowedRegions: string[];
  /**
   * Geographies whose cross-Region profiles stay usable from the allowed Regions (requests they route
   * to other Regions of the geography are allowed). Each must contain an allowed Region.
   * @default for each allowed Region, the narrowest geography containing it (e.g. `jp` for ap-northeast-1)
   */
  readonly geographies?: InferenceGeography[];
  /**
   * Application inference profiles built on a geographic profile of an allowed geography, whose
   * routed requests are allowed too.
   * @default none
   */
  readonly applicationInferenceProfileArns?: string[];
}

/** Properties of a {@link BedrockEnforcement}. */
export interface BedrockEnforcementProps {
  /**
   * Require this guardrail (ARN and version) on every model invocation: `InvokeModel*` (and so
   * Converse) without `bedrock:GuardrailIdentifier` equal to `ARN:version` is explicitly denied.
   * @default no guardrail requirement
   */
  readonly requireGuardrail?: GuardrailReference;

  /**
   * Foundation models exempt from the guardrail requirement, e.g. the embedding models a knowledge
   * base invokes during ingestion (they take no guardrail). The exemption covers the model in every
   * Region (leave `region` unset); exact models only, no `*` pattern.
   * @default none
   */
  readonly guardrailExemptModels?: readonly BedrockModel[];

  /**
   * Require the private path: Bedrock calls must come through the platform's VPC endpoints.
   * @default no private-path requirement
   */
  readonly requirePrivatePath?: PrivatePathOptions;

  /**
   * Data residency: deny Bedrock outside the allowed Regions, except requests routed by geographic
   * cross-Region inference profiles of the same geography.
   * @default no Region restriction
   */
  readonly dataResidency?: DataResidencyOptions;

  /**
   * Principals the Service Control Policy leaves out (ARN patterns allowed), e.g. a break-glass
   * role or the CloudFormation execution role that deploys Bedrock resources. Identity policies
   * need no exemption: they apply only where attached.
   *
   * With `requirePrivatePath`, these are also the only principals that may create or change roles
   * on the reserved service-role path (`PLATFORM_SERVICE_ROLE_PATH`): list the role that deploys
   * your `PlatformServiceRole`s, or they cannot be created in accounts under the SCP.
   * @default none
   */
  readonly scpExemptPrincipalArns?: string[];

  /**
   * Principals the Service Control Policy leaves out of the private-path denies only (every other
   * statement still applies to them): automation that calls one narrow Bedrock API from outside the
   * endpoints, such as a scheduled ingestion or a Config rule reading a setting. Needs `requirePrivatePath`.
   * @default none
   */
  readonly privatePathExemptPrincipalArns?: string[];

  /**
   * Create the Service Control Policy in AWS Organizations and attach it to these roots, OUs or
   * accounts. Only for a stack deployed in the organization's management (or delegated) account.
   * @default the SCP is only available as `serviceControlPolicyDocument` / `serviceControlPolicyJson()`
   */
  readonly organizationTargetIds?: string[];

  /**
   * Name of the Service Control Policy in AWS Organizations (with `organizationTargetIds`). Names are
   * unique in an organization: two enforcements of one app with the same name fail at synth.
   * @default `bedrock-platform-<stack name>`
   */
  readonly scpName?: string;

  /**
   * Regions newer than the region facts of your aws-cdk-lib, accepted in `dataResidency.allowedRegions`
   * and `requirePrivatePath.regions` on your word. Any other Region code the facts do not know is
   * refused: a typo such as `xx-fake-9` would deny Bedrock everywhere.
   * @default none: only Regions aws-cdk-lib knows
   */
  readonly additionalRegions?: string[];
}

/**
 * An enforcement (guardrail, private path, Region switches as explicit denies), created in this
 * stack ({@link BedrockEnforcement}) or elsewhere ({@link BedrockEnforcement.fromEnforcementAttributes}):
 * what persona roles and `enforceOn` need of it.
 */
export interface IBedrockEnforcement extends IConstruct {
  /** ARN of the customer-managed policy that holds the enforcement denies. */
  readonly managedPolicyArn: string;
  /**
   * The guardrail every invocation must name: invoker roles under the enforcement may apply it.
   * @default no guardrail requirement (or unknown, for an imported enforcement given none)
   */
  readonly requiredGuardrail?: GuardrailReference;
  /**
   * The VPC endpoints Bedrock calls must come through (`vpce-...`), when the private path is required.
   * @default no private-path requirement (or unknown, for an imported enforcement given none)
   */
  readonly requiredVpcEndpointIds?: readonly string[];
  /** Applies the enforcement denies to `grantee` (a role, user, group or Lambda function). */
  enforceOn(grantee: iam.IGrantable): iam.Grant;
}

/** What {@link BedrockEnforcement.fromEnforcementAttributes} needs of an enforcement created elsewhere. */
export interface BedrockEnforcementAttributes {
  /**
   * ARN of the managed policy holding the enforcement denies (`managedPolicyArn` of the
   * `BedrockEnforcement`, e.g. exported by the stack that owns it). It must be in the account of
   * the roles it is attached to: IAM attaches managed policies in their own account only.
   */
  readonly managedPolicyArn: string;
  /**
   * The guardrail the enforcement requires (ARN and version): invoker roles put under it are
   * allowed to apply it.
   * @default none: invoker roles under the enforcement need their own `guardrail`
   */
  readonly requiredGuardrail?: GuardrailReference;
  /**
   * The VPC endpoint IDs the enforcement's private path requires, for whoever configures clients.
   * @default none
   */
  readonly requiredVpcEndpointIds?: string[];
}

/** What every enforcement offers: see {@link IBedrockEnforcement}. */
export abstract class BedrockEnforcementBase extends Construct implements IBedrockEnforcement {
  public abstract readonly managedPolicyArn: string;
  public abstract readonly requiredGuardrail?: GuardrailReference;
  public abstract readonly requiredVpcEndpointIds?: readonly string[];
  /** The policy `enforceOn` attaches. */
  protected abstract readonly enforcementPolicy: iam.IManagedPolicy;

  /**
   * Applies the enforcement denies to `grantee`: attaches the managed policy to its role, user or
   * group, once. The returned grant holds no Allow statement (the policy only denies); it orders
   * deployment after the policy where the policy is created in this app.
   */
  public enforceOn(grantee: iam.IGrantable): iam.Grant {
    const statements = this.knownStatements();
    if (statements === undefined && !identityOf(grantee.grantPrincipal)) {
      // An imported policy's statements are unknown, so they cannot be copied to a principal that
      // takes no managed policy: say so rather than leave it unenforced silently.
      Annotations.of(this).addWarningV2(
        'bedrock-secure-platform:enforcementNotApplied',
        `${grantee.grantPrincipal} has no role, user or group to attach ${this.node.path}'s managed policy to, and an imported enforcement's denies cannot be copied to it: the enforcement does not apply to it.`,
      );
      return iam.Grant.drop(grantee, 'enforcement');
    }
    return attachPolicy(this, () => [this.enforcementPolicy], () => statements ?? [], grantee);
  }

  /** The deny statements, when known (not for an imported enforcement). */
  protected abstract knownStatements(): readonly iam.PolicyStatement[] | undefined;
}

/**
 * Enforcement switches (guardrail required, private path required, data residency) in two forms
 * that say the same thing: an identity policy to attach to roles ({@link enforceOn}, or the
 * `enforcement` prop of a persona role) and a Service Control Policy document for AWS
 * Organizations ({@link serviceControlPolicyJson}, optionally deployed with `organizationTargetIds`).
 *
 * **Bedrock's service roles and the private path (SCP only).** The SCP applies to every role of
 * the accounts it targets, including the service roles Bedrock assumes for knowledge-base
 * ingestion, agents, batch inference and model customization. Bedrock's calls with those roles
 * come from AWS's network, not through the platform's VPC endpoints, and do not all carry
 * `aws:ViaAWSService`, so the private-path denies would break them. The SCP therefore leaves out of
 * the two private-path denies (and only those) the principals whose `aws:PrincipalArn` matches
 * `arn:<partition>:iam::*:role/bedrock-platform-service/*`: roles on the reserved path
 * {@link PLATFORM_SERVICE_ROLE_PATH}. For a session of an assumed role, `aws:PrincipalArn` is the
 * role's ARN, path included, never the session's; the match is case-sensitive and anchored on
 * `role/bedrock-platform-service/`, so a role on `/bedrock-platform-service-x/` or
 * `/x/bedrock-platform-service/` is not exempt.
 *
 * The exemption cannot be borrowed, because:
 * - a {@link PlatformServiceRole} trusts only `bedrock.amazonaws.com`, with `aws:SourceAccount` this
 *   account and `aws:SourceArn` this account's Bedrock resources: no person or workload can assume it;
 * - the SCP denies everyone except `scpExemptPrincipalArns` (e.g. the CloudFormation execution role)
 *   `iam:CreateRole` on that path, and every call that changes the trust, permissions (inline,
 *   attached, boundary, managed-policy versions on the path), or tags of a role on it, so nobody can
 *   make a role there, or re-trust an existing one, to assume it themselves;
 * - it also denies them `sts:AssumeRole` on the path, so even a role deployed there with a broader
 *   trust stays out of reach of the organization's principals (Bedrock itself is not subject to SCPs).
 *
 * The guardrail deny still applies to service roles (exempt the embedding models a knowledge base
 * calls with `guardrailExemptModels`), and so does data residency: a service role has no reason to
 * call Bedrock outside the allowed Regions, and cross-Region inference profiles of the allowed
 * geography pass for it as for anyone. The identity-policy form has neither the exemption nor the
 * IAM deny: it is attached only to the roles of people and applications. Whoever can deploy through
 * an exempt principal can create service roles: review what the deployment role deploys.
 */
export class BedrockEnforcement extends BedrockEnforcementBase {
  /**
   * An enforcement created elsewhere (another stack, another team's deployment), to put roles
   * under: `enforceOn(role)` and the `enforcement` prop of persona roles attach its managed policy
   * by ARN. Its statements are not known here, so the persona-conflict warning does not consider it
   * (its denies are conditional and never cancel a persona anyway).
   */
  public static fromEnforcementAttributes(scope: Construct, id: string, attrs: BedrockEnforcementAttributes): IBedrockEnforcement {
    return new ImportedBedrockEnforcement(scope, id, attrs);
  }

  /** The managed policy holding the enforcement denies. */
  public readonly managedPolicy: iam.ManagedPolicy;
  public readonly managedPolicyArn: string;
  public readonly requiredVpcEndpointIds?: readonly string[];
  /** The SCP in AWS Organizations, when `organizationTargetIds` was given. */
  public readonly organizationPolicy?: organizations.CfnPolicy;
  /** The guardrail every invocation must name, when `requireGuardrail` was given. */
  public readonly requiredGuardrail?: GuardrailReference;
  protected readonly enforcementPolicy: iam.IManagedPolicy;
  private readonly statements: iam.PolicyStatement[];
  private readonly inputs: EnforcementInputs;
  private readonly exemptPrincipalArns: readonly string[];
  private readonly privatePathExemptPrincipalArns: readonly string[];

  constructor(scope: Construct, id: string, props: BedrockEnforcementProps) {
    super(scope, id);
    requireProps(this, props, 'Pass the switches to turn on: requireGuardrail, requirePrivatePath or dataResidency.');
    const inputs = this.validate(props);
    this.inputs = inputs;
    this.requiredGuardrail = props.requireGuardrail;
    this.requiredVpcEndpointIds = inputs.privatePath?.vpcEndpointIds;
    const statements = enforcementStatements(inputs);
    if (statements.length === 0) {
      throw new PlatformValidationError(this, 'props', {}, 'Turn on at least one switch: requireGuardrail, requirePrivatePath or dataResidency.');
    }
    this.statements = statements.map((s) => iam.PolicyStatement.fromJson(s));
    this.managedPolicy = new iam.ManagedPolicy(this, 'Policy', { description: 'Bedrock enforcement: platform guardrail, private endpoints and allowed Regions', statements: this.statements });
    this.enforcementPolicy = this.managedPolicy;
    this.managedPolicyArn = this.managedPolicy.managedPolicyArn;

    this.exemptPrincipalArns = requireStrings(this, 'scpExemptPrincipalArns', props.scpExemptPrincipalArns, /^arn:aws[a-z-]*:(iam|sts)::(\d{12}|\*):[\w+=,.@/*-]+$/, 'an IAM principal ARN or ARN pattern such as arn:aws:iam::*:role/BreakGlass');
    this.privatePathExemptPrincipalArns = requireStrings(this, 'privatePathExemptPrincipalArns', props.privatePathExemptPrincipalArns, /^arn:aws[a-z-]*:(iam|sts)::(\d{12}|\*):[\w+=,.@/*-]+$/, 'an IAM principal ARN or ARN pattern such as arn:aws:iam::*:role/IngestionScheduler');
    if (this.privatePathExemptPrincipalArns.length > 0 && !props.requirePrivatePath) {
      throw new PlatformValidationError(this, 'privatePathExemptPrincipalArns', this.privatePathExemptPrincipalArns, 'It exempts from the private-path denies, and requirePrivatePath is not set.');
    }
    // Early feedback when the inputs are literal; the synth-time check below sees the final document.
    const early = this.sizeProblem();
    if (early && !/\{"(Ref|Fn::[A-Za-z]+)":/.test(JSON.stringify(Stack.of(this).resolve(this.serviceControlPolicyDocument)))) {
      throw new PlatformValidationError(this, 'props', `${early.size} characters`, early.message);
    }
    this.node.addValidation({
      validate: () => {
        const problems: string[] = [];
        const scp = this.sizeProblem();
        if (scp) problems.push(`${this.node.path}: the Service Control Policy renders to ${scp.size} characters. ${scp.message}`);
        const size = renderedCharacters(this, this.managedPolicy.document);
        if (size > MANAGED_POLICY_MAX_CHARACTERS) {
          problems.push(`${this.node.path}: the enforcement's managed policy renders to ${size} characters, more than the ${MANAGED_POLICY_MAX_CHARACTERS} IAM allows (white space not counted): list fewer endpoints, Regions or exempt models, or split the switches across two BedrockEnforcement constructs.`);
        }
        return problems;
      },
    });
    if (props.organizationTargetIds !== undefined) {
      requireNonEmpty(this, 'organizationTargetIds', requireList(this, 'organizationTargetIds', props.organizationTargetIds), 'List at least one root, OU or account ID, or leave the prop out.');
      const targets = requireStrings(this, 'organizationTargetIds', props.organizationTargetIds, /^(r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/, 'a root (r-...), OU (ou-...-...) or 12-digit account ID');
      const name = props.scpName ?? `bedrock-platform-${Stack.of(this).stackName}`.slice(0, 128);
      requirePattern(this, 'scpName', requireString(this, 'scpName', name, 'a policy name'), /^[\s\S]{1,128}$/, 'a policy name of 1 to 128 characters');
      // Policy names are unique in the organization: one app deploys to one organization.
      if (!Token.isUnresolved(name)) claimName(this, 'scpName', name, `scp:${name}`, `The Service Control Policy name '${name}'`);
      this.organizationPolicy = new organizations.CfnPolicy(this, 'ServiceControlPolicy', {
        name,
        description: 'Bedrock platform enforcement: guardrail, private endpoints, allowed Regions',
        type: 'SERVICE_CONTROL_POLICY',
        // Rendered at synth: switches' inputs that grow later (a Lazy list of endpoints) are included.
        content: Lazy.any({ produce: () => this.serviceControlPolicyDocument }),
        targetIds: [...targets],
      });
    } else if (props.scpName !== undefined) {
      throw new PlatformValidationError(this, 'scpName', props.scpName, 'Only meaningful with organizationTargetIds (the SCP is created in AWS Organizations only then).');
    }
  }

  /**
   * The SCP document, computed when read from the switches' current inputs (list tokens such as the
   * private link's `bedrockEndpointIds` render their final value at synth). May hold tokens until
   * deployment when inputs are tokens.
   */
  public get serviceControlPolicyDocument(): { Version: string; Statement: StatementJson[] } {
    return { Version: '2012-10-17', Statement: serviceControlStatements(enforcementStatements(this.inputs), this.exemptPrincipalArns, this.inputs.partition, this.privatePathExemptPrincipalArns) };
  }

  /**
   * The SCP as minified JSON, ready to write to a file for AWS Organizations. Throws if an input is
   * still a token (e.g. a guardrail version created in this app): use `organizationTargetIds`, or
   * pass literal values, in that case.
   */
  public serviceControlPolicyJson(): string {
    const json = this.resolvedScpJson();
    if (json === undefined) {
      throw new Error(`${this.node.path}: the Service Control Policy holds values known only at deployment (tokens); pass literal ARNs and IDs, or deploy it with organizationTargetIds.`);
    }
    return json;
  }

  /** The policy's statements (all explicit denies), in order. */
  public get policyStatements(): iam.PolicyStatement[] {
    return [...this.statements];
  }

  protected knownStatements(): readonly iam.PolicyStatement[] {
    return this.statements;
  }

  /** The SCP's size against the AWS Organizations quota, intrinsics estimated (see policy-size.ts). */
  private sizeProblem(): { size: number; message: string } | undefined {
    // Counted in bytes of the minified JSON: Organizations' quota is stated in characters and enforced in bytes.
    const size = renderedCharacters(this, this.serviceControlPolicyDocument, true);
    if (size <= SCP_MAX_CHARACTERS) return undefined;
    return {
      size,
      message: `The Service Control Policy would exceed the ${SCP_MAX_CHARACTERS}-character limit of AWS Organizations: list fewer endpoints, Regions, exempt models or principals, or split the switches across two BedrockEnforcement constructs.`,
    };
  }

  private resolvedScpJson(): string | undefined {
    const resolved = Stack.of(this).resolve(this.serviceControlPolicyDocument);
    const json = JSON.stringify(resolved);
    // Intrinsics survive resolution as objects ({"Ref": ...}, {"Fn::...": ...}).
    return /\{"(Ref|Fn::[A-Za-z]+)":/.test(json) ? undefined : json;
  }

  private validate(props: BedrockEnforcementProps): EnforcementInputs {
    const stack = Stack.of(this);
    const additional = requireAdditionalRegions(this, 'additionalRegions', props.additionalRegions);
    let guardrail: EnforcementInputs['guardrail'];
    if (props.requireGuardrail) {
      const g = validateGuardrail(this, 'requireGuardrail', props.requireGuardrail);
      const exempt = requireModels(this, 'guardrailExemptModels', requireList(this, 'guardrailExemptModels', props.guardrailExemptModels), {
        kinds: [BedrockModelKind.FOUNDATION_MODEL],
        reason: 'the deny names foundation models, in every Region',
        allowRegion: false,
      });
      guardrail = { identifier: guardrailIdentifier(g), exemptModelIds: [...new Set(exempt.map((m) => m.identifier))] };
    } else if (requireList(this, 'guardrailExemptModels', props.guardrailExemptModels).length > 0) {
      throw new PlatformValidationError(this, 'guardrailExemptModels', props.guardrailExemptModels!.map(String), 'Only meaningful with requireGuardrail.');
    }

    let privatePath: EnforcementInputs['privatePath'];
    if (props.requirePrivatePath) {
      const o = requireProps(this, props.requirePrivatePath, 'Pass the VPC endpoint IDs: { vpcEndpointIds: [...] }.');
      // May be a token list: BedrockPlatform passes its endpoints' IDs rendered at synth (aws:SourceVpce).
      const ids = requireStrings(this, 'requirePrivatePath.vpcEndpointIds', o.vpcEndpointIds, VPC_ENDPOINT_ID_PATTERN, 'a VPC endpoint ID such as vpce-0123456789abcdef0', true);
      requireNonEmpty(this, 'requirePrivatePath.vpcEndpointIds', o.vpcEndpointIds === undefined ? [] : ids, 'List the platform Bedrock endpoint IDs (vpce-...).');
      const regions = requireRegions(this, 'requirePrivatePath.regions', o.regions ?? [stack.region], additional, 'additionalRegions');
      if (o.scope !== undefined && !Object.values(PrivatePathScope).includes(o.scope)) {
        throw new PlatformValidationError(this, 'requirePrivatePath.scope', o.scope, `Allowed values: ${Object.values(PrivatePathScope).join(', ')}.`);
      }
      privatePath = { vpcEndpointIds: ids, regions, scope: o.scope ?? PrivatePathScope.ALL_BEDROCK };
    }

    let residency: EnforcementInputs['residency'];
    if (props.dataResidency) {
      const o = requireProps(this, props.dataResidency, 'Pass the allowed Regions: { allowedRegions: [...] }.');
      const allowed = requireRegions(this, 'dataResidency.allowedRegions', o.allowedRegions, additional, 'additionalRegions');
      requireNonEmpty(this, 'dataResidency.allowedRegions', o.allowedRegions === undefined ? [] : allowed, 'List at least one allowed Region.');
      const appProfiles = requireStrings(this, 'dataResidency.applicationInferenceProfileArns', o.applicationInferenceProfileArns, APPLICATION_PROFILE_ARN_PATTERN, 'an application inference profile ARN');
      const concrete = allowed.filter((r) => isResolved(r));
      if (Token.isUnresolved(allowed) || concrete.length !== allowed.length) {
        throw new PlatformValidationError(this, 'dataResidency.allowedRegions', '(token)', 'Name the allowed Regions literally: the geography of each decides which profiles stay usable.');
      }
      let profileSources: Array<{ region: string; geography: InferenceGeography }>;
      if (o.geographies !== undefined) {
        const geographies = requireList(this, 'dataResidency.geographies', o.geographies);
        geographies.forEach((g, i) => {
          if (!ALL_GEOGRAPHIES.includes(g)) throw new PlatformValidationError(this, `dataResidency.geographies[${i}]`, g, `Allowed values: ${ALL_GEOGRAPHIES.join(', ')}.`);
          if (!allowed.some((r) => GEOGRAPHY_REGIONS[g].includes(r))) {
            throw new PlatformValidationError(this, `dataResidency.geographies[${i}]`, g, `A ${g}. profile can only be called from a Region of its geography (${GEOGRAPHY_REGIONS[g].join(', ')}); none of them is allowed.`);
          }
        });
        profileSources = geographies.flatMap((g) => allowed.filter((r) => GEOGRAPHY_REGIONS[g].includes(r)).map((r) => ({ region: r, geography: g })));
      } else {
        profileSources = allowed.flatMap((r) => {
          const g = narrowestGeographyOf(r);
          return g ? [{ region: r, geography: g }] : [];
        });
      }
      residency = { allowedRegions: allowed, profileSources, applicationInferenceProfileArns: appProfiles };
    }
    // The SCP must be literal: take the partition from the Region when the stack's is still a token.
    const partition = Token.isUnresolved(stack.partition) && !Token.isUnresolved(stack.region) ? (RegionInfo.get(stack.region).partition ?? stack.partition) : stack.partition;
    return { partition, guardrail, privatePath, residency };
  }
}

/** An enforcement created elsewhere: its managed policy, by ARN. */
class ImportedBedrockEnforcement extends BedrockEnforcementBase {
  public readonly managedPolicyArn: string;
  public readonly requiredGuardrail?: GuardrailReference;
  public readonly requiredVpcEndpointIds?: readonly string[];
  protected readonly enforcementPolicy: iam.IManagedPolicy;

  constructor(scope: Construct, id: string, attrs: BedrockEnforcementAttributes) {
    super(scope, id);
    requireProps(this, attrs, 'Pass the attributes: { managedPolicyArn }.');
    requireString(this, 'managedPolicyArn', attrs.managedPolicyArn, 'a customer-managed policy ARN');
    const arn = requirePattern(this, 'managedPolicyArn', attrs.managedPolicyArn, MANAGED_POLICY_ARN_PATTERN, 'a customer-managed policy ARN such as arn:aws:iam::123456789012:policy/bedrock-enforcement');
    const account = Stack.of(this).account;
    const policyAccount = isResolved(arn) ? arn.split(':')[4] : undefined;
    if (policyAccount !== undefined && isResolved(account) && policyAccount !== account) {
      throw new PlatformValidationError(this, 'managedPolicyArn', arn, `The policy is in account ${policyAccount} and this stack deploys to ${account}: IAM attaches a managed policy to roles of its own account only. Create a BedrockEnforcement in ${account} (the SCP covers every account of the organization).`);
    }
    this.managedPolicyArn = arn;
    this.requiredGuardrail = attrs.requiredGuardrail && validateGuardrail(this, 'requiredGuardrail', attrs.requiredGuardrail);
    this.requiredVpcEndpointIds = attrs.requiredVpcEndpointIds && requireStrings(this, 'requiredVpcEndpointIds', attrs.requiredVpcEndpointIds, VPC_ENDPOINT_ID_PATTERN, 'a VPC endpoint ID such as vpce-0123456789abcdef0');
    this.enforcementPolicy = iam.ManagedPolicy.fromManagedPolicyArn(this, 'Policy', arn);
  }

  protected knownStatements(): undefined {
    return undefined;
  }
}
