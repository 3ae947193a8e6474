import { App, Stack, Token } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BedrockModel, DEFAULT_TEXT_MODELS } from '../../lib/core/bedrock-model';
import { SupportEndpoint } from '../../lib/core/endpoint-needs';
import { PlatformValidationError } from '../../lib/core/errors';
import { ALL_BEDROCK_FEATURES, BearerTokenAccess, BedrockFeature, BedrockPrivateLink, BedrockPrivateLinkProps, featureActions, PublicPath } from '../../lib/network';
import { decide, PolicyJson } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { endpointSummaries, flowLogs, routing, securityGroupRules } from './summaries';
import { expectAcknowledgementsJustified, expectNoFindings, withoutCdkOwnAcknowledgements } from '../kit/nag';
import { cdkJsonContext, synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const OTHER = '999999999999';
const ORG = 'o-a1b2c3d4e5';
const EXISTING_RUNTIME = 'vpce-0123456789abcdef0';
const MANTLE_MODEL = 'openai.gpt-oss-120b';
const GLOBAL_CLAUDE = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';

let isolated: BedrockPrivateLink;
let existing: BedrockPrivateLink;
let mutated: BedrockPrivateLink;
let policyBeforeAdding: string[];
const NOVA_LITE = BedrockModel.parse('amazon.nova-lite-v1:0');
const NOVA_PRO = BedrockModel.parse('amazon.nova-pro-v1:0');
const US_HAIKU = BedrockModel.crossRegionProfile('us.anthropic.claude-3-5-haiku-20241022-v1:0');
const synth = synthesize((app) => {
  // Every feature, on a new isolated VPC, with the support endpoints of a VPC-bound consumer.
  const a = new Stack(app, 'Isolated', { env: ENV });
  isolated = new BedrockPrivateLink(a, 'Link', { features: ALL_BEDROCK_FEATURES, models: [...DEFAULT_TEXT_MODELS, BedrockModel.mantleModel(MANTLE_MODEL)] });
  isolated.addSupportEndpointsFor({ requiredEndpoints: [SupportEndpoint.S3, SupportEndpoint.LOGS, SupportEndpoint.KMS, SupportEndpoint.BEDROCK_RUNTIME] });
  isolated.addSupportEndpointsFor({ requiredEndpoints: [SupportEndpoint.LOGS, SupportEndpoint.STS] }); // LOGS again: deduplicated
  const clients = new ec2.SecurityGroup(a, 'Clients', { vpc: isolated.vpc, allowAllOutbound: false, description: 'Application functions' });
  isolated.allowClients(clients);

  // An existing VPC that already has a runtime endpoint; organization principals; explicit clients.
  const b = new Stack(app, 'Existing', { env: ENV });
  const vpc = ec2.Vpc.fromVpcAttributes(b, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.20.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    isolatedSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0aaaaaaaaaaaaaaa2'],
  });
  existing = new BedrockPrivateLink(b, 'Link', {
    vpc,
    features: [BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME, BedrockFeature.CONTROL_PLANE],
    existingEndpoints: { [BedrockFeature.RUNTIME]: ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(b, 'Runtime', { vpcEndpointId: EXISTING_RUNTIME, port: 443 }) },
    principals: { organizationId: ORG },
    clients: [ec2.Peer.securityGroupId('sg-0123456789abcdef0')],
    models: ['us.anthropic.claude-3-5-haiku-20241022-v1:0', GLOBAL_CLAUDE].map((id) => BedrockModel.parse(id)),
    allowedActions: { [BedrockFeature.CONTROL_PLANE]: ['bedrock:ListFoundationModels', 'bedrock:GetFoundationModel'] },
  });
  existing.addSupportEndpoint(SupportEndpoint.S3);

  // Endpoints in the VPC of a public path: both paths side by side (e.g. during a migration).
  const d = new Stack(app, 'OnPublicPath', { env: ENV });
  const publicPath = new PublicPath(d, 'Public', { natGateways: 1, vpcCidr: '10.30.0.0/16' });
  new BedrockPrivateLink(d, 'Link', { vpc: publicPath.vpc, features: [BedrockFeature.RUNTIME] });

  // Models and features added after construction, some twice: the policies are rendered at synth.
  const m = new Stack(app, 'Mutated', { env: ENV });
  mutated = new BedrockPrivateLink(m, 'Link', { features: [BedrockFeature.RUNTIME], models: [NOVA_LITE] });
  policyBeforeAdding = [m.resolve(mutated.endpointPolicy(BedrockFeature.RUNTIME)).Statement.find((s: any) => s.Sid === 'InvokeAllowedModelsOnly').Resource].flat();
  mutated.addModel(NOVA_PRO, BedrockModel.parse('amazon.nova-lite-v1:0')); // nova-lite again: no-op
  mutated.addModel(NOVA_PRO);
  mutated.addFeature(BedrockFeature.AGENTS_RUNTIME);
  mutated.addFeature(BedrockFeature.AGENTS_RUNTIME);
  mutated.addFeature(BedrockFeature.RUNTIME);
  mutated.addModel(US_HAIKU); // after the feature: both endpoints get it

  // FIPS endpoints.
  const c = new Stack(app, 'Fips', { env: ENV });
  new BedrockPrivateLink(c, 'Link', { features: [BedrockFeature.RUNTIME, BedrockFeature.CONTROL_PLANE], useFipsEndpoints: true, bearerTokens: BearerTokenAccess.SHORT_TERM_ONLY });
});

