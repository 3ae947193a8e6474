import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BedrockFeature, BedrockPrivateLink, DirectConnectPath } from '../../lib/network';

/**
 * The existing corporate VPC the network team handed over, and the corporate networks. Replace
 * these with your own values (or read them from context).
 */
const CORPORATE_VPC: ec2.VpcAttributes = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcCidrBlock: '10.40.0.0/16',
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  privateSubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712'],
  privateSubnetRouteTableIds: ['rtb-0a1b2c3d4e5f60711', 'rtb-0a1b2c3d4e5f60712'],
  privateSubnetIpv4CidrBlocks: ['10.40.0.0/24', '10.40.1.0/24'],
};
const ON_PREMISES_CIDRS = ['192.168.0.0/16', '172.20.0.0/14'];

/**
 * Path 3 on an existing VPC: the corporate network reaches Bedrock over Direct Connect. A new
 * Direct Connect gateway is associated with a new virtual private gateway on the VPC (routes to
 * the corporate networks propagate into the endpoint subnets), a private virtual interface is
 * created on the existing connection, on-premises DNS forwards to a Route 53 Resolver inbound
 * endpoint at fixed addresses, and the Bedrock endpoints admit the corporate networks on 443.
 */
export function buildDirectConnectExample(app: App): Stack[] {
  const stack = new Stack(app, 'BedrockDirectConnect', {
    env: { account: '123456789012', region: 'us-east-1' },
    description: 'Bedrock platform, path 3: corporate network -> Direct Connect gateway -> AWS network -> Bedrock API',
  });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'CorporateVpc', CORPORATE_VPC);

  const link = new BedrockPrivateLink(stack, 'Endpoints', {
    vpc,
    features: [BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME],
  });
  const dx = new DirectConnectPath(stack, 'DirectConnect', {
    vpc,
    onPremisesCidrs: ON_PREMISES_CIDRS,
    privateLink: link,
    resolverIpAddresses: ['10.40.0.53', '10.40.1.53'],
    virtualInterface: { connectionId: 'dxcon-fgabc123', vlan: 210, customerAsn: 65100, amazonAddress: '169.254.210.1/30', customerAddress: '169.254.210.2/30' },
  });

  new CfnOutput(stack, 'ResolverEndpointId', { value: dx.resolver.resolverEndpointId, description: 'Forward bedrock*.us-east-1.amazonaws.com to 10.40.0.53 and 10.40.1.53' });
  new CfnOutput(stack, 'DirectConnectGatewayId', { value: dx.directConnectGatewayId });
  new CfnOutput(stack, 'RuntimeEndpointId', { value: link.endpointId(BedrockFeature.RUNTIME) });
  return [stack];
}
