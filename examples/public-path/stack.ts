import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { PublicPath } from '../../lib/network';

/**
 * Path 1 for a development account: applications in private subnets reach the public Bedrock
 * endpoints through a single NAT gateway (use the default, one per zone, in production). Flow
 * logs go to a KMS-encrypted log group kept for a year; the default security group is closed.
 */
export function buildPublicPathExample(app: App): Stack[] {
  const stack = new Stack(app, 'BedrockPublicPath', {
    env: { account: '123456789012', region: 'us-east-1' },
    description: 'Bedrock platform, path 1: applications -> NAT gateway -> internet gateway -> Bedrock API',
  });
  const path = new PublicPath(stack, 'Network', { natGateways: 1 });
  new CfnOutput(stack, 'VpcId', { value: path.vpc.vpcId, description: 'VPC of the applications' });
  new CfnOutput(stack, 'ApplicationSubnetIds', {
    value: path.vpc.selectSubnets(path.applicationSubnets).subnetIds.join(','),
    description: 'Private subnets (egress through NAT) to run applications in',
  });
  return [stack];
}