const template = (stack: string) => synth.template(stack);
const resources = (stack: string, type: string): Array<[string, any]> =>
  Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const policyOf = (stack: string, service: string): PolicyJson => {
  const match = resources(stack, 'AWS::EC2::VPCEndpoint').find(([, r]) => resolveIntrinsics(r.Properties.ServiceName, ENV) === `com.amazonaws.us-east-1.${service}`);
  if (!match) throw new Error(`no ${service} endpoint in ${stack}`);
  return resolveIntrinsics(match[1].Properties.PolicyDocument, ENV);
};
const actionsOf = (policy: PolicyJson) => [...new Set((policy.Statement as any[]).flatMap((s) => [s.Action].flat()))].sort();

describe('BedrockPrivateLink on a new VPC', () => {
  const t = template('Isolated');

  test('the VPC has no internet gateway, no NAT, no public subnet and no 0.0.0.0/0 route', () => {
    t.resourceCountIs('AWS::EC2::InternetGateway', 0);
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.resourceCountIs('AWS::EC2::EgressOnlyInternetGateway', 0);
    t.resourceCountIs('AWS::EC2::Route', 0);
    t.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true }, 0);
  });

  test('one endpoint per feature, Private DNS on, in the isolated subnets', () => {
    for (const feature of ALL_BEDROCK_FEATURES) {
      t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: `com.amazonaws.us-east-1.${feature}`,
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        SubnetIds: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('ApplicationSubnet') })]),
      });
    }
    // One runtime endpoint although BEDROCK_RUNTIME was also asked for as a support endpoint.
    expect(resources('Isolated', 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties.ServiceName === 'com.amazonaws.us-east-1.bedrock-runtime')).toHaveLength(1);
  });

  test("each endpoint policy allows exactly its feature's catalog actions", () => {
    for (const feature of ALL_BEDROCK_FEATURES) {
      expect([feature, actionsOf(policyOf('Isolated', feature))]).toEqual([feature, featureActions(feature)]);
    }
  });

  test('no endpoint keeps the default full-access policy', () => {
    const endpoints = resources('Isolated', 'AWS::EC2::VPCEndpoint');
    expect(endpoints.length).toBe(ALL_BEDROCK_FEATURES.length + 4); // + S3, logs, kms, sts
    for (const [id, r] of endpoints) {
      const statements = r.Properties.PolicyDocument?.Statement as any[] | undefined;
      expect([id, statements?.length ?? 0]).not.toEqual([id, 0]);
      for (const s of statements!) {
        expect(s.Effect).toBe('Allow');
        expect([s.Action].flat()).not.toContain('*');
        expect([s.Action].flat().some((a: string) => /^[a-z0-9-]+:\*$/.test(a) && a.startsWith('bedrock'))).toBe(false);
      }
    }
  });

  test('each endpoint has its own security group: 443 from the declared clients only, no egress', () => {
    const groups = Object.fromEntries(resources('Isolated', 'AWS::EC2::SecurityGroup'));
    const ingress = resources('Isolated', 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    const interfaces = resources('Isolated', 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties.VpcEndpointType === 'Interface');
    const sgIds = interfaces.map(([, r]) => r.Properties.SecurityGroupIds);
    expect(sgIds.every((ids) => ids.length === 1)).toBe(true);
    expect(new Set(sgIds.map((ids) => ids[0]['Fn::GetAtt'][0])).size).toBe(interfaces.length);
    for (const ids of sgIds) {
      const id = ids[0]['Fn::GetAtt'][0];
      const sg = groups[id].Properties;
      expect(sg.SecurityGroupIngress).toEqual([{ CidrIp: '10.0.0.0/16', Description: 'HTTPS from 10.0.0.0/16', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 }]);
      expect(sg.SecurityGroupEgress).toEqual([{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 }]);
      // allowClients(clientSg) added exactly one more rule: 443 from the client group.
      expect(ingress.filter((r) => r.GroupId['Fn::GetAtt'][0] === id)).toEqual([
        expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^Clients/), 'GroupId'] } }),
      ]);
    }
  });

  test('support endpoints: S3 as a gateway on the application route tables, the others as interfaces, each once', () => {
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
      RouteTableIds: [{ Ref: Match.stringLikeRegexp('ApplicationSubnet1RouteTable') }, { Ref: Match.stringLikeRegexp('ApplicationSubnet2RouteTable') }],
    });
    for (const service of ['logs', 'kms', 'sts']) {
      expect(resources('Isolated', 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties.ServiceName === `com.amazonaws.us-east-1.${service}`)).toHaveLength(1);
      expect(actionsOf(policyOf('Isolated', service))).toEqual([`${service}:*`]);
    }
    expect(Object.keys(isolated.supportEndpointIds).sort()).toEqual(['kms', 'logs', 's3', 'sts']);
  });

  test('endpoint IDs are exposed per feature for aws:SourceVpce conditions', () => {
    const stack = Stack.of(isolated);
    expect(Object.keys(isolated.endpointIds).sort()).toEqual([...ALL_BEDROCK_FEATURES].sort());
    expect(stack.resolve(isolated.endpointId(BedrockFeature.RUNTIME))).toEqual({ Ref: expect.stringMatching(/^LinkRuntimeEndpoint/) });
    expect(existing.endpointId(BedrockFeature.RUNTIME)).toBe(EXISTING_RUNTIME);
    expect(() => existing.endpointId(BedrockFeature.MANTLE)).toThrow(/invalid feature "bedrock-mantle"\. It has no endpoint here/);
  });

  test('flow logs go to a KMS-encrypted, retained log group through a role only this account\'s flow logs can assume', () => {
    t.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    t.hasResource('AWS::Logs::LogGroup', { Properties: { KmsKeyId: Match.anyValue(), RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': 'arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*' } },
          },
        ],
      },
    });
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('FlowLogLogGroup'), 'Arn'] } }] },
    });
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('the default security group is stripped of its rules', () => {
    t.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('what matters of the template: endpoints and their policies, security-group rules, routing, flow logs', () => {
    const json = synth.json.Isolated;
    expect({ endpoints: endpointSummaries(json, ENV), securityGroups: securityGroupRules(json, ENV), routing: routing(json, ENV), flowLogs: flowLogs(json, ENV) }).toMatchSnapshot();
  });
});

