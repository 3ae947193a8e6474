import { App, Stack } from 'aws-cdk-lib';
import { BedrockModel } from '../../lib/core/bedrock-model';
import { PlatformValidationError } from '../../lib/core/errors';
import { PersonaTrust } from '../../lib/identity';
import { BedrockFeature } from '../../lib/network';
import { BedrockPlatform, BedrockPlatformProps } from '../../lib/platform';
import { decide } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { cdkJsonContext, synthesize } from '../kit/synth';

/*
 * The facade takes the models once: the endpoint policies and the invoker's IAM policy come from the
 * same list, `global.` profiles included (the 0.x invoker refused them while the endpoints took them).
 */

const ENV = { account: '123456789012', region: 'us-east-1' };
const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const GLOBAL = `global.${CLAUDE}`;
const MODELS = ['amazon.nova-lite-v1:0', 'us.amazon.nova-pro-v1:0', GLOBAL].map((id) => BedrockModel.parse(id));
const fm = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
const profile = (region: string, id: string) => `arn:aws:bedrock:${region}:123456789012:inference-profile/${id}`;
const GLOBAL_PROFILE = profile('us-east-1', GLOBAL);
const MINIMAL: BedrockPlatformProps = { audit: false, invocationLogging: false };

let platform: BedrockPlatform;
const synth = synthesize(
  (app) => {
    const stack = new Stack(app, 'Models', { env: ENV });
    platform = new BedrockPlatform(stack, 'Platform', {
      ...MINIMAL,
      models: [...MODELS, BedrockModel.mantleModel('openai.gpt-oss-120b')],
      network: { privateLink: { features: [BedrockFeature.RUNTIME, BedrockFeature.MANTLE] } },
      access: { invoker: { trust: PersonaTrust.service('lambda.amazonaws.com') } },
    });
  },
  { nag: false },
);
const resources = synth.json.Models.Resources as Record<string, any>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const env = { ...ENV, refs: {} };
const endpointPolicy = (service: string) => resolveIntrinsics(ofType('AWS::EC2::VPCEndpoint').find(([, r]) => r.Properties.ServiceName === `com.amazonaws.us-east-1.${service}`)![1].Properties.PolicyDocument, env);
const invokerPolicy = () => resolveIntrinsics(ofType('AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('PlatformInvokerPermissions'))![1].Properties.PolicyDocument, env);
const statement = (policy: any, sid: string) => (policy.Statement as any[]).find((s) => s.Sid === sid);

describe('BedrockPlatform: the models, listed once', () => {
  test('the platform exposes the list it was given', () => {
    expect(platform.models.map((m) => m.identifier)).toEqual([...MODELS.map((m) => m.identifier), 'openai.gpt-oss-120b']);
  });

  test('the runtime endpoint and the invoker allow the same models; the Mantle model goes to the Mantle endpoint only', () => {
    const atEndpoint = [statement(endpointPolicy('bedrock-runtime'), 'InvokeAllowedModelsOnly').Resource].flat().sort();
    expect(atEndpoint).toEqual(
      [fm('us-east-1', 'amazon.nova-lite-v1:0'), profile('us-east-1', 'us.amazon.nova-pro-v1:0'), fm('*', 'amazon.nova-pro-v1:0'), GLOBAL_PROFILE, fm('*', CLAUDE)].sort(),
    );
    expect(statement(endpointPolicy('bedrock-mantle'), 'InferenceOnAllowedModelsOnly').Condition.StringEquals['bedrock-mantle:Model']).toEqual(['openai.gpt-oss-120b']);
    const invoker = invokerPolicy();
    expect(JSON.stringify(invoker)).not.toContain('gpt-oss');
    expect([statement(invoker, 'InvokeAllowedModels').Resource].flat()).toEqual(expect.arrayContaining([fm('us-east-1', 'amazon.nova-lite-v1:0'), profile('us-west-2', 'us.amazon.nova-pro-v1:0'), GLOBAL_PROFILE]));
  });

  describe('a global. profile through the endpoint AND by the invoker policy (refused by the 0.x invoker)', () => {
    const invoke = (resource: string, context: Record<string, string> = {}) =>
      decide(
        { principal: 'arn:aws:iam::123456789012:role/PlatformInvoker', action: 'bedrock:InvokeModel', resource, context: { 'aws:RequestedRegion': 'us-east-1', ...context } },
        { identity: [invokerPolicy()], endpoint: [endpointPolicy('bedrock-runtime')] },
      );

    test('the global profile: allowed', async () => {
      expect(await invoke(GLOBAL_PROFILE)).toBe('Allowed');
    });
    test('its model in the source Region, reached through the profile: allowed', async () => {
      expect(await invoke(fm('us-east-1', CLAUDE), { 'bedrock:InferenceProfileArn': GLOBAL_PROFILE })).toBe('Allowed');
    });
    test('its model called directly, not through the profile: denied by the invoker policy', async () => {
      expect(await invoke(fm('us-east-1', CLAUDE))).toBe('ImplicitlyDenied');
    });
    test('its model through another (unlisted) profile: denied', async () => {
      expect(await invoke(fm('us-east-1', CLAUDE), { 'bedrock:InferenceProfileArn': profile('us-east-1', `us.${CLAUDE}`) })).toBe('ImplicitlyDenied');
    });
    test('another global profile: denied', async () => {
      expect(await invoke(profile('us-east-1', 'global.amazon.nova-2-lite-v1:0'))).toBe('ImplicitlyDenied');
    });
    test('globally routed requests (the Region-less model ARN): the invoker grants it through the profile only, the endpoint admits it', () => {
      // iam-simulate cannot type a Region-less ARN (it needs a Region to find the resource type), so
      // this part is read from the statements: IAM's `*` in the endpoint's Region segment matches none.
      const through = statement(invokerPolicy(), 'InvokeModelsOnlyThroughAllowedProfiles');
      expect(through.Resource).toEqual(expect.arrayContaining([`arn:aws:bedrock:::foundation-model/${CLAUDE}`]));
      expect(through.Condition).toEqual({ StringEquals: { 'bedrock:InferenceProfileArn': expect.arrayContaining([GLOBAL_PROFILE]) } });
      expect([statement(endpointPolicy('bedrock-runtime'), 'InvokeAllowedModelsOnly').Resource].flat()).toContain(fm('*', CLAUDE));
    });
  });
});

describe('BedrockPlatform model validation', () => {
  const stack = () => new Stack(new App({ context: cdkJsonContext() }), 'S', { env: ENV });
  const invoker = { trust: PersonaTrust.service('lambda.amazonaws.com') };
  test.each<[string, BedrockPlatformProps, RegExp]>([
    ['the 0.x per-endpoint list', { ...MINIMAL, network: { privateLink: { features: [BedrockFeature.RUNTIME], models: MODELS } as never } }, /^S\/Platform: invalid network\.privateLink\.models "\(set\)"\. List the models once, in the top-level models prop/],
    ['the 0.x invoker list', { ...MINIMAL, access: { invoker: { ...invoker, models: MODELS } as never } }, /invalid access\.invoker\.models "\(set\)"\. List the models once/],
    ['a pattern with an invoker (IAM grants name exact models)', { ...MINIMAL, models: [BedrockModel.parse('anthropic.claude-*')], access: { invoker } }, /^S\/Platform: invalid models\[0\] "anthropic\.claude-\*"\. Must name exactly one model/],
    ['an application profile without its source, with an invoker', { ...MINIMAL, models: [BedrockModel.parse('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123')], access: { invoker } }, /invalid models\[0\]\.source \(not set\)/],
    [
      'a global profile with data residency (its routed requests would all be denied)',
      { ...MINIMAL, models: MODELS, access: { enforcement: { dataResidency: { allowedRegions: ['us-east-1'] } } } },
      /invalid models\[2\] "global\.anthropic\.claude-sonnet-4-5-20250929-v1:0"\. A global profile routes requests to Regions outside access\.enforcement\.dataResidency\.allowedRegions/,
    ],
    ['an unparseable model', { ...MINIMAL, models: [BedrockModel.parse('arn:aws:s3:::bucket')] }, /^S\/Platform: invalid models\[0\] "arn:aws:s3:::bucket"/],
    ['a plain string (the 0.x form), even with no endpoint or invoker', { ...MINIMAL, network: { privateLink: false }, models: ['amazon.nova-lite-v1:0' as unknown as BedrockModel] }, /^S\/Platform: invalid models\[0\] "amazon\.nova-lite-v1:0"\. Must be a BedrockModel/],
  ])('refuses %s', (_name, props, message) => {
    let error: unknown;
    try {
      new BedrockPlatform(stack(), 'Platform', props);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlatformValidationError);
    expect((error as Error).message).toMatch(message);
  });

  test('a pattern is fine without an invoker (endpoint policies take patterns)', () => {
    expect(() => new BedrockPlatform(stack(), 'Platform', { ...MINIMAL, models: [BedrockModel.parse('anthropic.claude-*')] })).not.toThrow();
  });

  test('the default list is DEFAULT_TEXT_MODELS, for the endpoints and the invoker alike', () => {
    const p = new BedrockPlatform(stack(), 'Platform', { ...MINIMAL, access: { invoker } });
    expect(p.models.map((m) => m.identifier)).toEqual(['amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0', 'amazon.nova-pro-v1:0', 'amazon.titan-embed-text-v2:0']);
    expect(p.privateLink!.models).toEqual(p.models);
  });
});
