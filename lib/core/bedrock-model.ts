import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PlatformValidationError } from './errors';
import { GEOGRAPHY_REGIONS, GLOBAL_PROFILE_PREFIX, InferenceGeography, geographyOfProfileId } from './inference-geographies';
import { isResolved, requirePattern } from './validate';

/*
 * The ONE model reference of the library: what the VPC endpoint policies (network), the persona and
 * enforcement policies (identity) and the operator's provisioned throughput take, so that one list
 * of models means the same thing everywhere. One parser (`BedrockModel.parse`), one validation
 * (`BedrockModel.validate` / `requireModels`), one ARN builder (`bedrockArn`) and one function that
 * says which ARNs a model's invocation is authorized against (`modelInvocationResources`).
 *
 * Bedrock ARN shapes (Service Authorization Reference, "Resource types defined by Amazon Bedrock"):
 * a foundation model has no account (`arn:aws:bedrock:REGION::foundation-model/ID`); inference
 * profiles, provisioned, custom and imported models and deployments carry the account.
 */

/** A Region code such as `us-east-1` or `us-gov-west-1`. */
// Partition prefixes are 2 to 4 letters (`us`, `cn`, `eusc` for the European Sovereign Cloud), then
// words (`gov`, `isob`, `de`, `east`) and the number: the shape of every Region in aws-cdk-lib's facts.
export const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+)+-\d$/;

/** What a {@link BedrockModel} names. */
export enum BedrockModelKind {
  /** A foundation model invoked on demand in one Region, by model ID (`amazon.nova-lite-v1:0`). */
  FOUNDATION_MODEL = 'foundation-model',
  /** A system-defined cross-Region inference profile: geographic (`us.`, `eu.`, ...) or global (`global.`). */
  CROSS_REGION_PROFILE = 'inference-profile',
  /** An application inference profile of an account, by ARN. */
  APPLICATION_INFERENCE_PROFILE = 'application-inference-profile',
  /** A provisioned model (Provisioned Throughput), by ARN. */
  PROVISIONED_MODEL = 'provisioned-model',
  /** A custom (fine-tuned, distilled) model, by ARN: invoked through its provisioned throughput or a deployment. */
  CUSTOM_MODEL = 'custom-model',
  /** An imported model (Custom Model Import), by ARN. */
  IMPORTED_MODEL = 'imported-model',
  /** An on-demand deployment of a custom model, by ARN. */
  CUSTOM_MODEL_DEPLOYMENT = 'custom-model-deployment',
  /** A model of the `bedrock-mantle` (OpenAI-compatible) endpoint, matched with `bedrock-mantle:Model`. */
  MANTLE_MODEL = 'mantle-model',
}

const KIND_NAMES: Record<BedrockModelKind, string> = {
  [BedrockModelKind.FOUNDATION_MODEL]: 'a foundation model',
  [BedrockModelKind.CROSS_REGION_PROFILE]: 'a cross-Region inference profile',
  [BedrockModelKind.APPLICATION_INFERENCE_PROFILE]: 'an application inference profile',
  [BedrockModelKind.PROVISIONED_MODEL]: 'a provisioned model',
  [BedrockModelKind.CUSTOM_MODEL]: 'a custom model',
  [BedrockModelKind.IMPORTED_MODEL]: 'an imported model',
  [BedrockModelKind.CUSTOM_MODEL_DEPLOYMENT]: 'a custom model deployment',
  [BedrockModelKind.MANTLE_MODEL]: 'a Mantle model',
};

/** Facts about a kind that explain why a consumer may refuse it. */
const KIND_HINTS: Partial<Record<BedrockModelKind, string>> = {
  [BedrockModelKind.CUSTOM_MODEL]: 'a custom model is invoked through its provisioned throughput or a custom model deployment: name that ARN instead',
  [BedrockModelKind.MANTLE_MODEL]: 'a Mantle model is reached through the bedrock-mantle endpoint with bedrock-mantle actions, not with bedrock:InvokeModel',
};

