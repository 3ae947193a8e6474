import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PlatformValidationError } from '../../lib/core/errors';
import { BedrockFeature, BedrockPrivateLink, DirectConnectPath, DirectConnectPathProps } from '../../lib/network';
import { expectAcknowledgementsJustified, expectNoFindings, withoutCdkOwnAcknowledgements } from '../kit/nag';
import { resolveIntrinsics } from '../kit/intrinsics';
import { cdkJsonContext, synthesize } from '../kit/synth';
import { endpointSummaries, routing, securityGroupRules } from './summaries';

const ENV = { account: '123456789012', region: 'us-east-1' };
const ON_PREMISES = ['192.168.0.0/16', '172.16.0.0/12'];
const DX_GATEWAY = '5f294f92-bafb-4011-916d-9b0b01234567';
const TGW = 'tgw-0123456789abcdef0';

/** An existing VPC, as a network team hands it over. */
const corporateVpc = (scope: Stack, attrs: Partial<ec2.VpcAttributes> = {}, id = 'Vpc') =>
  ec2.Vpc.fromVpcAttributes(scope, id, {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.20.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0aaaaaaaaaaaaaaa2'],
    privateSubnetIpv4CidrBlocks: ['10.20.0.0/24', '10.20.1.0/24'],
    ...attrs,
  });

const synth = synthesize((app) => {
  // New DX gateway + new virtual private gateway + private VIF; endpoints admit on-premises.
  const vgw = new Stack(app, 'Vgw', { env: ENV });
  const vpc = corporateVpc(vgw);
  const link = new BedrockPrivateLink(vgw, 'Link', { vpc, features: [BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME] });
  new DirectConnectPath(vgw, 'Dx', {
    vpc,
    onPremisesCidrs: ON_PREMISES,
    privateLink: link,
    resolverIpAddresses: ['10.20.0.53', '10.20.1.53'],
    virtualInterface: { connectionId: 'dxcon-fg5678gh', vlan: 101, customerAsn: 65001, amazonAddress: '169.254.100.1/30', customerAddress: '169.254.100.2/30', mtu: 9001 },
  });

  // Transit gateway association: VPC attachment, routes to on-premises, transit VIF.
  const tgw = new Stack(app, 'Tgw', { env: ENV });
  new DirectConnectPath(tgw, 'Dx', {
    vpc: corporateVpc(tgw),
    onPremisesCidrs: ['192.168.0.0/16'],
    transitGatewayId: 'tgw-0123456789abcdef0',
    directConnectGatewayAsn: 4200000001,
    allowedPrefixes: ['10.20.0.0/23'],
    virtualInterface: { connectionId: 'dxlag-ffrz71kw', vlan: 4094, customerAsn: 65010, mtu: 8500 },
  });

  // The three paths together on one new VPC: PrivateLink creates the isolated VPC, Direct Connect joins it.
  const combined = new Stack(app, 'Combined', { env: ENV });
  const isolated = new BedrockPrivateLink(combined, 'Link', { features: [BedrockFeature.RUNTIME], vpcCidr: '10.60.0.0/16' });
  new DirectConnectPath(combined, 'Dx', { vpc: isolated.vpc, onPremisesCidrs: ['192.168.0.0/16'], privateLink: isolated });

  // Everything exists already: DX gateway, and a virtual private gateway on the VPC.
  const existing = new Stack(app, 'Existing', { env: ENV });
  new DirectConnectPath(existing, 'Dx', {
    vpc: corporateVpc(existing, { vpnGatewayId: 'vgw-0123456789abcdef0' }),
    onPremisesCidrs: ['192.168.0.0/16'],
    directConnectGatewayId: DX_GATEWAY,
  });
});
const json = (stack: string) => synth.json[stack].Resources as Record<string, any>;
const ofType = (stack: string, type: string) => Object.entries(json(stack)).filter(([, r]) => r.Type === type);

