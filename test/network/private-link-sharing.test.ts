import { App, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EXTERNAL_ENDPOINTS_METADATA, SupportEndpoint } from '../../lib/core/endpoint-needs';
import { PlatformValidationError } from '../../lib/core/errors';
import { ModelInvocationLogging } from '../../lib/governance';
import { BedrockEnforcement } from '../../lib/identity';
import { BedrockFeature, BedrockPrivateLink, BedrockPrivateLinkAttributes, DirectConnectPath, IBedrockPrivateLink } from '../../lib/network';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { cdkJsonContext, synthesize } from '../kit/synth';

// A private link shared beyond its stack: consumers in another stack of the same app, and
// endpoints another team owns, imported by attributes (in another Region: invocation logging is
// one per account and Region).
const US = { account: '123456789012', region: 'us-east-1' };
const EU = { account: '123456789012', region: 'eu-west-1' };
const RUNTIME_ID = 'vpce-0aaaaaaaaaaaaaaa1';
const CONTROL_PLANE_ID = 'vpce-0aaaaaaaaaaaaaaa2';
const S3_ID = 'vpce-0aaaaaaaaaaaaaaa3';
const ENDPOINT_SG = 'sg-0123456789abcdef0';

const teamVpc = (scope: Stack) =>
  ec2.Vpc.fromVpcAttributes(scope, 'TeamVpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.50.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    isolatedSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0aaaaaaaaaaaaaaa2'],
  });
const teamAttributes = (scope: Stack, more: Partial<BedrockPrivateLinkAttributes> = {}): BedrockPrivateLinkAttributes => ({
  vpc: teamVpc(scope),
  endpointIds: { [BedrockFeature.RUNTIME]: RUNTIME_ID, [BedrockFeature.CONTROL_PLANE]: CONTROL_PLANE_ID },
  endpointSecurityGroups: [ec2.SecurityGroup.fromSecurityGroupId(scope, 'EndpointSg', ENDPOINT_SG)],
  supportEndpointIds: { [SupportEndpoint.S3]: S3_ID },
  ...more,
});

let link: BedrockPrivateLink;
let imported: IBedrockPrivateLink;
let network: Stack;
let consumers: Stack;
const synth = synthesize((app) => {
  network = new Stack(app, 'Network', { env: US });
  link = new BedrockPrivateLink(network, 'Link', { features: [BedrockFeature.RUNTIME] });

  consumers = new Stack(app, 'Consumers', { env: US });
  const logging = new ModelInvocationLogging(consumers, 'InvocationLogging', { vpc: link.vpc, vpcSubnets: link.applicationSubnets });
  // Control Tower's rule accepts subnet IDs only as literals or references to this template's own
  // subnets: subnets read from another stack's outputs are reported (a false positive, see the test).
  Validations.of(logging.handler).acknowledge({
    id: 'ControlTower::lambda_inside_vpc_check',
    reason: "The function runs in the private link's application subnets, which the Network stack owns; the rule cannot read subnet IDs that come from another stack's outputs.",
  });
  link.addSupportEndpointsFor(logging);
  link.allowClients(...logging.handler.securityGroups);
  new BedrockEnforcement(consumers, 'Enforcement', { requirePrivatePath: { vpcEndpointIds: link.bedrockEndpointIds } });
  // Added after the enforcement read the IDs: still required, as they are rendered at synth.
  link.addFeature(BedrockFeature.AGENTS_RUNTIME);

  const team = new Stack(app, 'TeamEndpoints', { env: EU });
  imported = BedrockPrivateLink.fromPrivateLinkAttributes(team, 'Imported', teamAttributes(team));
  const teamLogging = new ModelInvocationLogging(team, 'InvocationLogging', { vpc: imported.vpc, vpcSubnets: imported.applicationSubnets });
  imported.addSupportEndpointsFor(teamLogging);
  imported.allowClients(...teamLogging.handler.securityGroups);
  new BedrockEnforcement(team, 'Enforcement', { requirePrivatePath: { vpcEndpointIds: imported.bedrockEndpointIds } });
  new DirectConnectPath(team, 'Dx', { vpc: imported.vpc, onPremisesCidrs: ['192.168.0.0/16'], privateLink: imported });
});