describe('models and features added after construction', () => {
  const runtimePolicy = () => policyOf('Mutated', 'bedrock-runtime');
  const invokeResources = (policy: PolicyJson) => [(policy.Statement as any[]).find((s) => s.Sid === 'InvokeAllowedModelsOnly').Resource].flat();

  test('models is the current list, each model once', () => {
    expect(mutated.models.map(String)).toEqual([NOVA_LITE, NOVA_PRO, US_HAIKU].map(String));
  });

  test('the endpoint policies count every model added before synthesis, on every endpoint', () => {
    expect(policyBeforeAdding).toEqual(['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0']);
    const expected = [
      'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0',
      'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0',
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0',
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0',
    ].sort();
    expect(invokeResources(runtimePolicy()).sort()).toEqual(expected);
    expect(invokeResources(policyOf('Mutated', 'bedrock-agent-runtime')).sort()).toEqual(expected);
  });

  test('an added feature gets one endpoint, its catalog actions and its own security group; no Sid repeats', () => {
    const services = resources('Mutated', 'AWS::EC2::VPCEndpoint').map(([, r]) => r.Properties.ServiceName).sort();
    expect(services).toEqual(['com.amazonaws.us-east-1.bedrock-agent-runtime', 'com.amazonaws.us-east-1.bedrock-runtime']);
    expect(actionsOf(policyOf('Mutated', 'bedrock-agent-runtime'))).toEqual(featureActions(BedrockFeature.AGENTS_RUNTIME));
    expect(resources('Mutated', 'AWS::EC2::SecurityGroup')).toHaveLength(2);
    for (const service of ['bedrock-runtime', 'bedrock-agent-runtime']) {
      const sids = (policyOf('Mutated', service).Statement as any[]).map((s) => s.Sid);
      expect(new Set(sids).size).toBe(sids.length);
    }
    expect(mutated.features).toEqual([BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME]);
  });

  describe('each added value is checked when it is added', () => {
    const link = (props: Partial<BedrockPrivateLinkProps> = {}) =>
      new BedrockPrivateLink(new Stack(new App({ context: cdkJsonContext() }), 'S', { env: ENV }), 'Link', { features: [BedrockFeature.RUNTIME], ...props });
    test.each<[string, (l: BedrockPrivateLink) => unknown, RegExp]>([
      ['a plain string model', (l) => l.addModel('amazon.nova-pro-v1:0' as unknown as BedrockModel), /^S\/Link: invalid models\[4\] "amazon\.nova-pro-v1:0"\. Must be a BedrockModel/],
      ['a bare wildcard model', (l) => l.addModel(BedrockModel.parse('*')), /invalid models\[4\] "\*"\. Must be a model ID/],
      ['an unknown feature', (l) => l.addFeature('bedrock-magic' as BedrockFeature), /invalid feature "bedrock-magic"\. Allowed values: bedrock, bedrock-runtime/],
      ['Mantle without Mantle models', (l) => l.addFeature(BedrockFeature.MANTLE), /invalid models \[.*\]\. The MANTLE feature is selected: add the Mantle models/],
    ])('%s', (_name, add, message) => {
      expect(() => add(link())).toThrow(PlatformValidationError);
      expect(() => add(link())).toThrow(message);
    });

    test('a feature without a FIPS endpoint on a FIPS private link', () => {
      expect(() => link({ useFipsEndpoints: true }).addFeature(BedrockFeature.AGENTS_BUILD)).toThrow(/invalid useFipsEndpoints true\. bedrock-agent has no FIPS endpoint/);
    });

    test('a rejected value leaves the lists as they were', () => {
      const l = link();
      expect(() => l.addModel(NOVA_PRO, BedrockModel.parse('*'))).toThrow(PlatformValidationError);
      expect(l.models).toHaveLength(DEFAULT_TEXT_MODELS.length);
      expect(() => l.addFeature(BedrockFeature.MANTLE)).toThrow(PlatformValidationError);
      expect(l.features).toEqual([BedrockFeature.RUNTIME]);
    });
  });
});

