import { CfnStackSet, Lazy, Stack, Stage, Token } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { isResolved, optionalBoolean, optionalString, requireOneOf } from '../core/validate';
import { requireAdditionalRegions, requireList, requireProps, requireRegions, requireStrings } from '../identity/input-checks';
import { StackSetSynthesizer } from './stack-set-synthesizer';

/** Largest `TemplateBody` CloudFormation accepts for a stack set, in bytes (CreateStackSet API reference). */
export const STACK_SET_TEMPLATE_BODY_MAX_BYTES = 51_200;
/** Largest template a `TemplateURL` may point to, in bytes ("max size: 1 MB", AWS::CloudFormation::StackSet reference). */
export const STACK_SET_TEMPLATE_URL_MAX_BYTES = 1_048_576;

/** An organizational unit (`ou-xxxx-xxxxxxxx`) or the root (`r-xxxx`) of an organization (AWS Organizations ID formats). */
export const ORGANIZATION_TARGET_PATTERN = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;

/** Who the stack set is created as (CallAs). */
export enum StackSetCallAs {
  /** The organization's management account. */
  SELF = 'SELF',
  /** A delegated administrator account for StackSets (registered in the management account). */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/** How the template reaches CloudFormation. */
export enum StackSetTemplateDelivery {
  /** Inline (`TemplateBody`), at most 51,200 bytes of minified JSON. */
  BODY = 'BODY',
  /**
   * An S3 asset (`TemplateURL`), up to 1 MB: published to the bootstrap bucket of the account and
   * Region that holds the stack set. CloudFormation reads it there once per operation, with the
   * deploying role's access (the bootstrap's CloudFormation execution role can); the target accounts
   * receive the template from StackSets and never read that bucket.
   */
  S3_ASSET = 'S3_ASSET',
}

/** How the Regions of one operation run. */
export enum RegionConcurrency {
  /** One Region after the other: a template that fails stops in the first Region. */
  SEQUENTIAL = 'SEQUENTIAL',
  /** All Regions at once. */
  PARALLEL = 'PARALLEL',
}

/** How fast a stack set operation rolls out, and when it stops. Give a count or a percentage of each, not both. */
export interface StackSetOperationPreferences {
  /** Accounts per Region deployed at once. @default 25 percent (`maxConcurrentPercentage`) */
  readonly maxConcurrentCount?: number;
  /** Accounts per Region deployed at once, in percent (rounded down, at least 1). @default 25 */
  readonly maxConcurrentPercentage?: number;
  /** Failed accounts per Region tolerated before the operation stops in that Region. @default 10 percent (`failureTolerancePercentage`) */
  readonly failureToleranceCount?: number;
  /** Failed accounts per Region tolerated, in percent (rounded down). @default 10 */
  readonly failureTolerancePercentage?: number;
  /** @default RegionConcurrency.SEQUENTIAL */
  readonly regionConcurrency?: RegionConcurrency;
  /**
   * Regions in the order to deploy them (SEQUENTIAL).
   * @default the order of `regions`
   */
  readonly regionOrder?: string[];
}

/** Properties of a {@link BaselineStackSet}. */
export interface BaselineStackSetProps {
  /**
   * The template: an environment-agnostic stack in another Stage (usually a {@link PlatformBaselineStack};
   * any stack synthesized by a {@link StackSetSynthesizer}).
   */
  readonly baseline: Stack;
  /** Organizational units (`ou-xxxx-xxxxxxxx`) or the root (`r-xxxx`) whose accounts get the baseline, now and when they join. */
  readonly organizationalUnitIds: string[];
  /** Regions to deploy to in every account. */
  readonly regions: string[];
  /** Regions newer than aws-cdk-lib's region facts, accepted in `regions` on your word. @default none */
  readonly additionalRegions?: string[];
  /**
   * Name of the stack set: unique per Region of the administrator account; letters, digits and `-`,
   * starting with a letter, at most 128 characters.
   * @default the baseline stack's name
   */
  readonly stackSetName?: string;
  /** @default 'Bedrock platform governance baseline' */
  readonly description?: string;
  /**
   * Create the stack set as the management account (SELF) or as a delegated administrator of
   * StackSets (DELEGATED_ADMIN, for a stack deployed in that account).
   * @default StackSetCallAs.SELF
   */
  readonly callAs?: StackSetCallAs;
  /** @default 25% of accounts at once, 10% failure tolerance, Regions one after the other */
  readonly operationPreferences?: StackSetOperationPreferences;
  /**
   * Keep an account's stack (as a stack outside the stack set) when the account leaves the targeted
   * OUs. True by default: the baseline holds the audit evidence and controls (trail, logs, keys,
   * Config rules) that must outlive a reorganization or an account's way out of the organization; its
   * buckets, logs and keys are retained anyway, and deleting the rest would silently switch off
   * governance of an account that may still hold data. Set false only for sandboxes.
   * @default true
   */
  readonly retainStacksOnAccountRemoval?: boolean;
  /** @default StackSetTemplateDelivery.BODY */
  readonly templateDelivery?: StackSetTemplateDelivery;
  /** Values of the template's parameters. @default none */
  readonly parameters?: Record<string, string>;
}

const STACK_SET_NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,127}$/;

