import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PlatformValidationError } from '../../lib/core/errors';
import { BedrockFeature, BedrockPrivateLink, NewVpcProps, PublicPath } from '../../lib/network';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { cdkJsonContext, synthesize } from '../kit/synth';

// An account and Region cdk.json has no `availability-zones:account=...:region=...` entry for.
const FRESH = { account: '210987654321', region: 'eu-central-1' };
const ZONE_CONTEXT_KEY = `availability-zones:account=${FRESH.account}:region=${FRESH.region}`;

const synth = synthesize((app) => {
  const stack = new Stack(app, 'NoZoneContext', { env: FRESH });
  new BedrockPrivateLink(stack, 'Link', { features: [BedrockFeature.RUNTIME], availabilityZones: ['eu-central-1a', 'eu-central-1b'] });
  new PublicPath(stack, 'Path', { vpcCidr: '10.1.0.0/16', availabilityZones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'], maxAzs: 3, natGateways: 1 });
});
const subnets = () => Object.entries(synth.json.NoZoneContext.Resources as Record<string, any>).filter(([, r]) => r.Type === 'AWS::EC2::Subnet');

describe('a new VPC with availabilityZones, in an account-bound stack without zone context', () => {
  test('cdk.json really has no zones for that account and Region', () => {
    expect(cdkJsonContext()[ZONE_CONTEXT_KEY]).toBeUndefined();
  });

  test('the assembly asks for no missing context: synth never needs the account', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(synth.assemblyDir, 'manifest.json'), 'utf8'));
    expect(manifest.missing ?? []).toEqual([]);
  });

  test('the subnets are in the zones named, one per zone and subnet group', () => {
    const zonesOf = (prefix: string) => subnets().filter(([id]) => id.startsWith(prefix)).map(([, r]) => r.Properties.AvailabilityZone).sort();
    expect(zonesOf('LinkVpc')).toEqual(['eu-central-1a', 'eu-central-1b']);
    expect(zonesOf('PathVpcApplication')).toEqual(['eu-central-1a', 'eu-central-1b', 'eu-central-1c']);
    expect(zonesOf('PathVpcPublic')).toEqual(['eu-central-1a', 'eu-central-1b', 'eu-central-1c']);
    synth.template('NoZoneContext').resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('compliance clean, no deploy problem', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });
});

describe('without availabilityZones the behaviour is as before', () => {
  test('an account-bound stack without zone context leaves a missing-context lookup (what cdk.json must answer)', () => {
    const app = new App({ context: cdkJsonContext() });
    new PublicPath(new Stack(app, 'S', { env: FRESH }), 'Path');
    expect(app.synth().manifest.missing?.map((m) => m.key)).toEqual([ZONE_CONTEXT_KEY]);
  });

  test('with the context, the zones come from it, in order, maxAzs of them', () => {
    const app = new App({ context: { ...cdkJsonContext(), [ZONE_CONTEXT_KEY]: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'] } });
    const stack = new Stack(app, 'S', { env: FRESH });
    const path1 = new PublicPath(stack, 'Path', { maxAzs: 3 });
    expect(path1.vpc.availabilityZones).toEqual(['eu-central-1a', 'eu-central-1b', 'eu-central-1c']);
    expect(app.synth().manifest.missing).toBeUndefined();
  });
});

describe('availabilityZones validation, on every construct that creates a VPC', () => {
  const constructs: Array<[string, (s: Stack, props: NewVpcProps & { vpc?: ec2.IVpc }) => unknown]> = [
    ['PublicPath', (s, props) => new PublicPath(s, 'Vpc', props)],
    ['BedrockPrivateLink', (s, props) => new BedrockPrivateLink(s, 'Vpc', { features: [BedrockFeature.RUNTIME], ...props })],
  ];
  const bound = () => new Stack(new App({ context: cdkJsonContext() }), 'S', { env: FRESH });
  const cases: Array<[string, (s: Stack) => NewVpcProps & { vpc?: ec2.IVpc }, RegExp]> = [
    ['a zone of another Region', () => ({ availabilityZones: ['us-east-1a'] }), /^S\/Vpc: invalid availabilityZones\[0\] "us-east-1a"\. Must be an Availability Zone name of the stack's Region eu-central-1, such as eu-central-1a\./],
    ['a zone ID instead of a name', () => ({ availabilityZones: ['euc1-az1'] }), /invalid availabilityZones\[0\] "euc1-az1"\. That is a zone ID; name the zone/],
    ['a zone named twice', () => ({ availabilityZones: ['eu-central-1a', 'eu-central-1a'] }), /invalid availabilityZones \["eu-central-1a","eu-central-1a"\]\. Name each zone once \(repeated: eu-central-1a\)/],
    ['no zone', () => ({ availabilityZones: [] }), /invalid availabilityZones \[\]\. Name 1 to 6 Availability Zones/],
    ['maxAzs that disagrees', () => ({ availabilityZones: ['eu-central-1a', 'eu-central-1b'], maxAzs: 3 }), /invalid maxAzs 3\. availabilityZones names 2 zones: leave maxAzs unset, or set it to 2/],
    ['zones for an existing VPC', (s) => ({ vpc: ec2.Vpc.fromVpcAttributes(s, 'Existing', { vpcId: 'vpc-1', availabilityZones: ['eu-central-1a'], privateSubnetIds: ['subnet-1'], vpcCidrBlock: '10.0.0.0/16' }), availabilityZones: ['eu-central-1a'] }), /invalid availabilityZones \["eu-central-1a"\]\. availabilityZones cannot be combined with vpc/],
  ];
  describe.each(constructs)('%s', (_name, create) => {
    test.each(cases)('%s is rejected', (_case, props, message) => {
      const s = bound();
      expect(() => create(s, props(s))).toThrow(PlatformValidationError);
      const s2 = bound();
      expect(() => create(s2, props(s2))).toThrow(message);
    });

    test('an environment-agnostic stack checks the shape of the names only', () => {
      const agnostic = () => new Stack(new App({ context: cdkJsonContext() }), 'S');
      expect(() => create(agnostic(), { availabilityZones: ['us-east-1a', 'us-east-1b'] })).not.toThrow();
      expect(() => create(agnostic(), { availabilityZones: ['zone-a'] })).toThrow(/invalid availabilityZones\[0\] "zone-a"\. Must be an Availability Zone name of a Region, such as us-east-1a/);
    });
  });
});