test('useFipsEndpoints selects the FIPS endpoint services', () => {
  const names = resources('Fips', 'AWS::EC2::VPCEndpoint').map(([, r]) => r.Properties.ServiceName).sort();
  expect(names).toEqual(['com.amazonaws.us-east-1.bedrock-fips', 'com.amazonaws.us-east-1.bedrock-runtime-fips']);
});

test('bearerTokens adds CallWithBearerToken, short-term keys only, to the endpoints that take API keys', () => {
  expect(actionsOf(policyOf('Fips', 'bedrock-runtime-fips'))).toEqual([...featureActions(BedrockFeature.RUNTIME), 'bedrock:CallWithBearerToken'].sort());
  expect((policyOf('Fips', 'bedrock-runtime-fips').Statement as any[]).find((s) => s.Action === 'bedrock:CallWithBearerToken').Condition).toEqual({
    StringEquals: { 'aws:PrincipalAccount': '123456789012', 'bedrock:BearerTokenType': 'SHORT_TERM' },
  });
  // The control plane takes no API key whatever the setting; by default no endpoint does.
  expect(actionsOf(policyOf('Fips', 'bedrock-fips'))).toEqual(featureActions(BedrockFeature.CONTROL_PLANE));
  expect(actionsOf(policyOf('Isolated', 'bedrock-mantle'))).not.toContain('bedrock-mantle:CallWithBearerToken');
});

test('on a public path\'s VPC, the endpoints sit in the application subnets and admit the VPC CIDR', () => {
  const t = template('OnPublicPath');
  t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
    ServiceName: 'com.amazonaws.us-east-1.bedrock-runtime',
    SubnetIds: [{ Ref: Match.stringLikeRegexp('PublicVpcApplicationSubnet1') }, { Ref: Match.stringLikeRegexp('PublicVpcApplicationSubnet2') }],
  });
  t.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.30.0.0/16', FromPort: 443 })] });
  t.resourceCountIs('AWS::EC2::FlowLog', 1);
});

describe('BedrockPrivateLink on an existing VPC', () => {
  const t = template('Existing');

  test('an existing endpoint is reused, not duplicated', () => {
    const names = resources('Existing', 'AWS::EC2::VPCEndpoint').map(([, r]) => r.Properties.ServiceName);
    expect(names).not.toContain('com.amazonaws.us-east-1.bedrock-runtime');
    expect(names).toEqual(expect.arrayContaining(['com.amazonaws.us-east-1.bedrock-agent-runtime', 'com.amazonaws.us-east-1.bedrock']));
    expect(existing.endpointPolicy(BedrockFeature.RUNTIME).statementCount).toBeGreaterThan(0);
  });

  test('endpoints sit in the imported subnets and admit the named client group only', () => {
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.us-east-1.bedrock-agent-runtime', VpcId: 'vpc-0123456789abcdef0', SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'] });
    for (const [, sg] of resources('Existing', 'AWS::EC2::SecurityGroup')) {
      expect(sg.Properties.SecurityGroupIngress).toEqual([{ SourceSecurityGroupId: 'sg-0123456789abcdef0', Description: 'HTTPS from sg-0123456789abcdef0', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 }]);
    }
  });

  test('organization principals replace account principals; S3 stays on the organization\'s buckets', () => {
    const conditions = (policyOf('Existing', 'bedrock-agent-runtime').Statement as any[]).map((s) => s.Condition);
    expect(conditions.every((c) => c.StringEquals['aws:PrincipalOrgID'] === ORG && !('aws:PrincipalAccount' in c.StringEquals))).toBe(true);
    const s3 = (policyOf('Existing', 's3').Statement as any[])[0];
    expect(s3.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': ORG, 'aws:ResourceOrgID': ORG } });
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', RouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0aaaaaaaaaaaaaaa2'] });
  });

  test('allowedActions narrows the control plane to the listed actions', () => {
    expect(actionsOf(policyOf('Existing', 'bedrock'))).toEqual(['bedrock:GetFoundationModel', 'bedrock:ListFoundationModels']);
  });

  test('no flow log or VPC is created in an existing VPC, and no route', () => {
    t.resourceCountIs('AWS::EC2::VPC', 0);
    t.resourceCountIs('AWS::EC2::FlowLog', 0);
    t.resourceCountIs('AWS::EC2::Route', 0);
  });
});

