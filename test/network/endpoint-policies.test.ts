import { Stack } from 'aws-cdk-lib';
import { SupportEndpoint } from '../../lib/core/endpoint-needs';
import { BedrockFeature } from '../../lib/network/bedrock-features';
import { BedrockPrivateLink } from '../../lib/network/bedrock-private-link';
import { customResourceResponseBucket } from '../../lib/network/endpoint-policies';
import { decide } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };

const synth = synthesize((app) => {
  const stack = new Stack(app, 'S3Gateway', { env: ENV });
  const privateLink = new BedrockPrivateLink(stack, 'PrivateLink', { features: [BedrockFeature.RUNTIME] });
  privateLink.addSupportEndpoint(SupportEndpoint.S3);
}, { nag: false });

const gatewayPolicy = () => {
  const resources = synth.json.S3Gateway.Resources as Record<string, any>;
  const gateway = Object.values(resources).find((r) => r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties.VpcEndpointType === 'Gateway');
  return resolveIntrinsics(gateway.Properties.PolicyDocument, ENV);
};

describe('S3 gateway endpoint policy: CloudFormation responses', () => {
  // CloudFormation pre-signs the response URL, so the request carries CloudFormation's identity.
  const put = (bucket: string) =>
    decide(
      { principal: 'arn:aws:iam::999999999999:role/cloudformation', action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/arn%3Aaws%3Acloudformation/response`, resourceAccount: '999999999999' },
      { identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] }], endpoint: [gatewayPolicy()] },
    );

  test("this Region's response bucket is reachable", async () => {
    expect(await put('cloudformation-custom-resource-response-useast1')).toBe('Allowed');
  });

  test('a look-alike bucket (another Region, or anyone\'s bucket with the prefix) is not', async () => {
    expect(await put('cloudformation-custom-resource-response-uswest2')).not.toBe('Allowed');
    expect(await put('cloudformation-custom-resource-response-exfiltration')).not.toBe('Allowed');
  });

  test('the bucket name drops the dashes of the Region, also when the Region is a token', () => {
    expect(customResourceResponseBucket('eu-west-1')).toBe('cloudformation-custom-resource-response-euwest1');
    const agnostic = new Stack();
    expect(agnostic.resolve(customResourceResponseBucket(agnostic.region))).toEqual({
      'Fn::Join': ['', ['cloudformation-custom-resource-response-', { 'Fn::Join': ['', { 'Fn::Split': ['-', { Ref: 'AWS::Region' }] }] }]],
    });
  });
});
