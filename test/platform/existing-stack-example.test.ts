import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildExistingStackExample, EXISTING } from '../../examples/existing-stack/stack';
import { KEY_POLICY_WARNING, keyNeedsOf, PlatformKey } from '../../lib/core';
import { decide } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { loadAssembly } from '../kit/synth';

// The example app as `npm test` synthesized it with the pinned CLI.
const synth = loadAssembly('examples/existing-stack/app.ts');
const STACK = 'ExistingWorkload';
const template = () => synth.json[STACK];
const resources = () => Object.entries(template().Resources as Record<string, any>);
const ofType = (type: string) => resources().filter(([, r]) => r.Type === type);

describe('example: constructs added to an existing stack', () => {
  test('passes every compliance pack; acknowledgements are granular and explained', () => {
    expect(Object.keys(synth.json)).toEqual([STACK]);
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });

  test('creates no VPC, subnet or key: the existing VPC and key are used', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::RouteTable', 'AWS::KMS::Key', 'AWS::KMS::Alias', 'AWS::IAM::Role']) {
      expect({ type, count: ofType(type).length }).toEqual({ type, count: 0 });
    }
    expect(ofType('AWS::Bedrock::Guardrail').map(([, r]) => r.Properties.KmsKeyArn)).toEqual([EXISTING.keyArn]);
    expect(ofType('AWS::SNS::Topic').map(([, r]) => r.Properties.KmsMasterKeyId)).toEqual([EXISTING.keyArn]);
  });

  test('the runtime endpoint is in the existing private subnets, open to the application security group only', () => {
    const endpoints = ofType('AWS::EC2::VPCEndpoint').map(([, r]) => r.Properties);
    expect(endpoints.map((e) => ({ vpc: e.VpcId, subnets: e.SubnetIds, service: e.ServiceName, privateDns: e.PrivateDnsEnabled }))).toEqual([
      { vpc: EXISTING.vpc.vpcId, subnets: EXISTING.vpc.privateSubnetIds, service: 'com.amazonaws.us-east-1.bedrock-runtime', privateDns: true },
    ]);
    const [[groupId, group]] = ofType('AWS::EC2::SecurityGroup');
    expect(group.Properties.VpcId).toBe(EXISTING.vpc.vpcId);
    // No inline ingress; one rule, from the application's group, on 443.
    expect(group.Properties.SecurityGroupIngress ?? []).toEqual([]);
    expect(ofType('AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties)).toEqual([
      { GroupId: { 'Fn::GetAtt': [groupId, 'GroupId'] }, SourceSecurityGroupId: EXISTING.applicationSecurityGroupId, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: expect.any(String) },
    ]);
  });

  test('the key-policy warning is acknowledged at the key, naming every statement the key needs', () => {
    // What the constructs of the example need of the key (built again in memory: no synthesis).
    const built = buildExistingStackExample(new App());
    const consumers = [...new Set(keyNeedsOf(built.key.key).map((n) => n.consumer))];
    const sids = PlatformKey.consumerStatements(built.stack, consumers).map((s) => s.sid);
    expect(sids).toEqual(['AllowCloudWatchAlarmsToPublishToEncryptedTopics']);
    // The acknowledgement, as the assembly records it: at the key, for this warning only.
    const manifest = JSON.parse(fs.readFileSync(path.join(synth.assemblyDir, 'manifest.json'), 'utf8'));
    const artifact = manifest.artifacts[STACK];
    const metadata = { ...artifact.metadata, ...(artifact.additionalMetadataFile ? JSON.parse(fs.readFileSync(path.join(synth.assemblyDir, artifact.additionalMetadataFile), 'utf8')) : {}) };
    const acknowledged = Object.entries(metadata as Record<string, Array<{ type: string; data: Record<string, string> }>>).flatMap(([at, entries]) =>
      entries.filter((e) => e.type === 'aws:cdk:acknowledged-rules').flatMap((e) => Object.entries(e.data).map(([id, reason]) => ({ at, id, reason }))),
    );
    const keyAcks = acknowledged.filter((a) => a.id === `Annotation::${KEY_POLICY_WARNING}`);
    expect(keyAcks.map((a) => a.at)).toEqual([`/${STACK}/CorporateKey/Key`]);
    for (const sid of sids) expect(keyAcks[0].reason).toContain(sid);
    // ...and the warning is gone from the assembly.
    const warnings = Object.values(metadata as Record<string, Array<{ type: string }>>).flat().filter((e) => e.type === 'aws:cdk:warning');
    expect(warnings).toEqual([]);
  });

  describe('the existing application role: invoker permissions and enforcement', () => {
    const GUARDRAIL_ARN = 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456';
    const ENDPOINT = 'vpce-0aaaabbbbccccdddd';
    const env = () => ({
      ...EXISTING.env,
      refs: { [synth.logicalId(`${STACK}/BedrockEndpoints/Runtime/Endpoint/Resource`)]: ENDPOINT },
      attributes: {
        [`${synth.logicalId(`${STACK}/Guardrail/Resource`)}.GuardrailArn`]: GUARDRAIL_ARN,
        [`${synth.logicalId(`${STACK}/Guardrail/Version`)}.Version`]: '1',
      },
    });
    const attachedToRole = () =>
      ofType('AWS::IAM::ManagedPolicy')
        .filter(([, r]) => (r.Properties.Roles as string[]).includes('orders-service'))
        .map(([id, r]) => ({ id, document: resolveIntrinsics(r.Properties.PolicyDocument, env()) }));
    const role = 'arn:aws:iam::123456789012:role/orders-service';
    const invoke = (model: string, context: Record<string, string>) =>
      decide(
        { principal: role, action: 'bedrock:InvokeModel', resource: `arn:aws:bedrock:us-east-1::foundation-model/${model}`, context: { 'aws:RequestedRegion': 'us-east-1', ...context } },
        { identity: attachedToRole().map((p) => p.document) },
      );
    const withGuardrail = { 'aws:SourceVpce': ENDPOINT, 'bedrock:GuardrailIdentifier': `${GUARDRAIL_ARN}:1` };

    test('both policies are attached to the role, and nothing else is', () => {
      expect(attachedToRole().map((p) => p.id).sort()).toEqual(
        [synth.logicalId(`${STACK}/Enforcement/Policy/Resource`), synth.logicalId(`${STACK}/OrdersServiceBedrockAccess/Policy/Resource`)].sort(),
      );
      expect(ofType('AWS::IAM::ManagedPolicy')).toHaveLength(2);
    });

    test('a listed model through the endpoint with the guardrail: allowed', async () => {
      for (const model of EXISTING.models) expect(await invoke(model, withGuardrail)).toBe('Allowed');
    });

    test('without the guardrail, or from outside the endpoint: denied', async () => {
      expect(await invoke(EXISTING.models[0], { 'aws:SourceVpce': ENDPOINT })).toBe('ExplicitlyDenied');
      expect(await invoke(EXISTING.models[0], { ...withGuardrail, 'bedrock:GuardrailIdentifier': `${GUARDRAIL_ARN}:DRAFT` })).toBe('ExplicitlyDenied');
      expect(await invoke(EXISTING.models[0], { ...withGuardrail, 'aws:SourceVpce': 'vpce-0somewhereelse0000' })).toBe('ExplicitlyDenied');
    });

    test('a model not listed: not allowed; the guardrail itself: applicable', async () => {
      expect(await invoke('amazon.nova-premier-v1:0', withGuardrail)).toBe('ImplicitlyDenied');
      const apply = await decide(
        { principal: role, action: 'bedrock:ApplyGuardrail', resource: GUARDRAIL_ARN, context: { 'aws:RequestedRegion': 'us-east-1', 'aws:SourceVpce': ENDPOINT } },
        { identity: attachedToRole().map((p) => p.document) },
      );
      expect(apply).toBe('Allowed');
    });
  });
});
