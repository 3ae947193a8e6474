import fc from 'fast-check';
import {
  Answer,
  Answers,
  AvailabilityFacts,
  availabilityFacts,
  evaluate,
  failureSummary,
  foundationModelFacts,
  formatReport,
  InvalidPropertiesError,
  ModelToCheck,
  modelsFromProperties,
  nextQueries,
  offerFacts,
  profileFoundationModelId,
  Query,
  queryKey,
  suggestedProfile,
} from '../../../lambda/model-access-preflight/logic';

const REGION = 'eu-west-1';
const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const APP_PROFILE = 'arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/abc123';
const PROVISIONED = 'arn:aws:bedrock:eu-west-1:123456789012:provisioned-model/xyz789';
const fm = (id: string): ModelToCheck => ({ kind: 'foundation-model', id });
const READY: AvailabilityFacts = { regionAvailability: 'AVAILABLE', authorizationStatus: 'AUTHORIZED', entitlementAvailability: 'AVAILABLE', agreementStatus: 'AVAILABLE' };
const ok = (value: unknown): Answer => ({ ok: true, value });
const fail = (name: string, message = 'denied'): Answer => ({ ok: false, error: { name, message } });
const key = (api: Query['api'], id: string) => queryKey({ api, id });

/** Runs the question loop against `world` (answers by query key; unknown queries are not found). */
function drive(models: ModelToCheck[], world: Record<string, Answer>): { answers: Answers; asked: string[] } {
  const answers: Record<string, Answer> = {};
  const asked: string[] = [];
  for (let round = 0; round < 5; round++) {
    const qs = nextQueries(models, REGION, answers);
    if (qs.length === 0) break;
    for (const q of qs) {
      asked.push(queryKey(q));
      answers[queryKey(q)] = world[queryKey(q)] ?? fail('ResourceNotFoundException', 'not found');
    }
  }
  return { answers, asked };
}
const check = (models: ModelToCheck[], world: Record<string, Answer>) => evaluate(models, REGION, drive(models, world).answers);
const onDemand = ok(foundationModelFacts({ modelArn: 'x', modelId: 'x', inferenceTypesSupported: ['ON_DEMAND'], modelLifecycle: { status: 'ACTIVE' } }));

