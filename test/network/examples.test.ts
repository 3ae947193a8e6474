import { Match } from 'aws-cdk-lib/assertions';
import { expectAcknowledgementsJustified, expectNoFindings, withoutCdkOwnAcknowledgements } from '../kit/nag';
import { loadAssembly } from '../kit/synth';

// The three connection-path example apps, as `npm test` synthesized them with the pinned CLI, read together.
const synth = loadAssembly(['examples/public-path/app.ts', 'examples/private-link/app.ts', 'examples/direct-connect/app.ts']);

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
