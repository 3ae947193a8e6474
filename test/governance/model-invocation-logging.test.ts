import { App, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BedrockFeature, BedrockPrivateLink, PlatformKey, PlatformValidationError, SupportEndpoint } from '../../lib';
import { AlertTopic, InvocationLogDestination, ModelInvocationLogging } from '../../lib/governance';
import { decide, PolicyJson } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const OTHER = '999999999999';
let privateLogging: ModelInvocationLogging;
let defaultLogging: ModelInvocationLogging;

const synth = synthesize((app) => {
  defaultLogging = new ModelInvocationLogging(new Stack(app, 'Default', { env: ENV }), 'InvocationLogging');

  const cwOnly = new Stack(app, 'CloudWatchOnly', { env: { ...ENV, region: 'eu-west-1' } });
  new ModelInvocationLogging(cwOnly, 'InvocationLogging', {
    encryptionKey: new PlatformKey(cwOnly, 'Key').key,
    s3: false,
    largeDataDelivery: false,
    modalities: { image: false, video: false, audio: false },
    alertEmails: ['ml-platform@example.com'],
  });

  // Another account: one ModelInvocationLogging per account and Region is allowed.
  const s3Only = new Stack(app, 'S3Only', { env: { account: '210987654321', region: 'us-east-1' } });
  new ModelInvocationLogging(s3Only, 'InvocationLogging', { cloudWatchLogs: false, s3KeyPrefix: 'bedrock/invocations', objectLockDays: 30, objectLockMode: 'COMPLIANCE' });

  const priv = new Stack(app, 'Private', { env: { account: '111122223333', region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(priv, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    isolatedSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaaa', 'rtb-0bbbbbbbbbbbbbbbb'],
  });
  privateLogging = new ModelInvocationLogging(priv, 'InvocationLogging', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
  // The VPC's S3 gateway endpoint exists already; the control-plane endpoint is created here.
  const privateLink = new BedrockPrivateLink(priv, 'PrivateLink', {
    vpc,
    features: [BedrockFeature.RUNTIME],
    clients: privateLogging.handler.securityGroups.map((g) => ec2.Peer.securityGroupId(g.securityGroupId)),
    existingSupportEndpoints: { [SupportEndpoint.S3]: ec2.GatewayVpcEndpoint.fromGatewayVpcEndpointId(priv, 'S3Gateway', 'vpce-0s3gateway000000') },
  });
  privateLink.addSupportEndpointsFor(privateLogging);
});

const t = synth.template('Default');
const resources = (stack: string, type: string) => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);
/** The logical id of the one `type` resource whose id is `prefix` plus CDK's 8-character hash. */
const logicalId = (stack: string, type: string, prefix: string) => {
  const found = resources(stack, type).filter(([id]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}* in ${stack}, found ${found.length}`);
  return found[0][0];
};
const resolved = (stack: string, value: unknown, env = ENV) =>
  resolveIntrinsics(value, {
    ...env,
    refs: { [logicalId(stack, 'AWS::S3::Bucket', 'InvocationLoggingBucket')]: 'platform-invocation-logs' },
    attributes: {
      [`${logicalId(stack, 'AWS::S3::Bucket', 'InvocationLoggingBucket')}.Arn`]: 'arn:aws:s3:::platform-invocation-logs',
      [`${logicalId(stack, 'AWS::IAM::Role', 'InvocationLoggingDeliveryRole')}.Arn`]: `arn:aws:iam::${env.account}:role/delivery`,
    },
  });

describe('ModelInvocationLogging: the custom resource', () => {
  test('puts the whole configuration: log group with its role and large-data bucket, S3, every modality', () => {
    const [[, resource]] = resources('Default', 'Custom::BedrockModelInvocationLogging');
    const props = resource.Properties;
    expect(props.ServiceToken).toEqual({ 'Fn::GetAtt': [logicalId('Default', 'AWS::Lambda::Function', 'InvocationLoggingHandlerFunction'), 'Arn'] });
    expect(props.ServiceTimeout).toBe('600');
    const bucket = { Ref: logicalId('Default', 'AWS::S3::Bucket', 'InvocationLoggingBucket') };
    expect(props.LoggingConfig).toEqual({
      cloudWatchConfig: {
        logGroupName: { Ref: logicalId('Default', 'AWS::Logs::LogGroup', 'InvocationLoggingInvocationLogs') },
        roleArn: { 'Fn::GetAtt': [logicalId('Default', 'AWS::IAM::Role', 'InvocationLoggingDeliveryRole'), 'Arn'] },
        largeDataDeliveryS3Config: { bucketName: bucket, keyPrefix: 'invocation-logs-large-data' },
      },
      s3Config: { bucketName: bucket, keyPrefix: 'invocation-logs' },
      textDataDeliveryEnabled: true,
      imageDataDeliveryEnabled: true,
      embeddingDataDeliveryEnabled: true,
      videoDataDeliveryEnabled: true,
      audioDataDeliveryEnabled: true,
    });
    // Bedrock checks its access to the destinations when the configuration is put.
    expect(resource.DependsOn).toEqual(expect.arrayContaining([logicalId('Default', 'AWS::S3::BucketPolicy', 'InvocationLoggingBucketPolicy'), logicalId('Default', 'AWS::IAM::ManagedPolicy', 'InvocationLoggingHandlerPolicy')]));
  });

  test('CloudWatch Logs only, with modalities turned off', () => {
    const [[, resource]] = resources('CloudWatchOnly', 'Custom::BedrockModelInvocationLogging');
    expect(resource.Properties.LoggingConfig).toEqual({
      cloudWatchConfig: { logGroupName: expect.anything(), roleArn: expect.anything() },
      textDataDeliveryEnabled: true,
      imageDataDeliveryEnabled: false,
      embeddingDataDeliveryEnabled: true,
      videoDataDeliveryEnabled: false,
      audioDataDeliveryEnabled: false,
    });
    expect(resource.Properties.LoggingConfig.cloudWatchConfig.largeDataDeliveryS3Config).toBeUndefined();
    synth.template('CloudWatchOnly').resourceCountIs('AWS::S3::Bucket', 0);
  });

  test('S3 only: no log group for invocations, no delivery role, a locked bucket', () => {
    const [[, resource]] = resources('S3Only', 'Custom::BedrockModelInvocationLogging');
    expect(Object.keys(resource.Properties.LoggingConfig)).not.toContain('cloudWatchConfig');
    expect(resource.Properties.LoggingConfig.s3Config.keyPrefix).toBe('bedrock/invocations');
    const s3Only = synth.template('S3Only');
    s3Only.resourceCountIs('AWS::Logs::LogGroup', 1); // the handler's own
    s3Only.hasResourceProperties('AWS::S3::Bucket', { ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Days: 30, Mode: 'COMPLIANCE' } } } });
    expect(resources('S3Only', 'AWS::IAM::Role').map(([id]) => id).filter((id) => id.includes('DeliveryRole'))).toEqual([]);
  });
});

describe('ModelInvocationLogging: who may deliver', () => {
  const trust = () => resolved('Default', resources('Default', 'AWS::IAM::Role').find(([id]) => id.includes('DeliveryRole'))![1].Properties.AssumeRolePolicyDocument) as PolicyJson;
  const bucketPolicy = () => resolved('Default', resources('Default', 'AWS::S3::BucketPolicy').find(([id]) => id.startsWith('InvocationLoggingBucketPolicy'))![1].Properties.PolicyDocument) as PolicyJson;
  const here = { 'aws:SourceAccount': ENV.account, 'aws:SourceArn': `arn:aws:bedrock:us-east-1:${ENV.account}:model-invocation-logging` };
  const elsewhere = { 'aws:SourceAccount': OTHER, 'aws:SourceArn': `arn:aws:bedrock:us-east-1:${OTHER}:model-invocation-logging` };
  const role = `arn:aws:iam::${ENV.account}:role/delivery`;
  const object = (key: string) => `arn:aws:s3:::platform-invocation-logs/${key}`;

  test.each([
    ['Bedrock of this account and Region assumes the delivery role', { principal: 'bedrock.amazonaws.com', action: 'sts:AssumeRole', resource: role, context: here }, 'Allowed'],
    ['Bedrock on behalf of another account cannot', { principal: 'bedrock.amazonaws.com', action: 'sts:AssumeRole', resource: role, context: elsewhere }, 'ImplicitlyDenied'],
    ['Bedrock of another Region cannot', { principal: 'bedrock.amazonaws.com', action: 'sts:AssumeRole', resource: role, context: { ...here, 'aws:SourceArn': `arn:aws:bedrock:eu-west-1:${ENV.account}:x` } }, 'ImplicitlyDenied'],
    ['another service cannot', { principal: 'lambda.amazonaws.com', action: 'sts:AssumeRole', resource: role, context: here }, 'ImplicitlyDenied'],
  ])('%s', async (_name, request, expected) => {
    expect(await decide(request, { resource: trust() })).toBe(expected);
  });

  test.each([
    ['Bedrock writes invocation logs under the prefix', { principal: 'bedrock.amazonaws.com', action: 's3:PutObject', resource: object(`invocation-logs/AWSLogs/${ENV.account}/BedrockModelInvocationLogs/us-east-1/2026/11/01/x.json.gz`), context: { ...here, 'aws:SecureTransport': 'true' } }, 'Allowed'],
    ['Bedrock writes large bodies under their prefix', { principal: 'bedrock.amazonaws.com', action: 's3:PutObject', resource: object('invocation-logs-large-data/AWSLogs/x/data.json'), context: { ...here, 'aws:SecureTransport': 'true' } }, 'Allowed'],
    ['Bedrock cannot write elsewhere in the bucket', { principal: 'bedrock.amazonaws.com', action: 's3:PutObject', resource: object('other-team/x'), context: { ...here, 'aws:SecureTransport': 'true' } }, 'ImplicitlyDenied'],
    ['Bedrock for another account cannot write', { principal: 'bedrock.amazonaws.com', action: 's3:PutObject', resource: object(`invocation-logs/AWSLogs/${OTHER}/BedrockModelInvocationLogs/x`), context: { ...elsewhere, 'aws:SecureTransport': 'true' } }, 'ImplicitlyDenied'],
    ['Bedrock cannot read the logs back', { principal: 'bedrock.amazonaws.com', action: 's3:GetObject', resource: object(`invocation-logs/AWSLogs/${ENV.account}/BedrockModelInvocationLogs/x`), context: { ...here, 'aws:SecureTransport': 'true' } }, 'ImplicitlyDenied'],
    ['nothing over plain HTTP', { principal: 'bedrock.amazonaws.com', action: 's3:PutObject', resource: object(`invocation-logs/AWSLogs/${ENV.account}/BedrockModelInvocationLogs/x`), context: { ...here, 'aws:SecureTransport': 'false' } }, 'ExplicitlyDenied'],
  ])('bucket: %s', async (_name, request, expected) => {
    expect(await decide(request, { resource: bucketPolicy() })).toBe(expected);
  });

  test('the delivery role may write only Bedrock\'s stream of the invocation log group', () => {
    const [[, policy]] = resources('Default', 'AWS::IAM::ManagedPolicy').filter(([id]) => id.includes('DeliveryPolicy'));
    const statements = resolveIntrinsics(policy.Properties.PolicyDocument, { ...ENV, refs: { [logicalId('Default', 'AWS::Logs::LogGroup', 'InvocationLoggingInvocationLogs')]: 'platform-invocations' } }).Statement;
    expect(statements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:platform-invocations:log-stream:aws/bedrock/modelinvocations' },
    ]);
  });
});

describe('ModelInvocationLogging: the handler function', () => {
  const handlerPolicy = (stack = 'Default', env = ENV) => {
    const [[, policy]] = resources(stack, 'AWS::IAM::ManagedPolicy').filter(([id]) => id.includes('HandlerPolicy'));
    return resolveIntrinsics(policy.Properties.PolicyDocument, {
      ...env,
      attributes: { [`${logicalId(stack, 'AWS::IAM::Role', 'InvocationLoggingDeliveryRole')}.Arn`]: `arn:aws:iam::${env.account}:role/delivery` },
    }) as PolicyJson;
  };
  const fn = `arn:aws:iam::${ENV.account}:role/handler`;

  test('exactly the calls it makes, the logging actions on "*" because they have no resource type', () => {
    const actions = (handlerPolicy().Statement as any[]).flatMap((s) => s.Action);
    expect(actions.sort()).toEqual(
      [
        'bedrock:DeleteModelInvocationLoggingConfiguration',
        'bedrock:GetModelInvocationLoggingConfiguration',
        'bedrock:PutModelInvocationLoggingConfiguration',
        'iam:PassRole',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:SendMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    // No inline policy, no AWS managed policy, no CDK default policy.
    t.resourceCountIs('AWS::IAM::Policy', 0);
    for (const [, role] of resources('Default', 'AWS::IAM::Role')) {
      expect(role.Properties.Policies).toBeUndefined();
      for (const arn of role.Properties.ManagedPolicyArns ?? []) expect(JSON.stringify(arn)).not.toContain(':aws:policy/');
    }
  });

  test.each([
    ['passes the delivery role to Bedrock', { action: 'iam:PassRole', resource: `arn:aws:iam::${ENV.account}:role/delivery`, context: { 'iam:PassedToService': 'bedrock.amazonaws.com' } }, 'Allowed'],
    ['cannot pass it to another service', { action: 'iam:PassRole', resource: `arn:aws:iam::${ENV.account}:role/delivery`, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } }, 'ImplicitlyDenied'],
    ['cannot pass another role', { action: 'iam:PassRole', resource: `arn:aws:iam::${ENV.account}:role/admin`, context: { 'iam:PassedToService': 'bedrock.amazonaws.com' } }, 'ImplicitlyDenied'],
    ['puts the logging configuration', { action: 'bedrock:PutModelInvocationLoggingConfiguration', resource: '*' }, 'Allowed'],
    ['cannot invoke models', { action: 'bedrock:InvokeModel', resource: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' }, 'ImplicitlyDenied'],
    ['cannot touch guardrails', { action: 'bedrock:DeleteGuardrail', resource: `arn:aws:bedrock:us-east-1:${ENV.account}:guardrail/abc` }, 'ImplicitlyDenied'],
  ])('%s', async (_name, request, expected) => {
    expect(await decide({ principal: fn, ...request }, { identity: [handlerPolicy()] })).toBe(expected);
  });

  test('runs with a reserved concurrency of 1, traced, no async retries, failures to a KMS-encrypted queue, its own log group', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 1,
      Timeout: 180,
      TracingConfig: { Mode: 'Active' },
      DeadLetterConfig: { TargetArn: Match.anyValue() },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalId('Default', 'AWS::Logs::LogGroup', 'InvocationLoggingHandlerLogs') } },
    });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: Match.anyValue() } } });
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
    expect(resources('Default', 'AWS::Lambda::Function')).toHaveLength(1); // no provider framework functions
    expect(defaultLogging.requiredEndpoints).toEqual([]);
  });

  test('in a VPC: private subnets, outbound HTTPS only, and the endpoints it needs declared', () => {
    const priv = synth.template('Private');
    priv.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: { SubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'], SecurityGroupIds: Match.anyValue() } });
    priv.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
    });
    expect(privateLogging.requiredEndpoints).toEqual([SupportEndpoint.BEDROCK, SupportEndpoint.S3]);
    // Ordered after the control-plane endpoint created here; the imported S3 gateway is recorded as external.
    const [[, resource]] = resources('Private', 'Custom::BedrockModelInvocationLogging');
    const [[controlPlane]] = resources('Private', 'AWS::EC2::VPCEndpoint').filter(([, r]) => JSON.stringify(r.Properties.ServiceName).endsWith('.bedrock"'));
    expect(resource.DependsOn).toEqual(expect.arrayContaining([controlPlane]));
    expect(resource.Metadata).toEqual({ 'BedrockPlatform:RequiredEndpoints': ['bedrock', 's3'], 'BedrockPlatform:ExternalEndpoints': ['s3'] });
    const statements = handlerPolicy('Private', { account: '111122223333', region: 'us-east-1' }).Statement as any[];
    const create = statements.find((s) => s.Sid === 'CreateFunctionNetworkInterfaces');
    expect(create.Resource).toEqual([
      'arn:aws:ec2:us-east-1:111122223333:network-interface/*',
      'arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0aaaaaaaaaaaaaaaa',
      'arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0bbbbbbbbbbbbbbbb',
      expect.stringMatching(/^arn:aws:ec2:us-east-1:111122223333:security-group\//),
    ]);
  });
});

describe('ModelInvocationLogging: storage and alarms', () => {
  test('log groups and the bucket are encrypted, kept, and the invocation logs retained a year', () => {
    t.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365, KmsKeyId: Match.anyValue() }, DeletionPolicy: 'Retain' });
    expect(resources('Default', 'AWS::Logs::LogGroup').every(([, r]) => r.DeletionPolicy === 'Retain' && r.Properties.KmsKeyId)).toBe(true);
    expect(resources('Default', 'AWS::S3::Bucket').every(([, r]) => r.DeletionPolicy === 'Retain')).toBe(true);
    t.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'ArchiveLogs', Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }] })] },
    });
  });

  test('an alarm per destination on Bedrock\'s delivery-failure metric, to the encrypted topic', () => {
    const alarms = resources('Default', 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    expect(alarms.map((a) => a.MetricName).sort()).toEqual(Object.values(InvocationLogDestination).sort());
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ Namespace: 'AWS/Bedrock', Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
      expect(alarm.Dimensions).toBeUndefined();
      expect(alarm.AlarmActions).toEqual([{ Ref: logicalId('Default', 'AWS::SNS::Topic', 'InvocationLoggingAlarmsTopic') }]);
    }
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const cwAlarms = resources('CloudWatchOnly', 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties.MetricName);
    expect(cwAlarms).toEqual([InvocationLogDestination.CLOUDWATCH_LOGS]);
    synth.template('CloudWatchOnly').hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ml-platform@example.com' });
  });

  test('only these alarms may publish to the topic', async () => {
    const [[, topicPolicy]] = resources('Default', 'AWS::SNS::TopicPolicy');
    const alarmIds = resources('Default', 'AWS::CloudWatch::Alarm').map(([id]) => id);
    const attributes = Object.fromEntries(alarmIds.map((id) => [`${id}.Arn`, `arn:aws:cloudwatch:us-east-1:${ENV.account}:alarm:${id}`]));
    const topic = `arn:aws:sns:us-east-1:${ENV.account}:alarms`;
    const policy = resolveIntrinsics(topicPolicy.Properties.PolicyDocument, { ...ENV, attributes, refs: { [logicalId('Default', 'AWS::SNS::Topic', 'InvocationLoggingAlarmsTopic')]: topic } });
    const publish = (sourceArn: string, account = ENV.account) =>
      decide({ principal: 'cloudwatch.amazonaws.com', action: 'sns:Publish', resource: topic, context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': account, 'aws:SecureTransport': 'true' } }, { resource: policy });
    expect(await publish(`arn:aws:cloudwatch:us-east-1:${ENV.account}:alarm:${alarmIds[0]}`)).toBe('Allowed');
    expect(await publish(`arn:aws:cloudwatch:us-east-1:${ENV.account}:alarm:someone-elses`)).toBe('ImplicitlyDenied');
    expect(await publish(`arn:aws:cloudwatch:us-east-1:${OTHER}:alarm:${alarmIds[0]}`, OTHER)).toBe('ImplicitlyDenied');
  });
});

describe('ModelInvocationLogging: the key', () => {
  const admitted = (stack: string) => {
    const [[, key]] = resources(stack, 'AWS::KMS::Key');
    return (key.Properties.KeyPolicy.Statement as any[]).map((st) => st.Sid).filter((sid) => sid && sid !== 'DenyGrantsExceptForAwsResources');
  };

  test('with no key given, the stack default key admits exactly the log groups, Bedrock delivering to the bucket and the alarms', () => {
    expect(resources('Default', 'AWS::KMS::Key').map(([id]) => id)).toEqual([expect.stringMatching(/^BedrockPlatformDefaultKey[0-9A-F]{8}$/)]);
    expect(admitted('Default')).toEqual(['AllowCloudWatchLogsForThisAccountsLogGroups', 'AllowBedrockLogDeliveryForThisAccount', 'AllowCloudWatchAlarmsToPublishToEncryptedTopics']);
  });

  test('without S3 delivery, Bedrock is not admitted to the key', () => {
    expect(admitted('CloudWatchOnly')).toEqual(['AllowCloudWatchLogsForThisAccountsLogGroups', 'AllowCloudWatchAlarmsToPublishToEncryptedTopics']);
  });
});

describe('ModelInvocationLogging: compliance', () => {
  test('nag clean; what is acknowledged is granular and explained', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
    const onHandler = new Set(synth.compliance.acknowledgements.filter((a) => a.path.startsWith('Default/InvocationLogging/Handler/')).map((a) => a.id));
    expect(onHandler).toEqual(
      new Set([
        'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC',
        'HIPAA.Security::HIPAA.Security-LambdaInsideVPC',
        'PCI.DSS.321::PCI.DSS.321-LambdaInsideVPC',
        'ControlTower::lambda_inside_vpc_check',
        'Serverless::Serverless-SQSRedrivePolicy',
        'ControlTower::sqs_dlq_check',
      ]),
    );
    // In a VPC the function needs no LambdaInsideVPC acknowledgement; its ENI wildcard is named exactly.
    const onPrivate = synth.compliance.acknowledgements.filter((a) => a.path.startsWith('Private/InvocationLogging/Handler/')).map((a) => a.id);
    expect(onPrivate.some((id) => /LambdaInsideVPC|lambda_inside_vpc/.test(id))).toBe(false);
    expect(onPrivate).toContain('AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:ec2:us-east-1:111122223333:network-interface/*]');
  });

  test('the parts that matter, normalized (custom resource, bucket, role and key policies, handler)', () => {
    const of = (type: string) => resources('Default', type).map(([, r]) => r);
    const fn = of('AWS::Lambda::Function')[0].Properties;
    expect({
      customResource: of('Custom::BedrockModelInvocationLogging')[0].Properties,
      bucketPolicies: of('AWS::S3::BucketPolicy').map((r) => r.Properties.PolicyDocument.Statement),
      topicPolicy: of('AWS::SNS::TopicPolicy').map((r) => r.Properties.PolicyDocument.Statement),
      keyPolicy: of('AWS::KMS::Key')[0].Properties.KeyPolicy.Statement,
      managedPolicies: of('AWS::IAM::ManagedPolicy').map((r) => r.Properties.PolicyDocument.Statement),
      trust: of('AWS::IAM::Role').map((r) => r.Properties.AssumeRolePolicyDocument.Statement),
      // The bundle's S3 key is a content hash: the serializer masks it.
      handler: { ...fn, Role: undefined },
    }).toMatchSnapshot();
  });
});

describe('ModelInvocationLogging: validation', () => {
  const stack = (app = new App(), id = 'S', env: { account?: string; region?: string } = ENV) => new Stack(app, id, { env });
  test.each([
    [{ cloudWatchLogs: false, s3: false }, /invalid s3 false\. Invocation logs need a destination/],
    [{ cloudWatchLogs: false, largeDataDelivery: true }, /invalid largeDataDelivery true\. Large-data delivery extends the CloudWatch Logs destination/],
    [{ s3KeyPrefix: '/logs/' }, /invalid s3KeyPrefix "\/logs\/"\. Must be segments of letters/],
    [{ largeDataKeyPrefix: 'a//b' }, /invalid largeDataKeyPrefix "a\/\/b"/],
    [{ s3KeyPrefix: 'x'.repeat(257) }, /invalid s3KeyPrefix/],
    [{ alertEmails: ['security team@example.com'] }, /^S\/Logging: invalid alertEmails\[0\] "security team@example.com"\. Must be an e-mail address/],
    [{ reservedConcurrentExecutions: 0 }, /invalid reservedConcurrentExecutions 0\. Must be a whole number from 1 to 1000/],
    [{ expireAfterDays: 30 }, /invalid expireAfterDays 30\. Must be later than archiveAfterDays \(90\)/],
    [{ objectLockDays: 400, expireAfterDays: 365 }, /invalid expireAfterDays 365\. Must be at least objectLockDays \(400\)/],
    [{ objectLockDays: 10, objectLockMode: 'STRICT' as 'GOVERNANCE' }, /invalid objectLockMode "STRICT"\. Allowed values: GOVERNANCE, COMPLIANCE/],
  ])('%j is rejected at synth time', (props, message) => {
    expect(() => new ModelInvocationLogging(stack(), 'Logging', props)).toThrow(PlatformValidationError);
    expect(() => new ModelInvocationLogging(stack(), 'Logging', props)).toThrow(message);
  });

  test('one per account and Region, across the stacks of an app', () => {
    const app = new App();
    new ModelInvocationLogging(stack(app, 'A'), 'Logging');
    expect(() => new ModelInvocationLogging(stack(app, 'B'), 'Logging')).toThrow(/^B\/Logging: invalid scope .*A\/Logging already manages it for 123456789012\/us-east-1/);
    expect(() => new ModelInvocationLogging(stack(app, 'C', { ...ENV, region: 'eu-west-1' }), 'Logging')).not.toThrow();
    // Environment-agnostic stacks can be deployed anywhere: only a second one in the same stack is certain to clash.
    const agnostic = stack(app, 'D', {});
    new ModelInvocationLogging(agnostic, 'Logging');
    expect(() => new ModelInvocationLogging(agnostic, 'Again')).toThrow(/already manages it/);
  });

  test('tokens are not validated at synth time', () => {
    expect(() => new ModelInvocationLogging(stack(), 'Logging', { s3KeyPrefix: Token.asString({ Ref: 'Prefix' }), alertEmails: [Token.asString({ Ref: 'Email' })] })).not.toThrow();
  });

  test('an imported bucket whose policy cannot be edited gets a synth-time warning naming what to allow', () => {
    const s = stack();
    new ModelInvocationLogging(s, 'Logging', { bucket: s3.Bucket.fromBucketName(s, 'Existing', 'security-team-logs') });
    Annotations.fromStack(s).hasWarning('/S/Logging', Match.stringLikeRegexp('Cannot edit the policy of imported bucket .*bedrock.amazonaws.com s3:PutObject under invocation-logs/AWSLogs/123456789012/BedrockModelInvocationLogs/ and invocation-logs-large-data/'));
  });

  test('grantReadLogs grants the log group, the bucket and the key through Logs and S3; the returned grant includes the key', () => {
    const s = stack();
    const logging = new ModelInvocationLogging(s, 'Logging');
    const auditor = new iam.Role(s, 'Auditor', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = logging.grantReadLogs(auditor);
    expect(grant.success).toBe(true);
    const granted = grant.principalStatements.map((st) => s.resolve(st.toStatementJson()));
    expect(granted.flatMap((st: any) => st.Action)).toEqual(expect.arrayContaining(['logs:FilterLogEvents', 's3:GetObject*', 'kms:Decrypt']));
    expect(granted.find((st: any) => st.Action === 'kms:Decrypt')).toEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: s.resolve(logging.encryptionKey.keyArn),
      Condition: { StringEquals: { 'kms:ViaService': ['logs.us-east-1.amazonaws.com', 's3.us-east-1.amazonaws.com'] } },
    });
    const policy = s.resolve((auditor.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy).policyDocument);
    expect(policy.Statement).toEqual(granted); // no unconditioned key statement beside it
  });

  test('metrics: delivery failures (AWS/Bedrock, no dimensions) and the handler (AWS/Lambda, AWS/SQS)', () => {
    const s = stack();
    const logging = new ModelInvocationLogging(s, 'Logging');
    const dims = (m: cloudwatch.Metric) => s.resolve(m.dimensions);
    for (const destination of Object.values(InvocationLogDestination)) {
      const m = logging.metricDeliveryFailures(destination);
      expect([m.namespace, m.metricName, m.statistic, m.period.toMinutes(), m.dimensions]).toEqual(['AWS/Bedrock', destination, 'Sum', 5, undefined]);
    }
    const fnName = s.resolve(logging.handler.function.functionName);
    expect([logging.handler.metricErrors().namespace, logging.handler.metricErrors().metricName, dims(logging.handler.metricErrors())]).toEqual(['AWS/Lambda', 'Errors', { FunctionName: fnName }]);
    expect([logging.handler.metricDuration().metricName, dims(logging.handler.metricDuration())]).toEqual(['Duration', { FunctionName: fnName }]);
    const unanswered = logging.handler.metricUnansweredEvents();
    expect([unanswered.namespace, unanswered.metricName, unanswered.statistic, dims(unanswered)]).toEqual([
      'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', { QueueName: s.resolve(logging.handler.deadLetterQueue.queueName) },
    ]);
    // The alarm topic's metrics are the topic's.
    const failed = logging.alertTopic.metricNumberOfNotificationsFailed();
    expect([failed.namespace, failed.metricName, failed.statistic, dims(failed)]).toEqual(['AWS/SNS', 'NumberOfNotificationsFailed', 'Sum', { TopicName: s.resolve(logging.alertTopic.topicName) }]);
  });

  test('an imported alert topic: alarms go to it, and the warning names the statement its owner must add', () => {
    const s = stack();
    const topic = AlertTopic.fromAlertTopicAttributes(s, 'Shared', { topicArn: 'arn:aws:sns:us-east-1:123456789012:security-alerts', encryptionKey: kms.Key.fromKeyArn(s, 'TopicKey', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab') });
    const logging = new ModelInvocationLogging(s, 'Logging', { alertTopic: topic });
    expect(logging.alertTopic).toBe(topic);
    const alarms = Object.values(Template.fromStack(s).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((a) => a.Properties.AlarmActions)).toEqual(Object.keys(logging.alarms).map(() => ['arn:aws:sns:us-east-1:123456789012:security-alerts']));
    Template.fromStack(s).resourceCountIs('AWS::SNS::Topic', 0);
    const [warning] = Annotations.fromStack(s).findWarning('/S/Shared', Match.stringLikeRegexp('Cannot edit the policy of imported topic'));
    const text = String(warning.entry.data);
    const start = text.indexOf('[\n');
    expect(JSON.parse(text.slice(start, text.indexOf('\n]', start) + 2))).toEqual([
      expect.objectContaining({ Sid: 'AllowTheseCloudWatchAlarmsToPublish', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
    ]);
    // The key is known: its needs are the key-policy warning's business, not repeated here.
    expect(text).not.toContain('key policy');
  });
});