/**
 * The account-wide baseline rolled out by CloudFormation StackSets (AWS::CloudFormation::StackSet)
 * to every account of some organizational units, in some Regions: service-managed permissions
 * (StackSets creates its roles through AWS Organizations trusted access), automatic deployment to
 * accounts that join the OUs, managed execution (non-conflicting operations run concurrently,
 * conflicting ones queue).
 *
 * Deploy the stack holding it in the organization's management account, or in a delegated
 * administrator account for StackSets with `callAs: DELEGATED_ADMIN`. StackSets does not deploy
 * service-managed stack sets to the management account itself.
 *
 * The template is the baseline stack's synthesized template, read at synth time: inline
 * (`TemplateBody`, checked against the 51,200-byte limit) or as an S3 asset (`TemplateURL`).
 * Lambda-backed parts need their code in per-Region buckets the organization can read: see
 * {@link StackSetSynthesizer}.
 */
export class BaselineStackSet extends Construct {
  /** The stack set. */
  public readonly stackSet: CfnStackSet;
  /** ID of the stack set (`name:uuid`). */
  public readonly stackSetId: string;
  public readonly organizationalUnitIds: readonly string[];
  public readonly regions: readonly string[];
  /** The template asset, with `StackSetTemplateDelivery.S3_ASSET`. */
  public readonly templateAsset?: s3assets.Asset;
  private readonly baseline: Stack;

