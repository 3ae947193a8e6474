import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PlatformKey } from '../../lib';
import { BedrockBuilderRole, BedrockEnforcement, BedrockInvokerRole, PersonaTrust } from '../../lib/identity';
import { BedrockModel } from '../../lib/core/bedrock-model';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { resolveIntrinsics } from '../kit/intrinsics';
import { synthesize } from '../kit/synth';

/*
 * Two of each identity construct in one stack, and across the stacks of one app: two enforcements,
 * two invoker roles with different models, roles in one stack under an enforcement of another, and
 * a role under an enforcement imported by its attributes (another team's). Models, guardrails and
 * knowledge bases added after construction, some twice.
 */

const ENV = { account: '123456789012', region: 'us-east-1' };
const G1 = { guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', guardrailVersion: '3' };
const G2_ARN = 'arn:aws:bedrock:us-east-1:123456789012:guardrail/fed654cba321';
const KB = 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ';
const IMPORTED_POLICY = 'arn:aws:iam::123456789012:policy/platform/bedrock-enforcement';
const ENDPOINT = 'vpce-0123456789abcdef0';
const NOVA = 'amazon.nova-lite-v1:0';
const TITAN = 'amazon.titan-embed-text-v2:0';
const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const fm = (id: string, region = 'us-east-1') => `arn:aws:bedrock:${region}::foundation-model/${id}`;
const service = PersonaTrust.service('lambda.amazonaws.com');

const synth = synthesize((app) => {
  const shared = new Stack(app, 'Shared', { env: ENV });
  const key = new PlatformKey(shared, 'Key');
  const guardrailEnforcement = new BedrockEnforcement(shared, 'GuardrailEnforcement', { requireGuardrail: G1, dataResidency: { allowedRegions: ['us-east-1'] } });
  const privatePath = new BedrockEnforcement(shared, 'PrivatePath', { requirePrivatePath: { vpcEndpointIds: [ENDPOINT] } });
  const a = new BedrockInvokerRole(shared, 'InvokerA', { trust: service, models: [BedrockModel.foundationModel(NOVA)], enforcement: guardrailEnforcement });
  a.addModel(BedrockModel.foundationModel(TITAN));
  a.addModel(BedrockModel.foundationModel(TITAN), BedrockModel.foundationModel(NOVA));
  a.allowKnowledgeBase(KB);
  a.allowKnowledgeBase(KB);
  a.allowGuardrail({ guardrailArn: G2_ARN, guardrailVersion: '1', encryptionKey: key.key });
  a.allowGuardrail(G1);
  new BedrockInvokerRole(shared, 'InvokerB', { trust: service, models: [BedrockModel.parse(CLAUDE)], enforcement: privatePath, knowledgeBaseArns: [KB] });

  // Roles in another stack of the app, under the enforcements of the first.
  const consumer = new Stack(app, 'Consumer', { env: ENV });
  new BedrockInvokerRole(consumer, 'InvokerC', { trust: service, models: [BedrockModel.foundationModel(NOVA)], enforcement: guardrailEnforcement });
  new BedrockBuilderRole(consumer, 'Builder', { trust: PersonaTrust.accounts([ENV.account]), enforcement: privatePath });

  // Another team's enforcement, known by its attributes only.
  const team = new Stack(app, 'OtherTeam', { env: ENV });
  const imported = BedrockEnforcement.fromEnforcementAttributes(team, 'Enforcement', { managedPolicyArn: IMPORTED_POLICY, requiredGuardrail: G1, requiredVpcEndpointIds: [ENDPOINT] });
  new BedrockInvokerRole(team, 'InvokerD', { trust: service, models: [BedrockModel.parse(CLAUDE)], enforcement: imported });
  const existing = new iam.Role(team, 'Existing', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  imported.enforceOn(existing);
  imported.enforceOn(existing);
});

const resourcesOf = (stack: string, type: string): Array<[string, any]> => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const resource = (path: string) => {
  const [stack] = path.split('/');
  return synth.json[stack].Resources[synth.logicalId(path)];
};
const statements = (policyPath: string): any[] => resolveIntrinsics(resource(policyPath).Properties.PolicyDocument, ENV).Statement;
const bySid = (policyPath: string) => Object.fromEntries(statements(policyPath).map((s) => [s.Sid, s]));
const list = (v: unknown): string[] => [v].flat() as string[];

describe('two of each identity construct, in one stack and across stacks', () => {
  test('passes every compliance pack; acknowledgements are granular and explained', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });

  test('no managed policy of the app repeats a Sid, however often a mutator ran', () => {
    for (const stack of Object.keys(synth.json)) {
      for (const [id, policy] of resourcesOf(stack, 'AWS::IAM::ManagedPolicy')) {
        const sids = (policy.Properties.PolicyDocument.Statement as any[]).map((s) => s.Sid);
        expect({ policy: `${stack}/${id}`, sids: [...new Set(sids)] }).toEqual({ policy: `${stack}/${id}`, sids });
      }
    }
  });

  test('two enforcements in one stack: two policies, each with its own switches, each on its own roles', () => {
    const guardrail = bySid('Shared/GuardrailEnforcement/Policy/Resource');
    const path = bySid('Shared/PrivatePath/Policy/Resource');
    expect(Object.keys(guardrail)).toEqual(expect.arrayContaining(['DenyInvokeWithoutPlatformGuardrail']));
    expect(Object.keys(guardrail).some((sid) => /Vpce|PrivatePath|Endpoint/i.test(sid))).toBe(false);
    expect(JSON.stringify(path)).toContain(ENDPOINT);
    expect(JSON.stringify(path)).not.toContain(G1.guardrailArn);
    const arnsOf = (rolePath: string) => resource(rolePath).Properties.ManagedPolicyArns;
    expect(arnsOf('Shared/InvokerA/Role/Resource')).toContainEqual({ Ref: synth.logicalId('Shared/GuardrailEnforcement/Policy/Resource') });
    expect(arnsOf('Shared/InvokerA/Role/Resource')).not.toContainEqual({ Ref: synth.logicalId('Shared/PrivatePath/Policy/Resource') });
    expect(arnsOf('Shared/InvokerB/Role/Resource')).toEqual([
      { Ref: synth.logicalId('Shared/PrivatePath/Policy/Resource') },
      { Ref: synth.logicalId('Shared/InvokerB/Permissions/Policy/Resource') },
    ]);
  });

  test('two invoker roles with different models: each policy names its own models only', () => {
    const a = bySid('Shared/InvokerA/Permissions/Policy/Resource');
    const b = bySid('Shared/InvokerB/Permissions/Policy/Resource');
    // Added twice, or already there: each model once.
    expect(list(a.InvokeAllowedModels.Resource)).toEqual([fm(NOVA), fm(TITAN)]);
    expect(a.InvokeModelsOnlyThroughAllowedProfiles).toBeUndefined();
    expect(JSON.stringify(b)).not.toContain(NOVA);
    expect(list(b.InvokeAllowedModels.Resource).every((r: string) => r.includes('inference-profile/us.anthropic'))).toBe(true);
    expect(b.InvokeModelsOnlyThroughAllowedProfiles.Condition.StringEquals['bedrock:InferenceProfileArn']).toEqual(list(b.InvokeAllowedModels.Resource));
  });

  test('knowledge bases and guardrails added after construction: one statement each, every value once', () => {
    const a = bySid('Shared/InvokerA/Permissions/Policy/Resource');
    expect(a.RetrieveFromPlatformKnowledgeBases.Resource).toBe(KB);
    expect(a.RetrieveAndGenerate.Resource).toBe('*');
    // The enforcement's guardrail (the role is held to it), then the one added, then G1 again: a no-op.
    expect(a.ApplyPlatformGuardrail.Resource).toEqual([G1.guardrailArn, G2_ARN]);
    expect(a.DecryptGuardrailThroughBedrock).toEqual({
      Sid: 'DecryptGuardrailThroughBedrock',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: `arn:aws:test:us-east-1:123456789012:${synth.logicalId('Shared/Key/Key/Resource')}/Arn`,
      Condition: { StringEquals: { 'kms:ViaService': 'bedrock.us-east-1.amazonaws.com' } },
    });
  });

  test("roles in another stack are put under the first stack's enforcements through its outputs", () => {
    // cdk.json makes cross-stack references weak (Fn::GetStackOutput): no export locks the first stack.
    const exported = (policyPath: string) => {
      const ref = synth.logicalId(policyPath);
      const names = Object.entries(synth.json.Shared.Outputs as Record<string, any>).filter(([, o]) => o.Value?.Ref === ref).map(([name]) => name);
      expect(names).toHaveLength(1);
      return { 'Fn::GetStackOutput': { StackName: 'Shared', Region: ENV.region, OutputName: names[0] } };
    };
    expect(resource('Consumer/InvokerC/Role/Resource').Properties.ManagedPolicyArns).toEqual([
      exported('Shared/GuardrailEnforcement/Policy/Resource'),
      { Ref: synth.logicalId('Consumer/InvokerC/Permissions/Policy/Resource') },
    ]);
    expect(resource('Consumer/Builder/Role/Resource').Properties.ManagedPolicyArns).toContainEqual(exported('Shared/PrivatePath/Policy/Resource'));
    // Held to the guardrail of an enforcement of another stack: allowed to apply it.
    expect(bySid('Consumer/InvokerC/Permissions/Policy/Resource').ApplyPlatformGuardrail.Resource).toBe(G1.guardrailArn);
  });

  test('an enforcement imported by attributes is attached by ARN, once per role, and its guardrail is applicable', () => {
    expect(resource('OtherTeam/InvokerD/Role/Resource').Properties.ManagedPolicyArns).toEqual([IMPORTED_POLICY, { Ref: synth.logicalId('OtherTeam/InvokerD/Permissions/Policy/Resource') }]);
    expect(resource('OtherTeam/Existing/Resource').Properties.ManagedPolicyArns).toEqual([IMPORTED_POLICY]);
    expect(bySid('OtherTeam/InvokerD/Permissions/Policy/Resource').ApplyPlatformGuardrail.Resource).toBe(G1.guardrailArn);
    // Nothing of the enforcement is created in the importing stack.
    expect(resourcesOf('OtherTeam', 'AWS::IAM::ManagedPolicy').map(([id]) => id)).toEqual([synth.logicalId('OtherTeam/InvokerD/Permissions/Policy/Resource')]);
  });
});
