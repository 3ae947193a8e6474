import { Match } from 'aws-cdk-lib/assertions';
import { buildDirectConnectExample } from '../../examples/direct-connect/stack';
import { buildPrivateLinkExample } from '../../examples/private-link/stack';
import { buildPublicPathExample } from '../../examples/public-path/stack';
import { expectAcknowledgementsJustified, expectNoFindings, withoutCdkOwnAcknowledgements } from '../kit/nag';
import { synthesize } from '../kit/synth';

// One synthesis for the three connection-path examples, as `cdk synth` runs them.
const synth = synthesize((app) => {
  buildPublicPathExample(app);
  buildPrivateLinkExample(app);
  buildDirectConnectExample(app);
});

describe('connection-path examples', () => {
  test('all three pass every compliance pack', () => {
    expect(Object.keys(synth.json).sort()).toEqual(['BedrockDirectConnect', 'BedrockPrivateLink', 'BedrockPublicPath']);
    expectNoFindings(synth);
    expectAcknowledgementsJustified(withoutCdkOwnAcknowledgements(synth));
  });

  test('private link: the application role may invoke only through the runtime endpoint', () => {
    synth.template('BedrockPrivateLink').hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
            Condition: { StringEquals: { 'aws:SourceVpce': { Ref: Match.stringLikeRegexp('^NetworkRuntimeEndpoint') } } },
          }),
        ],
      },
    });
  });

  test('direct connect: built on the imported VPC, with no VPC of its own', () => {
    const t = synth.template('BedrockDirectConnect');
    t.resourceCountIs('AWS::EC2::VPC', 0);
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcId: 'vpc-0a1b2c3d4e5f60718', ServiceName: 'com.amazonaws.us-east-1.bedrock-runtime' });
    t.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', { IpAddresses: [{ SubnetId: 'subnet-0a1b2c3d4e5f60711', Ip: '10.40.0.53' }, { SubnetId: 'subnet-0a1b2c3d4e5f60712', Ip: '10.40.1.53' }] });
  });
});
