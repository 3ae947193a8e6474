import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { isResolved, requirePattern } from '../core/validate';
import { APPLICATION_PROFILE_ARN_PATTERN, bedrockArn, foundationModelArn, MODEL_ID_PATTERN, PROVISIONED_MODEL_ARN_PATTERN, REGION_PATTERN, requireEach } from './bedrock-arns';
import { GEOGRAPHY_REGIONS, geographyOfProfileId } from './inference-geographies';

/** The resources one model target needs `bedrock:InvokeModel*` on. */
export interface ModelTargetGrant {
  /** ARNs invocable directly. */
  readonly direct: string[];
  /**
   * ARNs invocable only through one of `viaProfiles` (the `bedrock:InferenceProfileArn` condition):
   * the foundation models a profile routes to.
   */
  readonly throughProfile: string[];
  /** The inference profiles that may route to `throughProfile`. */
  readonly viaProfiles: string[];
  /** Profiles the grantee may describe (`bedrock:GetInferenceProfile`). */
  readonly profiles: string[];
}

type Binder = (scope: IConstruct, prop: string) => ModelTargetGrant;

/**
 * A model an application may invoke, and how: a foundation model in this Region, a cross-Region
 * (system-defined) inference profile, an application inference profile or a provisioned model.
 *
 * Each kind grants exactly the ARNs that kind of invocation is authorized against. Converse and
 * ConverseStream are authorized as `InvokeModel` / `InvokeModelWithResponseStream`: there is no
 * `bedrock:Converse` action.
 */
export class ModelTarget {
  /**
   * A foundation model invoked on demand in the stack's Region (or `region`).
   * @param modelId e.g. `amazon.titan-embed-text-v2:0`
   */
  public static foundationModel(modelId: string, options: { region?: string } = {}): ModelTarget {
    return new ModelTarget(`foundation model ${modelId}`, (scope, prop) => {
      requirePattern(scope, prop, modelId, MODEL_ID_PATTERN, "a model ID such as 'amazon.titan-embed-text-v2:0'");
      if (options.region) requirePattern(scope, `${prop}.region`, options.region, REGION_PATTERN, "a Region code such as 'eu-west-1'");
      return { direct: [foundationModelArn(scope, modelId, options.region ?? Stack.of(scope).region)], throughProfile: [], viaProfiles: [], profiles: [] };
    });
  }

  /**
   * A cross-Region (system-defined) inference profile such as `eu.anthropic.claude-sonnet-4-5-20250929-v1:0`.
   *
   * Grants the profile in every Region of its geography (the source Region is wherever the
   * application calls from) and the foundation model in every destination Region of the geography,
   * the latter only through the profile. Granting the current Region alone is a known trap: the
   * request fails whenever Bedrock routes it elsewhere.
   *
   * Global profiles (`global.`) are refused: they route outside any geography.
   */
  public static crossRegionProfile(profileId: string, options: { destinationRegions?: string[] } = {}): ModelTarget {
    return new ModelTarget(`inference profile ${profileId}`, (scope, prop) => {
      const geography = geographyOfProfileId(profileId);
      if (!isResolved(profileId) || !geography) {
        throw new PlatformValidationError(
          scope,
          prop,
          profileId,
          `Must be a geographic cross-Region inference profile ID: a model ID prefixed with one of ${Object.keys(GEOGRAPHY_REGIONS).map((g) => `'${g}.'`).join(', ')}. Global profiles route outside any geography and are not supported.`,
        );
      }
      const modelId = profileId.slice(geography.length + 1);
      requirePattern(scope, prop, modelId, MODEL_ID_PATTERN, "a profile ID such as 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0'");
      const regions = [...requireEach(scope, `${prop}.destinationRegions`, options.destinationRegions, REGION_PATTERN, "a Region code such as 'eu-west-1'")];
      const all = [...new Set([...GEOGRAPHY_REGIONS[geography], ...regions])];
      const account = Stack.of(scope).account;
      const profiles = all.map((r) => bedrockArn(scope, r, account, `inference-profile/${profileId}`));
      return { direct: profiles, throughProfile: all.map((r) => foundationModelArn(scope, modelId, r)), viaProfiles: profiles, profiles };
    });
  }

  /**
   * An application inference profile (cost tracking, tagging) copied from `source`: grants the
   * profile, and the source's models only when reached through this profile.
   */
  public static applicationInferenceProfile(profileArn: string, source: ModelTarget): ModelTarget {
    return new ModelTarget(`application inference profile ${profileArn}`, (scope, prop) => {
      requirePattern(scope, prop, profileArn, APPLICATION_PROFILE_ARN_PATTERN, 'an application inference profile ARN');
      const inner = source.bind(scope, `${prop}.source`);
      const models = [...inner.direct.filter((a) => /:foundation-model\//.test(a)), ...inner.throughProfile];
      return { direct: [profileArn], throughProfile: models, viaProfiles: [profileArn], profiles: [profileArn] };
    });
  }

  /** A provisioned model (Provisioned Throughput), by its ARN. */
  public static provisionedModel(provisionedModelArn: string): ModelTarget {
    return new ModelTarget(`provisioned model ${provisionedModelArn}`, (scope, prop) => {
      requirePattern(scope, prop, provisionedModelArn, PROVISIONED_MODEL_ARN_PATTERN, 'a provisioned model ARN such as arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123');
      return { direct: [provisionedModelArn], throughProfile: [], viaProfiles: [], profiles: [] };
    });
  }

  private constructor(
    /** What this target is, for messages. */
    public readonly description: string,
    private readonly binder: Binder,
  ) {}

  /** The ARNs to grant, validated against `scope` (errors name `prop`). */
  public bind(scope: IConstruct, prop: string): ModelTargetGrant {
    return this.binder(scope, prop);
  }
}