  constructor(scope: Construct, id: string, props: BaselineStackSetProps) {
    super(scope, id);
    props = requireProps(this, props, 'Pass { baseline, organizationalUnitIds, regions }.');
    const baseline = props.baseline;
    if (!(baseline instanceof Stack)) throw new PlatformValidationError(this, 'baseline', typeof baseline, 'Must be a Stack (e.g. a PlatformBaselineStack) in a Stage of its own.');
    this.baseline = baseline;
    const stage = Stage.of(baseline);
    if (!stage || stage === Stage.of(this)) {
      throw new PlatformValidationError(this, 'baseline', baseline.node.path, 'Build the baseline in a Stage of its own (new Stage(app, \'Baseline\')): a stack of this Stage would also be deployed on its own, to this account.');
    }
    if (!(baseline.synthesizer instanceof StackSetSynthesizer)) {
      throw new PlatformValidationError(this, 'baseline', baseline.node.path, 'Synthesize it with a StackSetSynthesizer (PlatformBaselineStack does): the default synthesizer adds a bootstrap-version check that fails in accounts that are not CDK-bootstrapped, and puts assets where target accounts cannot read them.');
    }
    if (isResolved(baseline.account)) {
      throw new PlatformValidationError(this, 'baseline', `${baseline.node.path} (account ${baseline.account})`, 'The baseline deploys to every account of the OUs: leave its env account unset.');
    }

    const ous = requireStrings(this, 'organizationalUnitIds', requireList(this, 'organizationalUnitIds', props.organizationalUnitIds), ORGANIZATION_TARGET_PATTERN, 'an organizational unit ID (ou-xxxx-xxxxxxxx) or root ID (r-xxxx)');
    if (ous.length === 0) throw new PlatformValidationError(this, 'organizationalUnitIds', [], 'List at least one organizational unit or the root.');
    const additional = requireAdditionalRegions(this, 'additionalRegions', props.additionalRegions);
    const regions = requireRegions(this, 'regions', requireList(this, 'regions', props.regions), additional, 'additionalRegions');
    if (regions.length === 0) throw new PlatformValidationError(this, 'regions', [], 'List at least one Region.');
    if (isResolved(baseline.region) && (regions.length !== 1 || regions[0] !== baseline.region)) {
      throw new PlatformValidationError(this, 'regions', regions, `The baseline stack is bound to ${baseline.region}: leave its env Region unset to deploy it to several Regions.`);
    }
    this.organizationalUnitIds = ous;
    this.regions = regions;

    const name = props.stackSetName ?? baseline.stackName;
    if (!Token.isUnresolved(name) && !STACK_SET_NAME.test(name)) {
      throw new PlatformValidationError(this, 'stackSetName', name, 'Must start with a letter and hold only letters, digits and hyphens, at most 128 characters.');
    }
    const description = optionalString(this, 'description', props.description, 1024) ?? 'Bedrock platform governance baseline';
    const callAs = requireOneOf(this, 'callAs', props.callAs ?? StackSetCallAs.SELF, Object.values(StackSetCallAs));
    const retain = optionalBoolean(this, 'retainStacksOnAccountRemoval', props.retainStacksOnAccountRemoval) ?? true;
    const delivery = requireOneOf(this, 'templateDelivery', props.templateDelivery ?? StackSetTemplateDelivery.BODY, Object.values(StackSetTemplateDelivery));
    const preferences = this.operationPreferences(props.operationPreferences, regions);
    const parameters = this.parameters(props.parameters);

    let templateSource: { templateBody: string } | { templateUrl: string };
    if (delivery === StackSetTemplateDelivery.S3_ASSET) {
      // The asset needs the file now: the baseline's Stage is synthesized here, so finish it first.
      const artifact = stage.synth().getStackArtifact(baseline.artifactId);
      this.templateAsset = new s3assets.Asset(this, 'Template', { path: artifact.templateFullPath });
      templateSource = { templateUrl: this.templateAsset.httpUrl };
    } else {
      templateSource = { templateBody: Lazy.string({ produce: () => JSON.stringify(this.template()) }) };
    }

    this.stackSet = new CfnStackSet(this, 'Resource', {
      stackSetName: name,
      description,
      permissionModel: 'SERVICE_MANAGED',
      callAs,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: retain },
      managedExecution: { Active: true },
      capabilities: Lazy.list({ produce: () => capabilitiesOf(this.template()) }, { omitEmpty: true }),
      operationPreferences: preferences,
      parameters,
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: [...ous] }, regions: [...regions] }],
      ...templateSource,
    });
    this.stackSetId = this.stackSet.attrStackSetId;

    this.node.addValidation({
      validate: () => {
        const size = this.templateBytes();
        const max = delivery === StackSetTemplateDelivery.BODY ? STACK_SET_TEMPLATE_BODY_MAX_BYTES : STACK_SET_TEMPLATE_URL_MAX_BYTES;
        if (size <= max) return [];
        return [
          delivery === StackSetTemplateDelivery.BODY
            ? `${this.node.path}: the baseline template (${baseline.node.path}) is ${size} bytes of minified JSON, more than the ${max} bytes CloudFormation accepts as a stack set's TemplateBody: use templateDelivery: StackSetTemplateDelivery.S3_ASSET (up to ${STACK_SET_TEMPLATE_URL_MAX_BYTES} bytes), or move parts to a second stack set.`
            : `${this.node.path}: the baseline template (${baseline.node.path}) is ${size} bytes, more than the ${max} bytes of a stack set's TemplateURL: split the baseline into two stack sets.`,
        ];
      },
    });
  }

  /** The baseline's synthesized template (its Stage is synthesized on first use, once). */
  public template(): Record<string, unknown> {
    return Stage.of(this.baseline)!.synth().getStackArtifact(this.baseline.artifactId).template;
  }

  /** Size in bytes of the template as sent (minified JSON). */
  public templateBytes(): number {
    return Buffer.byteLength(JSON.stringify(this.template()), 'utf8');
  }

  private operationPreferences(given: StackSetOperationPreferences | undefined, regions: readonly string[]): CfnStackSet.OperationPreferencesProperty {
    const p = requireProps(this, given ?? {}, 'Pass { maxConcurrentPercentage, failureTolerancePercentage, ... }.');
    const both = (a: keyof StackSetOperationPreferences, b: keyof StackSetOperationPreferences) => {
      if (p[a] !== undefined && p[b] !== undefined) throw new PlatformValidationError(this, `operationPreferences.${b}`, p[b], `Give ${a} or ${b}, not both.`);
    };
    both('maxConcurrentCount', 'maxConcurrentPercentage');
    both('failureToleranceCount', 'failureTolerancePercentage');
    const int = (prop: keyof StackSetOperationPreferences, min: number, max: number): number | undefined => {
      const v = p[prop] as number | undefined;
      if (v === undefined || Token.isUnresolved(v)) return v;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        throw new PlatformValidationError(this, `operationPreferences.${prop}`, v, `Must be a whole number from ${min} to ${max}.`);
      }
      return v;
    };
    const maxCount = int('maxConcurrentCount', 1, 10_000);
    const maxPercent = int('maxConcurrentPercentage', 1, 100);
    const failCount = int('failureToleranceCount', 0, 10_000);
    const failPercent = int('failureTolerancePercentage', 0, 100);
    // CloudFormation: MaxConcurrentCount is at most one more than FailureToleranceCount (strict failure tolerance).
    if (maxCount !== undefined && failCount !== undefined && isResolved(maxCount) && isResolved(failCount) && maxCount > failCount + 1) {
      throw new PlatformValidationError(this, 'operationPreferences.maxConcurrentCount', maxCount, `Must be at most failureToleranceCount + 1 (${failCount + 1}): CloudFormation refuses more concurrent accounts than tolerated failures plus one.`);
    }
    const regionConcurrency = requireOneOf(this, 'operationPreferences.regionConcurrency', p.regionConcurrency ?? RegionConcurrency.SEQUENTIAL, Object.values(RegionConcurrency));
    let regionOrder: string[] | undefined;
    if (p.regionOrder !== undefined) {
      const order = requireList(this, 'operationPreferences.regionOrder', p.regionOrder, { duplicates: 'refuse' });
      order.forEach((r, i) => {
        if (!regions.includes(r)) throw new PlatformValidationError(this, `operationPreferences.regionOrder[${i}]`, r, `Must be one of the stack set's regions (${regions.join(', ')}).`);
      });
      regionOrder = [...order];
    }
    return {
      ...(maxCount !== undefined ? { maxConcurrentCount: maxCount } : { maxConcurrentPercentage: maxPercent ?? 25 }),
      ...(failCount !== undefined ? { failureToleranceCount: failCount } : { failureTolerancePercentage: failPercent ?? 10 }),
      regionConcurrencyType: regionConcurrency,
      regionOrder: regionOrder ?? (regionConcurrency === RegionConcurrency.SEQUENTIAL ? [...regions] : undefined),
    };
  }

  private parameters(given: Record<string, string> | undefined): CfnStackSet.ParameterProperty[] | undefined {
    if (given === undefined) return undefined;
    if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new PlatformValidationError(this, 'parameters', given, 'Must be an object of parameter names and values.');
    return Object.entries(given).map(([key, value]) => {
      if (!/^[a-zA-Z0-9]{1,255}$/.test(key)) throw new PlatformValidationError(this, `parameters.${key}`, key, 'A CloudFormation parameter name holds letters and digits only.');
      if (typeof value !== 'string') throw new PlatformValidationError(this, `parameters.${key}`, value, 'Must be a string.');
      return { parameterKey: key, parameterValue: value };
    });
  }
}

/** The capabilities a template needs: IAM resources (named ones too) and macros. */
function capabilitiesOf(template: Record<string, unknown>): string[] {
  const resources = Object.values((template.Resources ?? {}) as Record<string, { Type?: string; Properties?: Record<string, unknown> }>);
  const iam = resources.filter((r) => r.Type?.startsWith('AWS::IAM::'));
  const named = iam.some((r) => ['RoleName', 'ManagedPolicyName', 'GroupName', 'UserName', 'InstanceProfileName'].some((k) => r.Properties?.[k] !== undefined));
  return [
    ...(iam.length > 0 ? ['CAPABILITY_IAM'] : []),
    ...(named ? ['CAPABILITY_NAMED_IAM'] : []),
    ...(template.Transform !== undefined ? ['CAPABILITY_AUTO_EXPAND'] : []),
  ];
}