test('every stack passes every compliance pack with nothing of ours acknowledged', () => {
  expectNoFindings(synth);
  expectAcknowledgementsJustified(withoutCdkOwnAcknowledgements(synth));
  const acks = withoutCdkOwnAcknowledgements(synth).compliance.acknowledgements;
  // Only the public path's internet route (tested in public-path.test.ts) and aws-cdk-lib's
  // default-security-group function of each new VPC (it has no VPC setting) are acknowledged.
  const publicRoute = (a: (typeof acks)[number]) => /VPCNoUnrestrictedRouteToIGW$/.test(a.id) && a.path.startsWith('OnPublicPath/Public/Vpc/PublicSubnet');
  const defaultSgFunction = (a: (typeof acks)[number]) => a.id === 'ControlTower::lambda_inside_vpc_check' && /\/Custom::VpcRestrictDefaultSGCustomResourceProvider\/Handler$/.test(a.path);
  expect(acks.filter((a) => !publicRoute(a) && !defaultSgFunction(a))).toEqual([]);
});

describe('endpoint policies, evaluated', () => {
  const ME = 'arn:aws:iam::123456789012:role/app';
  const allowAll: PolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const model = (id: string, region = 'us-east-1') => `arn:aws:bedrock:${region}::foundation-model/${id}`;
  const through = (stack: string, service: string) => ({ identity: [allowAll], endpoint: [policyOf(stack, service)] });
  type Case = [string, string, string, Parameters<typeof decide>[0], string];
  const cases: Case[] = [
    ['an allowed text model through the runtime endpoint', 'Isolated', 'bedrock-runtime', { principal: ME, action: 'bedrock:InvokeModel', resource: model('amazon.nova-lite-v1:0') }, 'Allowed'],
    ['streaming from an allowed model', 'Isolated', 'bedrock-runtime', { principal: ME, action: 'bedrock:InvokeModelWithResponseStream', resource: model('amazon.nova-micro-v1:0') }, 'Allowed'],
    ['an image-generation model', 'Isolated', 'bedrock-runtime', { principal: ME, action: 'bedrock:InvokeModel', resource: model('amazon.nova-canvas-v1:0') }, 'ImplicitlyDenied'],
    ['another image-generation model', 'Isolated', 'bedrock-runtime', { principal: ME, action: 'bedrock:InvokeModel', resource: model('stability.sd3-5-large-v1:0') }, 'ImplicitlyDenied'],
    ['an allowed model in another Region (not a profile)', 'Isolated', 'bedrock-runtime', { principal: ME, action: 'bedrock:InvokeModel', resource: model('amazon.nova-lite-v1:0', 'us-west-2') }, 'ImplicitlyDenied'],
    ['a control-plane action through the runtime endpoint', 'Isolated', 'bedrock-runtime', { principal: ME, action: 'bedrock:CreateProvisionedModelThroughput', resource: model('amazon.nova-lite-v1:0') }, 'ImplicitlyDenied'],
    ['listing models through the runtime endpoint', 'Isolated', 'bedrock-runtime', { principal: ME, action: 'bedrock:ListFoundationModels', resource: '*' }, 'ImplicitlyDenied'],
    ["another account's principal on an allowed model", 'Isolated', 'bedrock-runtime', { principal: `arn:aws:iam::${OTHER}:role/app`, action: 'bedrock:InvokeModel', resource: model('amazon.nova-lite-v1:0') }, 'ImplicitlyDenied'],
    ["this account's guardrail", 'Isolated', 'bedrock-runtime', { principal: ME, action: 'bedrock:ApplyGuardrail', resource: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1' }, 'Allowed'],
    ["another account's guardrail", 'Isolated', 'bedrock-runtime', { principal: ME, action: 'bedrock:ApplyGuardrail', resource: `arn:aws:bedrock:us-east-1:${OTHER}:guardrail/gr1` }, 'ImplicitlyDenied'],
    ['a control-plane action through the control-plane endpoint', 'Isolated', 'bedrock', { principal: ME, action: 'bedrock:ListFoundationModels', resource: '*' }, 'Allowed'],
    ['inference through the control-plane endpoint', 'Isolated', 'bedrock', { principal: ME, action: 'bedrock:InvokeModel', resource: model('amazon.nova-lite-v1:0') }, 'ImplicitlyDenied'],
    ['retrieval from a knowledge base through the agents-runtime endpoint', 'Isolated', 'bedrock-agent-runtime', { principal: ME, action: 'bedrock:Retrieve', resource: 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB1' }, 'Allowed'],
    ['an image model for RetrieveAndGenerate through the agents-runtime endpoint', 'Isolated', 'bedrock-agent-runtime', { principal: ME, action: 'bedrock:InvokeModel', resource: model('amazon.titan-image-generator-v2:0') }, 'ImplicitlyDenied'],
    ['an allowed Mantle model', 'Isolated', 'bedrock-mantle', { principal: ME, action: 'bedrock-mantle:CreateInference', resource: 'arn:aws:bedrock-mantle:us-east-1:123456789012:project/default', context: { 'bedrock-mantle:Model': MANTLE_MODEL } }, 'Allowed'],
    ['another Mantle model', 'Isolated', 'bedrock-mantle', { principal: ME, action: 'bedrock-mantle:CreateInference', resource: 'arn:aws:bedrock-mantle:us-east-1:123456789012:project/default', context: { 'bedrock-mantle:Model': 'openai.gpt-oss-20b' } }, 'ImplicitlyDenied'],
    ['AgentCore runtime invocation', 'Isolated', 'bedrock-agentcore', { principal: ME, action: 'bedrock-agentcore:InvokeAgentRuntime', resource: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/agent-1' }, 'Allowed'],
    ['an AgentCore shell into a runtime', 'Isolated', 'bedrock-agentcore', { principal: ME, action: 'bedrock-agentcore:InvokeAgentRuntimeCommandShell', resource: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/agent-1' }, 'ImplicitlyDenied'],
    ['S3 on a bucket of this account', 'Isolated', 's3', { principal: ME, action: 's3:GetObject', resource: 'arn:aws:s3:::platform-data/doc.txt', resourceAccount: '123456789012' }, 'Allowed'],
    ["S3 on another account's bucket (exfiltration)", 'Isolated', 's3', { principal: ME, action: 's3:PutObject', resource: 'arn:aws:s3:::attacker-bucket/loot.txt', resourceAccount: OTHER }, 'ImplicitlyDenied'],
    ["CloudFormation's pre-signed custom-resource response", 'Isolated', 's3', { principal: `arn:aws:iam::${OTHER}:role/cloudformation`, action: 's3:PutObject', resource: 'arn:aws:s3:::cloudformation-custom-resource-response-useast1/stack/resp', resourceAccount: OTHER }, 'Allowed'],
    ['a cross-Region inference profile of this account', 'Existing', 'bedrock-agent-runtime', { principal: ME, action: 'bedrock:InvokeModel', resource: 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0', context: { 'aws:PrincipalOrgID': ORG } }, 'Allowed'],
    ["the profile's model in a destination Region", 'Existing', 'bedrock-agent-runtime', { principal: ME, action: 'bedrock:InvokeModel', resource: model('anthropic.claude-3-5-haiku-20241022-v1:0', 'us-west-2'), context: { 'aws:PrincipalOrgID': ORG } }, 'Allowed'],
    ['a global profile of this account', 'Existing', 'bedrock-agent-runtime', { principal: ME, action: 'bedrock:InvokeModel', resource: `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${GLOBAL_CLAUDE}`, context: { 'aws:PrincipalOrgID': ORG } }, 'Allowed'],
    ["the global profile's model in another geography", 'Existing', 'bedrock-agent-runtime', { principal: ME, action: 'bedrock:InvokeModel', resource: model('anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu-west-1'), context: { 'aws:PrincipalOrgID': ORG } }, 'Allowed'],
    ['a global profile that is not listed', 'Existing', 'bedrock-agent-runtime', { principal: ME, action: 'bedrock:InvokeModel', resource: 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.amazon.nova-2-lite-v1:0', context: { 'aws:PrincipalOrgID': ORG } }, 'ImplicitlyDenied'],
    ['a principal outside the organization', 'Existing', 'bedrock-agent-runtime', { principal: `arn:aws:iam::${OTHER}:role/app`, action: 'bedrock:Retrieve', resource: 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB1', context: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } }, 'ImplicitlyDenied'],
    ['a control-plane action left out by allowedActions', 'Existing', 'bedrock', { principal: ME, action: 'bedrock:CreateProvisionedModelThroughput', resource: model('amazon.nova-lite-v1:0'), context: { 'aws:PrincipalOrgID': ORG } }, 'ImplicitlyDenied'],
    ['a short-term Bedrock API key', 'Fips', 'bedrock-runtime-fips', { principal: ME, action: 'bedrock:CallWithBearerToken', resource: '*', context: { 'bedrock:BearerTokenType': 'SHORT_TERM' } }, 'Allowed'],
    ['a long-term Bedrock API key', 'Fips', 'bedrock-runtime-fips', { principal: 'arn:aws:iam::123456789012:user/BedrockAPIKey-1', action: 'bedrock:CallWithBearerToken', resource: '*', context: { 'bedrock:BearerTokenType': 'LONG_TERM' } }, 'ImplicitlyDenied'],
    ['any Bedrock API key when none is allowed', 'Isolated', 'bedrock-runtime', { principal: ME, action: 'bedrock:CallWithBearerToken', resource: '*', context: { 'bedrock:BearerTokenType': 'SHORT_TERM' } }, 'ImplicitlyDenied'],
    ['a control-plane action kept by allowedActions', 'Existing', 'bedrock', { principal: ME, action: 'bedrock:ListFoundationModels', resource: '*', context: { 'aws:PrincipalOrgID': ORG } }, 'Allowed'],
  ];
  // IAM puts the caller's account (and the resource owner's) in every request context; the evaluator
  // takes the context as given, so the test supplies what IAM would.
  const withGlobalKeys = (request: Parameters<typeof decide>[0]) => ({
    ...request,
    context: {
      'aws:PrincipalAccount': /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(request.principal)![1],
      ...(request.resourceAccount ? { 'aws:ResourceAccount': request.resourceAccount } : {}),
      ...request.context,
    },
  });
  test.each(cases)('%s', async (_name, stack, service, request, expected) => {
    expect(await decide(withGlobalKeys(request), through(stack, service))).toBe(expected);
  });

  test('without the endpoint policy the same identity could use the image model: the endpoint is what refuses it', async () => {
    const request = withGlobalKeys({ principal: ME, action: 'bedrock:InvokeModel', resource: model('amazon.nova-canvas-v1:0') });
    expect(await decide(request, { identity: [allowAll] })).toBe('Allowed');
    expect(await decide(request, through('Isolated', 'bedrock-runtime'))).toBe('ImplicitlyDenied');
  });
});

test("a global profile's globally routed requests (Region-less model ARN) pass the endpoint", () => {
  // iam-simulate cannot type a Region-less ARN, so this one is matched as IAM's ArnLike does: segment
  // by segment, `*` matching any characters (none included).
  const arnLike = (pattern: string, arn: string) => {
    const [p, a] = [pattern, arn].map((x) => x.split(':'));
    const segment = (x: string, y: string) => new RegExp(`^${x.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(y);
    return p.length >= 6 && a.length >= 6 && p.slice(0, 5).every((x, i) => segment(x, a[i])) && segment(p.slice(5).join(':'), a.slice(5).join(':'));
  };
  const regionless = 'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0';
  const invoke = (policyOf('Existing', 'bedrock-agent-runtime').Statement as any[]).find((st) => st.Sid === 'InvokeAllowedModelsOnly');
  expect([invoke.Resource].flat().filter((r: string) => arnLike(r, regionless))).toEqual(['arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0']);
  expect([invoke.Resource].flat().filter((r: string) => arnLike(r, 'arn:aws:bedrock:::foundation-model/amazon.nova-canvas-v1:0'))).toEqual([]);
});

describe('BedrockPrivateLink validation', () => {
  // cdk.json's context: the Region's three Availability Zones are known.
  const stack = () => new Stack(new App({ context: cdkJsonContext() }), 'S', { env: ENV });
  const importedVpc = (s: Stack, attrs: Partial<ec2.VpcAttributes> = {}) =>
    ec2.Vpc.fromVpcAttributes(s, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a', 'us-east-1b'], isolatedSubnetIds: ['subnet-1', 'subnet-2'], ...attrs });
  const runtime = { features: [BedrockFeature.RUNTIME] };
  const cases: Array<[string, (s: Stack) => BedrockPrivateLinkProps, RegExp]> = [
    ['no feature', () => ({ features: [] }), /invalid features \[\]\. A private path needs at least one feature to reach\. Allowed values: bedrock, bedrock-runtime/],
    ['an unknown feature', () => ({ features: ['bedrock-magic' as BedrockFeature] }), /invalid features "bedrock-magic"\. Allowed values: bedrock, bedrock-runtime, bedrock-agent/],
    ['a VPC and a CIDR for a new VPC', (s) => ({ ...runtime, vpc: importedVpc(s, { vpcCidrBlock: '10.1.0.0/16' }), vpcCidr: '10.2.0.0/16' }), /invalid vpcCidr "10\.2\.0\.0\/16"\. vpcCidr cannot be combined with vpc/],
    ['a CIDR with host bits', () => ({ ...runtime, vpcCidr: '10.0.0.1/16' }), /invalid vpcCidr "10\.0\.0\.1\/16"\. Must be an IPv4 CIDR block/],
    ['a CIDR too wide for a VPC', () => ({ ...runtime, vpcCidr: '10.0.0.0/8' }), /invalid vpcCidr "10\.0\.0\.0\/8"\..*prefix length from \/16 to \/28/],
    ['zero Availability Zones', () => ({ ...runtime, maxAzs: 0 }), /invalid maxAzs 0\. Must be a whole number from 1 to 3/],
    ['more zones than the Region has', () => ({ ...runtime, maxAzs: 4 }), /invalid maxAzs 4\. Must be a whole number from 1 to 3/],
    ['an organization and accounts', () => ({ ...runtime, principals: { organizationId: ORG, accounts: [OTHER] } }), /invalid principals\.accounts \["999999999999"\]\. principals\.accounts cannot be combined with principals\.organizationId/],
    ['a malformed organization ID', () => ({ ...runtime, principals: { organizationId: 'org-1' } }), /invalid principals\.organizationId "org-1"\. Must be an AWS Organizations ID/],
    ['a malformed account', () => ({ ...runtime, principals: { accounts: ['12345'] } }), /invalid principals\.accounts\[0\] "12345"\. Must be a 12-digit AWS account ID/],
    ['an existing endpoint for a feature not selected', (s) => ({ ...runtime, existingEndpoints: { [BedrockFeature.AGENTS_RUNTIME]: ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(s, 'E', { vpcEndpointId: 'vpce-1', port: 443 }) } }), /invalid existingEndpoints \["bedrock-agent-runtime"\]\. Only selected features can be configured/],
    ['an allowed action outside the catalog', () => ({ ...runtime, allowedActions: { [BedrockFeature.RUNTIME]: ['bedrock:CreateGuardrail'] } }), /invalid allowedActions\.bedrock-runtime \["bedrock:CreateGuardrail"\]\. Must be a non-empty subset of the feature's catalog actions/],
    ['an empty allowed-action list', () => ({ ...runtime, allowedActions: { [BedrockFeature.RUNTIME]: [] } }), /invalid allowedActions\.bedrock-runtime \[\]/],
    ['Mantle without Mantle models', () => ({ features: [BedrockFeature.MANTLE] }), /invalid models \[.*\]\. The MANTLE feature is selected: add the Mantle models callers may use/],
    ['runtime with no model at all', () => ({ ...runtime, models: [] }), /invalid models \[\]\. bedrock-runtime invoke models: allow at least one/],
    ['runtime with Mantle models only', () => ({ ...runtime, models: [BedrockModel.mantleModel(MANTLE_MODEL)] }), /invalid models \["a Mantle model openai\.gpt-oss-120b"\]\. bedrock-runtime invoke models: allow at least one that is not a Mantle model/],
    ['a bare wildcard model', () => ({ ...runtime, models: [BedrockModel.parse('*')] }), /invalid models\[0\] "\*"\. Must be a model ID such as 'amazon\.nova-lite-v1:0'/],
    ['a profile without its geographic prefix', () => ({ ...runtime, models: [BedrockModel.crossRegionProfile('amazon.nova-lite-v1:0')] }), /invalid models\[0\] "amazon\.nova-lite-v1:0"\. Must be a cross-Region inference profile ID/],
    ['a model ARN that is not a model', () => ({ ...runtime, models: [BedrockModel.parse('arn:aws:s3:::bucket')] }), /invalid models\[0\] "arn:aws:s3:::bucket"/],
    ['a plain string (the 0.x form)', () => ({ ...runtime, models: ['amazon.nova-lite-v1:0' as unknown as BedrockModel] }), /invalid models\[0\] "amazon\.nova-lite-v1:0"\. Must be a BedrockModel/],
    ['FIPS for a feature without a FIPS endpoint', () => ({ features: [BedrockFeature.AGENTS_BUILD], useFipsEndpoints: true }), /invalid useFipsEndpoints true\. bedrock-agent has no FIPS endpoint; features with one: bedrock, bedrock-runtime, bedrock-data-automation/],
    ['an unknown bearer-token setting', () => ({ ...runtime, bearerTokens: 'always' as BearerTokenAccess }), /invalid bearerTokens "always"\. Allowed values: none, short-term, any/],
    ['an empty client list', () => ({ ...runtime, clients: [] }), /invalid clients \[\]\. Name at least one client peer/],
    ['an imported VPC without CIDR and no clients', (s) => ({ ...runtime, vpc: importedVpc(s) }), /invalid clients \(not set\)\. The VPC CIDR is unknown/],
    ['endpoint subnets in no zone', (s) => ({ ...runtime, vpc: importedVpc(s, { vpcCidrBlock: '10.1.0.0/16' }), subnets: { subnetType: ec2.SubnetType.PUBLIC } }), /invalid subnets \{"subnetType":"Public"\}\. It selects no subnet of the VPC: There are no 'Public' subnet groups/],
  ];
  test.each(cases)('%s is rejected at synth time', (_name, props, message) => {
    const s = stack();
    expect(() => new BedrockPrivateLink(s, 'Link', props(s))).toThrow(PlatformValidationError);
    const s2 = stack();
    expect(() => new BedrockPrivateLink(s2, 'Link', props(s2))).toThrow(message);
  });

  test('the error names the construct path', () => {
    expect(() => new BedrockPrivateLink(stack(), 'Link', { features: [] })).toThrow(/^S\/Link: invalid features/);
  });

  test('an S3 gateway needs the route tables of an imported VPC', () => {
    const s = stack();
    const link = new BedrockPrivateLink(s, 'Link', { ...runtime, vpc: importedVpc(s, { vpcCidrBlock: '10.1.0.0/16' }) });
    expect(() => link.addSupportEndpoint(SupportEndpoint.S3)).toThrow(/invalid vpc \["subnet-1","subnet-2"\]\. These subnets have no known route table/);
  });

  test('tokens are not validated at synth time', () => {
    const s = stack();
    expect(() => new BedrockPrivateLink(s, 'Link', { ...runtime, models: [BedrockModel.foundationModel(Token.asString({ Ref: 'ModelId' }))], principals: { accounts: [Token.asString({ Ref: 'Account' })] } })).not.toThrow();
  });
});
