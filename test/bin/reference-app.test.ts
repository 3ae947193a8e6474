import { Match } from 'aws-cdk-lib/assertions';
import { REFERENCE_MODELS } from '../../bin/reference-app';
import { decide } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { loadAssembly } from '../kit/synth';

// The assembly `npm test` synthesized from bin/app.ts with the pinned CLI (re-synthesized here if stale).
const synth = loadAssembly('bin/app.ts');
const t = synth.template('BedrockPlatform');
const resources = synth.json.BedrockPlatform.Resources as Record<string, { Type: string; Properties?: any; DeletionPolicy?: string }>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('reference app', () => {
  test('passes every compliance pack; each acknowledgement is granular and explained', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });

  test('no route to the internet: no IGW, no NAT, no 0.0.0.0/0 route', () => {
    expect(ofType('AWS::EC2::InternetGateway')).toEqual([]);
    expect(ofType('AWS::EC2::NatGateway')).toEqual([]);
    const defaultRoutes = ofType('AWS::EC2::Route').filter(([, r]) => r.Properties?.DestinationCidrBlock === '0.0.0.0/0');
    expect(defaultRoutes).toEqual([]);
  });

  test('endpoints: the selected features, plus exactly what the platform function calls', () => {
    const services = ofType('AWS::EC2::VPCEndpoint').map(([, r]) => JSON.stringify(r.Properties.ServiceName)).sort();
    expect(services).toEqual(
      [
        '"com.amazonaws.us-east-1.bedrock"', // control plane: the invocation-logging handler
        '"com.amazonaws.us-east-1.bedrock-agent"',
        '"com.amazonaws.us-east-1.bedrock-agent-runtime"',
        '"com.amazonaws.us-east-1.bedrock-runtime"',
        expect.stringContaining('.s3'), // gateway: CloudFormation's pre-signed response URL
      ].sort(),
    );
    // No endpoint keeps the default full-access policy: each has its own, every Allow pinned to principals.
    for (const [, endpoint] of ofType('AWS::EC2::VPCEndpoint')) {
      const statements = endpoint.Properties.PolicyDocument.Statement as any[];
      expect(statements.length).toBeGreaterThan(0);
      expect(statements.filter((st) => st.Effect === 'Allow' && st.Action === '*' && st.Resource === '*' && !st.Condition)).toEqual([]);
    }
  });

  test('the deploy-time functions run in the private subnets; the daily drift check is exempted from the private-path denies of the SCP instead', () => {
    // Besides ours, the other functions are aws-cdk-lib's own handler that empties the VPC's default
    // security group (restrictDefaultSecurityGroup; see the README's known limits) and the Config
    // drift rule's function, which reads one account setting a day outside the VPC (AWS Config has
    // no endpoint here) and is therefore exempt from the SCP's private-path denies.
    const functions = ofType('AWS::Lambda::Function');
    const deployTime = functions.filter(([id]) => /^Platform(InvocationLogging|ModelAccessPreflight)/.test(id));
    expect(deployTime.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['PlatformInvocationLoggingHandlerFunction', 'PlatformModelAccessPreflightFunction']);
    for (const [, fn] of deployTime) expect(fn.Properties.VpcConfig.SubnetIds.length).toBeGreaterThanOrEqual(2);
    expect(functions.filter(([id]) => !deployTime.some(([d]) => d === id)).map(([id]) => id).sort()).toEqual([
      expect.stringMatching(/^CustomVpcRestrictDefaultSG/),
      expect.stringMatching(/^PlatformConfigRulesInvocationLoggingDriftFunction/),
    ]);
    const drift = functions.find(([id]) => id.startsWith('PlatformConfigRulesInvocationLoggingDriftFunction'))![1];
    const driftRole = drift.Properties.Role['Fn::GetAtt'][0];
    expect(JSON.stringify(synth.json.BedrockPlatform.Outputs.ServiceControlPolicy.Value)).toContain(driftRole);
  });

  test('every stateful resource is kept on delete', () => {
    for (const type of ['AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::CloudTrail::Trail']) {
      const found = ofType(type);
      expect(found.length).toBeGreaterThan(0);
      for (const [id, r] of found) expect([id, r.DeletionPolicy]).toEqual([id, 'Retain']);
    }
  });

  test('on-premises DNS: inbound resolver in two AZs; endpoints admit the corporate network on 443', () => {
    t.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', { Direction: 'INBOUND', IpAddresses: [Match.anyValue(), Match.anyValue()] });
    const runtimeGroup = ofType('AWS::EC2::SecurityGroup').find(([id]) => /Runtime/.test(id) && !/AgentsRuntime/.test(id))!;
    expect(runtimeGroup[1].Properties.SecurityGroupIngress).toEqual(
      expect.arrayContaining([expect.objectContaining({ CidrIp: '192.168.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })]),
    );
  });

  test('four persona roles; the SCP is a stack output', () => {
    for (const persona of ['Invoker', 'Builder', 'Operator', 'Auditor']) {
      expect(ofType('AWS::IAM::Role').some(([id]) => id.startsWith(`Platform${persona}Role`))).toBe(true);
    }
    const scp = JSON.stringify(synth.json.BedrockPlatform.Outputs.ServiceControlPolicy.Value);
    expect(scp).toContain('DenyInvokeWithoutPlatformGuardrail');
    expect(scp).toContain('aws:SourceVpce');
  });

  describe('end to end: the invoker through the runtime endpoint, with enforcement on', () => {
    const env = { account: '123456789012', region: 'us-east-1', refs: { PlatformPrivateLinkRuntimeEndpointBABAB9B3: 'vpce-0runtime' } };
    const managed = (prefix: string) => resolveIntrinsics(ofType('AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith(prefix))![1].Properties.PolicyDocument, env);
    const policies = () => ({
      identity: [managed('PlatformInvokerPermissions'), managed('PlatformEnforcement')],
      endpoint: [resolveIntrinsics(resources.PlatformPrivateLinkRuntimeEndpointBABAB9B3.Properties!.PolicyDocument, env)],
    });
    const invoke = (model: string, context: Record<string, string>) =>
      decide(
        { principal: 'arn:aws:iam::123456789012:role/PlatformInvoker', action: 'bedrock:InvokeModel', resource: `arn:aws:bedrock:us-east-1::foundation-model/${model}`, context: { 'aws:RequestedRegion': 'us-east-1', ...context } },
        policies(),
      );
    // The guardrail is created in the stack: take the identifier the enforcement requires, as resolved.
    const required = (managed('PlatformEnforcement').Statement as any[]).find((st) => st.Sid === 'DenyInvokeWithoutPlatformGuardrail').Condition.StringNotEquals['bedrock:GuardrailIdentifier'];
    const guardrail = { 'bedrock:GuardrailIdentifier': required as string };
    const viaEndpoint = { 'aws:SourceVpce': 'vpce-0runtime' };

    test('an allowed model, with the guardrail, through the endpoint: allowed', async () => {
      expect(await invoke('amazon.nova-lite-v1:0', { ...guardrail, ...viaEndpoint })).toBe('Allowed');
    });
    test('without the guardrail: explicitly denied', async () => {
      expect(await invoke('amazon.nova-lite-v1:0', viaEndpoint)).toBe('ExplicitlyDenied');
    });
    test('from outside the endpoint: explicitly denied', async () => {
      expect(await invoke('amazon.nova-lite-v1:0', { ...guardrail, 'aws:SourceVpce': 'vpce-0elsewhere' })).toBe('ExplicitlyDenied');
    });
    test('an image model: denied', async () => {
      expect(await invoke('amazon.nova-canvas-v1:0', { ...guardrail, ...viaEndpoint })).not.toBe('Allowed');
    });
  });

  describe('one model list: the endpoint policies and the invoker policy allow the same models as in 0.x', () => {
    const env = { account: '123456789012', region: 'us-east-1', refs: { PlatformPrivateLinkRuntimeEndpointBABAB9B3: 'vpce-0runtime' } };
    const managed = (prefix: string) => resolveIntrinsics(ofType('AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith(prefix))![1].Properties.PolicyDocument, env);
    const required = (managed('PlatformEnforcement').Statement as any[]).find((st) => st.Sid === 'DenyInvokeWithoutPlatformGuardrail').Condition.StringNotEquals['bedrock:GuardrailIdentifier'];
    const endpointPolicy = (service: string) =>
      resolveIntrinsics(ofType('AWS::EC2::VPCEndpoint').find(([, r]) => JSON.stringify(r.Properties.ServiceName) === `"com.amazonaws.us-east-1.${service}"`)![1].Properties.PolicyDocument, env);
    const fm = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
    const profile = (region: string, id: string) => `arn:aws:bedrock:${region}:123456789012:inference-profile/${id}`;
    const NOVA_PRO = profile('us-east-1', 'us.amazon.nova-pro-v1:0');
    const invoke = (service: string, resource: string, context: Record<string, string> = {}) =>
      decide(
        {
          principal: 'arn:aws:iam::123456789012:role/PlatformInvoker',
          action: 'bedrock:InvokeModel',
          resource,
          context: { 'aws:RequestedRegion': 'us-east-1', 'aws:SourceVpce': 'vpce-0runtime', 'bedrock:GuardrailIdentifier': required, ...context },
        },
        { identity: [managed('PlatformInvokerPermissions'), managed('PlatformEnforcement')], endpoint: [endpointPolicy(service)] },
      );

    test('REFERENCE_MODELS is one list of models', () => {
      expect(REFERENCE_MODELS.map(String)).toEqual([
        'a foundation model amazon.nova-lite-v1:0',
        'a foundation model amazon.titan-embed-text-v2:0',
        'a cross-Region inference profile us.amazon.nova-pro-v1:0',
      ]);
    });

    test.each<[string, string, Record<string, string>, string]>([
      ['a listed foundation model', fm('us-east-1', 'amazon.nova-lite-v1:0'), {}, 'Allowed'],
      ['the embedding model', fm('us-east-1', 'amazon.titan-embed-text-v2:0'), {}, 'Allowed'],
      ['the listed us. profile', NOVA_PRO, {}, 'Allowed'],
      ["the profile's model, routed through it to another US Region", fm('us-west-2', 'amazon.nova-pro-v1:0'), { 'aws:RequestedRegion': 'us-west-2', 'bedrock:InferenceProfileArn': NOVA_PRO }, 'Allowed'],
      ["the profile's model, called directly (not through the profile)", fm('us-east-1', 'amazon.nova-pro-v1:0'), {}, 'ImplicitlyDenied'],
      ['a listed foundation model in another Region', fm('us-west-2', 'amazon.nova-lite-v1:0'), { 'aws:RequestedRegion': 'us-west-2' }, 'ExplicitlyDenied'],
      ['an image model', fm('us-east-1', 'amazon.nova-canvas-v1:0'), {}, 'ImplicitlyDenied'],
      ['the eu. profile of a listed model', profile('us-east-1', 'eu.amazon.nova-pro-v1:0'), {}, 'ImplicitlyDenied'],
      ['a global profile that is not listed', profile('us-east-1', 'global.amazon.nova-pro-v1:0'), {}, 'ImplicitlyDenied'],
    ])('runtime endpoint + invoker + enforcement: %s', async (_name, resource, context, expected) => {
      expect(await invoke('bedrock-runtime', resource, context)).toBe(expected);
    });

    test('the agents endpoints allow exactly the runtime endpoint\'s models', () => {
      const models = (service: string) => (endpointPolicy(service).Statement as any[]).find((st) => st.Sid === 'InvokeAllowedModelsOnly').Resource;
      expect([...models('bedrock-runtime')].sort()).toEqual(
        [fm('us-east-1', 'amazon.nova-lite-v1:0'), fm('us-east-1', 'amazon.titan-embed-text-v2:0'), NOVA_PRO, fm('*', 'amazon.nova-pro-v1:0')].sort(),
      );
      expect(models('bedrock-agent-runtime')).toEqual(models('bedrock-runtime'));
    });
  });

  test('the platform guardrail is created in the stack, encrypted with the platform key, and enforced at its published version', () => {
    t.hasResourceProperties('AWS::Bedrock::Guardrail', { KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlatformKey'), 'Arn'] } });
    const [[versionId]] = ofType('AWS::Bedrock::GuardrailVersion');
    const [[enforcementId, enforcement]] = ofType('AWS::IAM::ManagedPolicy').filter(([id]) => id.startsWith('PlatformEnforcement'));
    const deny = (enforcement.Properties.PolicyDocument.Statement as any[]).find((st) => st.Sid === 'DenyInvokeWithoutPlatformGuardrail');
    expect(JSON.stringify(deny.Condition)).toContain(`"Fn::GetAtt":["${versionId}","Version"]`);
    expect(enforcementId).toMatch(/^PlatformEnforcement/);
  });

  test('the private-path enforcement requires every Bedrock endpoint the platform creates, and only those', () => {
    const bedrockEndpoints = ofType('AWS::EC2::VPCEndpoint')
      .filter(([, r]) => JSON.stringify(r.Properties.ServiceName).includes('.bedrock'))
      .map(([id]) => id)
      .sort();
    expect(bedrockEndpoints).toHaveLength(4); // runtime, agents runtime, agents build, and the control plane added for the logging handler
    const [[, enforcement]] = ofType('AWS::IAM::ManagedPolicy').filter(([id]) => id.startsWith('PlatformEnforcement'));
    for (const sid of ['DenyBedrockOutsidePrivateEndpoints', 'DenyOtherRegionsUnlessRoutedFromPrivateEndpoints']) {
      const st = (enforcement.Properties.PolicyDocument.Statement as any[]).find((x) => x.Sid === sid);
      const ids = (st.Condition.StringNotEqualsIfExists['aws:SourceVpce'] as Array<{ Ref: string }>).map((r) => r.Ref).sort();
      expect([sid, ids]).toEqual([sid, bedrockEndpoints]);
    }
  });

  test('every persona the platform builds is enforced, the auditor too', () => {
    const [[enforcementId]] = ofType('AWS::IAM::ManagedPolicy').filter(([id]) => id.startsWith('PlatformEnforcement'));
    for (const persona of ['Invoker', 'Builder', 'Operator', 'Auditor']) {
      const [[, role]] = ofType('AWS::IAM::Role').filter(([id]) => id.startsWith(`Platform${persona}Role`));
      expect([persona, role.Properties.ManagedPolicyArns]).toEqual([persona, expect.arrayContaining([{ Ref: enforcementId }])]);
    }
  });

  test('the auditor reads Bedrock configuration through the platform endpoints only', async () => {
    const [controlPlane] = ofType('AWS::EC2::VPCEndpoint').find(([, r]) => JSON.stringify(r.Properties.ServiceName).endsWith('.bedrock"'))!;
    const env = { account: '123456789012', region: 'us-east-1', refs: { [controlPlane]: 'vpce-0control' } };
    const [[, auditor]] = ofType('AWS::IAM::Role').filter(([id]) => id.startsWith('PlatformAuditorRole'));
    const attached = (auditor.Properties.ManagedPolicyArns as Array<{ Ref: string }>).map((r) => r.Ref);
    const read = (context: Record<string, string>) =>
      decide(
        { principal: 'arn:aws:iam::123456789012:role/PlatformAuditor', action: 'bedrock:ListFoundationModels', resource: '*', context: { 'aws:RequestedRegion': 'us-east-1', ...context } },
        // The policies actually attached to the auditor role.
        { identity: attached.map((ref) => resolveIntrinsics(resources[ref].Properties!.PolicyDocument, env)) },
      );
    expect(await read({ 'aws:SourceVpce': 'vpce-0control' })).toBe('Allowed');
    expect(await read({})).toBe('ExplicitlyDenied'); // from the internet
  });

  test('nothing has to exist before the first deploy: without samlProviderArn the human personas trust this account with MFA', () => {
    expect(JSON.stringify(synth.json.BedrockPlatform)).not.toContain('saml-provider');
    const [[, builder]] = ofType('AWS::IAM::Role').filter(([id]) => id.startsWith('PlatformBuilderRole'));
    expect(builder.Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
  });

  // What an upgrade must not change without a CHANGELOG entry: the logical id and deletion policy
  // of every resource that holds data or keys (a new id means CloudFormation replaces it), and how
  // many resources of each type the app deploys. Everything else is asserted on intent above.
  test('stateful resources and resource counts (normalized snapshot)', () => {
    const stateful = new Set(['AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::CloudTrail::Trail', 'AWS::Bedrock::Guardrail', 'AWS::SQS::Queue', 'AWS::SNS::Topic']);
    const counts: Record<string, number> = {};
    for (const r of Object.values(resources)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    expect({
      stateful: Object.entries(resources)
        .filter(([, r]) => stateful.has(r.Type))
        .map(([id, r]) => `${r.Type} ${id} ${r.DeletionPolicy ?? 'Delete'}`)
        .sort(),
      counts: Object.fromEntries(Object.entries(counts).sort()),
    }).toMatchSnapshot();
  });
});
