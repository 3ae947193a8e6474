import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import { deployProblems, TemplateJson } from '../../lib/compliance/deploy-checks';
import { PlatformKey } from '../../lib/core/platform-key';
import { AlertTopic } from '../../lib/governance/alert-topic';
import { ModelInvocationLogging } from '../../lib/governance/model-invocation-logging';
import { BedrockFeature } from '../../lib/network/bedrock-features';
import { BedrockPrivateLink } from '../../lib/network/bedrock-private-link';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const checks = (template: TemplateJson) => deployProblems(template).map((p) => `${p.check} ${p.resource}`);

describe('pre-deploy checks on hand-made templates', () => {
  test('a repeated Sid inside one policy document', () => {
    const statement = { Sid: 'Same', Effect: 'Allow', Action: 'sns:Publish', Resource: '*' };
    expect(checks({ Resources: { P: { Type: 'AWS::SNS::TopicPolicy', Properties: { Topics: ['t'], PolicyDocument: { Statement: [statement, statement] } } } } })).toEqual(['duplicate-sid P']);
    // The same Sid in two different documents is fine.
    expect(
      checks({
        Resources: {
          A: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [statement] } } },
          B: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [statement] } } },
        },
      }),
    ).toEqual([]);
  });

  test('a RETAINed resource with a literal name, not one derived from the stack id or left to CloudFormation', () => {
    expect(checks({ Resources: { T: { Type: 'AWS::CloudTrail::Trail', DeletionPolicy: 'Retain', Properties: { TrailName: 'audit' } } } })).toEqual(['retained-literal-name T']);
    expect(checks({ Resources: { T: { Type: 'AWS::CloudTrail::Trail', DeletionPolicy: 'Retain', Properties: { TrailName: { 'Fn::Join': ['-', ['audit', { Ref: 'AWS::StackId' }]] } } } } })).toEqual([]);
    expect(checks({ Resources: { L: { Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Delete', Properties: { LogGroupName: '/x' } } } })).toEqual([]);
  });

  test('two policies on one topic', () => {
    const policy = { Type: 'AWS::SNS::TopicPolicy', Properties: { Topics: [{ Ref: 'Topic' }], PolicyDocument: { Statement: [] } } };
    expect(checks({ Resources: { A: policy, B: policy } })).toEqual(['competing-resource-policy B']);
  });

  test('a custom resource whose in-VPC function does not wait for its endpoints', () => {
    const base = {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SubnetIds: ['s'] } } },
      Bedrock: { Type: 'AWS::EC2::VPCEndpoint', Properties: { ServiceName: 'com.amazonaws.us-east-1.bedrock' } },
      BedrockRuntime: { Type: 'AWS::EC2::VPCEndpoint', Properties: { ServiceName: 'com.amazonaws.us-east-1.bedrock-runtime' } },
      S3: { Type: 'AWS::EC2::VPCEndpoint', Properties: { ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] } } },
    };
    const resource = (dependsOn: string[], metadata = true) => ({
      Type: 'Custom::Thing',
      DependsOn: dependsOn,
      Metadata: metadata ? { 'BedrockPlatform:RequiredEndpoints': ['bedrock', 's3'] } : undefined,
      Properties: { ServiceToken: { 'Fn::GetAtt': ['Fn', 'Arn'] } },
    });
    expect(checks({ Resources: { ...base, R: resource(['Bedrock', 'S3']) } })).toEqual([]);
    // bedrock-runtime is not bedrock: the control plane is still missing.
    expect(checks({ Resources: { ...base, R: resource(['BedrockRuntime', 'S3']) } })).toEqual(['custom-resource-endpoints R']);
    expect(checks({ Resources: { ...base, R: resource([]) } })).toEqual(['custom-resource-endpoints R']);
    expect(checks({ Resources: { ...base, R: resource(['Bedrock', 'S3'], false) } })).toEqual(['custom-resource-endpoints R']);
  });

  test('a Direct Connect gateway with the ASN of the gateway it is associated with', () => {
    const association = (associated: unknown) => ({ Type: 'AWS::DirectConnect::DirectConnectGatewayAssociation', Properties: { DirectConnectGatewayId: { Ref: 'Dx' }, AssociatedGatewayId: associated } });
    const dx = (asn: string) => ({ Type: 'AWS::DirectConnect::DirectConnectGateway', Properties: { AmazonSideAsn: asn } });
    expect(checks({ Resources: { Dx: dx('64512'), A: association('tgw-0123456789abcdef0') } })).toEqual(['gateway-asn-clash A']);
    expect(checks({ Resources: { Dx: dx('64513'), A: association('tgw-0123456789abcdef0') } })).toEqual([]);
    // An existing gateway whose ASN its owner declared: compared with that, not with the default.
    const declared = (asn: number) => ({ ...association('tgw-0123456789abcdef0'), Metadata: { 'BedrockPlatform:AssociatedGatewayAsn': asn } });
    expect(checks({ Resources: { Dx: dx('64512'), A: declared(64600) } })).toEqual([]);
    expect(checks({ Resources: { Dx: dx('64600'), A: declared(64600) } })).toEqual(['gateway-asn-clash A']);
    expect(checks({ Resources: { Dx: dx('64512'), Vgw: { Type: 'AWS::EC2::VPNGateway', Properties: {} }, A: association({ Ref: 'Vgw' }) } })).toEqual(['gateway-asn-clash A']);
  });
});

