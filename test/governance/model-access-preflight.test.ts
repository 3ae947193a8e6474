import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BedrockFeature, BedrockModel, BedrockPrivateLink, ModelAccessPreflight, PlatformValidationError, SupportEndpoint } from '../../lib';
import { modelsFromProperties } from '../../lambda/model-access-preflight/logic';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const APP_PROFILE = 'arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/abc123';
const PROVISIONED = 'arn:aws:bedrock:eu-west-1:123456789012:provisioned-model/xyz789';
const MODELS = [
  BedrockModel.foundationModel(NOVA),
  BedrockModel.crossRegionProfile(`eu.${CLAUDE}`),
  BedrockModel.applicationInferenceProfile(APP_PROFILE),
  BedrockModel.provisionedModel(PROVISIONED),
  BedrockModel.mantleModel('openai.gpt-oss-120b'),
  BedrockModel.foundationModel(NOVA, { region: 'us-east-1' }),
  BedrockModel.parse(NOVA), // the same model twice: checked once
];
let privatePreflight: ModelAccessPreflight;

// One synthesis: the check without a VPC, and in private subnets behind the private link.
const synth = synthesize((app) => {
  new ModelAccessPreflight(new Stack(app, 'Preflight', { env: ENV }), 'Preflight', { models: MODELS });

  const priv = new Stack(app, 'Private', { env: ENV });
  const vpc = ec2.Vpc.fromVpcAttributes(priv, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    isolatedSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaaa', 'rtb-0bbbbbbbbbbbbbbbb'],
  });
  privatePreflight = new ModelAccessPreflight(priv, 'Preflight', { models: [BedrockModel.crossRegionProfile(`eu.${CLAUDE}`)], vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
  const link = new BedrockPrivateLink(priv, 'PrivateLink', {
    vpc,
    features: [BedrockFeature.RUNTIME],
    clients: privatePreflight.securityGroups.map((g) => ec2.Peer.securityGroupId(g.securityGroupId)),
    existingSupportEndpoints: { [SupportEndpoint.S3]: ec2.GatewayVpcEndpoint.fromGatewayVpcEndpointId(priv, 'S3Gateway', 'vpce-0s3gateway000000') },
  });
  link.addSupportEndpointsFor(privatePreflight);
});

const resources = (stack: string, type: string) => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const only = (stack: string, type: string) => {
  const found = resources(stack, type);
  if (found.length !== 1) throw new Error(`expected one ${type} in ${stack}, found ${found.length}`);
  return found[0];
};
const logicalId = (stack: string, type: string) => only(stack, type)[0];

describe('ModelAccessPreflight', () => {
  test('the custom resource carries the model list (deduplicated, foreign Region kept), which the handler parses back', () => {
    const [, resource] = only('Preflight', 'Custom::BedrockModelAccessPreflight');
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [logicalId('Preflight', 'AWS::Lambda::Function'), 'Arn'] },
      ServiceTimeout: '600',
      Models: [
        { Kind: 'foundation-model', Id: NOVA },
        { Kind: 'inference-profile', Id: `eu.${CLAUDE}` },
        { Kind: 'application-inference-profile', Id: APP_PROFILE },
        { Kind: 'provisioned-model', Id: PROVISIONED },
        { Kind: 'mantle-model', Id: 'openai.gpt-oss-120b' },
        { Kind: 'foundation-model', Id: NOVA, Region: 'us-east-1' },
      ],
    });
    expect(modelsFromProperties(resource.Properties)).toHaveLength(6);
    // Created after its function, policy and log group; deleted before them.
    expect(resource.DependsOn).toEqual(
      expect.arrayContaining([logicalId('Preflight', 'AWS::Lambda::Function'), logicalId('Preflight', 'AWS::IAM::ManagedPolicy'), logicalId('Preflight', 'AWS::Logs::LogGroup')]),
    );
  });

  test('least privilege: exactly these statements, scoped to the models where IAM allows', () => {
    const [, policy] = only('Preflight', 'AWS::IAM::ManagedPolicy');
    const queue = logicalId('Preflight', 'AWS::SQS::Queue');
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'CheckModelAccess', Effect: 'Allow', Action: ['bedrock:GetFoundationModelAvailability', 'bedrock:ListFoundationModelAgreementOffers'], Resource: '*' },
      { Sid: 'DescribeFoundationModels', Effect: 'Allow', Action: 'bedrock:GetFoundationModel', Resource: `arn:aws:bedrock:eu-west-1::foundation-model/${NOVA}` },
      {
        Sid: 'DescribeInferenceProfiles',
        Effect: 'Allow',
        Action: 'bedrock:GetInferenceProfile',
        Resource: [APP_PROFILE, `arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.${CLAUDE}`],
      },
      { Sid: 'DescribeProvisionedModels', Effect: 'Allow', Action: 'bedrock:GetProvisionedModelThroughput', Resource: PROVISIONED },
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logicalId('Preflight', 'AWS::Logs::LogGroup'), 'Arn'] } },
      { Sid: 'SendTraces', Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
      { Sid: 'DeadLetterFailedEvents', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queue, 'Arn'] } },
      {
        Sid: 'EncryptDeadLetters',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^BedrockPlatformDefaultKey/), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' } },
      },
    ]);
    // The role has that policy and nothing else.
    const [, role] = only('Preflight', 'AWS::IAM::Role');
    expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: logicalId('Preflight', 'AWS::IAM::ManagedPolicy') }]);
    expect(resources('Preflight', 'AWS::IAM::Policy')).toEqual([]);
  });

  test('the hardened function: bundled handler, 3-minute timeout, no retries, DLQ, platform-key log group kept', () => {
    const [, fn] = only('Preflight', 'AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Timeout: 180,
      ReservedConcurrentExecutions: 1,
      TracingConfig: { Mode: 'Active' },
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [logicalId('Preflight', 'AWS::SQS::Queue'), 'Arn'] } },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalId('Preflight', 'AWS::Logs::LogGroup') } },
    });
    expect(only('Preflight', 'AWS::Lambda::EventInvokeConfig')[1].Properties.MaximumRetryAttempts).toBe(0);
    const [, logGroup] = only('Preflight', 'AWS::Logs::LogGroup');
    expect(logGroup).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^BedrockPlatformDefaultKey/), 'Arn'] } } });
  });

  test('in a VPC: private subnets, HTTPS-only group, and the check ordered after the bedrock endpoint it calls', () => {
    const [, fn] = only('Private', 'AWS::Lambda::Function');
    expect(fn.Properties.VpcConfig.SubnetIds).toEqual(['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb']);
    const [, custom] = only('Private', 'Custom::BedrockModelAccessPreflight');
    const [endpoint] = resources('Private', 'AWS::EC2::VPCEndpoint').find(([, r]) => JSON.stringify(r.Properties.ServiceName).endsWith('.bedrock"'))!;
    expect(custom.DependsOn).toContain(endpoint);
    expect(custom.Metadata).toEqual({ 'BedrockPlatform:RequiredEndpoints': ['bedrock', 's3'], 'BedrockPlatform:ExternalEndpoints': ['s3'] });
    expect(privatePreflight.requiredEndpoints).toEqual([SupportEndpoint.BEDROCK, SupportEndpoint.S3]);
    const [, group] = resources('Private', 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('PreflightSecurityGroup'))!;
    expect(group.Properties.SecurityGroupEgress).toEqual([{ CidrIp: '0.0.0.0/0', Description: 'HTTPS to the Bedrock and S3 endpoints', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 }]);
    // Only the profile: no foundation model or provisioned statement.
    const sids = only('Private', 'AWS::IAM::ManagedPolicy')[1].Properties.PolicyDocument.Statement.map((s: any) => s.Sid);
    expect(sids).toEqual([
      'CheckModelAccess',
      'DescribeInferenceProfiles',
      'WriteOwnLogs',
      'SendTraces',
      'DeadLetterFailedEvents',
      'EncryptDeadLetters',
      'CreateFunctionNetworkInterfaces',
      'ManageFunctionNetworkInterfaces',
      'DescribeNetwork',
    ]);
  });

  test('no findings under any pack; every acknowledgement is specific', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
    const ours = [...new Set(synth.compliance.acknowledgements.filter((a) => a.path.startsWith('Preflight/Preflight/')).map((a) => a.id))].sort();
    expect(ours).toEqual(
      [
        'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        'ControlTower::lambda_inside_vpc_check',
        'ControlTower::sqs_dlq_check',
        'HIPAA.Security::HIPAA.Security-LambdaInsideVPC',
        'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC',
        'PCI.DSS.321::PCI.DSS.321-LambdaInsideVPC',
        'Serverless::Serverless-SQSRedrivePolicy',
      ].sort(),
    );
  });

  test('validation: at least one model, models must be BedrockModels naming one model', () => {
    const stack = () => new Stack(new App(), 'V', { env: ENV });
    expect(() => new ModelAccessPreflight(stack(), 'P', { models: [] })).toThrow(PlatformValidationError);
    expect(() => new ModelAccessPreflight(stack(), 'P', { models: [] })).toThrow(/models.*Name at least one model/s);
    expect(() => new ModelAccessPreflight(stack(), 'P', { models: ['amazon.nova-lite-v1:0' as any] })).toThrow(/models\[0\].*Must be a BedrockModel/s);
    expect(() => new ModelAccessPreflight(stack(), 'P', { models: [BedrockModel.foundationModel('anthropic.claude-*')] })).toThrow(/Must name exactly one model/);
    expect(() => new ModelAccessPreflight(stack(), 'P', { models: [BedrockModel.parse(NOVA)], reservedConcurrentExecutions: 0 })).toThrow(/reservedConcurrentExecutions/);
  });
});