/** Every profile-ID prefix: the geographies (in the table's order) and `global`. */
const PROFILE_PREFIXES: readonly string[] = [...Object.keys(GEOGRAPHY_REGIONS), GLOBAL_PROFILE_PREFIX];
// Longest first, so that `us-gov.` is recognised before `us.`.
const PROFILE_PREFIXES_LONGEST_FIRST = [...PROFILE_PREFIXES].sort((a, b) => b.length - a.length);
const PREFIX_LIST = `${PROFILE_PREFIXES.slice(0, -1)
  .map((p) => `'${p}.'`)
  .join(', ')} or '${GLOBAL_PROFILE_PREFIX}.'`;

// Provider prefix, then the model name. `*` is accepted by the pattern (endpoint policies take
// patterns such as `anthropic.claude-*`); `validate` refuses it where IAM grants need one model.
const MODEL_ID_BODY = '[a-z0-9-]+\\.[A-Za-z0-9*][A-Za-z0-9._:*-]*';
const MODEL_ID_PATTERN = new RegExp(`^${MODEL_ID_BODY}$`);
const PROFILE_ID_PATTERN = new RegExp(`^(${PROFILE_PREFIXES_LONGEST_FIRST.join('|')})\\.(${MODEL_ID_BODY})$`);
const MANTLE_MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
const accountArn = (type: string, id: string) => new RegExp(`^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\\d{12}:${type}\\/${id}$`);
const GENERATED_ID = '[a-z0-9*]+';
const MODEL_RESOURCE_ID = '[A-Za-z0-9*][A-Za-z0-9._:/*-]*';

type ArnKind =
  | BedrockModelKind.APPLICATION_INFERENCE_PROFILE
  | BedrockModelKind.PROVISIONED_MODEL
  | BedrockModelKind.CUSTOM_MODEL
  | BedrockModelKind.IMPORTED_MODEL
  | BedrockModelKind.CUSTOM_MODEL_DEPLOYMENT;

const ARN_FORMATS: Record<ArnKind, { pattern: RegExp; description: string }> = {
  [BedrockModelKind.APPLICATION_INFERENCE_PROFILE]: {
    pattern: accountArn('application-inference-profile', GENERATED_ID),
    description: 'an application inference profile ARN such as arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123',
  },
  [BedrockModelKind.PROVISIONED_MODEL]: {
    pattern: accountArn('provisioned-model', GENERATED_ID),
    description: 'a provisioned model ARN such as arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123',
  },
  [BedrockModelKind.CUSTOM_MODEL]: {
    pattern: accountArn('custom-model', MODEL_RESOURCE_ID),
    description: 'a custom model ARN such as arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.nova-lite-v1:0:300k/abc123',
  },
  [BedrockModelKind.IMPORTED_MODEL]: {
    pattern: accountArn('imported-model', MODEL_RESOURCE_ID),
    description: 'an imported model ARN such as arn:aws:bedrock:us-east-1:123456789012:imported-model/abc123',
  },
  [BedrockModelKind.CUSTOM_MODEL_DEPLOYMENT]: {
    pattern: accountArn('custom-model-deployment', MODEL_RESOURCE_ID),
    description: 'a custom model deployment ARN such as arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/abc123',
  },
};
const ARN_KINDS = Object.keys(ARN_FORMATS) as ArnKind[];

const FOUNDATION_MODEL_DESCRIPTION = "a model ID such as 'amazon.nova-lite-v1:0' (provider prefix required; a bare '*' would allow every model)";
const PROFILE_DESCRIPTION = `a cross-Region inference profile ID: a model ID prefixed with one of ${PREFIX_LIST}, such as 'us.amazon.nova-pro-v1:0'`;
const REGION_DESCRIPTION = "a Region code such as 'eu-west-1'";
/** What `parse` recognises, for the message when it recognises nothing. */
const ANY_MODEL_DESCRIPTION =
  `one of: a foundation model ID ('amazon.nova-lite-v1:0') or ARN; a cross-Region inference profile ID (prefix ${PREFIX_LIST}); ` +
  'the ARN of an application inference profile, provisioned model, custom model, imported model or custom model deployment (arn:aws:bedrock:<region>:<account>:<type>/<id>)';

