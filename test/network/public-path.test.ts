import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { PlatformValidationError } from '../../lib/core/errors';
import { KeyConsumer, PlatformKey } from '../../lib/core/platform-key';
import { PublicPath, PublicPathProps } from '../../lib/network';
import { expectAcknowledgementsJustified, expectNoFindings, withoutCdkOwnAcknowledgements } from '../kit/nag';
import { cdkJsonContext, synthesize } from '../kit/synth';
import { flowLogs, routing, securityGroupRules } from './summaries';

const ENV = { account: '123456789012', region: 'us-east-1' };

let onExisting: PublicPath;
const synth = synthesize((app) => {
  // Zero-config: production shape, one NAT gateway per zone.
  new PublicPath(new Stack(app, 'Production', { env: ENV }), 'Path');
  // Development: one NAT gateway, three zones, the caller's key (with the grant restriction the
  // README asks of imported keys, and the CloudWatch Logs statement the flow-log group needs: without
  // it synth warns), a longer retention.
  const dev = new Stack(app, 'Development', { env: ENV });
  const key = new kms.Key(dev, 'Key', { enableKeyRotation: true });
  for (const statement of [PlatformKey.grantRestrictionStatement(), ...PlatformKey.consumerStatements(dev, [KeyConsumer.CLOUDWATCH_LOGS])]) key.addToResourcePolicy(statement);
  new PublicPath(dev, 'Path', { natGateways: 1, maxAzs: 3, vpcCidr: '10.8.0.0/20', encryptionKey: key, flowLogRetention: logs.RetentionDays.TWO_YEARS });
  // An existing VPC that already egresses through NAT: nothing is created in it.
  const vpc = ec2.Vpc.fromVpcAttributes(dev, 'ExistingVpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-1', 'subnet-2'],
    privateSubnetRouteTableIds: ['rtb-1', 'rtb-2'],
  });
  onExisting = new PublicPath(dev, 'OnExistingVpc', { vpc });
});