describe('questions', () => {
  test('a foundation model: its details and its availability; offers only when the agreement is missing', () => {
    const { asked } = drive([fm(NOVA), fm(CLAUDE)], {
      [key('GetFoundationModel', NOVA)]: onDemand,
      [key('GetFoundationModel', CLAUDE)]: onDemand,
      [key('GetFoundationModelAvailability', NOVA)]: ok({ ...READY, agreementStatus: 'NOT_AVAILABLE' }),
      [key('GetFoundationModelAvailability', CLAUDE)]: ok({ ...READY, agreementStatus: 'NOT_AVAILABLE' }),
    });
    // Amazon's own model needs no agreement: no offers asked for it.
    expect(asked).toEqual([
      key('GetFoundationModel', NOVA),
      key('GetFoundationModelAvailability', NOVA),
      key('GetFoundationModel', CLAUDE),
      key('GetFoundationModelAvailability', CLAUDE),
      key('ListFoundationModelAgreementOffers', CLAUDE),
    ]);
  });

  test('profiles: the profile, then the models it routes to; each question once', () => {
    const { asked } = drive(
      [{ kind: 'inference-profile', id: `eu.${CLAUDE}` }, { kind: 'inference-profile', id: `global.${CLAUDE}` }, { kind: 'application-inference-profile', id: APP_PROFILE }, { kind: 'provisioned-model', id: PROVISIONED }],
      {
        [key('GetInferenceProfile', `eu.${CLAUDE}`)]: ok({ status: 'ACTIVE', modelArns: [] }),
        [key('GetInferenceProfile', `global.${CLAUDE}`)]: ok({ status: 'ACTIVE', modelArns: [] }),
        [key('GetInferenceProfile', APP_PROFILE)]: ok({ status: 'ACTIVE', modelArns: [`arn:aws:bedrock:eu-west-1::foundation-model/${NOVA}`, `arn:aws:bedrock:eu-west-3::foundation-model/${NOVA}`] }),
        [key('GetProvisionedModelThroughput', PROVISIONED)]: ok({ status: 'InService', modelArn: `arn:aws:bedrock:eu-west-1::foundation-model/${CLAUDE}` }),
        [key('GetFoundationModelAvailability', CLAUDE)]: ok(READY),
        [key('GetFoundationModelAvailability', NOVA)]: ok(READY),
      },
    );
    expect(asked).toEqual([
      key('GetInferenceProfile', `eu.${CLAUDE}`),
      key('GetFoundationModelAvailability', CLAUDE),
      key('GetInferenceProfile', `global.${CLAUDE}`),
      key('GetInferenceProfile', APP_PROFILE),
      key('GetProvisionedModelThroughput', PROVISIONED),
      key('GetFoundationModelAvailability', NOVA),
    ]);
  });

  test('kinds it cannot check and models of another Region ask nothing', () => {
    const models: ModelToCheck[] = [
      { kind: 'mantle-model', id: 'openai.gpt-oss-120b' },
      { kind: 'custom-model', id: 'arn:aws:bedrock:eu-west-1:123456789012:custom-model/x/abc' },
      { kind: 'foundation-model', id: NOVA, region: 'us-east-1' },
      fm(`arn:aws:bedrock:us-west-2::foundation-model/${NOVA}`),
    ];
    expect(nextQueries(models, REGION, {})).toEqual([]);
    const report = evaluate(models, REGION, {});
    expect(report.ok).toBe(true);
    expect(report.models.map((m) => m.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(report.models[2].note).toBe(`invoked in us-east-1: run the preflight in that Region (npm run preflight -- --region us-east-1 --models ${NOVA})`);
  });
});

describe('verdicts', () => {
  test('all ok', () => {
    const report = check([fm(NOVA), fm(CLAUDE)], {
      [key('GetFoundationModel', NOVA)]: onDemand,
      [key('GetFoundationModel', CLAUDE)]: onDemand,
      [key('GetFoundationModelAvailability', NOVA)]: ok(READY),
      [key('GetFoundationModelAvailability', CLAUDE)]: ok(READY),
    });
    expect(report).toEqual({
      region: REGION,
      ok: true,
      models: [
        { model: NOVA, kind: 'foundation-model', status: 'ok', findings: [] },
        { model: CLAUDE, kind: 'foundation-model', status: 'ok', findings: [] },
      ],
    });
    expect(formatReport(report)).toBe(
      [`Bedrock model access in ${REGION}: 2 of 2 model(s) ready`, `  ok       ${NOVA} (foundation model)`, `  ok       ${CLAUDE} (foundation model)`].join('\n'),
    );
  });

  test('agreement missing: the offer, its terms, and the two ways to accept it', () => {
    const report = check([fm(CLAUDE)], {
      [key('GetFoundationModel', CLAUDE)]: onDemand,
      [key('GetFoundationModelAvailability', CLAUDE)]: ok({ ...READY, agreementStatus: 'NOT_AVAILABLE' }),
      [key('ListFoundationModelAgreementOffers', CLAUDE)]: ok(offerFacts({ offers: [{ offerId: 'o-1', offerToken: 'tok', termDetails: { legalTerm: { url: 'https://terms.example/eula' }, usageBasedPricingTerm: undefined, supportTerm: undefined } }] })),
    });
    expect(report.ok).toBe(false);
    expect(report.models[0].findings).toEqual([
      {
        check: 'agreement',
        severity: 'missing',
        message: `no accepted agreement for ${CLAUDE} in ${REGION} (agreementAvailability NOT_AVAILABLE). 1 offer(s); terms: https://terms.example/eula.`,
        fix:
          'accept the offer in the Bedrock console (model catalog / Model access page), or CreateFoundationModelAgreement with the offer token from ListFoundationModelAgreementOffers: ' +
          `aws bedrock list-foundation-model-agreement-offers --region ${REGION} --model-id ${CLAUDE}, then aws bedrock create-foundation-model-agreement --region ${REGION} --model-id ${CLAUDE} --offer-token <offerToken>`,
      },
    ]);
    // The offer token never reaches the report (nor CloudFormation's reason).
    expect(JSON.stringify(report)).not.toContain('tok"');
    expect(failureSummary(report)).toMatch(new RegExp(`^Model access preflight failed\\. Bedrock model access in ${REGION}: 0 of 1 model\\(s\\) ready, 1 with missing access\\. ${CLAUDE.replace(/[.:]/g, '\\$&')}: no accepted agreement`));
  });

  test('agreement: PENDING warns, ERROR fails with its message, no offer says so; Amazon models need none', () => {
    const world = (status: string, offers: unknown[] = []) => ({
      [key('GetFoundationModel', CLAUDE)]: onDemand,
      [key('GetFoundationModelAvailability', CLAUDE)]: ok({ ...READY, agreementStatus: status, agreementErrorMessage: 'Marketplace subscription failed' }),
      [key('ListFoundationModelAgreementOffers', CLAUDE)]: ok({ offers }),
    });
    const pending = check([fm(CLAUDE)], world('PENDING'));
    expect(pending.ok).toBe(true);
    expect(pending.models[0].findings.map((f) => [f.check, f.severity])).toEqual([['agreement', 'warning']]);
    const error = check([fm(CLAUDE)], world('ERROR'));
    expect(error.models[0].findings[0].message).toBe(
      `no accepted agreement for ${CLAUDE} in ${REGION} (agreementAvailability ERROR: Marketplace subscription failed). Bedrock lists no offer for ${CLAUDE} in ${REGION}: it cannot be subscribed to here.`,
    );
    expect(error.models[0].findings[0].fix).toMatch(/^the subscription failed: give the subscribing principal aws-marketplace:Subscribe/);
    const amazon = check([fm(NOVA)], { [key('GetFoundationModel', NOVA)]: onDemand, [key('GetFoundationModelAvailability', NOVA)]: ok({ ...READY, agreementStatus: 'NOT_AVAILABLE' }) });
    expect(amazon.models[0]).toEqual({ model: NOVA, kind: 'foundation-model', status: 'ok', findings: [] });
  });

  test('not in the Region: one finding that suggests the geography\'s profile, not four', () => {
    const report = check([fm(CLAUDE)], { [key('GetFoundationModelAvailability', CLAUDE)]: ok({ ...READY, regionAvailability: 'NOT_AVAILABLE', agreementStatus: 'NOT_AVAILABLE' }) });
    expect(report.models[0].findings).toEqual([
      {
        check: 'region',
        severity: 'missing',
        message: `${CLAUDE} is not offered in ${REGION} (GetFoundationModel: ResourceNotFoundException)`,
        fix: `model not offered in ${REGION}: use a cross-Region profile such as eu.${CLAUDE} (BedrockModel.crossRegionProfile('eu.${CLAUDE}')) if the model has one, or deploy to a Region that offers it (Bedrock User Guide, "Supported foundation models in Amazon Bedrock")`,
      },
    ]);
    // Offered, but the availability API says the Region is not: still the Region finding.
    const saysNo = check([fm(NOVA)], { [key('GetFoundationModel', NOVA)]: onDemand, [key('GetFoundationModelAvailability', NOVA)]: ok({ ...READY, regionAvailability: 'NOT_AVAILABLE' }) });
    expect(saysNo.models[0].findings.map((f) => [f.check, f.message])).toEqual([['region', `${NOVA} is not offered in ${REGION} (regionAvailability NOT_AVAILABLE)`]]);
  });

  test('authorization (Anthropic use case), entitlement, legacy model, profile-only model', () => {
    const report = check([fm(CLAUDE)], {
      [key('GetFoundationModel', CLAUDE)]: ok({ inferenceTypesSupported: ['INFERENCE_PROFILE'], lifecycleStatus: 'LEGACY', endOfLifeTime: '2027-01-01T00:00:00.000Z' }),
      [key('GetFoundationModelAvailability', CLAUDE)]: ok({ ...READY, authorizationStatus: 'NOT_AUTHORIZED', entitlementAvailability: 'NOT_AVAILABLE' }),
    });
    expect(report.models[0].findings.map((f) => [f.check, f.severity])).toEqual([
      ['inference-type', 'missing'],
      ['lifecycle', 'warning'],
      ['authorization', 'missing'],
      ['entitlement', 'missing'],
    ]);
    const [type, legacy, authorization] = report.models[0].findings;
    expect(type.fix).toBe(`invoke it through a cross-Region inference profile such as eu.${CLAUDE} (BedrockModel.crossRegionProfile('eu.${CLAUDE}'))`);
    expect(legacy.message).toBe(`${CLAUDE} is a legacy model (end of life 2027-01-01T00:00:00.000Z)`);
    expect(authorization.fix).toMatch(/Anthropic use case details.*PutUseCaseForModelAccess/);
  });

  test('profiles: missing in the Region, routed model without agreement, application profile, provisioned model not in service, denied calls', () => {
    const report = check(
      [
        { kind: 'inference-profile', id: `us.${CLAUDE}` },
        { kind: 'inference-profile', id: `eu.${CLAUDE}` },
        { kind: 'application-inference-profile', id: APP_PROFILE },
        { kind: 'provisioned-model', id: PROVISIONED },
        fm(NOVA),
      ],
      {
        [key('GetInferenceProfile', `eu.${CLAUDE}`)]: ok({ status: 'ACTIVE', modelArns: [] }),
        [key('GetFoundationModelAvailability', CLAUDE)]: ok({ ...READY, regionAvailability: 'NOT_AVAILABLE', agreementStatus: 'NOT_AVAILABLE' }),
        [key('ListFoundationModelAgreementOffers', CLAUDE)]: ok({ offers: [{ offerId: 'o-1' }] }),
        [key('GetInferenceProfile', APP_PROFILE)]: fail('AccessDeniedException', 'explicit deny in a service control policy'),
        [key('GetProvisionedModelThroughput', PROVISIONED)]: ok({ status: 'Creating' }),
        [key('GetFoundationModel', NOVA)]: onDemand,
        [key('GetFoundationModelAvailability', NOVA)]: ok(READY),
      },
    );
    const summary = report.models.map((m) => [m.model, m.status, m.findings.map((f) => f.check)]);
    expect(summary).toEqual([
      // A profile routes elsewhere: the model's Region availability here does not matter; its agreement does.
      [`us.${CLAUDE}`, 'missing', ['profile', 'agreement']],
      [`eu.${CLAUDE}`, 'missing', ['agreement']],
      [APP_PROFILE, 'missing', ['permission']],
      [PROVISIONED, 'missing', ['provisioned-status']],
      [NOVA, 'ok', []],
    ]);
    expect(report.models[0].findings[0].fix).toBe(`a geographic profile is called from a Region of its geography: from ${REGION} use eu.${CLAUDE} if the model has one (aws bedrock list-inference-profiles --region ${REGION})`);
    expect(report.models[2].findings[0]).toEqual({
      check: 'permission',
      severity: 'missing',
      message: `could not check ${APP_PROFILE}: GetInferenceProfile was denied (explicit deny in a service control policy)`,
      fix: 'allow bedrock:GetInferenceProfile to the principal running the preflight, and look for a service control policy or permissions boundary that denies it',
    });
    expect(report.models[3].findings[0].fix).toBe('wait until it is InService (creation takes minutes), then run the preflight again');
  });

  test('deterministic: the same answers in any order give the same report', () => {
    const models: ModelToCheck[] = [fm(NOVA), fm(CLAUDE), { kind: 'inference-profile', id: `eu.${CLAUDE}` }];
    const { answers } = drive(models, {
      [key('GetFoundationModel', NOVA)]: onDemand,
      [key('GetFoundationModelAvailability', NOVA)]: ok(READY),
      [key('GetFoundationModelAvailability', CLAUDE)]: ok({ ...READY, agreementStatus: 'NOT_AVAILABLE' }),
    });
    const expected = JSON.stringify(evaluate(models, REGION, answers));
    fc.assert(
      fc.property(fc.shuffledSubarray(Object.keys(answers), { minLength: Object.keys(answers).length }), (order) => {
        const shuffled = Object.fromEntries(order.map((k) => [k, answers[k]]));
        expect(JSON.stringify(evaluate(models, REGION, shuffled))).toBe(expected);
      }),
      { numRuns: 20 },
    );
  });
});

describe('helpers', () => {
  test('the profile prefix is stripped, longest prefix first', () => {
    expect(profileFoundationModelId(`us-gov.${CLAUDE}`)).toBe(CLAUDE);
    expect(profileFoundationModelId(`global.${CLAUDE}`)).toBe(CLAUDE);
    expect(profileFoundationModelId(CLAUDE)).toBeUndefined();
    expect(suggestedProfile(NOVA, 'ap-northeast-1')).toBe(`jp.${NOVA}`);
    expect(suggestedProfile(NOVA, 'xx-nowhere-1')).toBe(`global.${NOVA}`);
  });

  test('SDK responses are read field by field', () => {
    expect(
      availabilityFacts({
        modelId: CLAUDE,
        agreementAvailability: { status: 'ERROR', errorMessage: 'boom' },
        authorizationStatus: 'AUTHORIZED',
        entitlementAvailability: 'AVAILABLE',
        regionAvailability: 'AVAILABLE',
      }),
    ).toEqual({ regionAvailability: 'AVAILABLE', authorizationStatus: 'AUTHORIZED', entitlementAvailability: 'AVAILABLE', agreementStatus: 'ERROR', agreementErrorMessage: 'boom' });
    expect(foundationModelFacts({ modelArn: 'a', modelId: 'b', modelLifecycle: { status: 'LEGACY', legacyTime: new Date('2026-01-01T00:00:00Z') } })).toEqual({
      inferenceTypesSupported: undefined,
      lifecycleStatus: 'LEGACY',
      legacyTime: '2026-01-01T00:00:00.000Z',
      endOfLifeTime: undefined,
    });
  });

  test('resource properties: kinds, ids and Regions, each checked', () => {
    expect(modelsFromProperties({ Models: [{ Kind: 'foundation-model', Id: NOVA, Region: 'us-east-1' }, { Kind: 'inference-profile', Id: `eu.${CLAUDE}` }] })).toEqual([
      { kind: 'foundation-model', id: NOVA, region: 'us-east-1' },
      { kind: 'inference-profile', id: `eu.${CLAUDE}` },
    ]);
    expect(() => modelsFromProperties({})).toThrow(new InvalidPropertiesError('the Models property must be a non-empty list of { Kind, Id }'));
    expect(() => modelsFromProperties({ Models: [{ Kind: 'model', Id: NOVA }] })).toThrow(/^Models\[0\]\.Kind must be one of foundation-model, /);
    expect(() => modelsFromProperties({ Models: [{ Kind: 'foundation-model', Id: '' }] })).toThrow('Models[0].Id must be a non-empty string, got ""');
  });
});