/** Builds a Bedrock ARN in `scope`'s partition; `account` '' for foundation models, `region` '' for the Region-less form. */
export function bedrockArn(scope: IConstruct, region: string, account: string, resource: string): string {
  return `arn:${Stack.of(scope).partition}:bedrock:${region}:${account}:${resource}`;
}

/** ARN of a foundation model in `region` (a foundation-model ARN has no account; `''` is the Region-less form global profiles are authorized against). */
export function foundationModelArn(scope: IConstruct, modelId: string, region: string): string {
  return bedrockArn(scope, region, '', `foundation-model/${modelId}`);
}

/** Options of {@link BedrockModel.foundationModel}. */
export interface FoundationModelOptions {
  /**
   * Region the model is invoked in.
   * @default the stack's Region
   */
  readonly region?: string;
}

/** Options of {@link BedrockModel.crossRegionProfile}. */
export interface CrossRegionProfileOptions {
  /**
   * Regions AWS added to the profile's geography after this release: granted like the ones in
   * `GEOGRAPHY_REGIONS`. Geographic profiles only (a global profile routes to any Region).
   * @default none
   */
  readonly destinationRegions?: string[];
}

/** What a consumer of models accepts; see {@link BedrockModel.validate}. */
export interface ModelRequirements {
  /**
   * The kinds the consumer can use.
   * @default every kind
   */
  readonly kinds?: readonly BedrockModelKind[];
  /**
   * Whether `*` may appear in an ID or ARN (`anthropic.claude-*`). Only a VPC endpoint policy
   * takes patterns: an IAM grant names exact models.
   * @default false
   */
  readonly allowPatterns?: boolean;
  /**
   * Whether an application inference profile must name its source model (an IAM grant must also
   * allow the models the profile routes to).
   * @default false
   */
  readonly requireApplicationProfileSource?: boolean;
  /**
   * Whether a foundation model may name a Region of its own.
   * @default true
   */
  readonly allowRegion?: boolean;
  /**
   * Why the consumer takes only `kinds`, appended to the message.
   * @default none
   */
  readonly reason?: string;
}

interface ModelSpec {
  readonly kind?: BedrockModelKind;
  readonly identifier: string;
  readonly region?: string;
  readonly destinationRegions?: readonly string[];
  readonly source?: BedrockModel;
  /** Why `parse` could not classify the string. */
  readonly unrecognized?: string;
}

/**
 * A model applications may invoke: a foundation model in one Region, a cross-Region (geographic or
 * global) inference profile, an application inference profile, a provisioned, custom or imported
 * model, a custom model deployment, or a Mantle model. Build one with a factory, or from any ID or
 * ARN with {@link BedrockModel.parse}.
 *
 * Every consumer (`BedrockPrivateLink`, the invoker persona, `BedrockEnforcement`, the operator
 * persona, `BedrockPlatform`) validates it the same way and derives its ARNs with
 * {@link modelInvocationResources}. Converse and ConverseStream are authorized as `InvokeModel` /
 * `InvokeModelWithResponseStream`: there is no `bedrock:Converse` action.
 */
export class BedrockModel {
  /**
   * A foundation model invoked on demand in the stack's Region (or `options.region`).
   * @param modelId e.g. `amazon.titan-embed-text-v2:0`; `*` inside (`anthropic.claude-*`) only where patterns are accepted
   */
  public static foundationModel(modelId: string, options: FoundationModelOptions = {}): BedrockModel {
    return new BedrockModel({ kind: BedrockModelKind.FOUNDATION_MODEL, identifier: modelId, region: options.region });
  }

  /**
   * A system-defined cross-Region inference profile: geographic (`us.`, `eu.`, `apac.`, `jp.`,
   * `au.`, `ca.`, `us-gov.`) or global (`global.`).
   *
   * IAM authorizes a cross-Region request twice: on the profile in the Region it is called in, and
   * on the foundation model in the Region Bedrock routes it to. So a geographic profile grants the
   * profile in every Region of its geography (the application may call from any of them) and the
   * model in every Region of the geography, the model only through the profile
   * (`bedrock:InferenceProfileArn`). Granting the current Region alone is the classic trap: requests
   * fail whenever Bedrock routes them elsewhere. A global profile grants the profile in the stack's
   * Region, and, through it, the model there and the Region-less model ARN
   * (`arn:aws:bedrock:::foundation-model/<id>`) Bedrock authorizes globally routed requests against.
   * @param profileId e.g. `eu.anthropic.claude-sonnet-4-5-20250929-v1:0` or `global.anthropic.claude-sonnet-4-5-20250929-v1:0`
   */
  public static crossRegionProfile(profileId: string, options: CrossRegionProfileOptions = {}): BedrockModel {
    return new BedrockModel({ kind: BedrockModelKind.CROSS_REGION_PROFILE, identifier: profileId, destinationRegions: options.destinationRegions });
  }

