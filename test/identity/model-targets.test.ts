import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BedrockModel, modelInvocationResources, REGION_PATTERN } from '../../lib/core/bedrock-model';
import { ALL_GEOGRAPHIES, GEOGRAPHY_REGIONS, geographyOfProfileId, InferenceGeography, narrowestGeographyOf } from '../../lib/core/inference-geographies';
import { BedrockEnforcement, BedrockInvokerPolicy, PrivatePathScope } from '../../lib/identity';
import { cdkJsonContext } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
// cdk.json's context, as an app of the library has it (partition literals among the flags).
const stack = (region = ENV.region) => new Stack(new App({ context: cdkJsonContext() }), 'S', { env: { ...ENV, region } });
const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('geography table', () => {
  test('every Region is a valid Region code, listed once per geography', () => {
    for (const g of ALL_GEOGRAPHIES) {
      const regions = GEOGRAPHY_REGIONS[g];
      expect(regions.length).toBeGreaterThan(0);
      expect(new Set(regions).size).toBe(regions.length);
      for (const r of regions) expect(r).toMatch(REGION_PATTERN);
    }
  });

  test('Japan and Australia are subsets of APAC (their profiles are the narrower choice)', () => {
    for (const g of [InferenceGeography.JP, InferenceGeography.AU]) {
      for (const r of GEOGRAPHY_REGIONS[g]) expect(GEOGRAPHY_REGIONS[InferenceGeography.APAC]).toContain(r);
    }
  });

  test.each([
    ['ap-northeast-1', InferenceGeography.JP],
    ['ap-southeast-2', InferenceGeography.AU],
    ['ap-south-1', InferenceGeography.APAC],
    ['eu-west-1', InferenceGeography.EU],
    ['us-east-1', InferenceGeography.US],
    ['ca-central-1', InferenceGeography.CA],
    ['us-gov-west-1', InferenceGeography.US_GOV],
    ['sa-east-1', undefined],
  ])('the narrowest geography of %s is %s', (region, geography) => {
    expect(narrowestGeographyOf(region)).toBe(geography);
  });

  test.each([
    [`us.${CLAUDE}`, InferenceGeography.US],
    [`us-gov.${CLAUDE}`, InferenceGeography.US_GOV],
    [`apac.${CLAUDE}`, InferenceGeography.APAC],
    [`global.${CLAUDE}`, undefined],
    [CLAUDE, undefined],
  ])('profile %s belongs to %s', (profileId, geography) => {
    expect(geographyOfProfileId(profileId)).toBe(geography);
  });
});