describe('PublicPath', () => {
  const prod = synth.template('Production');
  const dev = synth.template('Development');

  test('one NAT gateway per Availability Zone by default, one when asked', () => {
    prod.resourceCountIs('AWS::EC2::NatGateway', 2);
    dev.resourceCountIs('AWS::EC2::NatGateway', 1);
    dev.resourceCountIs('AWS::EC2::Subnet', 6);
    dev.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.8.0.0/20' });
  });

  test('app subnets route to NAT; only the public subnets route to the internet gateway', () => {
    prod.resourceCountIs('AWS::EC2::InternetGateway', 1);
    const routes = Object.entries(synth.json.Production.Resources as Record<string, any>).filter(([, r]) => r.Type === 'AWS::EC2::Route');
    const toIgw = routes.filter(([, r]) => r.Properties.GatewayId);
    const toNat = routes.filter(([, r]) => r.Properties.NatGatewayId);
    expect(toIgw.map(([id]) => id).every((id) => /PublicSubnet/.test(id))).toBe(true);
    expect(toNat.map(([id]) => id).every((id) => /ApplicationSubnet/.test(id))).toBe(true);
    expect(toIgw).toHaveLength(2);
    expect(toNat).toHaveLength(2);
  });

  test('no subnet hands out public IPs: the NAT gateways use Elastic IPs', () => {
    prod.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true }, 0);
    prod.resourceCountIs('AWS::EC2::EIP', 2);
  });

  test('flow logs to a KMS-encrypted log group with retention, kept on delete', () => {
    prod.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL' });
    // No key given: the stack's default key, whose policy admits CloudWatch Logs only (what the flow-log group declared).
    prod.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BedrockPlatformDefaultKey'), 'Arn'] } }, DeletionPolicy: 'Retain' });
    prod.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/bedrock-platform/Production/default' });
    const [defaultKey] = Object.values(synth.json.Production.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::KMS::Key');
    expect((defaultKey.Properties.KeyPolicy.Statement as any[]).map((s) => s.Sid ?? s.Principal)).toEqual([
      { AWS: 'arn:aws:iam::123456789012:root' },
      'DenyGrantsExceptForAwsResources',
      'AllowCloudWatchLogsForThisAccountsLogGroups',
    ]);
    dev.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 731, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
    dev.resourceCountIs('AWS::KMS::Alias', 0);
  });

  test('the default security group is closed', () => {
    prod.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('an existing VPC is used as it is: its private subnets are the application subnets', () => {
    expect(Object.keys(synth.json.Development.Resources).filter((id) => id.startsWith('OnExistingVpc'))).toEqual([]);
    expect(onExisting.vpc.selectSubnets(onExisting.applicationSubnets).subnetIds).toEqual(['subnet-1', 'subnet-2']);
    expect(onExisting.flowLog).toBeUndefined();
    dev.resourceCountIs('AWS::EC2::VPC', 1);
  });

  test('compliance clean; acknowledged: the internet route of the public subnets (per pack and subnet) and the default-security-group function', () => {
    expectNoFindings(synth);
    const ours = withoutCdkOwnAcknowledgements(synth);
    expectAcknowledgementsJustified(ours);
    const acks = ours.compliance.acknowledgements.filter((a) => a.path.startsWith('Production/'));
    expect(acks.map((a) => `${a.id} ${a.path}`).sort()).toEqual(
      [
        'ControlTower::lambda_inside_vpc_check Production/Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler',
        ...['HIPAA.Security::HIPAA.Security', 'NIST.800.53.R5::NIST.800.53.R5', 'PCI.DSS.321::PCI.DSS.321'].flatMap((p) =>
          [1, 2].map((n) => `${p}-VPCNoUnrestrictedRouteToIGW Production/Path/Vpc/PublicSubnet${n}/DefaultRoute`),
        ),
      ].sort(),
    );
  });

  test('what matters of the template: routing and NAT, security-group rules, flow logs', () => {
    const json = synth.json.Production;
    expect({ routing: routing(json, ENV), securityGroups: securityGroupRules(json, ENV), flowLogs: flowLogs(json, ENV) }).toMatchSnapshot();
  });
});

describe('PublicPath validation', () => {
  const stack = () => new Stack(new App({ context: cdkJsonContext() }), 'S', { env: ENV });
  const imported = (s: Stack, attrs: Partial<ec2.VpcAttributes> = {}) =>
    ec2.Vpc.fromVpcAttributes(s, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'], ...attrs });
  const cases: Array<[string, (s: Stack) => PublicPathProps, RegExp]> = [
    ['no NAT gateway', () => ({ natGateways: 0 }), /invalid natGateways 0\. Must be a whole number from 1 to 2/],
    ['more NAT gateways than zones', () => ({ maxAzs: 2, natGateways: 3 }), /invalid natGateways 3\. Must be a whole number from 1 to 2/],
    ['more zones than the Region has', () => ({ maxAzs: 4 }), /invalid maxAzs 4\. Must be a whole number from 1 to 3/],
    ['a fractional zone count', () => ({ maxAzs: 1.5 }), /invalid maxAzs 1\.5/],
    ['a malformed CIDR', () => ({ vpcCidr: '10.0.0.0/33' }), /invalid vpcCidr "10\.0\.0\.0\/33"\. Must be an IPv4 CIDR block/],
    ['a CIDR too small for a VPC', () => ({ vpcCidr: '10.0.0.0/29' }), /invalid vpcCidr "10\.0\.0\.0\/29"/],
    ['an existing VPC with NAT settings', (s) => ({ vpc: imported(s, { privateSubnetIds: ['subnet-1'] }), natGateways: 1 }), /invalid natGateways 1\. natGateways cannot be combined with vpc/],
    ['an existing VPC without egress subnets', (s) => ({ vpc: imported(s, { isolatedSubnetIds: ['subnet-1'] }) }), /invalid vpc "vpc-0123456789abcdef0"\. The VPC has no private subnets with a route to NAT/],
  ];
  test.each(cases)('%s is rejected at synth time', (_name, props, message) => {
    const s = stack();
    expect(() => new PublicPath(s, 'Path', props(s))).toThrow(PlatformValidationError);
    const s2 = stack();
    expect(() => new PublicPath(s2, 'Path', props(s2))).toThrow(message);
  });
});