  /**
   * An application inference profile (cost tracking, tagging), by ARN, copied from `source`: a
   * foundation model or a cross-Region profile. IAM policies grant the profile, and the source's
   * models only when reached through it; endpoint policies allow both. The invoker persona needs
   * `source`; an endpoint policy does without (list the source among the models then).
   */
  public static applicationInferenceProfile(profileArn: string, source?: BedrockModel): BedrockModel {
    return new BedrockModel({ kind: BedrockModelKind.APPLICATION_INFERENCE_PROFILE, identifier: profileArn, source });
  }

  /** A provisioned model (Provisioned Throughput), by ARN. */
  public static provisionedModel(provisionedModelArn: string): BedrockModel {
    return new BedrockModel({ kind: BedrockModelKind.PROVISIONED_MODEL, identifier: provisionedModelArn });
  }

  /** A custom model, by ARN: what provisioned throughput is bought for (invocations go through the provisioned model or a deployment). */
  public static customModel(customModelArn: string): BedrockModel {
    return new BedrockModel({ kind: BedrockModelKind.CUSTOM_MODEL, identifier: customModelArn });
  }

  /** An imported model (Custom Model Import), by ARN. */
  public static importedModel(importedModelArn: string): BedrockModel {
    return new BedrockModel({ kind: BedrockModelKind.IMPORTED_MODEL, identifier: importedModelArn });
  }

  /** An on-demand deployment of a custom model, by ARN. */
  public static customModelDeployment(deploymentArn: string): BedrockModel {
    return new BedrockModel({ kind: BedrockModelKind.CUSTOM_MODEL_DEPLOYMENT, identifier: deploymentArn });
  }

  /**
   * A model of the `bedrock-mantle` endpoint (OpenAI-compatible API), e.g. `openai.gpt-oss-120b`:
   * matched with the `bedrock-mantle:Model` condition key of the Mantle endpoint policy. Its IDs
   * look like foundation-model IDs, so {@link parse} never returns one: use this factory.
   */
  public static mantleModel(modelId: string): BedrockModel {
    return new BedrockModel({ kind: BedrockModelKind.MANTLE_MODEL, identifier: modelId });
  }

  /**
   * Classifies an ID or ARN:
   * - `arn:<partition>:bedrock:<region>::foundation-model/<id>`: a foundation model in that Region;
   * - `arn:...:application-inference-profile/...`, `provisioned-model/...`, `custom-model/...`,
   *   `imported-model/...`, `custom-model-deployment/...`: that kind;
   * - an ID starting with a geography prefix (`us.`, `eu.`, `apac.`, `jp.`, `au.`, `ca.`, `us-gov.`)
   *   or `global.`: a cross-Region inference profile;
   * - any other ID: a foundation model in the stack's Region (a value that is a token too).
   *
   * Never throws: what it cannot classify (e.g. an `inference-profile` ARN, another service's ARN)
   * fails the consumer's validation, which names the prop and the value. An application profile
   * parsed from its ARN has no source: use {@link applicationInferenceProfile} for the invoker.
   */
  public static parse(idOrArn: string): BedrockModel {
    if (typeof idOrArn !== 'string') return new BedrockModel({ identifier: idOrArn, unrecognized: 'not a string' });
    if (idOrArn.startsWith('arn:')) return BedrockModel.parseArn(idOrArn);
    if (profilePrefixOf(idOrArn) !== undefined) return BedrockModel.crossRegionProfile(idOrArn);
    return BedrockModel.foundationModel(idOrArn);
  }

