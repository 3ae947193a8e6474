import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BedrockFeature, BedrockModel, BedrockPrivateLink, PlatformValidationError, SupportEndpoint } from '../../lib';
import { COMMITTED_THROUGHPUT_WARNING, ProvisionedThroughput, ThroughputCommitment } from '../../lib/throughput';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const NOVA = BedrockModel.foundationModel('amazon.nova-lite-v1:0:24k');
const CUSTOM_ARN = 'arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.nova-lite-v1:0:24k/abc123def456';

const synth = synthesize((app) => {
  const s = new Stack(app, 'Throughput', { env: ENV });
  new ProvisionedThroughput(s, 'Nova', { model: NOVA, modelUnits: 1 });
  new ProvisionedThroughput(s, 'Custom', {
    model: BedrockModel.customModel(CUSTOM_ARN),
    modelUnits: 2,
    commitment: ThroughputCommitment.ONE_MONTH,
    provisionedModelName: 'custom-nova',
    tags: { team: 'ml' },
  });

  const priv = new Stack(app, 'Private', { env: ENV });
  const vpc = ec2.Vpc.fromVpcAttributes(priv, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    isolatedSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaaa', 'rtb-0bbbbbbbbbbbbbbbb'],
  });
  const pt = new ProvisionedThroughput(priv, 'Nova', { model: NOVA, modelUnits: 1, vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
  const link = new BedrockPrivateLink(priv, 'PrivateLink', {
    vpc,
    features: [BedrockFeature.RUNTIME],
    clients: pt.securityGroups.map((g) => ec2.Peer.securityGroupId(g.securityGroupId)),
    existingSupportEndpoints: { [SupportEndpoint.S3]: ec2.GatewayVpcEndpoint.fromGatewayVpcEndpointId(priv, 'S3Gateway', 'vpce-0s3gateway000000') },
  });
  link.addSupportEndpointsFor(pt);
});

const resources = (stack: string, type: string) => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const throughputs = (stack: string) => resources(stack, 'Custom::BedrockProvisionedThroughput');
const byPrefix = (stack: string, type: string, prefix: string) => {
  const found = resources(stack, type).filter(([id]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}* in ${stack}, found ${found.length}`);
  return found[0];
};

describe('ProvisionedThroughput: the custom resource', () => {
  test('properties: model by ID (foundation) or ARN (custom), units, commitment only when committed, name and tags only when given', () => {
    const [[, nova]] = throughputs('Throughput').filter(([id]) => id.startsWith('Nova'));
    const [[, custom]] = throughputs('Throughput').filter(([id]) => id.startsWith('Custom'));
    const { ServiceToken: novaToken, ...novaProps } = nova.Properties;
    const { ServiceToken: customToken, ...customProps } = custom.Properties;
    expect(novaProps).toEqual({ ModelId: 'amazon.nova-lite-v1:0:24k', ModelUnits: 1, ServiceTimeout: '3600' });
    expect(customProps).toEqual({ ModelId: CUSTOM_ARN, ModelUnits: 2, CommitmentDuration: 'OneMonth', ProvisionedModelName: 'custom-nova', Tags: { team: 'ml' }, ServiceTimeout: '3600' });
    // One provider per stack: both resources call the same framework function.
    expect(novaToken).toEqual(customToken);
    const [onEventFramework] = byPrefix('Throughput', 'AWS::Lambda::Function', 'BedrockProvisionedThroughputProviderframeworkonEvent');
    expect(novaToken).toEqual({ 'Fn::GetAtt': [onEventFramework, 'Arn'] });
  });

  test('one provider per stack: one onEvent and one isComplete handler, one waiter, for two throughputs', () => {
    const handlers = resources('Throughput', 'AWS::Lambda::Function').map(([, r]) => r.Properties.Handler).sort();
    expect(handlers).toEqual(['framework.isComplete', 'framework.onEvent', 'framework.onTimeout', 'index.isComplete', 'index.onEvent']);
    expect(resources('Throughput', 'AWS::StepFunctions::StateMachine')).toHaveLength(1);
  });

  test('no commitment is deleted with the stack; a committed one is retained on delete and on replacement', () => {
    const [[, nova]] = throughputs('Throughput').filter(([id]) => id.startsWith('Nova'));
    const [[, custom]] = throughputs('Throughput').filter(([id]) => id.startsWith('Custom'));
    expect([nova.DeletionPolicy, nova.UpdateReplacePolicy]).toEqual(['Delete', 'Delete']);
    expect([custom.DeletionPolicy, custom.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  test('a committed throughput carries a synth warning saying it is retained, and it is the only finding', () => {
    const committed = synth.compliance.findings.filter((f) => f.rule === `Annotation::${COMMITTED_THROUGHPUT_WARNING}`);
    expect(committed.map((f) => f.path)).toEqual(['Throughput/Custom']);
    expect(committed[0].description).toMatch(/OneMonth commitment: it bills every hour of the term, cannot be deleted before the term ends, and is RETAINED when removed from the stack or when the stack is deleted/);
  });

  test('the resource waits for the provider: created after and deleted before its functions and policy', () => {
    const [[, nova]] = throughputs('Throughput').filter(([id]) => id.startsWith('Nova'));
    const [policy] = byPrefix('Throughput', 'AWS::IAM::ManagedPolicy', 'BedrockProvisionedThroughputProviderPolicy');
    const [onEvent] = byPrefix('Throughput', 'AWS::Lambda::Function', 'BedrockProvisionedThroughputProviderOnEvent');
    expect(nova.DependsOn).toEqual(expect.arrayContaining([policy, onEvent]));
  });

  test('in a VPC: handlers in the VPC, the resource ordered after the bedrock endpoint, framework functions outside', () => {
    const [[, pt]] = throughputs('Private');
    const [endpoint] = resources('Private', 'AWS::EC2::VPCEndpoint').find(([, r]) => JSON.stringify(r.Properties.ServiceName).endsWith('.bedrock"'))!;
    expect(pt.DependsOn).toContain(endpoint);
    expect(pt.Metadata['BedrockPlatform:RequiredEndpoints']).toEqual(['bedrock']);
    for (const [, fn] of resources('Private', 'AWS::Lambda::Function')) {
      expect(fn.Properties.VpcConfig !== undefined).toBe(fn.Properties.Handler.startsWith('index.'));
    }
  });
});

describe('ProvisionedThroughput: IAM', () => {
  const statements = (stack: string, prefix: string) => byPrefix(stack, 'AWS::IAM::ManagedPolicy', prefix)[1].Properties.PolicyDocument.Statement;
  const provisioned = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/*';

  test('the handler policy, exactly: buy for the stack\'s models only, manage provisioned models of this account and Region', () => {
    const s = statements('Throughput', 'BedrockProvisionedThroughputProviderPolicy');
    expect(s.map((x: any) => x.Sid)).toEqual([
      'BuyProvisionedThroughput', 'ManageProvisionedThroughput', 'FindProvisionedThroughputByName', 'WriteOwnLogs', 'SendTraces', 'DeadLetterFailedEvents', 'EncryptDeadLetters',
    ]);
    expect(s[0]).toEqual({
      Sid: 'BuyProvisionedThroughput',
      Effect: 'Allow',
      Action: 'bedrock:CreateProvisionedModelThroughput',
      Resource: [CUSTOM_ARN, provisioned, 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:24k'],
    });
    expect(s[1]).toEqual({
      Sid: 'ManageProvisionedThroughput',
      Effect: 'Allow',
      Action: ['bedrock:DeleteProvisionedModelThroughput', 'bedrock:GetProvisionedModelThroughput', 'bedrock:TagResource', 'bedrock:UntagResource', 'bedrock:UpdateProvisionedModelThroughput'],
      Resource: provisioned,
    });
    expect(s[2]).toEqual({ Sid: 'FindProvisionedThroughputByName', Effect: 'Allow', Action: 'bedrock:ListProvisionedModelThroughputs', Resource: '*' });
    // No Sid twice, whatever the number of throughputs.
    expect(new Set(s.map((x: any) => x.Sid)).size).toBe(s.length);
  });

  test('framework roles: managed policies only, each invokes only its own handler', () => {
    const onEvent = statements('Throughput', 'BedrockProvisionedThroughputProviderFrameworkOnEventRolePolicy');
    const complete = statements('Throughput', 'BedrockProvisionedThroughputProviderFrameworkCompleteRolePolicy');
    const invokes = (s: any[]) => s.filter((x) => x.Sid.startsWith('Invoke') || x.Sid === 'StartWaiter').map((x) => [x.Sid, x.Action]);
    expect(invokes(onEvent)).toEqual([
      ['InvokeOnEventHandler', ['lambda:GetFunction', 'lambda:InvokeFunction']],
      ['StartWaiter', 'states:StartExecution'],
    ]);
    expect(invokes(complete)).toEqual([['InvokeIsCompleteHandler', ['lambda:GetFunction', 'lambda:InvokeFunction']]]);
    for (const [, role] of resources('Throughput', 'AWS::IAM::Role').filter(([id]) => id.includes('Framework'))) {
      expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
      expect(role.Properties.Policies).toBeUndefined();
    }
  });

  test('grantInvoke: InvokeModel and InvokeModelWithResponseStream on the provisioned model ARN only', () => {
    const stack = new Stack(new App(), 'Grants', { env: ENV });
    const pt = ProvisionedThroughput.fromProvisionedThroughputArn(stack, 'Pt', 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456');
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    pt.grantInvoke(role);
    const doc = stack.resolve((role.node.findChild('DefaultPolicy') as iam.Policy).document.toJSON());
    expect(doc.Statement).toEqual([
      { Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Resource: 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456' },
    ]);
    const m = pt.metricInvocationThrottles();
    expect([m.namespace, m.metricName, m.dimensions, m.statistic]).toEqual(['AWS/Bedrock', 'InvocationThrottles', { ModelId: 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456' }, 'Sum']);
    expect(pt.metricInvocationLatency().statistic).toBe('p90');
  });
});

test('compliance: no unacknowledged finding under any pack but the committed-throughput warning (for the user to read), every acknowledgement explained', () => {
  const findings = synth.compliance.findings.filter((f) => f.rule !== `Annotation::${COMMITTED_THROUGHPUT_WARNING}`);
  expectNoFindings({ ...synth, compliance: { ...synth.compliance, findings } });
  expectAcknowledgementsJustified(synth);
});

describe('ProvisionedThroughput: validation', () => {
  const make = (props: Record<string, unknown>, stack = new Stack(new App(), 'V', { env: ENV })) =>
    () => new ProvisionedThroughput(stack, 'Pt', { model: NOVA, modelUnits: 1, ...props } as any);
  test.each([
    ['modelUnits 0', { modelUnits: 0 }, /modelUnits 0\. Must be a whole number from 1 to 1000/],
    ['modelUnits 1.5', { modelUnits: 1.5 }, /modelUnits 1\.5/],
    ['modelUnits 10000', { modelUnits: 10000 }, /modelUnits 10000/],
    ['a profile', { model: BedrockModel.crossRegionProfile('us.amazon.nova-pro-v1:0') }, /Must be a foundation model or a custom model/],
    ['a foundation model of another Region', { model: BedrockModel.foundationModel('amazon.nova-lite-v1:0', { region: 'eu-west-1' }) }, /model\.region/],
    ['a string model', { model: 'amazon.nova-lite-v1:0' }, /Must be a BedrockModel/],
    ['a name with two hyphens', { provisionedModelName: 'a--b' }, /provisionedModelName "a--b"/],
    ['a name of 64 characters', { provisionedModelName: 'a'.repeat(64) }, /provisionedModelName/],
    ['a name with a space', { provisionedModelName: 'my model' }, /provisionedModelName/],
    ['an unknown commitment', { commitment: 'ThreeYears' }, /commitment "ThreeYears"/],
    ['committed with DESTROY', { commitment: ThroughputCommitment.SIX_MONTHS, removalPolicy: 'destroy' }, /committed provisioned throughput cannot be deleted/],
    ['an aws: tag', { tags: { 'aws:x': 'y' } }, /tags "aws:x"/],
    ['a tag value with a comma', { tags: { team: 'a,b' } }, /tags\.team "a,b"/],
  ])('refuses %s', (_name, props, message) => {
    expect(make(props)).toThrow(PlatformValidationError);
    expect(make(props)).toThrow(message);
  });
  test('accepts the longest valid name and a trailing separator, and refuses a different VPC in the same stack', () => {
    const stack = new Stack(new App(), 'V', { env: ENV });
    expect(make({ provisionedModelName: `${'a'.repeat(62)}-` }, stack)).not.toThrow();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    expect(() => new ProvisionedThroughput(stack, 'Other', { model: NOVA, modelUnits: 1, vpc })).toThrow(/same vpc/);
  });
  test('fromProvisionedThroughputArn refuses what is not a provisioned model ARN', () => {
    const stack = new Stack(new App(), 'V', { env: ENV });
    expect(() => ProvisionedThroughput.fromProvisionedThroughputArn(stack, 'X', CUSTOM_ARN)).toThrow(/provisionedModelArn/);
  });
});
