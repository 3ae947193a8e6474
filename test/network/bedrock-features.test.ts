import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ALL_BEDROCK_FEATURES, BEDROCK_FEATURE_CATALOG, BedrockFeature, bedrockFeature, endpointServiceOf, featureActions } from '../../lib/network';

// The IAM action data iam-simulate evaluates with (the Service Authorization Reference, as data).
const NODE_MODULES = path.resolve(__dirname, '..', '..', 'node_modules');
const IAM_DATA = path.join(NODE_MODULES, '@cloud-copilot', 'iam-data');
const iamActions = (prefix: string): Map<string, { name: string; conditionKeys: string[] }> =>
  new Map(Object.entries(JSON.parse(fs.readFileSync(path.join(IAM_DATA, 'data', 'actions', `${prefix}.json`), 'utf8'))));

// Operations of the Bedrock control plane, as the SDK client of this repository knows them.
const SDK_COMMANDS = path.join(NODE_MODULES, '@aws-sdk', 'client-bedrock', 'dist-types', 'commands');
const controlPlaneOperations = fs.readdirSync(SDK_COMMANDS).filter((f) => f.endsWith('Command.d.ts')).map((f) => f.replace('Command.d.ts', ''));

describe('Bedrock feature catalog', () => {
  test('covers every feature once, with stable construct ids', () => {
    expect(Object.keys(BEDROCK_FEATURE_CATALOG).sort()).toEqual([...ALL_BEDROCK_FEATURES].sort());
    expect(ALL_BEDROCK_FEATURES.map((f) => bedrockFeature(f).constructId)).toEqual([
      'ControlPlane', 'Runtime', 'AgentsBuild', 'AgentsRuntime', 'DataAutomation', 'DataAutomationRuntime', 'AgentCore', 'Mantle',
    ]);
  });

  test.each(ALL_BEDROCK_FEATURES)('every action of %s is a real IAM action of its service', (feature) => {
    const d = bedrockFeature(feature);
    const known = iamActions(d.iamPrefix);
    const unknown = [...d.actions, ...d.modelActions, ...d.guardrailActions].filter((a) => known.get(a.toLowerCase())?.name !== a);
    expect(unknown).toEqual([]);
  });

  test('no feature lists an action twice', () => {
    for (const f of ALL_BEDROCK_FEATURES) expect(new Set(featureActions(f)).size).toBe(featureActions(f).length);
  });

  test('the control plane is exactly the operations of the Bedrock control-plane API', () => {
    expect(bedrockFeature(BedrockFeature.CONTROL_PLANE).actions.slice().sort()).toEqual(controlPlaneOperations.sort());
  });

  test('runtime and control plane share nothing: inference cannot manage, management cannot infer', () => {
    const runtime = featureActions(BedrockFeature.RUNTIME);
    const control = featureActions(BedrockFeature.CONTROL_PLANE);
    expect(runtime.filter((a) => control.includes(a))).toEqual([]);
    expect(runtime).toEqual(['bedrock:ApplyGuardrail', 'bedrock:CountTokens', 'bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:RenderPrompt']);
  });

  test('model-scoped actions take a model resource; Mantle ones take the bedrock-mantle:Model condition', () => {
    const bedrock = iamActions('bedrock');
    for (const f of [BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME]) {
      for (const a of bedrockFeature(f).modelActions) {
        expect([a, JSON.stringify(bedrock.get(a.toLowerCase()))]).toEqual([a, expect.stringContaining('"foundation-model"')]);
      }
    }
    const mantle = iamActions('bedrock-mantle');
    for (const a of bedrockFeature(BedrockFeature.MANTLE).modelActions) {
      expect(mantle.get(a.toLowerCase())?.conditionKeys).toContain('bedrock-mantle:Model');
    }
  });

  test('endpoints that take Bedrock API keys have a CallWithBearerToken action filtered by token type', () => {
    const accepting = ALL_BEDROCK_FEATURES.filter((f) => bedrockFeature(f).acceptsBearerTokens);
    expect(accepting).toEqual([BedrockFeature.RUNTIME, BedrockFeature.MANTLE]);
    for (const f of accepting) {
      const prefix = bedrockFeature(f).iamPrefix;
      expect(iamActions(prefix).get('callwithbearertoken')?.conditionKeys).toEqual([`${prefix}:BearerTokenType`]);
    }
  });

  test('AgentCore excludes the interactive shell; every action list is explicit (no wildcard)', () => {
    expect(featureActions(BedrockFeature.AGENTCORE)).not.toContain('bedrock-agentcore:InvokeAgentRuntimeCommandShell');
    for (const f of ALL_BEDROCK_FEATURES) expect(featureActions(f).filter((a) => a.includes('*'))).toEqual([]);
  });

  test('endpoint services match the aws-cdk-lib constants, and Mantle is built from its name', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    const name = (s: ec2.IInterfaceVpcEndpointService) => stack.resolve(s.name);
    const S = ec2.InterfaceVpcEndpointAwsService;
    const expected: Record<BedrockFeature, ec2.InterfaceVpcEndpointAwsService | string> = {
      [BedrockFeature.CONTROL_PLANE]: S.BEDROCK,
      [BedrockFeature.RUNTIME]: S.BEDROCK_RUNTIME,
      [BedrockFeature.AGENTS_BUILD]: S.BEDROCK_AGENT,
      [BedrockFeature.AGENTS_RUNTIME]: S.BEDROCK_AGENT_RUNTIME,
      [BedrockFeature.DATA_AUTOMATION]: S.BEDROCK_DATA_AUTOMATION,
      [BedrockFeature.DATA_AUTOMATION_RUNTIME]: S.BEDROCK_DATA_AUTOMATION_RUNTIME,
      [BedrockFeature.AGENTCORE]: S.BEDROCK_AGENTCORE,
      [BedrockFeature.MANTLE]: 'com.amazonaws.us-east-1.bedrock-mantle',
    };
    for (const f of ALL_BEDROCK_FEATURES) {
      const want = expected[f];
      expect(name(endpointServiceOf(f))).toBe(typeof want === 'string' ? want : name(want));
    }
    expect(name(endpointServiceOf(BedrockFeature.RUNTIME, true))).toBe(name(S.BEDROCK_RUNTIME_FIPS));
    expect(name(endpointServiceOf(BedrockFeature.CONTROL_PLANE, true))).toBe(name(S.BEDROCK_FIPS));
    expect(name(endpointServiceOf(BedrockFeature.DATA_AUTOMATION_RUNTIME, true))).toBe(name(S.BEDROCK_DATA_AUTOMATION_RUNTIME_FIPS));
    expect(() => endpointServiceOf(BedrockFeature.MANTLE, true)).toThrow(/no FIPS endpoint/);
  });

  test('the catalog cannot be changed at run time', () => {
    expect(Object.isFrozen(BEDROCK_FEATURE_CATALOG[BedrockFeature.RUNTIME].modelActions)).toBe(true);
  });
});