  private static parseArn(arn: string): BedrockModel {
    // Token strings (`${Token[...]}`) hold no colon, so a token Region or account keeps the shape.
    const parts = arn.split(':');
    if (parts.length < 6 || parts[2] !== 'bedrock') return new BedrockModel({ identifier: arn, unrecognized: 'not a Bedrock model ARN' });
    const resource = parts.slice(5).join(':');
    const slash = resource.indexOf('/');
    const type = slash > 0 ? resource.slice(0, slash) : resource;
    if (type === BedrockModelKind.FOUNDATION_MODEL && parts[3] !== '' && slash > 0) {
      return BedrockModel.foundationModel(resource.slice(slash + 1), { region: parts[3] });
    }
    if ((ARN_KINDS as string[]).includes(type)) return new BedrockModel({ kind: type as ArnKind, identifier: arn });
    if (type === 'inference-profile') {
      return new BedrockModel({ identifier: arn, unrecognized: "a system-defined inference profile is named by its ID (e.g. 'us.amazon.nova-pro-v1:0'), not its ARN" });
    }
    return new BedrockModel({ identifier: arn, unrecognized: `'${type}' is not a Bedrock model resource type` });
  }

  /** What the model is; undefined when {@link parse} could not classify the string (validation then fails). */
  public readonly kind?: BedrockModelKind;
  /**
   * The model as callers name it in a request (the `modelId` of InvokeModel and Converse, and the
   * `ModelId` dimension of Bedrock's CloudWatch metrics): a model or profile ID, or an ARN.
   */
  public readonly identifier: string;
  /** A foundation model's own Region, when given. */
  public readonly region?: string;
  /** Extra destination Regions of a geographic profile. */
  public readonly destinationRegions?: readonly string[];
  /** The model an application inference profile was copied from, when given. */
  public readonly source?: BedrockModel;
  private readonly unrecognized?: string;

  private constructor(spec: ModelSpec) {
    this.kind = spec.kind;
    this.identifier = spec.identifier;
    this.region = spec.region;
    this.destinationRegions = spec.destinationRegions;
    this.source = spec.source;
    this.unrecognized = spec.unrecognized;
  }

  /** A cross-Region profile's geography; undefined for a global profile and every other kind. */
  public get geography(): InferenceGeography | undefined {
    return this.kind === BedrockModelKind.CROSS_REGION_PROFILE && isResolved(this.identifier) ? geographyOfProfileId(this.identifier) : undefined;
  }

  /** Whether this is a global cross-Region profile (`global.`): it routes to any commercial Region. */
  public get isGlobalProfile(): boolean {
    return this.kind === BedrockModelKind.CROSS_REGION_PROFILE && isResolved(this.identifier) && this.identifier.startsWith(`${GLOBAL_PROFILE_PREFIX}.`);
  }

  /** The foundation model ID behind a foundation model or a cross-Region profile (the profile ID without its prefix). */
  public get foundationModelId(): string | undefined {
    if (this.kind === BedrockModelKind.FOUNDATION_MODEL) return this.identifier;
    if (this.kind !== BedrockModelKind.CROSS_REGION_PROFILE) return undefined;
    const prefix = profilePrefixOf(this.identifier);
    return prefix === undefined ? undefined : this.identifier.slice(prefix.length + 1);
  }

  /** E.g. `a cross-Region inference profile us.amazon.nova-pro-v1:0`, for messages. */
  public toString(): string {
    return `${this.kind ? KIND_NAMES[this.kind] : 'an unrecognized model'} ${this.identifier}`;
  }

  /**
   * The ARN of the model resource itself in `scope`'s stack: a foundation model in its Region, a
   * profile in the stack's Region, the ARN given for the other kinds; undefined for a Mantle model
   * (no Bedrock ARN) or an unrecognized one.
   */
  public resourceArn(scope: IConstruct): string | undefined {
    const stack = Stack.of(scope);
    switch (this.kind) {
      case BedrockModelKind.FOUNDATION_MODEL:
        return foundationModelArn(scope, this.identifier, this.region ?? stack.region);
      case BedrockModelKind.CROSS_REGION_PROFILE:
        return bedrockArn(scope, stack.region, stack.account, `inference-profile/${this.identifier}`);
      case BedrockModelKind.MANTLE_MODEL:
      case undefined:
        return undefined;
      default:
        return this.identifier;
    }
  }

