/*
 * Geographies of Amazon Bedrock's system-defined (cross-Region) inference profiles, and the
 * Regions each may route a request to. This is the ONE table the library keeps of them.
 *
 * Where it comes from: the Amazon Bedrock User Guide pages "Supported Regions and models for
 * inference profiles" and "Geographic cross-Region inference", cross-checked with aws-cdk's
 * @aws-cdk/aws-bedrock-alpha `CrossRegionInferenceProfileRegion` (v2.275.0) and public code using
 * the `ca.` profiles. Each list is the UNION of the destination Regions documented for the
 * geography's profiles: a given model's profile may route to fewer of them, never to others.
 * Checked: November 2026. AWS adds Regions to geographies over time; when it does, update this
 * table (or pass `destinationRegions` to `BedrockModel.crossRegionProfile` until a release does).
 *
 * Global profiles (`global.` prefix, {@link GLOBAL_PROFILE_PREFIX}) are deliberately not a
 * geography: they route to any commercial Region, so no data-residency statement can be made about
 * them. IAM authorizes their routed requests against the Region-less foundation-model ARN
 * (`arn:aws:bedrock:::foundation-model/<id>`); see `lib/core/bedrock-model.ts`.
 *
 * Lives in lib/core because both sides of the platform read it: the endpoint policies (network)
 * and the persona and enforcement policies (identity).
 */

/** Prefix of global cross-Region inference profiles, e.g. `global.anthropic.claude-sonnet-4-5-20250929-v1:0`. */
export const GLOBAL_PROFILE_PREFIX = 'global';

/** A geography of cross-Region inference profiles, named by its profile-ID prefix. */
export enum InferenceGeography {
  /** `us.` profiles: United States commercial Regions. */
  US = 'us',
  /** `eu.` profiles: European Regions. */
  EU = 'eu',
  /** `apac.` profiles: Asia Pacific Regions, plus Middle East (UAE). */
  APAC = 'apac',
  /** `jp.` profiles: Japan. */
  JP = 'jp',
  /** `au.` profiles: Australia. */
  AU = 'au',
  /** `ca.` profiles: Canada. */
  CA = 'ca',
  /** `us-gov.` profiles: AWS GovCloud (US). */
  US_GOV = 'us-gov',
}

/** Destination Regions of each geography (see the header for the source and the date checked). */
export const GEOGRAPHY_REGIONS: Readonly<Record<InferenceGeography, readonly string[]>> = {
  [InferenceGeography.US]: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
  [InferenceGeography.EU]: ['eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3'],
  [InferenceGeography.APAC]: [
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-7',
    'me-central-1',
  ],
  [InferenceGeography.JP]: ['ap-northeast-1', 'ap-northeast-3'],
  [InferenceGeography.AU]: ['ap-southeast-2', 'ap-southeast-4'],
  [InferenceGeography.CA]: ['ca-central-1', 'ca-west-1'],
  [InferenceGeography.US_GOV]: ['us-gov-east-1', 'us-gov-west-1'],
};

/** Every geography, longest prefix first so that `us-gov.` is recognised before `us.`. */
export const ALL_GEOGRAPHIES: readonly InferenceGeography[] = (Object.values(InferenceGeography) as InferenceGeography[]).sort(
  (a, b) => b.length - a.length,
);

/** The geography of a system-defined profile ID such as `eu.anthropic.claude-sonnet-4-5-20250929-v1:0`. */
export function geographyOfProfileId(profileId: string): InferenceGeography | undefined {
  return ALL_GEOGRAPHIES.find((g) => profileId.startsWith(`${g}.`));
}

/**
 * The narrowest geography that contains `region` (fewest Regions): `ap-northeast-1` is in both
 * APAC and JP, and a residency rule for Tokyo should not open the Middle East, so JP wins.
 */
export function narrowestGeographyOf(region: string): InferenceGeography | undefined {
  return ALL_GEOGRAPHIES.filter((g) => GEOGRAPHY_REGIONS[g].includes(region)).sort(
    (a, b) => GEOGRAPHY_REGIONS[a].length - GEOGRAPHY_REGIONS[b].length,
  )[0];
}