const ofType = (stack: string, type: string): Array<[string, any]> => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const sourceVpce = (stack: string): unknown[] => {
  const values = ofType(stack, 'AWS::IAM::ManagedPolicy').flatMap(([, p]) =>
    (p.Properties.PolicyDocument.Statement as any[]).flatMap((s) => Object.values((s.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap((c) => (c['aws:SourceVpce'] === undefined ? [] : [c['aws:SourceVpce']]))),
  );
  return values.flat();
};

/** A value the consumer stack reads from the network stack's outputs. */
const fromNetwork = (output: RegExp) => ({ 'Fn::GetStackOutput': { StackName: 'Network', Region: 'us-east-1', OutputName: expect.stringMatching(output) } });

describe('a private link in one stack, its consumers in another', () => {
  test('the consumer stack depends on the network stack, never the other way round', () => {
    expect(consumers.dependencies.map((s) => s.stackName)).toEqual(['Network']);
    expect(network.dependencies).toEqual([]);
  });

  test('the endpoints the consumer needs are added in the network stack', () => {
    const services = ofType('Network', 'AWS::EC2::VPCEndpoint').map(([, r]) => JSON.stringify(r.Properties.ServiceName));
    expect(services.filter((s) => /bedrock"$/.test(s))).toHaveLength(1);
    expect(services.filter((s) => /\.s3"/.test(s))).toHaveLength(1);
    expect(Object.keys(link.supportEndpointIds)).toEqual([SupportEndpoint.S3]);
  });

  test('its custom resource is recorded as relying on endpoints outside its template (created before, deleted after)', () => {
    const [[, resource]] = ofType('Consumers', 'Custom::BedrockModelInvocationLogging');
    expect(resource.Metadata[EXTERNAL_ENDPOINTS_METADATA]).toEqual([SupportEndpoint.BEDROCK, SupportEndpoint.S3]);
    expect(resource.DependsOn ?? []).not.toContainEqual(expect.stringMatching(/Endpoint/));
  });

  test('aws:SourceVpce lists every Bedrock endpoint, the feature added afterwards included, as imports', () => {
    const ids = sourceVpce('Consumers');
    expect(ids.length).toBeGreaterThan(0);
    const unique = [...new Set(ids.map((v) => JSON.stringify(v)))];
    expect(unique).toHaveLength(link.features.length);
    expect(link.features.sort()).toEqual([BedrockFeature.CONTROL_PLANE, BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME].sort());
    for (const v of unique) expect(JSON.parse(v)).toEqual(fromNetwork(/^PublishOutputRefLink.*Endpoint/));
  });

  test("the consumer's function group is admitted by rules in the consumer stack, to every endpoint group", () => {
    const rules = ofType('Consumers', 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    const endpointGroups = ofType('Network', 'AWS::EC2::SecurityGroup').filter(([, r]) => r.Properties.GroupDescription !== undefined);
    expect(rules).toHaveLength(endpointGroups.length);
    for (const rule of rules) {
      expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, GroupId: fromNetwork(/SecurityGroup.*GroupId/), SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^InvocationLogging/), 'GroupId'] } });
    }
    expect(ofType('Network', 'AWS::EC2::SecurityGroupIngress')).toEqual([]);
  });
});

describe('a private link imported by attributes', () => {
  test('nothing is created for the endpoints; clients get rules on the given security group', () => {
    expect(ofType('TeamEndpoints', 'AWS::EC2::VPCEndpoint')).toEqual([]);
    expect(ofType('TeamEndpoints', 'AWS::EC2::SecurityGroup').map(([id]) => id)).not.toContainEqual(expect.stringMatching(/^Imported/));
    const rules = ofType('TeamEndpoints', 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    expect(rules.filter((r) => r.GroupId === ENDPOINT_SG).map((r) => r.CidrIp ?? (r.SourceSecurityGroupId ? 'function group' : undefined)).sort()).toEqual(['192.168.0.0/16', 'function group']);
  });

  test('its custom resource relies on the declared endpoints, outside the template', () => {
    const [[, resource]] = ofType('TeamEndpoints', 'Custom::BedrockModelInvocationLogging');
    expect(resource.Metadata[EXTERNAL_ENDPOINTS_METADATA]).toEqual([SupportEndpoint.BEDROCK, SupportEndpoint.S3]);
  });

  test('aws:SourceVpce names the imported endpoint IDs', () => {
    expect([...new Set(sourceVpce('TeamEndpoints'))].sort()).toEqual([CONTROL_PLANE_ID, RUNTIME_ID].sort());
    expect(imported.endpointIds).toEqual({ [BedrockFeature.CONTROL_PLANE]: CONTROL_PLANE_ID, [BedrockFeature.RUNTIME]: RUNTIME_ID });
    expect(imported.supportEndpointIds).toEqual({ [SupportEndpoint.S3]: S3_ID });
  });

  describe('what an import cannot do, and bad attributes', () => {
    const stack = () => new Stack(new App({ context: cdkJsonContext() }), 'S', { env: EU });
    const consumer = { requiredEndpoints: [SupportEndpoint.BEDROCK, SupportEndpoint.LOGS, SupportEndpoint.KMS] };

    test('allowClients without the endpoint security groups says what to pass', () => {
      const s = stack();
      const l = BedrockPrivateLink.fromPrivateLinkAttributes(s, 'L', teamAttributes(s, { endpointSecurityGroups: undefined }));
      expect(() => l.allowClients(ec2.Peer.ipv4('10.9.0.0/16'))).toThrow(PlatformValidationError);
      expect(() => l.allowClients(ec2.Peer.ipv4('10.9.0.0/16'))).toThrow(/^S\/L: invalid endpointSecurityGroups \(not set\)\. Cannot admit 10\.9\.0\.0\/16: these endpoints were imported without their security groups\. Pass endpointSecurityGroups to BedrockPrivateLink\.fromPrivateLinkAttributes/);
    });

    test('a consumer needing endpoints that were not declared is refused, naming them', () => {
      const s = stack();
      const l = BedrockPrivateLink.fromPrivateLinkAttributes(s, 'L', teamAttributes(s));
      expect(() => l.addSupportEndpointsFor(consumer)).toThrow(/invalid supportEndpointIds \["logs","kms"\]\. .*an imported private link cannot add endpoints/);
    });

    test('a feature that was not imported has no endpoint ID', () => {
      const s = stack();
      expect(() => BedrockPrivateLink.fromPrivateLinkAttributes(s, 'L', teamAttributes(s)).endpointId(BedrockFeature.MANTLE)).toThrow(
        /invalid feature "bedrock-mantle"\. It has no endpoint here\. Reachable features: bedrock, bedrock-runtime\./,
      );
    });

    test.each<[string, Partial<BedrockPrivateLinkAttributes>, RegExp]>([
      ['no endpoint ID', { endpointIds: {} }, /invalid endpointIds \{\}\. Name the endpoint ID of at least one feature/],
      ['a malformed endpoint ID', { endpointIds: { [BedrockFeature.RUNTIME]: 'vpc-123' } }, /invalid endpointIds\.bedrock-runtime "vpc-123"\. Must be a VPC endpoint ID/],
      ['an unknown feature', { endpointIds: { 'bedrock-magic': RUNTIME_ID } as never }, /invalid endpointIds "bedrock-magic"\. Allowed values: bedrock, bedrock-runtime/],
      ['a Bedrock feature among the support endpoints', { supportEndpointIds: { [SupportEndpoint.BEDROCK_RUNTIME]: RUNTIME_ID } }, /invalid supportEndpointIds "bedrock-runtime"\. It is a Bedrock feature: name its endpoint in endpointIds\['bedrock-runtime'\]/],
      ['FIPS for a feature without a FIPS endpoint', { endpointIds: { [BedrockFeature.AGENTS_RUNTIME]: RUNTIME_ID }, useFipsEndpoints: true }, /invalid useFipsEndpoints true\. bedrock-agent-runtime has no FIPS endpoint/],
    ])('%s is rejected', (_name, attrs, message) => {
      const s = stack();
      expect(() => BedrockPrivateLink.fromPrivateLinkAttributes(s, 'L', teamAttributes(s, attrs))).toThrow(message);
    });
  });
});

describe('endpoint metrics', () => {
  const dimensionsOf = (metric: cloudwatch.Metric, stack: Stack) => stack.resolve(metric.dimensions);

  test('AWS/PrivateLinkEndpoints, with the four dimensions AWS publishes (names with spaces)', () => {
    const metric = link.metricPacketsDropped(BedrockFeature.RUNTIME);
    expect([metric.namespace, metric.metricName, metric.statistic, metric.period.toMinutes()]).toEqual(['AWS/PrivateLinkEndpoints', 'PacketsDropped', 'Sum', 5]);
    expect(dimensionsOf(metric, network)).toEqual({
      'Endpoint Type': 'Interface',
      'Service Name': 'com.amazonaws.us-east-1.bedrock-runtime',
      'VPC Endpoint Id': { Ref: expect.stringMatching(/^LinkRuntimeEndpoint/) },
      'VPC Id': { Ref: expect.stringMatching(/^LinkVpc/) },
    });
    expect([link.metricActiveConnections(BedrockFeature.RUNTIME), link.metricBytesProcessed(BedrockFeature.AGENTS_RUNTIME)].map((m) => [m.metricName, m.statistic])).toEqual([
      ['ActiveConnections', 'Maximum'],
      ['BytesProcessed', 'Sum'],
    ]);
  });

  test('an imported private link has them too, FIPS service names included', () => {
    const s = new Stack(new App({ context: cdkJsonContext() }), 'S', { env: EU });
    const fips = BedrockPrivateLink.fromPrivateLinkAttributes(s, 'L', { ...teamAttributes(s), useFipsEndpoints: true });
    expect(dimensionsOf(fips.metricForEndpoint(BedrockFeature.RUNTIME, 'NewConnections', { statistic: 'Sum' }), s)).toEqual({
      'Endpoint Type': 'Interface',
      'Service Name': 'com.amazonaws.eu-west-1.bedrock-runtime-fips',
      'VPC Endpoint Id': RUNTIME_ID,
      'VPC Id': 'vpc-0123456789abcdef0',
    });
    expect(dimensionsOf(imported.metricBytesProcessed(BedrockFeature.CONTROL_PLANE), Stack.of(imported))['Service Name']).toBe('com.amazonaws.eu-west-1.bedrock');
  });

  test('an unknown metric name or a feature without endpoint is refused', () => {
    expect(() => link.metricForEndpoint(BedrockFeature.RUNTIME, 'Invocations')).toThrow(/invalid metricName "Invocations"\. Allowed values: ActiveConnections, BytesProcessed, NewConnections, PacketsDropped, RstPacketsReceived/);
    expect(() => imported.metricPacketsDropped(BedrockFeature.MANTLE)).toThrow(/invalid feature "bedrock-mantle"\. It has no endpoint here/);
  });
});

test('every stack passes every compliance pack, with no deploy problem', () => {
  expectNoFindings(synth);
  expectAcknowledgementsJustified(synth);
});

test("the test's one acknowledgement: Control Tower cannot read another stack's subnets, which are the private link's", () => {
  const [[, fn]] = ofType('Consumers', 'AWS::Lambda::Function').filter(([, f]) => f.Properties.VpcConfig);
  expect(fn.Properties.VpcConfig.SubnetIds).toEqual([fromNetwork(/^PublishOutputRefLinkVpcApplicationSubnet1/), fromNetwork(/^PublishOutputRefLinkVpcApplicationSubnet2/)]);
  const vpcChecks = synth.compliance.acknowledgements.filter((a) => a.id === 'ControlTower::lambda_inside_vpc_check' && !/\/Custom::VpcRestrictDefaultSGCustomResourceProvider\/Handler$/.test(a.path));
  // The same function on the imported VPC (literal subnet IDs) passes without one.
  expect(vpcChecks.map((a) => a.path)).toEqual(['Consumers/InvocationLogging/Handler/Function/Resource']);
});