  /**
   * The one validation of a model for a consumer: throws a {@link PlatformValidationError} naming
   * `prop`, the value and what is allowed. Values that are tokens are skipped, except a
   * cross-Region profile ID, whose prefix decides the Regions to grant.
   */
  public validate(scope: IConstruct, prop: string, requirements: ModelRequirements = {}): this {
    if (this.kind === undefined) {
      throw new PlatformValidationError(scope, prop, this.identifier, `Must be ${ANY_MODEL_DESCRIPTION}${this.unrecognized ? ` (${this.unrecognized})` : ''}.`);
    }
    this.validateFormat(scope, prop);
    if (requirements.kinds && !requirements.kinds.includes(this.kind)) {
      const hint = KIND_HINTS[this.kind];
      throw new PlatformValidationError(
        scope,
        prop,
        this.identifier,
        `Must be ${listOf(requirements.kinds.map((k) => KIND_NAMES[k]))}${requirements.reason ? ` (${requirements.reason})` : ''}; this is ${KIND_NAMES[this.kind]}${hint ? `: ${hint}` : ''}.`,
      );
    }
    if (!requirements.allowPatterns && isResolved(this.identifier) && this.identifier.includes('*')) {
      throw new PlatformValidationError(scope, prop, this.identifier, "Must name exactly one model: '*' patterns are accepted only by VPC endpoint policies (BedrockPrivateLink models), never in IAM grants.");
    }
    if (this.region !== undefined && requirements.allowRegion === false) {
      throw new PlatformValidationError(scope, `${prop}.region`, this.region, 'Leave it unset: this setting applies to the model in every Region.');
    }
    if (this.kind === BedrockModelKind.APPLICATION_INFERENCE_PROFILE) {
      if (this.source) {
        this.source.validate(scope, `${prop}.source`, {
          ...requirements,
          kinds: [BedrockModelKind.FOUNDATION_MODEL, BedrockModelKind.CROSS_REGION_PROFILE],
          reason: 'what an application inference profile is copied from',
        });
      } else if (requirements.requireApplicationProfileSource) {
        throw new PlatformValidationError(
          scope,
          `${prop}.source`,
          undefined,
          `IAM also authorizes the models ${this.identifier} routes to: name its source, BedrockModel.applicationInferenceProfile(arn, source).`,
        );
      }
    }
    return this;
  }

  private validateFormat(scope: IConstruct, prop: string): void {
    switch (this.kind) {
      case BedrockModelKind.FOUNDATION_MODEL: {
        requirePattern(scope, prop, this.identifier, MODEL_ID_PATTERN, FOUNDATION_MODEL_DESCRIPTION);
        const prefix = isResolved(this.identifier) ? profilePrefixOf(this.identifier) : undefined;
        if (prefix !== undefined) {
          throw new PlatformValidationError(scope, prop, this.identifier, `Must be a foundation model ID, not a cross-Region inference profile ID ('${prefix}.' prefix): use BedrockModel.crossRegionProfile or BedrockModel.parse.`);
        }
        if (this.region !== undefined) requirePattern(scope, `${prop}.region`, this.region, REGION_PATTERN, REGION_DESCRIPTION);
        return;
      }
      case BedrockModelKind.CROSS_REGION_PROFILE: {
        if (!isResolved(this.identifier)) {
          throw new PlatformValidationError(scope, prop, '(token)', `Must be ${PROFILE_DESCRIPTION}, known at synth: its prefix decides the Regions granted.`);
        }
        requirePattern(scope, prop, this.identifier, PROFILE_ID_PATTERN, PROFILE_DESCRIPTION);
        const extra = this.destinationRegions ?? [];
        if (this.isGlobalProfile && extra.length > 0) {
          throw new PlatformValidationError(scope, `${prop}.destinationRegions`, extra, 'A global profile routes to any commercial Region: destinationRegions applies to geographic profiles only.');
        }
        if (!Token.isUnresolved(extra)) extra.forEach((r, i) => requirePattern(scope, `${prop}.destinationRegions[${i}]`, r, REGION_PATTERN, REGION_DESCRIPTION));
        return;
      }
      case BedrockModelKind.MANTLE_MODEL:
        requirePattern(scope, prop, this.identifier, MANTLE_MODEL_ID_PATTERN, "a Mantle model identifier such as 'openai.gpt-oss-120b'");
        return;
      default: {
        const format = ARN_FORMATS[this.kind as ArnKind];
        requirePattern(scope, prop, this.identifier, format.pattern, format.description);
      }
    }
  }
}

