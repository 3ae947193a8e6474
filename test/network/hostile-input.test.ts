import { App, CfnParameter, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BedrockModel } from '../../lib/core/bedrock-model';
import { SupportEndpoint } from '../../lib/core/endpoint-needs';
import { PlatformValidationError } from '../../lib/core/errors';
import { BedrockFeature, BedrockPrivateLink, DirectConnectPath, InboundDnsResolver, PublicPath, VpcFlowLog } from '../../lib/network';
import { synthesize } from '../kit/synth';

// Hostile input to the network constructs (issue 11): JavaScript callers without a compiler, values
// AWS refuses at deploy, collisions within the app, quotas and size limits. Each case must end in the
// library's own error naming the construct path, the prop and the value, never in a TypeError or an
// error from inside aws-cdk-lib, and never be accepted silently.

const ENV = { account: '123456789012', region: 'us-east-1' };
const js = (v: unknown): any => v; // what a JavaScript caller may pass

/** A VPC with two isolated subnets of known CIDRs: 10.0.0.0/17 (us-east-1a) and 10.0.128.0/17 (us-east-1b). */
const isolatedVpc = (s: Stack, id = 'Vpc') =>
  new ec2.Vpc(s, id, {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    subnetConfiguration: [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    natGateways: 0,
  });
const ISOLATED = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
const dx = (s: Stack, vpc: ec2.IVpc, more: Record<string, unknown> = {}) => new DirectConnectPath(s, 'Dx', { vpc, onPremisesCidrs: ['192.168.0.0/16'], subnets: ISOLATED, ...more });
const resolver = (s: Stack, more: Record<string, unknown> = {}) => new InboundDnsResolver(s, 'Resolver', { vpc: isolatedVpc(s), onPremisesCidrs: ['192.168.0.0/16'], subnets: ISOLATED, ...more });
const link = (s: Stack, id: string, props: Record<string, unknown>) => new BedrockPrivateLink(s, id, { features: [BedrockFeature.RUNTIME], ...props });
const numberToken = (s: Stack) => new CfnParameter(s, 'Asn', { type: 'Number' }).valueAsNumber;

/** Builds in a fresh app; synthesizes when construction passed (some checks run at synth). */
function attempt(build: (s: Stack, app: App) => void): Error | undefined {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  try {
    build(stack, app);
    app.synth({ validateOnSynthesis: false });
  } catch (e) {
    return e as Error;
  }
  return undefined;
}

type Case = [name: string, build: (s: Stack, app: App) => void, message: RegExp];

/** Construction errors: the library's PlatformValidationError, naming path, prop and value. */
const construction: Case[] = [
  // Missing or wrongly typed props from JavaScript.
  ['BedrockPrivateLink without props', (s) => new BedrockPrivateLink(s, 'X', js(undefined)), /^S\/X: invalid props \(not set\)\. Pass a props object, e.g\. \{ features/],
  ['fromPrivateLinkAttributes without attributes', (s) => BedrockPrivateLink.fromPrivateLinkAttributes(s, 'X', js(undefined)), /^S\/X: invalid props \(not set\)\. Pass a props object/],
  ['fromPrivateLinkAttributes without vpc', (s) => BedrockPrivateLink.fromPrivateLinkAttributes(s, 'X', js({ endpointIds: { [BedrockFeature.RUNTIME]: 'vpce-0123456789abcdef0' } })), /^S\/X: invalid vpc \(not set\)\. Must be a VPC/],
  ['BedrockPrivateLink without features', (s) => new BedrockPrivateLink(s, 'X', js({})), /^S\/X: invalid features \(not set\)\. A private path needs at least one feature/],
  ['features as a string', (s) => link(s, 'X', { features: 'bedrock-runtime' }), /^S\/X: invalid features "bedrock-runtime"\. Must be a list of BedrockFeature values/],
  ['null inside features', (s) => link(s, 'X', { features: [BedrockFeature.RUNTIME, null] }), /^S\/X: invalid features\[1\] null\. The list has a hole/],
  ['a feature named twice', (s) => link(s, 'X', { features: [BedrockFeature.RUNTIME, BedrockFeature.RUNTIME] }), /^S\/X: invalid features\[1\] "bedrock-runtime"\. It repeats features\[0\]/],
  ['clients as a string', (s) => link(s, 'X', { clients: '10.0.0.0/8' }), /^S\/X: invalid clients "10\.0\.0\.0\/8"\. Must be a list of peers/],
  ['undefined inside clients', (s) => link(s, 'X', { clients: [undefined] }), /^S\/X: invalid clients\[0\] \(not set\)\. The list has a hole/],
  ['a CIDR string where a peer is expected', (s) => link(s, 'X', { clients: ['10.0.0.0/8'] }), /^S\/X: invalid clients\[0\] "10\.0\.0\.0\/8"\. Must be a peer: a security group, or ec2\.Peer\.ipv4/],
  ['models as a string', (s) => link(s, 'X', { models: 'amazon.nova-lite-v1:0' }), /^S\/X: invalid models "amazon\.nova-lite-v1:0"\. Must be a list of BedrockModel values/],
  ['null inside models', (s) => link(s, 'X', { models: [null] }), /^S\/X: invalid models\[0\] null\./],
  ['vpc that is not a VPC', (s) => link(s, 'X', { vpc: 'vpc-0123456789abcdef0' }), /^S\/X: invalid vpc "vpc-0123456789abcdef0"\. Must be a VPC/],
  ['DirectConnectPath without props', (s) => new DirectConnectPath(s, 'X', js(undefined)), /^S\/X: invalid props \(not set\)\. Pass a props object/],
  ['DirectConnectPath without vpc', (s) => new DirectConnectPath(s, 'X', js({ onPremisesCidrs: ['192.168.0.0/16'] })), /^S\/X: invalid vpc \(not set\)\. Must be a VPC/],
  ['onPremisesCidrs as a string', (s) => dx(s, isolatedVpc(s), { onPremisesCidrs: '192.168.0.0/16' }), /^S\/Dx: invalid onPremisesCidrs "192\.168\.0\.0\/16"\. Must be a list of IPv4 CIDR blocks/],
  ['null inside onPremisesCidrs', (s) => dx(s, isolatedVpc(s), { onPremisesCidrs: ['192.168.0.0/16', null] }), /^S\/Dx: invalid onPremisesCidrs\[1\] null\. The list has a hole/],
  ['resolverIpAddresses as a string', (s) => dx(s, isolatedVpc(s), { resolverIpAddresses: '10.0.0.10' }), /^S\/Dx: invalid resolverIpAddresses "10\.0\.0\.10"\. Must be a list of IPv4 addresses/],
  ['null inside resolverIpAddresses', (s) => dx(s, isolatedVpc(s), { resolverIpAddresses: [null, null] }), /^S\/Dx: invalid resolverIpAddresses\[0\] null\. The list has a hole/],
  ['privateLink that is not one', (s) => dx(s, isolatedVpc(s), { privateLink: 'link' }), /^S\/Dx: invalid privateLink "link"\. Must be a BedrockPrivateLink/],
  ['InboundDnsResolver without vpc (not blaming subnets)', (s) => new InboundDnsResolver(s, 'X', js({ onPremisesCidrs: ['192.168.0.0/16'] })), /^S\/X: invalid vpc \(not set\)\. Must be a VPC/],
  ['VpcFlowLog({})', (s) => new VpcFlowLog(s, 'X', js({})), /^S\/X: invalid vpc \(not set\)\. Must be a VPC/],
  ['VpcFlowLog without props', (s) => new VpcFlowLog(s, 'X', js(undefined)), /^S\/X: invalid props \(not set\)/],
  ['PublicPath with a string for props', (s) => new PublicPath(s, 'X', js('10.0.0.0/16')), /^S\/X: invalid props "10\.0\.0\.0\/16"\. Pass a props object/],

  // CIDRs the subnet layout cannot hold (each subnet at least /28).
  ['public path /28 (4 subnets need /26)', (s) => new PublicPath(s, 'X', { vpcCidr: '10.0.0.0/28' }), /^S\/X: invalid vpcCidr "10\.0\.0\.0\/28"\. The new VPC holds 4 subnets \(2 tiers x 2 zones\), each at least \/28, so it needs a prefix from \/16 to \/26/],
  ['public path /26 in 3 zones (6 subnets need /25)', (s) => new PublicPath(s, 'X', { vpcCidr: '10.0.0.0/26', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] }), /invalid vpcCidr "10\.0\.0\.0\/26"\. The new VPC holds 6 subnets \(2 tiers x 3 zones\).* \/16 to \/25/],
  ['private link /28 (2 subnets need /27)', (s) => link(s, 'X', { vpcCidr: '10.0.0.0/28' }), /^S\/X: invalid vpcCidr "10\.0\.0\.0\/28"\. The new VPC holds 2 subnets \(1 tier x 2 zones\).* \/16 to \/27/],

  // Values AWS refuses at deploy.
  ['SNAPSHOT for the flow-log group', (s) => new VpcFlowLog(s, 'X', { vpc: isolatedVpc(s), removalPolicy: RemovalPolicy.SNAPSHOT }), /^S\/X: invalid removalPolicy "snapshot"\. Allowed values: retain, destroy, retain-on-update-or-delete/],
  ["SNAPSHOT for a new VPC's flow logs", (s) => new PublicPath(s, 'X', { removalPolicy: RemovalPolicy.SNAPSHOT }), /^S\/X: invalid removalPolicy "snapshot"/],
  ['resolver IP: the VPC router (+1)', (s) => resolver(s, { ipAddresses: ['10.0.0.1', '10.0.128.10'] }), /^S\/Resolver: invalid ipAddresses\[0\] "10\.0\.0\.1"\. AWS reserves it in subnet .* \(10\.0\.0\.0\/17\): the VPC router/],
  ['resolver IP: the network address', (s) => resolver(s, { ipAddresses: ['10.0.0.10', '10.0.128.0'] }), /invalid ipAddresses\[1\] "10\.0\.128\.0"\. AWS reserves it .*: the network address/],
  ['resolver IP: reserved for future use (+3)', (s) => resolver(s, { ipAddresses: ['10.0.0.3', '10.0.128.10'] }), /invalid ipAddresses\[0\] "10\.0\.0\.3"\. AWS reserves it .*: future use/],
  ['resolver IP: the broadcast address', (s) => resolver(s, { ipAddresses: ['10.0.127.255', '10.0.128.10'] }), /invalid ipAddresses\[0\] "10\.0\.127\.255"\. AWS reserves it .*: the broadcast address/],
  ['resolver IP repeated', (s) => resolver(s, { ipAddresses: ['10.0.0.10', '10.0.0.10'] }), /^S\/Resolver: invalid ipAddresses\[1\] "10\.0\.0\.10"\. It repeats ipAddresses\[0\]/],
  ['resolver IP repeated through DirectConnectPath', (s) => dx(s, isolatedVpc(s), { resolverIpAddresses: ['10.0.0.10', '10.0.0.10'] }), /^S\/Dx: invalid resolverIpAddresses\[1\] "10\.0\.0\.10"\. It repeats/],
  ['resolver name over 64 characters', (s) => resolver(s, { name: 'r'.repeat(65) }), /^S\/Resolver: invalid name "r{65}"\. Must be up to 64 letters/],
  ['resolver name of digits only', (s) => resolver(s, { name: '12345' }), /^S\/Resolver: invalid name "12345"\. .*not only digits/],
  ['resolver name with a dot', (s) => resolver(s, { name: 'dns.inbound' }), /invalid name "dns\.inbound"/],
  ['31 on-premises networks: 62 DNS rules on one security group', (s) => resolver(s, { onPremisesCidrs: Array.from({ length: 31 }, (_, i) => `172.16.${i}.0/24`) }), /^S\/Resolver: invalid onPremisesCidrs "31 CIDR blocks"\. .*2 rules per network .* holds 60 by default: name at most 30/],
  ['an on-premises CIDR named twice', (s) => dx(s, isolatedVpc(s), { onPremisesCidrs: ['192.168.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] }), /^S\/Dx: invalid onPremisesCidrs\[2\] "192\.168\.0\.0\/16"\. It repeats onPremisesCidrs\[0\]/],
  ['an allowed prefix named twice', (s) => dx(s, isolatedVpc(s), { allowedPrefixes: ['10.0.0.0/16', '10.0.0.0/16'] }), /^S\/Dx: invalid allowedPrefixes\[1\] "10\.0\.0\.0\/16"\. It repeats/],
  ['Direct Connect gateway name over 100 characters', (s) => dx(s, isolatedVpc(s), { directConnectGatewayName: 'g'.repeat(101) }), /^S\/Dx: invalid directConnectGatewayName "g{101}"\. Must be 1 to 100 letters/],
  ['Direct Connect gateway name with braces', (s) => dx(s, isolatedVpc(s), { directConnectGatewayName: 'dx-{x}' }), /invalid directConnectGatewayName "dx-\{x\}"/],
  ['Direct Connect gateway ASN below the private range', (s) => dx(s, isolatedVpc(s), { directConnectGatewayAsn: 64511 }), /^S\/Dx: invalid directConnectGatewayAsn 64511\. Must be a private ASN: 64512 to 65534, or 4200000000 to 4294967294/],
  ['Direct Connect gateway ASN above the 4-byte range', (s) => dx(s, isolatedVpc(s), { directConnectGatewayAsn: 4294967295 }), /invalid directConnectGatewayAsn 4294967295\. Must be a private ASN/],
  ['Direct Connect gateway ASN not a whole number', (s) => dx(s, isolatedVpc(s), { directConnectGatewayAsn: 64512.5 }), /invalid directConnectGatewayAsn 64512\.5/],
  ['customer ASN 0', (s) => dx(s, isolatedVpc(s), { virtualInterface: { connectionId: 'dxcon-fg5678gh', vlan: 100, customerAsn: 0 } }), /^S\/Dx: invalid virtualInterface\.customerAsn 0\. Must be a whole number from 1 to 2147483647/],
  ['new virtual private gateway ASN outside the private ranges', (s) => dx(s, isolatedVpc(s), { vpnGatewayAsn: 7224 }), /invalid vpnGatewayAsn 7224\. Must be a private ASN/],

  // Collisions within the app.
  ['two private links with a runtime endpoint (Private DNS) on one VPC', (s) => {
    const first = link(s, 'First', {});
    link(s, 'Second', { vpc: first.vpc, features: [BedrockFeature.AGENTS_RUNTIME, BedrockFeature.RUNTIME] });
  }, /^S\/Second: invalid features "bedrock-runtime"\. The VPC already has a bedrock-runtime endpoint with Private DNS \(created by S\/First\).*existingEndpoints/],
  ['a feature added later that another link on the VPC has', (s) => {
    const first = link(s, 'First', { features: [BedrockFeature.CONTROL_PLANE] });
    link(s, 'Second', { vpc: first.vpc }).addFeature(BedrockFeature.CONTROL_PLANE);
  }, /^S\/Second: invalid features "bedrock"\. The VPC already has a bedrock endpoint/],
  ['an existing endpoint given to one link, a new one created by another', (s) => {
    const vpc = isolatedVpc(s);
    const existing = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(s, 'Existing', { vpcEndpointId: 'vpce-0123456789abcdef0', port: 443 });
    link(s, 'First', { vpc, existingEndpoints: { [BedrockFeature.RUNTIME]: existing } });
    link(s, 'Second', { vpc });
  }, /^S\/Second: invalid features "bedrock-runtime"\. .*\(given to S\/First\)/],
  ['an S3 endpoint given to one link, created again by another', (s) => {
    const vpc = isolatedVpc(s);
    const s3 = ec2.GatewayVpcEndpoint.fromGatewayVpcEndpointId(s, 'S3', 'vpce-0aaaaaaaaaaaaaaa3');
    link(s, 'First', { vpc, existingSupportEndpoints: { [SupportEndpoint.S3]: s3 } }).addSupportEndpoint(SupportEndpoint.S3);
    link(s, 'Second', { vpc, features: [BedrockFeature.AGENTS_RUNTIME] }).addSupportEndpoint(SupportEndpoint.S3);
  }, /^S\/Second: invalid existingSupportEndpoints \(not set\)\. The VPC already has a s3 endpoint, given to S\/First/],
  ['a support endpoint reused with other principals', (s) => {
    const first = link(s, 'First', {});
    first.addSupportEndpoint(SupportEndpoint.LOGS);
    link(s, 'Second', { vpc: first.vpc, features: [BedrockFeature.AGENTS_RUNTIME], principals: { accounts: ['210987654321'] } }).addSupportEndpoint(SupportEndpoint.LOGS);
  }, /^S\/Second: invalid principals .*The VPC's logs endpoint, created by S\/First, admits other principals/],
  ['two Direct Connect paths (two virtual private gateways) on one VPC', (s) => {
    const vpc = isolatedVpc(s);
    dx(s, vpc);
    new DirectConnectPath(s, 'Dx2', { vpc, onPremisesCidrs: ['172.16.0.0/12'], subnets: ISOLATED });
  }, /^S\/Dx2: invalid vpnGatewayId \(not set\)\. S\/Dx already attaches a virtual private gateway to this VPC, and a VPC takes one/],
  ['the same on-premises route added by two transit-gateway paths', (s) => {
    const vpc = isolatedVpc(s);
    dx(s, vpc, { transitGatewayId: 'tgw-0123456789abcdef0' });
    new DirectConnectPath(s, 'Dx2', { vpc, onPremisesCidrs: ['192.168.0.0/16'], subnets: ISOLATED, transitGatewayId: 'tgw-0123456789abcdef0' });
  }, /^S\/Dx2: invalid onPremisesCidrs\[0\] "192\.168\.0\.0\/16"\. S\/Dx already routes it from route table/],

  // Quotas.
  ['61 distinct client peers: 61 rules on each endpoint security group', (s) => {
    const l = link(s, 'X', {});
    l.allowClients(...Array.from({ length: 60 }, (_, i) => ec2.Peer.ipv4(`172.16.${i}.0/24`)));
  }, /^S\/X: invalid clients "61 distinct peers"\. Each endpoint security group would get 61 inbound rules; a security group holds 60 by default/],
  ['null passed to allowClients', (s) => link(s, 'X', {}).allowClients(js(null)), /^S\/X: invalid clients\[1\] null\. Must be a peer/],

  // Cross-stack use that would be a dependency cycle.
  ['a client group in the stack that holds the VPC, endpoints in another', (s, app) => {
    const vpc = isolatedVpc(s);
    const other = new Stack(app, 'Endpoints', { env: ENV });
    link(other, 'Link', { vpc, subnets: ISOLATED }).allowClients(new ec2.SecurityGroup(s, 'Clients', { vpc }));
  }, /^Endpoints\/Link: invalid clients "S\/Clients"\. It is in stack S, which the endpoints' stack Endpoints depends on \(it holds the VPC\).*Create it in Endpoints or in a stack deployed after it/],
  ['an in-VPC consumer in the stack that holds the VPC, endpoints in another', (s, app) => {
    const vpc = isolatedVpc(s);
    const other = new Stack(app, 'Endpoints', { env: ENV });
    const custom = new CfnResource(s, 'Custom', { type: 'Custom::Thing', properties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x' } });
    link(other, 'Link', { vpc, subnets: ISOLATED, clients: [ec2.Peer.ipv4('10.0.0.0/16')] }).addSupportEndpointsFor({ requiredEndpoints: [SupportEndpoint.S3], endpointDependents: [custom] });
  }, /^Endpoints\/Link: invalid consumer "S\/Custom"\. It is in stack S, which the endpoints' stack Endpoints depends on/],
];

describe('hostile input to the network constructs: a clear library error', () => {
  test.each(construction)('%s', (_name, build, message) => {
    const error = attempt(build);
    expect(error).toBeInstanceOf(PlatformValidationError);
    expect(error!.message).toMatch(message);
  });
});

/** Checks that run on the rendered template: synth fails with the library's message. */
const atSynth: Case[] = [
  ['an endpoint policy over 20,480 characters (400 models)', (s) => {
    link(s, 'X', { models: Array.from({ length: 400 }, (_, i) => BedrockModel.parse(`amazon.test-model-${i}-v1:0`)) });
  }, /\[S\/X\] S\/X: invalid models \(400 models\)\. The bedrock-runtime endpoint policy would be \d{5} characters; a VPC endpoint takes one policy of at most 20480 characters, which cannot be split\. Remove the last 153 models \(a foundation model amazon\.test-model-247-v1:0, .*\.\.\.\), or allow a family with a pattern/],
  ['models added later push the policy over the limit', (s) => {
    const l = link(s, 'X', {});
    l.addModel(...Array.from({ length: 400 }, (_, i) => BedrockModel.parse(`amazon.test-model-${i}-v1:0`)));
  }, /S\/X: invalid models \(40\d models\)\. The bedrock-runtime endpoint policy would be/],
  ['a runtime endpoint with Private DNS made outside the library on the same VPC', (s) => {
    const vpc = isolatedVpc(s);
    vpc.addInterfaceEndpoint('Runtime', { service: ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME });
    link(s, 'X', { vpc });
  }, /S\/X: the VPC has another bedrock-runtime endpoint, S\/Vpc\/Runtime\/Resource, besides S\/X\/Runtime\/Endpoint: Private DNS allows one endpoint per service and VPC/],
  ['an S3 gateway endpoint made outside the library on the same VPC', (s) => {
    const vpc = isolatedVpc(s);
    link(s, 'X', { vpc }).addSupportEndpoint(SupportEndpoint.S3);
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
  }, /S\/X: the VPC has another s3 endpoint, S\/Vpc\/S3\/Resource.*one gateway endpoint per service and route table/],
];

describe('hostile input caught on the rendered template', () => {
  test.each(atSynth)('%s', (_name, build, message) => {
    const error = attempt(build);
    expect(error?.message).toMatch(message);
  });

  test('a policy just under the limit passes, and a token ASN is skipped rather than range-checked', () => {
    expect(attempt((s) => link(s, 'X', { models: Array.from({ length: 100 }, (_, i) => BedrockModel.parse(`amazon.test-model-${i}-v1:0`)) }))).toBeUndefined();
    expect(attempt((s) => dx(s, isolatedVpc(s), { directConnectGatewayAsn: numberToken(s) }))).toBeUndefined();
  });
});

// What is reused or deduplicated instead of refused, synthesized once with every compliance engine.
let first: BedrockPrivateLink;
let second: BedrockPrivateLink;
const synth = synthesize((app) => {
  const stack = new Stack(app, 'Shared', { env: ENV });
  first = link(stack, 'First', {});
  second = link(stack, 'Second', { vpc: first.vpc, features: [BedrockFeature.AGENTS_RUNTIME] });
  first.addSupportEndpoint(SupportEndpoint.S3);
  second.addSupportEndpoint(SupportEndpoint.S3);
  // The same peer 70 times: one rule per endpoint group, far from the quota.
  for (let i = 0; i < 70; i++) first.allowClients(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Peer.ipv4('172.16.0.0/12'));

  // The VPC and the endpoints in one stack, consumers in a stack deployed after it: no cycle.
  const network = new Stack(app, 'Network', { env: ENV });
  const shared = link(network, 'Link', {});
  const consumers = new Stack(app, 'Consumers', { env: ENV });
  const clients = new ec2.SecurityGroup(consumers, 'Clients', { vpc: shared.vpc });
  const custom = new CfnResource(consumers, 'Custom', { type: 'Custom::Thing', properties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x' } });
  shared.allowClients(clients);
  shared.addSupportEndpointsFor({ requiredEndpoints: [SupportEndpoint.S3], endpointDependents: [custom] });
});
const ofType = (stack: string, type: string): Array<[string, any]> => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);

describe('collisions resolved by reuse', () => {
  test("the S3 support endpoint added by two private links on one VPC is one endpoint, the first link's", () => {
    const gateways = ofType('Shared', 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties.VpcEndpointType === 'Gateway');
    expect(gateways.map(([id]) => id)).toEqual([expect.stringMatching(/^FirstS3SupportEndpoint/)]);
    expect(second.supportEndpointIds[SupportEndpoint.S3]).toBe(first.supportEndpointIds[SupportEndpoint.S3]);
  });

  test('two links on one VPC without a shared feature: one endpoint per service', () => {
    const services = ofType('Shared', 'AWS::EC2::VPCEndpoint').map(([, r]) => JSON.stringify(r.Properties.ServiceName).replace(/.*\.([a-z0-9-]+)"\]\]\}$|.*\.([a-z0-9-]+)"$/, '$1$2'));
    expect(services.sort()).toEqual(['bedrock-agent-runtime', 'bedrock-runtime', 's3']);
  });

  test('a peer admitted 70 times is one inbound rule on the endpoint group', () => {
    const [[, group]] = ofType('Shared', 'AWS::EC2::SecurityGroup').filter(([id]) => /^FirstRuntimeSecurityGroup/.test(id));
    expect(group.Properties.SecurityGroupIngress.map((r: any) => r.CidrIp).sort()).toEqual(['10.0.0.0/16', '172.16.0.0/12']);
  });

  test('endpoints in one stack, client group and in-VPC consumer in a later one: synthesized without a cycle', () => {
    const stacks = (name: string) => synth.json[name] !== undefined;
    expect(stacks('Network') && stacks('Consumers')).toBe(true);
    expect(ofType('Consumers', 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties.FromPort)).toEqual([443]);
    expect(ofType('Network', 'AWS::EC2::SecurityGroupIngress')).toEqual([]);
    expect(synth.deployProblems).toEqual([]);
  });
});
