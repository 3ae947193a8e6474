import { App, Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { BedrockModel, BedrockModelKind, modelInvocationResources, ModelRequirements, REGION_PATTERN, requireModels } from '../../lib/core/bedrock-model';
import { PlatformValidationError } from '../../lib/core/errors';
import { GEOGRAPHY_REGIONS, InferenceGeography } from '../../lib/core/inference-geographies';
import { cdkJsonContext } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const stack = (region = ENV.region) => new Stack(new App({ context: cdkJsonContext() }), 'S', { env: { ...ENV, region } });
const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const APP_PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123';
const PROVISIONED = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123';
const CUSTOM = 'arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.nova-lite-v1:0:300k/abc123';
const IMPORTED = 'arn:aws:bedrock:us-east-1:123456789012:imported-model/abc123def456';
const DEPLOYMENT = 'arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/abc123';
const fm = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
const profile = (region: string, id: string) => `arn:aws:bedrock:${region}:123456789012:inference-profile/${id}`;

/** The message of the PlatformValidationError `fn` throws. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformValidationError);
    return (e as Error).message;
  }
  throw new Error('expected a PlatformValidationError');
}
const validate = (model: BedrockModel, requirements?: ModelRequirements) => model.validate(stack(), 'models[0]', requirements);

describe('BedrockModel.parse classifies every kind', () => {
  test.each([
    ['amazon.nova-lite-v1:0', BedrockModelKind.FOUNDATION_MODEL, 'amazon.nova-lite-v1:0'],
    ['anthropic.claude-*', BedrockModelKind.FOUNDATION_MODEL, 'anthropic.claude-*'],
    ['us.amazon.nova-pro-v1:0', BedrockModelKind.CROSS_REGION_PROFILE, 'amazon.nova-pro-v1:0'],
    [`eu.${CLAUDE}`, BedrockModelKind.CROSS_REGION_PROFILE, CLAUDE],
    [`apac.${CLAUDE}`, BedrockModelKind.CROSS_REGION_PROFILE, CLAUDE],
    [`jp.${CLAUDE}`, BedrockModelKind.CROSS_REGION_PROFILE, CLAUDE],
    [`au.${CLAUDE}`, BedrockModelKind.CROSS_REGION_PROFILE, CLAUDE],
    [`ca.${CLAUDE}`, BedrockModelKind.CROSS_REGION_PROFILE, CLAUDE],
    [`us-gov.${CLAUDE}`, BedrockModelKind.CROSS_REGION_PROFILE, CLAUDE],
    [`global.${CLAUDE}`, BedrockModelKind.CROSS_REGION_PROFILE, CLAUDE],
    [APP_PROFILE, BedrockModelKind.APPLICATION_INFERENCE_PROFILE, undefined],
    [PROVISIONED, BedrockModelKind.PROVISIONED_MODEL, undefined],
    [CUSTOM, BedrockModelKind.CUSTOM_MODEL, undefined],
    [IMPORTED, BedrockModelKind.IMPORTED_MODEL, undefined],
    [DEPLOYMENT, BedrockModelKind.CUSTOM_MODEL_DEPLOYMENT, undefined],
  ])('%s is %s', (value, kind, foundationModelId) => {
    const model = BedrockModel.parse(value);
    expect([model.kind, model.identifier, model.foundationModelId]).toEqual([kind, value, foundationModelId]);
    expect(() => validate(model, { allowPatterns: true })).not.toThrow();
  });

  test('a foundation-model ARN keeps its Region', () => {
    const model = BedrockModel.parse('arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0');
    expect([model.kind, model.identifier, model.region]).toEqual([BedrockModelKind.FOUNDATION_MODEL, 'amazon.titan-embed-text-v2:0', 'eu-west-1']);
    expect(modelInvocationResources(stack(), [model]).direct).toEqual([fm('eu-west-1', 'amazon.titan-embed-text-v2:0')]);
  });

  test('geographies: us-gov. is not read as us., global. is no geography', () => {
    expect(BedrockModel.parse(`us-gov.${CLAUDE}`).geography).toBe(InferenceGeography.US_GOV);
    expect(BedrockModel.parse(`us.${CLAUDE}`).geography).toBe(InferenceGeography.US);
    const global = BedrockModel.parse(`global.${CLAUDE}`);
    expect([global.geography, global.isGlobalProfile]).toEqual([undefined, true]);
    expect(BedrockModel.parse(`us.${CLAUDE}`).isGlobalProfile).toBe(false);
  });

  test('the factories and parse build the same model', () => {
    expect(BedrockModel.parse(`eu.${CLAUDE}`)).toEqual(BedrockModel.crossRegionProfile(`eu.${CLAUDE}`));
    expect(BedrockModel.parse('amazon.nova-lite-v1:0')).toEqual(BedrockModel.foundationModel('amazon.nova-lite-v1:0'));
    expect(BedrockModel.parse(PROVISIONED)).toEqual(BedrockModel.provisionedModel(PROVISIONED));
  });

  test('toString names the kind, for messages', () => {
    expect(String(BedrockModel.parse('us.amazon.nova-pro-v1:0'))).toBe('a cross-Region inference profile us.amazon.nova-pro-v1:0');
  });
});

describe('one validation: the prop, the value and what is allowed', () => {
  test.each<[string, BedrockModel, ModelRequirements | undefined, RegExp]>([
    ['a bare wildcard', BedrockModel.parse('*'), { allowPatterns: true }, /invalid models\[0\] "\*"\. Must be a model ID such as 'amazon\.nova-lite-v1:0' \(provider prefix required; a bare '\*' would allow every model\)/],
    ['a model ID without provider', BedrockModel.parse('claude'), undefined, /invalid models\[0\] "claude"\. Must be a model ID such as/],
    ['another service\'s ARN', BedrockModel.parse('arn:aws:s3:::bucket'), undefined, /invalid models\[0\] "arn:aws:s3:::bucket"\. Must be one of: a foundation model ID .* \(not a Bedrock model ARN\)/],
    ['a system profile by ARN', BedrockModel.parse(profile('us-east-1', 'us.amazon.nova-pro-v1:0')), undefined, /Must be one of: a foundation model ID.*named by its ID \(e\.g\. 'us\.amazon\.nova-pro-v1:0'\), not its ARN/],
    ['a profile ID as a foundation model', BedrockModel.foundationModel('us.amazon.nova-pro-v1:0'), undefined, /invalid models\[0\] "us\.amazon\.nova-pro-v1:0"\. Must be a foundation model ID, not a cross-Region inference profile ID \('us\.' prefix\)/],
    ['a profile without a prefix', BedrockModel.crossRegionProfile('anthropic.claude-v2'), undefined, /invalid models\[0\] "anthropic\.claude-v2"\. Must be a cross-Region inference profile ID: a model ID prefixed with one of 'us\.', 'eu\.', 'apac\.', 'jp\.', 'au\.', 'ca\.', 'us-gov\.' or 'global\.'/],
    ['an unknown geography', BedrockModel.crossRegionProfile(`mars.${CLAUDE}`), undefined, /invalid models\[0\] "mars\.anthropic.*Must be a cross-Region inference profile ID/],
    ['a bad Region', BedrockModel.foundationModel('amazon.nova-lite-v1:0', { region: 'europe' }), undefined, /invalid models\[0\]\.region "europe"\. Must be a Region code/],
    ['a bad destination Region', BedrockModel.crossRegionProfile(`eu.${CLAUDE}`, { destinationRegions: ['mars-1'] }), undefined, /invalid models\[0\]\.destinationRegions\[0\] "mars-1"/],
    ['destination Regions on a global profile', BedrockModel.crossRegionProfile(`global.${CLAUDE}`, { destinationRegions: ['eu-west-1'] }), undefined, /invalid models\[0\]\.destinationRegions \["eu-west-1"\]\. A global profile routes to any commercial Region/],
    ['a provisioned model that is not an ARN', BedrockModel.provisionedModel('my-throughput'), undefined, /invalid models\[0\] "my-throughput"\. Must be a provisioned model ARN/],
    ['an application profile that is not an ARN', BedrockModel.applicationInferenceProfile('profile'), undefined, /invalid models\[0\] "profile"\. Must be an application inference profile ARN/],
    ['an application profile copied from a provisioned model', BedrockModel.applicationInferenceProfile(APP_PROFILE, BedrockModel.provisionedModel(PROVISIONED)), undefined, /invalid models\[0\]\.source ".*provisioned-model\/abc123"\. Must be a foundation model or a cross-Region inference profile \(what an application inference profile is copied from\); this is a provisioned model/],
    ['a Mantle ID with a space', BedrockModel.mantleModel('gpt oss'), undefined, /invalid models\[0\] "gpt oss"\. Must be a Mantle model identifier/],
    ['a pattern where IAM needs one model', BedrockModel.parse('anthropic.claude-*'), undefined, /invalid models\[0\] "anthropic\.claude-\*"\. Must name exactly one model: '\*' patterns are accepted only by VPC endpoint policies/],
    ['a kind the consumer does not take', BedrockModel.parse(CUSTOM), { kinds: [BedrockModelKind.FOUNDATION_MODEL, BedrockModelKind.PROVISIONED_MODEL], reason: 'why' }, /Must be a foundation model or a provisioned model \(why\); this is a custom model: a custom model is invoked through its provisioned throughput/],
    ['an application profile without the source a grant needs', BedrockModel.parse(APP_PROFILE), { requireApplicationProfileSource: true }, /invalid models\[0\]\.source \(not set\)\. IAM also authorizes the models .* routes to: name its source/],
    ['a Region where the setting spans every Region', BedrockModel.foundationModel('amazon.nova-lite-v1:0', { region: 'eu-west-1' }), { allowRegion: false }, /invalid models\[0\]\.region "eu-west-1"\. Leave it unset/],
  ])('%s', (_name, model, requirements, message) => {
    expect(errorOf(() => validate(model, requirements))).toMatch(message);
  });

  test('requireModels names the entry, and refuses a plain string (the 0.x form) with the way out', () => {
    const s = stack();
    expect(errorOf(() => requireModels(s, 'models', [BedrockModel.parse('amazon.nova-lite-v1:0'), BedrockModel.parse('claude')]))).toMatch(/^S: invalid models\[1\] "claude"/);
    expect(errorOf(() => requireModels(s, 'models', ['amazon.nova-lite-v1:0'] as unknown as BedrockModel[]))).toMatch(/invalid models\[0\] "amazon\.nova-lite-v1:0"\. Must be a BedrockModel: BedrockModel\.parse/);
  });

  test('tokens are skipped, except a profile ID whose prefix decides the Regions', () => {
    const s = stack();
    const id = Token.asString({ Ref: 'ModelId' });
    expect(() => BedrockModel.foundationModel(id).validate(s, 'm')).not.toThrow();
    expect(() => BedrockModel.parse(id).validate(s, 'm')).not.toThrow(); // a token is read as a foundation model ID
    expect(() => BedrockModel.provisionedModel(Token.asString({ Ref: 'Arn' })).validate(s, 'm')).not.toThrow();
    expect(() => BedrockModel.foundationModel('amazon.nova-lite-v1:0', { region: Token.asString({ Ref: 'AWS::Region' }) }).validate(s, 'm')).not.toThrow();
    expect(errorOf(() => BedrockModel.crossRegionProfile(id).validate(s, 'm'))).toMatch(/invalid m "\(token\)"\. Must be a cross-Region inference profile ID.*known at synth/);
  });
});

describe('modelInvocationResources: the ARNs each kind is authorized against', () => {
  const resources = (region: string, ...models: BedrockModel[]) => {
    const s = stack(region);
    return s.resolve(modelInvocationResources(s, models));
  };

  test('a foundation model: itself, in the stack Region, without an account (IAM and endpoint alike)', () => {
    expect(resources('eu-west-1', BedrockModel.parse('amazon.titan-embed-text-v2:0'))).toEqual({
      direct: [fm('eu-west-1', 'amazon.titan-embed-text-v2:0')],
      throughProfile: [],
      viaProfiles: [],
      profiles: [],
      endpoint: [fm('eu-west-1', 'amazon.titan-embed-text-v2:0')],
      mantleModelIds: [],
    });
  });

  test('a geographic profile: IAM grants the profile and the model in every Region of the geography; the endpoint allows the profile here and the model anywhere', () => {
    const r = resources('eu-west-1', BedrockModel.crossRegionProfile(`eu.${CLAUDE}`, { destinationRegions: ['eu-west-4'] }));
    const regions = [...GEOGRAPHY_REGIONS[InferenceGeography.EU], 'eu-west-4'];
    expect(r.direct).toEqual(regions.map((region) => profile(region, `eu.${CLAUDE}`)));
    expect(r.viaProfiles).toEqual(r.direct);
    expect(r.profiles).toEqual(r.direct);
    expect(r.throughProfile).toEqual(regions.map((region) => fm(region, CLAUDE)));
    expect(r.endpoint).toEqual([profile('eu-west-1', `eu.${CLAUDE}`), fm('*', CLAUDE)]);
  });

  test('a global profile: the profile here, and through it the model here and the Region-less model ARN', () => {
    const r = resources('us-east-1', BedrockModel.parse(`global.${CLAUDE}`));
    expect(r).toEqual({
      direct: [profile('us-east-1', `global.${CLAUDE}`)],
      throughProfile: [fm('us-east-1', CLAUDE), `arn:aws:bedrock:::foundation-model/${CLAUDE}`],
      viaProfiles: [profile('us-east-1', `global.${CLAUDE}`)],
      profiles: [profile('us-east-1', `global.${CLAUDE}`)],
      endpoint: [profile('us-east-1', `global.${CLAUDE}`), fm('*', CLAUDE)],
      mantleModelIds: [],
    });
  });

  test('an application profile: itself, and its source models only through it; the endpoint allows the source too', () => {
    const r = resources('us-east-1', BedrockModel.applicationInferenceProfile(APP_PROFILE, BedrockModel.crossRegionProfile(`us.${CLAUDE}`)));
    expect([r.direct, r.viaProfiles, r.profiles]).toEqual([[APP_PROFILE], [APP_PROFILE], [APP_PROFILE]]);
    expect(r.throughProfile).toEqual(GEOGRAPHY_REGIONS[InferenceGeography.US].map((region) => fm(region, CLAUDE)));
    expect(r.endpoint).toEqual([APP_PROFILE, profile('us-east-1', `us.${CLAUDE}`), fm('*', CLAUDE)]);
    const onFoundationModel = resources('us-east-1', BedrockModel.applicationInferenceProfile(APP_PROFILE, BedrockModel.foundationModel('amazon.nova-lite-v1:0')));
    expect(onFoundationModel.throughProfile).toEqual([fm('us-east-1', 'amazon.nova-lite-v1:0')]);
    expect(resources('us-east-1', BedrockModel.parse(APP_PROFILE)).endpoint).toEqual([APP_PROFILE]);
  });

  test('provisioned, imported and deployed models: their ARN; a custom model only at the endpoint (InvokeModel has no custom-model resource); Mantle models only as condition values', () => {
    const r = resources('us-east-1', ...[PROVISIONED, IMPORTED, DEPLOYMENT, CUSTOM].map((a) => BedrockModel.parse(a)), BedrockModel.mantleModel('openai.gpt-oss-120b'));
    expect(r.direct).toEqual([PROVISIONED, IMPORTED, DEPLOYMENT]);
    expect(r.endpoint).toEqual([PROVISIONED, IMPORTED, DEPLOYMENT, CUSTOM]);
    expect(r.mantleModelIds).toEqual(['openai.gpt-oss-120b']);
    expect([r.throughProfile, r.viaProfiles, r.profiles]).toEqual([[], [], []]);
  });

  test('lists are deduplicated in the order of the models', () => {
    const r = resources('us-east-1', ...['amazon.nova-lite-v1:0', 'us.amazon.nova-pro-v1:0', 'amazon.nova-lite-v1:0', 'us.amazon.nova-pro-v1:0'].map((id) => BedrockModel.parse(id)));
    expect(r.endpoint).toEqual([fm('us-east-1', 'amazon.nova-lite-v1:0'), profile('us-east-1', 'us.amazon.nova-pro-v1:0'), fm('*', 'amazon.nova-pro-v1:0')]);
  });

  test('the partition is the stack\'s', () => {
    const s = new Stack(new App({ context: cdkJsonContext() }), 'Gov', { env: { account: '123456789012', region: 'us-gov-west-1' } });
    expect(s.resolve(modelInvocationResources(s, [BedrockModel.parse('amazon.nova-lite-v1:0')]).direct)).toEqual(['arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/amazon.nova-lite-v1:0']);
  });
});

describe('Region shape', () => {
  test("every Region in aws-cdk-lib's facts has the shape BedrockModel accepts, and typos do not", () => {
    const regions = RegionInfo.regions.map((r) => r.name);
    expect(regions).toContain('eusc-de-east-1');
    expect(regions.filter((r) => !REGION_PATTERN.test(r))).toEqual([]);
    expect(['US-east-1', 'us-east', 'useast1', 'us-east-1a'].filter((r) => REGION_PATTERN.test(r))).toEqual([]);
  });
});