describe('DirectConnectPath with a virtual private gateway', () => {
  const t = synth.template('Vgw');

  test('no route to the internet: no 0.0.0.0/0 route, internet gateway or NAT in any Direct Connect stack', () => {
    for (const stack of ['Vgw', 'Tgw', 'Existing', 'Combined']) {
      const routes = ofType(stack, 'AWS::EC2::Route').map(([, r]) => r.Properties.DestinationCidrBlock);
      expect(routes.filter((c) => c === '0.0.0.0/0')).toEqual([]);
      expect(ofType(stack, 'AWS::EC2::InternetGateway')).toEqual([]);
      expect(ofType(stack, 'AWS::EC2::NatGateway')).toEqual([]);
    }
  });

  test('a new DX gateway is associated with a new VGW attached to the VPC, advertising the VPC CIDR', () => {
    // 64513, not 64512: AWS gives transit and virtual private gateways 64512 when none is set.
    t.hasResourceProperties('AWS::DirectConnect::DirectConnectGateway', { AmazonSideAsn: '64513' });
    // The new VGW keeps AWS's default ASN, 64512 (left implicit, as before).
    t.hasResourceProperties('AWS::EC2::VPNGateway', { Type: 'ipsec.1', AmazonSideAsn: Match.absent() });
    t.hasResourceProperties('AWS::EC2::VPCGatewayAttachment', { VpcId: 'vpc-0123456789abcdef0', VpnGatewayId: { Ref: Match.stringLikeRegexp('DxVpnGateway') } });
    t.hasResource('AWS::DirectConnect::DirectConnectGatewayAssociation', {
      Properties: {
        DirectConnectGatewayId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DxGateway'), 'DirectConnectGatewayId'] },
        AssociatedGatewayId: { Ref: Match.stringLikeRegexp('DxVpnGateway') },
        AllowedPrefixesToDirectConnectGateway: ['10.20.0.0/16'],
      },
      DependsOn: [Match.stringLikeRegexp('DxVpnGatewayAttachment')],
    });
  });

  test('routes to on-premises propagate into the endpoint subnets\' route tables', () => {
    t.hasResource('AWS::EC2::VPNGatewayRoutePropagation', {
      Properties: { RouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0aaaaaaaaaaaaaaa2'], VpnGatewayId: { Ref: Match.stringLikeRegexp('DxVpnGateway') } },
      DependsOn: [Match.stringLikeRegexp('DxVpnGatewayAttachment')],
    });
  });

  test('the private VIF carries the VLAN, the BGP peer and the jumbo MTU, on the DX gateway', () => {
    t.hasResourceProperties('AWS::DirectConnect::PrivateVirtualInterface', {
      ConnectionId: 'dxcon-fg5678gh',
      Vlan: 101,
      Mtu: 9001,
      VirtualInterfaceName: 'bedrock-platform-vlan-101',
      DirectConnectGatewayId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DxGateway'), 'DirectConnectGatewayId'] },
      BgpPeers: [{ AddressFamily: 'ipv4', Asn: '65001', AmazonAddress: '169.254.100.1/30', CustomerAddress: '169.254.100.2/30' }],
    });
    // No BGP auth key in the template: AWS generates one.
    expect(JSON.stringify(json('Vgw'))).not.toMatch(/AuthKey/);
  });

  test('an inbound resolver in two zones, at fixed addresses, admitting DNS from on-premises only', () => {
    t.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', {
      Direction: 'INBOUND',
      Protocols: ['Do53'],
      IpAddresses: [{ SubnetId: 'subnet-0aaaaaaaaaaaaaaa1', Ip: '10.20.0.53' }, { SubnetId: 'subnet-0aaaaaaaaaaaaaaa2', Ip: '10.20.1.53' }],
    });
    const [, resolver] = ofType('Vgw', 'AWS::Route53Resolver::ResolverEndpoint')[0];
    const sgId = resolver.Properties.SecurityGroupIds[0]['Fn::GetAtt'][0];
    const sg = json('Vgw')[sgId].Properties;
    expect(sg.SecurityGroupIngress).toEqual(
      ON_PREMISES.flatMap((cidr) => [
        { CidrIp: cidr, Description: `DNS over TCP from on-premises ${cidr}`, FromPort: 53, IpProtocol: 'tcp', ToPort: 53 },
        { CidrIp: cidr, Description: `DNS over UDP from on-premises ${cidr}`, FromPort: 53, IpProtocol: 'udp', ToPort: 53 },
      ]),
    );
    expect(sg.SecurityGroupEgress).toEqual([{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 }]);
  });

  test('the endpoint security groups admit the on-premises networks on 443, and nothing else new', () => {
    const endpointGroups = ofType('Vgw', 'AWS::EC2::SecurityGroup').filter(([id]) => id.startsWith('Link'));
    expect(endpointGroups).toHaveLength(2);
    for (const [, sg] of endpointGroups) {
      expect(sg.Properties.SecurityGroupIngress).toEqual(
        ['10.20.0.0/16', ...ON_PREMISES].map((cidr) => ({ CidrIp: cidr, Description: `HTTPS from ${cidr}`, FromPort: 443, IpProtocol: 'tcp', ToPort: 443 })),
      );
    }
  });

  test('what matters of the template: gateways and association, resolver, endpoints, security-group rules', () => {
    const json = synth.json.Vgw;
    const properties = (type: string) => ofType('Vgw', type).map(([id, r]) => ({ id, properties: resolveIntrinsics(r.Properties, ENV), dependsOn: r.DependsOn }));
    expect({
      gateways: ['AWS::DirectConnect::DirectConnectGateway', 'AWS::EC2::VPNGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::VPNGatewayRoutePropagation', 'AWS::DirectConnect::DirectConnectGatewayAssociation', 'AWS::DirectConnect::PrivateVirtualInterface'].map(properties),
      resolver: properties('AWS::Route53Resolver::ResolverEndpoint').map(({ properties: p }) => ({ direction: p.Direction, protocols: p.Protocols, ipAddresses: p.IpAddresses })),
      endpoints: endpointSummaries(json, ENV),
      securityGroups: securityGroupRules(json, ENV),
      routing: routing(json, ENV),
    }).toMatchSnapshot();
  });
});