describe('BedrockModel grants (identity view)', () => {
  const grant = (s: Stack, model: BedrockModel) => {
    const { direct, throughProfile, viaProfiles, profiles } = s.resolve(modelInvocationResources(s, [model.validate(s, 'm')]));
    return { direct, throughProfile, viaProfiles, profiles };
  };

  test('a foundation model is granted in the stack Region, without an account', () => {
    const s = stack('eu-west-1');
    expect(grant(s, BedrockModel.foundationModel('amazon.titan-embed-text-v2:0'))).toEqual({
      direct: ['arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0'],
      throughProfile: [],
      viaProfiles: [],
      profiles: [],
    });
  });

  test('an eu. profile covers every EU Region, plus any destination Region passed in', () => {
    const s = stack('eu-west-1');
    const g = grant(s, BedrockModel.crossRegionProfile(`eu.${CLAUDE}`, { destinationRegions: ['eu-west-4'] }));
    const regions = [...GEOGRAPHY_REGIONS[InferenceGeography.EU], 'eu-west-4'];
    expect(g.throughProfile).toEqual(regions.map((r) => `arn:aws:bedrock:${r}::foundation-model/${CLAUDE}`));
    expect(g.viaProfiles).toEqual(regions.map((r) => `arn:aws:bedrock:${r}:123456789012:inference-profile/eu.${CLAUDE}`));
    expect(g.direct).toEqual(g.viaProfiles);
  });

  test('an application profile grants itself, and its source models only through it', () => {
    const s = stack();
    const app = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123';
    const g = grant(s, BedrockModel.applicationInferenceProfile(app, BedrockModel.crossRegionProfile(`us.${CLAUDE}`)));
    expect(g.direct).toEqual([app]);
    expect(g.viaProfiles).toEqual([app]);
    expect(g.throughProfile).toEqual(GEOGRAPHY_REGIONS[InferenceGeography.US].map((r) => `arn:aws:bedrock:${r}::foundation-model/${CLAUDE}`));
  });

  test('a provisioned model is granted by its ARN', () => {
    const s = stack();
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123';
    expect(grant(s, BedrockModel.provisionedModel(arn)).direct).toEqual([arn]);
  });

  test('a global profile is granted (it was refused in 0.x): the profile here, and through it the model here and the Region-less model', () => {
    const s = stack();
    const policy = new BedrockInvokerPolicy(s, 'P', { models: [BedrockModel.parse(`global.${CLAUDE}`)] });
    const statements = s.resolve(policy.policyStatements.map((st) => st.toStatementJson()));
    const globalProfile = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.${CLAUDE}`;
    expect(statements).toEqual([
      { Sid: 'InvokeAllowedModels', Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Resource: globalProfile },
      {
        Sid: 'InvokeModelsOnlyThroughAllowedProfiles',
        Effect: 'Allow',
        Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        Resource: [`arn:aws:bedrock:us-east-1::foundation-model/${CLAUDE}`, `arn:aws:bedrock:::foundation-model/${CLAUDE}`],
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': [globalProfile] } },
      },
      { Sid: 'DescribeAllowedProfiles', Effect: 'Allow', Action: 'bedrock:GetInferenceProfile', Resource: globalProfile },
    ]);
  });
});

describe('BedrockEnforcement statements', () => {
  const residencyCondition = (region: string, geographies?: InferenceGeography[]) => {
    const s = stack(region);
    const e = new BedrockEnforcement(s, 'E', { dataResidency: { allowedRegions: [region], geographies } });
    return JSON.parse(e.serviceControlPolicyJson()).Statement[0].Condition;
  };

  test('Tokyo residency keeps jp. profiles, not apac. ones (which may route to the Middle East)', () => {
    expect(residencyCondition('ap-northeast-1')).toEqual({
      StringNotEquals: { 'aws:RequestedRegion': ['ap-northeast-1'] },
      ArnNotLike: { 'bedrock:InferenceProfileArn': ['arn:aws:bedrock:ap-northeast-1:*:inference-profile/jp.*'] },
    });
  });

  test('geographies can be widened explicitly', () => {
    expect(residencyCondition('ap-northeast-1', [InferenceGeography.JP, InferenceGeography.APAC]).ArnNotLike['bedrock:InferenceProfileArn']).toEqual([
      'arn:aws:bedrock:ap-northeast-1:*:inference-profile/jp.*',
      'arn:aws:bedrock:ap-northeast-1:*:inference-profile/apac.*',
    ]);
  });

  test('a Region outside every geography gets a plain Region deny', () => {
    expect(residencyCondition('sa-east-1')).toEqual({ StringNotEquals: { 'aws:RequestedRegion': ['sa-east-1'] } });
  });

  test('the runtime scope of the private path covers only the actions that carry prompts', () => {
    const s = stack();
    const e = new BedrockEnforcement(s, 'E', { requirePrivatePath: { vpcEndpointIds: ['vpce-0123456789abcdef0'], scope: PrivatePathScope.RUNTIME } });
    const actions = JSON.parse(e.serviceControlPolicyJson()).Statement[0].Action;
    expect(actions).toContain('bedrock:InvokeModel');
    expect(actions).toContain('bedrock:Retrieve');
    expect(actions).not.toContain('bedrock:*');
    expect(actions).not.toContain('bedrock:CreateKnowledgeBase');
  });

  test('organizationTargetIds deploys the same document as an SCP in AWS Organizations', () => {
    const s = stack();
    const e = new BedrockEnforcement(s, 'E', {
      requireGuardrail: { guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', guardrailVersion: '1' },
      organizationTargetIds: ['ou-ab12-cdef3456'],
    });
    Template.fromStack(s).hasResourceProperties('AWS::Organizations::Policy', {
      Type: 'SERVICE_CONTROL_POLICY',
      TargetIds: ['ou-ab12-cdef3456'],
      Content: JSON.parse(e.serviceControlPolicyJson()),
    });
  });
});