describe('pre-deploy checks on synthesized constructs (the defects they were written for)', () => {
  const synth = synthesize((app) => {
    // One alert topic shared by two AlertTopic wrappers, each admitting publishers twice.
    const shared = new Stack(app, 'SharedTopic', { env: ENV });
    const key = new PlatformKey(shared, 'Key');
    const first = new AlertTopic(shared, 'First', { encryptionKey: key.key });
    const second = new AlertTopic(shared, 'Second', { topic: first.topic });
    const alarm = (id: string) => new cloudwatch.Alarm(shared, id, { metric: new cloudwatch.Metric({ namespace: 'N', metricName: id }), threshold: 1, evaluationPeriods: 1 });
    const rule = (id: string) => new events.Rule(shared, id, { eventPattern: { source: ['aws.bedrock'] } });
    first.allowCloudWatchAlarms([alarm('A1')]);
    second.allowCloudWatchAlarms([alarm('A2')]);
    first.allowEventBridgeRules([rule('R1')]);
    second.allowEventBridgeRules([rule('R2')]);

    // Invocation logging in a private VPC: the endpoints come from the private link.
    const privateStack = new Stack(app, 'PrivateLogging', { env: ENV });
    const privateLink = new BedrockPrivateLink(privateStack, 'PrivateLink', { features: [BedrockFeature.RUNTIME] });
    const logging = new ModelInvocationLogging(privateStack, 'Logging', { vpc: privateLink.vpc, vpcSubnets: privateLink.applicationSubnets });
    privateLink.addSupportEndpointsFor(logging);
    privateLink.allowClients(...logging.handler.securityGroups);

    // The same without anyone providing the endpoints: the check must catch it.
    const unordered = new Stack(app, 'UnorderedLogging', { env: { ...ENV, region: 'eu-west-1' } });
    const vpcOnly = new BedrockPrivateLink(unordered, 'PrivateLink', { features: [BedrockFeature.RUNTIME] });
    new ModelInvocationLogging(unordered, 'Logging', { vpc: vpcOnly.vpc, vpcSubnets: vpcOnly.applicationSubnets });
  }, { nag: false, allowDeployProblems: true });
  const problemsOf = (stack: string) => synth.deployProblems.filter((p) => p.resource.startsWith(`${stack}/`)).map((p) => p.check);

  test('a shared alert topic gets one statement per publishing service, with every source', () => {
    expect(problemsOf('SharedTopic')).toEqual([]);
    const policies = Object.values(synth.json.SharedTopic.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::SNS::TopicPolicy');
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement as any[];
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(statements.map((s) => s.Sid).sort()).toEqual(['AllowPublishThroughSSLOnly', 'AllowTheseCloudWatchAlarmsToPublish', 'AllowTheseEventBridgeRulesToPublish']);
    expect(bySid.AllowTheseCloudWatchAlarmsToPublish.Condition.ArnEquals['aws:SourceArn']).toHaveLength(2);
    expect(bySid.AllowTheseEventBridgeRulesToPublish.Condition.ArnEquals['aws:SourceArn']).toHaveLength(2);
  });

  test('the invocation-logging resource is created after, and deleted before, the bedrock and S3 endpoints', () => {
    expect(problemsOf('PrivateLogging')).toEqual([]);
    const resources = synth.json.PrivateLogging.Resources as Record<string, any>;
    const [, resource] = Object.entries(resources).find(([, r]) => r.Type === 'Custom::BedrockModelInvocationLogging')!;
    const endpointOf = (service: string) => Object.entries(resources).find(([, r]) => r.Type === 'AWS::EC2::VPCEndpoint' && JSON.stringify(r.Properties.ServiceName).endsWith(`.${service}"`) || JSON.stringify(r.Properties?.ServiceName ?? '').endsWith(`.${service}"]]}`))![0];
    expect(resource.DependsOn).toEqual(expect.arrayContaining([endpointOf('bedrock'), endpointOf('s3')]));
  });

  test('without the endpoints wired, the check reports the custom resource', () => {
    expect(problemsOf('UnorderedLogging')).toEqual(['custom-resource-endpoints']);
  });
});