describe('DirectConnectPath with a transit gateway', () => {
  const t = synth.template('Tgw');

  test('the VPC is attached to the transit gateway and routes on-premises traffic to it', () => {
    t.hasResourceProperties('AWS::EC2::TransitGatewayVpcAttachment', {
      TransitGatewayId: 'tgw-0123456789abcdef0',
      VpcId: 'vpc-0123456789abcdef0',
      SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    });
    const routes = ofType('Tgw', 'AWS::EC2::Route');
    expect(routes.map(([, r]) => [r.Properties.RouteTableId, r.Properties.DestinationCidrBlock, r.Properties.TransitGatewayId])).toEqual([
      ['rtb-0aaaaaaaaaaaaaaa1', '192.168.0.0/16', 'tgw-0123456789abcdef0'],
      ['rtb-0aaaaaaaaaaaaaaa2', '192.168.0.0/16', 'tgw-0123456789abcdef0'],
    ]);
    expect(routes.every(([, r]) => /TransitGatewayAttachment/.test(r.DependsOn[0]))).toBe(true);
    t.resourceCountIs('AWS::EC2::VPNGateway', 0);
  });

  test('the DX gateway is associated with the transit gateway with the allowed prefixes, via a transit VIF', () => {
    t.hasResourceProperties('AWS::DirectConnect::DirectConnectGateway', { AmazonSideAsn: '4200000001' });
    t.hasResourceProperties('AWS::DirectConnect::DirectConnectGatewayAssociation', { AssociatedGatewayId: 'tgw-0123456789abcdef0', AllowedPrefixesToDirectConnectGateway: ['10.20.0.0/23'] });
    t.hasResourceProperties('AWS::DirectConnect::TransitVirtualInterface', { ConnectionId: 'dxlag-ffrz71kw', Vlan: 4094, Mtu: 8500, BgpPeers: [{ AddressFamily: 'ipv4', Asn: '65010' }] });
    t.resourceCountIs('AWS::DirectConnect::PrivateVirtualInterface', 0);
  });
});

