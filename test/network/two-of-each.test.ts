import { Stack } from 'aws-cdk-lib';
import { BedrockFeature, BedrockPrivateLink, PublicPath } from '../../lib/network';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

// Two private links (each on its own new VPC) and two public paths, in one stack, and again one of
// each in two stacks of one app: no clash of logical ids, shared providers or names.
const ENV = { account: '123456789012', region: 'us-east-1' };

const links: Record<string, BedrockPrivateLink[]> = {};
const synth = synthesize((app) => {
  const both = new Stack(app, 'Both', { env: ENV });
  links.Both = [
    new BedrockPrivateLink(both, 'FirstLink', { features: [BedrockFeature.RUNTIME], vpcCidr: '10.10.0.0/16' }),
    new BedrockPrivateLink(both, 'SecondLink', { features: [BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME], vpcCidr: '10.11.0.0/16', maxAzs: 3 }),
  ];
  new PublicPath(both, 'FirstPath', { natGateways: 1, vpcCidr: '10.20.0.0/16' });
  new PublicPath(both, 'SecondPath', { maxAzs: 1, vpcCidr: '10.21.0.0/16' });
  for (const name of ['Apart1', 'Apart2']) {
    const stack = new Stack(app, name, { env: ENV });
    links[name] = [new BedrockPrivateLink(stack, 'Link', { features: [BedrockFeature.RUNTIME] })];
    new PublicPath(stack, 'Path', { natGateways: 1, vpcCidr: '10.1.0.0/16' });
  }
});
const ofType = (stack: string, type: string): Array<[string, any]> => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);

describe('two of each network construct', () => {
  test('one stack: four VPCs with their own CIDRs, flow logs and closed default security groups', () => {
    expect(ofType('Both', 'AWS::EC2::VPC').map(([, r]) => r.Properties.CidrBlock).sort()).toEqual(['10.10.0.0/16', '10.11.0.0/16', '10.20.0.0/16', '10.21.0.0/16']);
    expect(ofType('Both', 'AWS::EC2::FlowLog')).toHaveLength(4);
    expect(ofType('Both', 'Custom::VpcRestrictDefaultSG')).toHaveLength(4);
    // One provider function for the stack, and one default key.
    expect(ofType('Both', 'AWS::Lambda::Function').map(([id]) => id)).toEqual([expect.stringMatching(/^CustomVpcRestrictDefaultSGCustomResourceProviderHandler/)]);
    expect(ofType('Both', 'AWS::KMS::Key')).toHaveLength(1);
  });

  test("each private link's endpoints are in its own VPC, and their policies repeat no Sid", () => {
    const [first, second] = links.Both;
    const vpcOfEndpoints = (prefix: string) => [...new Set(ofType('Both', 'AWS::EC2::VPCEndpoint').filter(([id]) => id.startsWith(prefix)).map(([, r]) => r.Properties.VpcId.Ref))];
    expect(vpcOfEndpoints('FirstLink')).toEqual([expect.stringMatching(/^FirstLinkVpc/)]);
    expect(vpcOfEndpoints('SecondLink')).toEqual([expect.stringMatching(/^SecondLinkVpc/)]);
    expect([first.features, second.features]).toEqual([[BedrockFeature.RUNTIME], [BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME]]);
    for (const [, endpoint] of ofType('Both', 'AWS::EC2::VPCEndpoint')) {
      const sids = (endpoint.Properties.PolicyDocument.Statement as any[]).map((s) => s.Sid);
      expect(new Set(sids).size).toBe(sids.length);
    }
  });

  test('NAT gateways as asked: one for the first path, one for the single-zone second', () => {
    expect(ofType('Both', 'AWS::EC2::NatGateway').map(([id]) => id.replace(/Vpc.*/, '')).sort()).toEqual(['FirstPath', 'SecondPath']);
    expect(ofType('Both', 'AWS::EC2::Subnet').filter(([id]) => id.startsWith('SecondLink'))).toHaveLength(3);
  });

  test('two stacks of one app: the same shape in each, independent of each other', () => {
    for (const name of ['Apart1', 'Apart2']) {
      expect(ofType(name, 'AWS::EC2::VPC')).toHaveLength(2);
      expect(ofType(name, 'AWS::EC2::VPCEndpoint').map(([id]) => id)).toEqual([expect.stringMatching(/^LinkRuntimeEndpoint/)]);
      expect(Stack.of(links[name][0]).dependencies).toEqual([]);
    }
    expect(Object.keys(synth.json.Apart1.Resources).sort()).toEqual(Object.keys(synth.json.Apart2.Resources).sort());
  });

  test('every stack passes every compliance pack, with no deploy problem', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });
});