/** The prefix (`us`, `us-gov`, `global`, ...) of a cross-Region profile ID, if it has one. */
function profilePrefixOf(id: string): string | undefined {
  return PROFILE_PREFIXES_LONGEST_FIRST.find((p) => id.startsWith(`${p}.`));
}

function listOf(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * Validates every model of `models` for a consumer (see {@link BedrockModel.validate}); entries are
 * named `prop[i]`. A value that is not a `BedrockModel` (a plain string from JavaScript, the 0.x
 * form) is refused with the way to build one.
 */
export function requireModels(scope: IConstruct, prop: string, models: readonly BedrockModel[] | undefined, requirements: ModelRequirements = {}): readonly BedrockModel[] {
  (models ?? []).forEach((m, i) => {
    if (!(m instanceof BedrockModel)) {
      throw new PlatformValidationError(scope, `${prop}[${i}]`, m, "Must be a BedrockModel: BedrockModel.parse('amazon.nova-lite-v1:0'), or a factory such as BedrockModel.crossRegionProfile('us.amazon.nova-pro-v1:0').");
    }
    m.validate(scope, `${prop}[${i}]`, requirements);
  });
  return models ?? [];
}

/**
 * The resources Bedrock authorizes the invocation of some models against, in two forms: for an
 * IAM identity policy (`direct`, `throughProfile` with `viaProfiles`, `profiles`) and for a VPC
 * endpoint policy in the stack's Region (`endpoint`, `mantleModelIds`).
 */
export interface ModelInvocationResources {
  /** ARNs callers may invoke directly: the models, and each profile in every Region it may be called from. */
  readonly direct: string[];
  /**
   * Foundation models that profiles route to: IAM authorizes a routed request on the model in its
   * destination Region (the Region-less ARN for a global profile). Grant them only with a
   * `bedrock:InferenceProfileArn` condition naming `viaProfiles`.
   */
  readonly throughProfile: string[];
  /** The profiles that may route to `throughProfile`. */
  readonly viaProfiles: string[];
  /** Profiles callers may describe (`bedrock:GetInferenceProfile`). */
  readonly profiles: string[];
  /**
   * The same models as a VPC endpoint policy in the stack's Region names them: the model, profile
   * or ARN as called through the endpoint, and for a cross-Region profile its foundation model in
   * any Region (`arn:aws:bedrock:*::foundation-model/<id>`, which covers the Region-less form too):
   * an endpoint policy is a network boundary, not a grant, and cannot condition on the profile.
   * An application profile's source is allowed too.
   */
  readonly endpoint: string[];
  /** Mantle model identifiers, for the `bedrock-mantle:Model` condition of the Mantle endpoint. */
  readonly mantleModelIds: string[];
}

interface Resources {
  direct: string[];
  throughProfile: string[];
  viaProfiles: string[];
  profiles: string[];
  endpoint: string[];
  mantleModelIds: string[];
}

const none = (): Resources => ({ direct: [], throughProfile: [], viaProfiles: [], profiles: [], endpoint: [], mantleModelIds: [] });

function resourcesOf(scope: IConstruct, model: BedrockModel): Resources {
  const stack = Stack.of(scope);
  const r = none();
  switch (model.kind) {
    case BedrockModelKind.FOUNDATION_MODEL: {
      const arn = model.resourceArn(scope)!;
      r.direct.push(arn);
      r.endpoint.push(arn);
      return r;
    }
    case BedrockModelKind.CROSS_REGION_PROFILE: {
      const modelId = model.foundationModelId;
      if (modelId === undefined) throw new Error(`internal: ${model} has no profile prefix; validate it first`);
      const profileIn = (region: string) => bedrockArn(scope, region, stack.account, `inference-profile/${model.identifier}`);
      if (model.isGlobalProfile) {
        const profile = profileIn(stack.region);
        r.direct.push(profile);
        r.viaProfiles.push(profile);
        r.profiles.push(profile);
        r.throughProfile.push(foundationModelArn(scope, modelId, stack.region), foundationModelArn(scope, modelId, ''));
      } else {
        const regions = [...new Set([...GEOGRAPHY_REGIONS[model.geography!], ...(model.destinationRegions ?? [])])];
        const profiles = regions.map(profileIn);
        r.direct.push(...profiles);
        r.viaProfiles.push(...profiles);
        r.profiles.push(...profiles);
        r.throughProfile.push(...regions.map((region) => foundationModelArn(scope, modelId, region)));
      }
      r.endpoint.push(profileIn(stack.region), foundationModelArn(scope, modelId, '*'));
      return r;
    }
    case BedrockModelKind.APPLICATION_INFERENCE_PROFILE: {
      const inner = model.source ? resourcesOf(scope, model.source) : none();
      r.direct.push(model.identifier);
      r.viaProfiles.push(model.identifier);
      r.profiles.push(model.identifier);
      // The models the source routes to: a foundation model itself, or a system profile's models.
      r.throughProfile.push(...(model.source?.kind === BedrockModelKind.FOUNDATION_MODEL ? inner.direct : inner.throughProfile));
      r.endpoint.push(model.identifier, ...inner.endpoint);
      return r;
    }
    case BedrockModelKind.CUSTOM_MODEL:
      // Not an InvokeModel resource type: invoked through its provisioned model or deployment.
      r.endpoint.push(model.identifier);
      return r;
    case BedrockModelKind.MANTLE_MODEL:
      r.mantleModelIds.push(model.identifier);
      return r;
    case undefined:
      throw new Error(`internal: ${model} was not validated`);
    default:
      r.direct.push(model.identifier);
      r.endpoint.push(model.identifier);
      return r;
  }
}

/**
 * The ONE derivation of what the invocation of `models` is authorized against (validate them
 * first, with `requireModels`). Each list is deduplicated, in the order of `models`.
 */
export function modelInvocationResources(scope: IConstruct, models: readonly BedrockModel[]): ModelInvocationResources {
  const all = none();
  for (const model of models) {
    const r = resourcesOf(scope, model);
    for (const key of Object.keys(all) as Array<keyof Resources>) all[key].push(...r[key]);
  }
  const unique = (xs: string[]) => [...new Set(xs)];
  return {
    direct: unique(all.direct),
    throughProfile: unique(all.throughProfile),
    viaProfiles: unique(all.viaProfiles),
    profiles: unique(all.profiles),
    endpoint: unique(all.endpoint),
    mantleModelIds: unique(all.mantleModelIds),
  };
}

/**
 * The kinds `bedrock:InvokeModel` runs (and bedrock-runtime reports metrics under `ModelId` for):
 * every kind but a bare custom model (invoked through a deployment or provisioned throughput) and
 * Mantle models (another endpoint, other actions). The invoker persona and monitoring take these.
 */
export const INVOCABLE_MODEL_KINDS: readonly BedrockModelKind[] = Object.freeze([
  BedrockModelKind.FOUNDATION_MODEL,
  BedrockModelKind.CROSS_REGION_PROFILE,
  BedrockModelKind.APPLICATION_INFERENCE_PROFILE,
  BedrockModelKind.PROVISIONED_MODEL,
  BedrockModelKind.IMPORTED_MODEL,
  BedrockModelKind.CUSTOM_MODEL_DEPLOYMENT,
]);

/**
 * The documented default model list: Amazon Nova text-generation models (Micro, Lite, Pro) and
 * Titan Text Embeddings V2, invoked on demand in the stack's Region. No image, video or speech model.
 */
export const DEFAULT_TEXT_MODELS: readonly BedrockModel[] = Object.freeze(
  ['amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0', 'amazon.nova-pro-v1:0', 'amazon.titan-embed-text-v2:0'].map((id) => BedrockModel.foundationModel(id)),
);