describe('DirectConnectPath on the VPC a BedrockPrivateLink created', () => {
  const t = synth.template('Combined');

  test('advertises the new VPC\'s CIDR, propagates into its isolated route tables, admits on-premises to the endpoint', () => {
    t.hasResourceProperties('AWS::DirectConnect::DirectConnectGatewayAssociation', { AllowedPrefixesToDirectConnectGateway: ['10.60.0.0/16'] });
    t.hasResourceProperties('AWS::EC2::VPNGatewayRoutePropagation', {
      RouteTableIds: [{ Ref: Match.stringLikeRegexp('LinkVpcApplicationSubnet1RouteTable') }, { Ref: Match.stringLikeRegexp('LinkVpcApplicationSubnet2RouteTable') }],
    });
    t.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', {
      IpAddresses: [{ SubnetId: { Ref: Match.stringLikeRegexp('LinkVpcApplicationSubnet1Subnet') } }, { SubnetId: { Ref: Match.stringLikeRegexp('LinkVpcApplicationSubnet2Subnet') } }],
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('bedrock-runtime endpoint'),
      SecurityGroupIngress: [
        { CidrIp: '10.60.0.0/16', Description: 'HTTPS from 10.60.0.0/16', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
        { CidrIp: '192.168.0.0/16', Description: 'HTTPS from 192.168.0.0/16', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
      ],
    });
  });
});

describe('DirectConnectPath with existing gateways', () => {
  const t = synth.template('Existing');

  test('the existing DX gateway is associated with the VPC\'s existing VGW; nothing is created for them', () => {
    t.resourceCountIs('AWS::DirectConnect::DirectConnectGateway', 0);
    t.resourceCountIs('AWS::EC2::VPNGateway', 0);
    t.resourceCountIs('AWS::EC2::VPNGatewayRoutePropagation', 0);
    t.hasResourceProperties('AWS::DirectConnect::DirectConnectGatewayAssociation', { DirectConnectGatewayId: DX_GATEWAY, AssociatedGatewayId: 'vgw-0123456789abcdef0', AllowedPrefixesToDirectConnectGateway: ['10.20.0.0/16'] });
    t.resourceCountIs('AWS::Route53Resolver::ResolverEndpoint', 1);
  });
});

test('every Direct Connect stack passes every compliance pack; only the default-security-group function is acknowledged', () => {
  expectNoFindings(synth);
  expectAcknowledgementsJustified(withoutCdkOwnAcknowledgements(synth));
  // aws-cdk-lib's function that empties a new VPC's default security group cannot run in a VPC.
  const acks = withoutCdkOwnAcknowledgements(synth).compliance.acknowledgements;
  for (const a of acks) expect([a.id, a.path]).toEqual(['ControlTower::lambda_inside_vpc_check', expect.stringMatching(/\/Custom::VpcRestrictDefaultSGCustomResourceProvider\/Handler$/)]);
});

describe('DirectConnectPath validation', () => {
  const stack = () => new Stack(new App({ context: cdkJsonContext() }), 'S', { env: ENV });
  const base = (s: Stack): DirectConnectPathProps => ({ vpc: corporateVpc(s), onPremisesCidrs: ['192.168.0.0/16'] });
  const vif = { connectionId: 'dxcon-fg5678gh', vlan: 100, customerAsn: 65001 };
  const cases: Array<[string, (s: Stack) => DirectConnectPathProps, RegExp]> = [
    ['no on-premises network', (s) => ({ ...base(s), onPremisesCidrs: [] }), /invalid onPremisesCidrs \[\]\. Name the corporate networks/],
    ['a malformed on-premises CIDR', (s) => ({ ...base(s), onPremisesCidrs: ['192.168.0.0/33'] }), /invalid onPremisesCidrs\[0\] "192\.168\.0\.0\/33"\. Must be an IPv4 CIDR block/],
    ['the whole internet as on-premises', (s) => ({ ...base(s), onPremisesCidrs: ['0.0.0.0/0'] }), /invalid onPremisesCidrs\[0\] "0\.0\.0\.0\/0"\..*from \/8 to \/32/],
    ['an on-premises network overlapping the VPC', (s) => ({ ...base(s), onPremisesCidrs: ['10.20.128.0/17'] }), /invalid onPremisesCidrs\[0\] "10\.20\.128\.0\/17"\. It overlaps the VPC CIDR 10\.20\.0\.0\/16/],
    ['an existing DX gateway and an ASN for a new one', (s) => ({ ...base(s), directConnectGatewayId: DX_GATEWAY, directConnectGatewayAsn: 64600 }), /invalid directConnectGatewayAsn 64600\. directConnectGatewayAsn cannot be combined with directConnectGatewayId/],
    ['a malformed DX gateway ID', (s) => ({ ...base(s), directConnectGatewayId: 'dxgw-1' }), /invalid directConnectGatewayId "dxgw-1"\. Must be a Direct Connect gateway ID/],
    ['a public ASN for the DX gateway', (s) => ({ ...base(s), directConnectGatewayAsn: 16509 }), /invalid directConnectGatewayAsn 16509\. Must be a private ASN: 64512 to 65534, or 4200000000 to 4294967294/],
    ['ASN 65535 (reserved)', (s) => ({ ...base(s), directConnectGatewayAsn: 65535 }), /invalid directConnectGatewayAsn 65535/],
    ['a transit gateway and a virtual private gateway', (s) => ({ ...base(s), transitGatewayId: 'tgw-0123456789abcdef0', vpnGatewayId: 'vgw-0123456789abcdef0' }), /invalid vpnGatewayId "vgw-0123456789abcdef0"\. vpnGatewayId cannot be combined with transitGatewayId/],
    ['a malformed transit gateway ID', (s) => ({ ...base(s), transitGatewayId: 'tgw-xyz' }), /invalid transitGatewayId "tgw-xyz"/],
    ['a transit-gateway option without a transit gateway', (s) => ({ ...base(s), attachVpcToTransitGateway: false }), /invalid attachVpcToTransitGateway false\. It only applies with transitGatewayId/],
    ['a malformed allowed prefix', (s) => ({ ...base(s), allowedPrefixes: ['10.20.0.0'] }), /invalid allowedPrefixes\[0\] "10\.20\.0\.0"/],
    ['an unknown VPC CIDR and no allowed prefixes', (s) => ({ ...base(s), vpc: corporateVpc(s, { vpcCidrBlock: undefined }, 'Other') }), /invalid allowedPrefixes \(not set\)\. The VPC CIDR is unknown/],
    ['VLAN 0', (s) => ({ ...base(s), virtualInterface: { ...vif, vlan: 0 } }), /invalid virtualInterface\.vlan 0\. Must be a whole number from 1 to 4094/],
    ['VLAN 4095', (s) => ({ ...base(s), virtualInterface: { ...vif, vlan: 4095 } }), /invalid virtualInterface\.vlan 4095\. Must be a whole number from 1 to 4094/],
    ['customer ASN 0', (s) => ({ ...base(s), virtualInterface: { ...vif, customerAsn: 0 } }), /invalid virtualInterface\.customerAsn 0\. Must be a whole number from 1 to 2147483647/],
    ['the same ASN on both sides', (s) => ({ ...base(s), virtualInterface: { ...vif, customerAsn: 64513 } }), /invalid virtualInterface\.customerAsn 64513\. It equals the Direct Connect gateway's ASN/],
    ['a DX gateway ASN equal to the transit gateway\'s', (s) => ({ ...base(s), transitGatewayId: TGW, transitGatewayAsn: 64512, directConnectGatewayAsn: 64512 }), /invalid directConnectGatewayAsn 64512\. It equals the transit gateway's ASN \(transitGatewayAsn 64512\)/],
    ['the default DX gateway ASN against a transit gateway numbered 64513', (s) => ({ ...base(s), transitGatewayId: TGW, transitGatewayAsn: 64513 }), /invalid directConnectGatewayAsn 64513\. It equals the transit gateway's ASN \(transitGatewayAsn 64513\).*Give one of them another private ASN/],
    ['a DX gateway ASN equal to a new VGW\'s default ASN', (s) => ({ ...base(s), directConnectGatewayAsn: 64512 }), /invalid directConnectGatewayAsn 64512\. It equals the virtual private gateway's ASN \(64512, the default of vpnGatewayAsn for a new gateway\)/],
    ['a DX gateway ASN equal to the ASN given to a new VGW', (s) => ({ ...base(s), directConnectGatewayAsn: 65100, vpnGatewayAsn: 65100 }), /invalid directConnectGatewayAsn 65100\. It equals the virtual private gateway's ASN \(vpnGatewayAsn 65100\)/],
    ['a DX gateway ASN equal to an existing VGW\'s', (s) => ({ ...base(s), vpnGatewayId: 'vgw-0123456789abcdef0', vpnGatewayAsn: 64513 }), /invalid directConnectGatewayAsn 64513\. It equals the virtual private gateway's ASN \(vpnGatewayAsn 64513\)/],
    ['a transit gateway ASN without a transit gateway', (s) => ({ ...base(s), transitGatewayAsn: 64512 }), /invalid transitGatewayAsn 64512\. It only applies with transitGatewayId/],
    ['a VGW ASN with a transit gateway', (s) => ({ ...base(s), transitGatewayId: TGW, vpnGatewayAsn: 64512 }), /invalid vpnGatewayAsn 64512\. vpnGatewayAsn cannot be combined with transitGatewayId/],
    ['a public transit gateway ASN', (s) => ({ ...base(s), transitGatewayId: TGW, transitGatewayAsn: 16509 }), /invalid transitGatewayAsn 16509\. Must be a private ASN: 64512 to 65534, or 4200000000 to 4294967294/],
    ['a public ASN for a new VGW', (s) => ({ ...base(s), vpnGatewayAsn: 7224 }), /invalid vpnGatewayAsn 7224\. Must be a private ASN: 64512 to 65534, or 4200000000 to 4294967294/],
    ['an existing VGW\'s ASN out of range', (s) => ({ ...base(s), vpnGatewayId: 'vgw-0123456789abcdef0', vpnGatewayAsn: 0 }), /invalid vpnGatewayAsn 0\. Must be a whole number from 1 to 4294967294/],
    ['a malformed connection ID', (s) => ({ ...base(s), virtualInterface: { ...vif, connectionId: 'conn-1' } }), /invalid virtualInterface\.connectionId "conn-1"/],
    ['one BGP address only', (s) => ({ ...base(s), virtualInterface: { ...vif, amazonAddress: '169.254.100.1/30' } }), /invalid virtualInterface\.amazonAddress "169\.254\.100\.1\/30"\. Give both BGP peer addresses/],
    ['BGP addresses in different /30s', (s) => ({ ...base(s), virtualInterface: { ...vif, amazonAddress: '169.254.100.1/30', customerAddress: '169.254.100.6/30' } }), /invalid virtualInterface\.customerAddress "169\.254\.100\.6\/30"\. Must be a different usable address in the same \/30/],
    ['a /30 network address as peer', (s) => ({ ...base(s), virtualInterface: { ...vif, amazonAddress: '169.254.100.0/30', customerAddress: '169.254.100.1/30' } }), /invalid virtualInterface\.customerAddress/],
    ['a BGP address without prefix', (s) => ({ ...base(s), virtualInterface: { ...vif, amazonAddress: '169.254.100.1', customerAddress: '169.254.100.2' } }), /invalid virtualInterface\.amazonAddress "169\.254\.100\.1"\. Must be an IPv4 address with a \/30 or \/31 prefix/],
    ['a jumbo MTU a transit VIF does not support', (s) => ({ ...base(s), transitGatewayId: 'tgw-0123456789abcdef0', virtualInterface: { ...vif, mtu: 9001 } }), /invalid virtualInterface\.mtu 9001\. Allowed values for a transit virtual interface: 1500, 8500/],
    ['an uppercase VIF name', (s) => ({ ...base(s), virtualInterface: { ...vif, name: 'Bedrock' } }), /invalid virtualInterface\.name "Bedrock"/],
    ['a resolver in one zone', (s) => ({ ...base(s), vpc: corporateVpc(s, { availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'], privateSubnetRouteTableIds: ['rtb-1'], privateSubnetIpv4CidrBlocks: ['10.20.0.0/24'] }, 'Other') }), /invalid subnets \["us-east-1a"\]\. The subnets must span 2 to 6 Availability Zones \(selected 1: us-east-1a\)/],
    ['one resolver address for two subnets', (s) => ({ ...base(s), resolverIpAddresses: ['10.20.0.53'] }), /invalid ipAddresses \["10\.20\.0\.53"\]\. Give one address per selected subnet \(2/],
    ['a resolver address outside its subnet', (s) => ({ ...base(s), resolverIpAddresses: ['10.20.0.53', '10.20.9.53'] }), /invalid ipAddresses\[1\] "10\.20\.9\.53"\. Must be inside subnet subnet-0aaaaaaaaaaaaaaa2 \(10\.20\.1\.0\/24\)/],
    ['a malformed resolver address', (s) => ({ ...base(s), resolverIpAddresses: ['10.20.0.300', '10.20.1.53'] }), /invalid ipAddresses\[0\] "10\.20\.0\.300"\. Must be an IPv4 address/],
    ['a new VGW without the route tables to propagate to', (s) => ({ ...base(s), vpc: corporateVpc(s, { privateSubnetRouteTableIds: undefined }, 'Other') }), /invalid subnets \["subnet-0aaaaaaaaaaaaaaa1","subnet-0aaaaaaaaaaaaaaa2"\]\. These subnets have no known route table/],
  ];
  test.each(cases)('%s is rejected at synth time', (_name, props, message) => {
    const s = stack();
    expect(() => new DirectConnectPath(s, 'Dx', props(s))).toThrow(PlatformValidationError);
    const s2 = stack();
    expect(() => new DirectConnectPath(s2, 'Dx', props(s2))).toThrow(message);
  });

  test('ASNs known only at deployment (tokens) are not compared, and reach the template as references', () => {
    const s = stack();
    const dxAsn = new CfnParameter(s, 'DxAsn', { type: 'Number' }).valueAsNumber;
    const tgwAsn = new CfnParameter(s, 'TgwAsn', { type: 'Number' }).valueAsNumber;
    const vgwAsn = new CfnParameter(s, 'VgwAsn', { type: 'Number' }).valueAsNumber;
    // A token DX gateway ASN against a literal transit gateway ASN, and the other way round.
    expect(() => new DirectConnectPath(s, 'TokenDx', { ...base(s), transitGatewayId: TGW, transitGatewayAsn: 64512, directConnectGatewayAsn: dxAsn, virtualInterface: { ...vif, customerAsn: 64512 } })).not.toThrow();
    expect(() => new DirectConnectPath(s, 'TokenTgw', { vpc: corporateVpc(s, { vpcId: 'vpc-0123456789abcdef2' }, 'Vpc2'), onPremisesCidrs: ['192.168.0.0/16'], transitGatewayId: TGW, transitGatewayAsn: tgwAsn, directConnectGatewayAsn: 64513 })).not.toThrow();
    expect(() => new DirectConnectPath(s, 'TokenVgw', { vpc: corporateVpc(s, { vpcId: 'vpc-0123456789abcdef3' }, 'Vpc3'), onPremisesCidrs: ['192.168.0.0/16'], vpnGatewayAsn: vgwAsn, directConnectGatewayAsn: 64512 })).not.toThrow();
    const resources = Object.values(Template.fromStack(s).toJSON().Resources) as any[];
    const gateways = resources.filter((r) => r.Type === 'AWS::DirectConnect::DirectConnectGateway').map((r) => r.Properties.AmazonSideAsn);
    expect(gateways).toEqual([{ Ref: 'DxAsn' }, '64513', '64512']);
    expect(resources.filter((r) => r.Type === 'AWS::EC2::VPNGateway').map((r) => r.Properties.AmazonSideAsn)).toEqual([{ Ref: 'VgwAsn' }]);
  });

  test('a transit gateway with another ASN than the DX gateway is accepted', () => {
    const s = stack();
    new DirectConnectPath(s, 'Dx', { ...base(s), transitGatewayId: TGW, transitGatewayAsn: 64512 });
    Template.fromStack(s).hasResourceProperties('AWS::DirectConnect::DirectConnectGateway', { AmazonSideAsn: '64513' });
  });

  test('a new VGW is created with the ASN given, next to a DX gateway of AWS\'s default ASN', () => {
    const s = stack();
    new DirectConnectPath(s, 'Dx', { ...base(s), directConnectGatewayAsn: 64512, vpnGatewayAsn: 65100 });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::DirectConnect::DirectConnectGateway', { AmazonSideAsn: '64512' });
    t.hasResourceProperties('AWS::EC2::VPNGateway', { AmazonSideAsn: 65100 });
  });

  test('the error names the construct path', () => {
    const s = stack();
    expect(() => new DirectConnectPath(s, 'Dx', { ...base(s), onPremisesCidrs: [] })).toThrow(/^S\/Dx: invalid onPremisesCidrs/);
  });
});
