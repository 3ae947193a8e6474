import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { PlatformKey, PlatformValidationError } from '../../lib';
import { AlertTopic, BedrockAuditTrail, HighRiskActivity, HighRiskActivityAlerts, InvocationLogDestination, ModelInvocationLogging } from '../../lib/governance';
import { expectAcknowledgementsJustified } from '../kit/nag';
import { synthesize } from '../kit/synth';

// Issue 11, governance: tokens handed through, JavaScript values refused with the library's error,
// the account-wide setting declared once, and a VPC of another stack acknowledged only then.

const ENV = { account: '123456789012', region: 'us-east-1' };
const days = (s: Stack, id: string) => new CfnParameter(s, id, { type: 'Number' }).valueAsNumber;

const synth = synthesize((app) => {
  // Every day count of the audit archive and the log retention as CloudFormation parameters.
  const params = new Stack(app, 'Parameters', { env: ENV });
  new BedrockAuditTrail(params, 'Audit', {
    archiveAfterDays: days(params, 'ArchiveDays'),
    expireAfterDays: days(params, 'ExpireDays'),
    objectLockDays: days(params, 'LockDays'),
    logRetention: days(params, 'RetentionDays') as logs.RetentionDays,
    highRiskAlerts: false,
  });

  // A shared network stack, and invocation logging in another stack on its VPC.
  const network = new Stack(app, 'Network', { env: { ...ENV, account: '111122223333' } });
  const sharedVpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const consumer = new Stack(app, 'Consumer', { env: { ...ENV, account: '111122223333' } });
  const shared = new ModelInvocationLogging(consumer, 'InvocationLogging', { vpc: sharedVpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
  withEndpoints(consumer, sharedVpc, shared);

  // The same, with the VPC in the logging stack itself: the rule sees the subnets.
  const local = new Stack(app, 'Local', { env: { ...ENV, account: '444455556666' } });
  const localVpc = new ec2.Vpc(local, 'Vpc', { maxAzs: 2, natGateways: 1 });
  withEndpoints(local, localVpc, new ModelInvocationLogging(local, 'InvocationLogging', { vpc: localVpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }));
});

/** The endpoints the handler calls, in `stack` on `vpc`, ordered before the custom resource (what BedrockPrivateLink.addSupportEndpointsFor does). */
function withEndpoints(stack: Stack, vpc: ec2.IVpc, logging: ModelInvocationLogging): void {
  const bedrock = new ec2.InterfaceVpcEndpoint(stack, 'BedrockEndpoint', {
    vpc,
    service: ec2.InterfaceVpcEndpointAwsService.BEDROCK,
    privateDnsEnabled: true,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    open: false,
  });
  for (const group of logging.handler.securityGroups) bedrock.connections.allowFrom(group, ec2.Port.tcp(443), 'Invocation logging handler to Bedrock');
  const s3 = new ec2.GatewayVpcEndpoint(stack, 'S3Endpoint', { vpc, service: ec2.GatewayVpcEndpointAwsService.S3 });
  for (const dependent of logging.endpointDependents) dependent.node.addDependency(bedrock, s3);
}

describe('synthesized: tokens and cross-stack VPCs pass every compliance engine', () => {
  test('nag clean, acknowledgements explained (the plain ec2.Vpc fixtures aside, which are not this library\'s)', () => {
    const ours = synth.compliance.findings.filter((f) => !/^(Network|Local)\/(Vpc\/|Custom::VpcRestrictDefaultSG)/.test(f.path));
    // A retention known only at deploy time cannot be checked against Control Tower's 365 days, and
    // the library does not acknowledge what it cannot see: the finding stays the caller's to judge.
    expect(ours.map((f) => `${f.rule} at ${f.path}`)).toEqual(['cloudwatch_log_group_retention_period_check at Parameters/Audit/Events/Resource']);
    expect(synth.deployProblems).toEqual([]);
    expectAcknowledgementsJustified(synth);
  });

  test('CfnParameters reach the template unchanged: archive, expiry, Object Lock and retention', () => {
    const resources = Object.values(synth.json.Parameters.Resources as Record<string, any>);
    const logFiles = resources.find((r) => r.Type === 'AWS::S3::Bucket' && r.Properties.ObjectLockConfiguration);
    expect(logFiles.Properties.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: { Ref: 'LockDays' } } } });
    const rule = logFiles.Properties.LifecycleConfiguration.Rules.find((r: any) => r.Id === 'ArchiveLogs');
    expect(rule).toMatchObject({ ExpirationInDays: { Ref: 'ExpireDays' }, Transitions: [{ TransitionInDays: { Ref: 'ArchiveDays' } }] });
    const logGroups = resources.filter((r) => r.Type === 'AWS::Logs::LogGroup').map((r) => r.Properties.RetentionInDays);
    expect(logGroups).toContainEqual({ Ref: 'RetentionDays' });
  });

  const handlerAcks = (stack: string) =>
    synth.compliance.acknowledgements.filter((a) => a.path.startsWith(`${stack}/InvocationLogging/Handler/Function`) && a.id === 'ControlTower::lambda_inside_vpc_check');

  test('a VPC of another stack: lambda_inside_vpc_check acknowledged on the function, naming the stack', () => {
    expect(handlerAcks('Consumer').length).toBeGreaterThanOrEqual(1);
    expect(handlerAcks('Consumer')[0].reason).toMatch(/references to stack Network \(cross-stack references\).*cannot see that VpcConfig is set/);
    // The subnets are outputs of the network stack: not literals, not resources of this template.
    const fn = Object.values(synth.json.Consumer.Resources as Record<string, any>).find((r) => r.Type === 'AWS::Lambda::Function');
    expect(JSON.stringify(fn.Properties.VpcConfig.SubnetIds)).toMatch(/Fn::GetStackOutput|Fn::ImportValue/);
    expect(JSON.stringify(fn.Properties.VpcConfig.SubnetIds)).toContain('Network');
  });

  test('a VPC of the same stack: no acknowledgement, the rule checks it', () => {
    expect(handlerAcks('Local')).toEqual([]);
    expect(synth.compliance.acknowledgements.filter((a) => a.path.startsWith('Local/') && /lambda_inside_vpc|LambdaInsideVPC/.test(a.id))).toEqual([]);
  });
});

describe('JavaScript values and typos: the library error names construct, prop and value', () => {
  const stack = (env: { account?: string; region?: string } | undefined = ENV) => new Stack(new App(), 'S', { env });
  const foreignKey = (s: Stack, arn: string) => kms.Key.fromKeyArn(s, 'Foreign', arn);

  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['a trail ARN that is not an ARN', (s) => BedrockAuditTrail.fromTrailAttributes(s, 'T', { trailArn: 'not-an-arn' }), /^S\/T: invalid trailArn "not-an-arn"\. Must be a CloudTrail trail ARN/],
    ['a trail ARN with braces', (s) => BedrockAuditTrail.fromTrailAttributes(s, 'T', { trailArn: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/{x}' }), /invalid trailArn ".*trail\/\{x\}"/],
    ['no trail ARN', (s) => BedrockAuditTrail.fromTrailAttributes(s, 'T', {} as never), /^S\/T: invalid trailArn \(not set\)/],
    ['a topic ARN that is not an ARN', (s) => AlertTopic.fromAlertTopicAttributes(s, 'T', { topicArn: 'alerts' }), /^S\/T: invalid topicArn "alerts"\. Must be an SNS topic ARN/],
    ['a bucket given as a name', (s) => new BedrockAuditTrail(s, 'A', { accessLogsBucket: 'my-logs' as never }), /^S\/A: invalid accessLogsBucket "my-logs"\. Must be an s3.IBucket: import the bucket first/],
    ['a key given as an ARN string', (s) => new ModelInvocationLogging(s, 'L', { encryptionKey: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' as never }), /^S\/L: invalid encryptionKey "arn:aws:kms:.*"\. Must be a kms.IKey .*not an ARN string/],
    ['a PlatformKey instead of its key', (s) => new AlertTopic(s, 'A', { encryptionKey: new PlatformKey(s, 'K') as never }), /^S\/A: invalid encryptionKey "\(PlatformKey\)"\. Must be a kms.IKey: pass the key of the PlatformKey \(platformKey.key\)/],
    [
      'a key of another Region',
      (s) => new BedrockAuditTrail(s, 'A', { encryptionKey: foreignKey(s, 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab') }),
      /^S\/A: invalid encryptionKey "arn:aws:kms:eu-west-1:.*"\. KMS keys are regional: this key is in eu-west-1 \(partition aws\), the stack in us-east-1 \(partition aws\)/,
    ],
    [
      'a key of another partition',
      (s) => new ModelInvocationLogging(s, 'L', { encryptionKey: foreignKey(s, 'arn:aws-us-gov:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab') }),
      /invalid encryptionKey "arn:aws-us-gov:.*"\. KMS keys are regional: this key is in us-east-1 \(partition aws-us-gov\), the stack in us-east-1 \(partition aws\)/,
    ],
    ['a retention that is not a RetentionDays', (s) => new ModelInvocationLogging(s, 'L', { logRetention: 100 as logs.RetentionDays }), /^S\/L: invalid logRetention 100\. CloudWatch Logs keeps events only for these periods/],
    ['a fractional retention', (s) => new BedrockAuditTrail(s, 'A', { logRetention: 365.5 as logs.RetentionDays }), /^S\/A: invalid logRetention 365\.5/],
    ['RemovalPolicy.SNAPSHOT on the trail', (s) => new BedrockAuditTrail(s, 'A', { removalPolicy: RemovalPolicy.SNAPSHOT }), /^S\/A: invalid removalPolicy "snapshot"\. A trail, its bucket or its log group cannot be snapshotted/],
    ['RemovalPolicy.SNAPSHOT on invocation logging', (s) => new ModelInvocationLogging(s, 'L', { removalPolicy: RemovalPolicy.SNAPSHOT }), /^S\/L: invalid removalPolicy "snapshot"/],
    ['a string for a boolean', (s) => new ModelInvocationLogging(s, 'L', { s3: 'false' as never }), /^S\/L: invalid s3 "false"\. Must be true or false/],
    ['a string for the e-mail list', (s) => new BedrockAuditTrail(s, 'A', { alertEmails: 'sec@example.com' as never }), /^S\/A: invalid alertEmails "sec@example\.com"\. Must be a list: write \["sec@example\.com"\]/],
    ['null in the e-mail list', (s) => new ModelInvocationLogging(s, 'L', { alertEmails: ['sec@example.com', null as never] }), /^S\/L: invalid alertEmails\[1\] null\. The list has a hole/],
    ['undefined in the activities', (s) => new HighRiskActivityAlerts(s, 'H', { activities: [undefined as never] }), /^S\/H: invalid activities\[0\] \(not set\)\. The list has a hole/],
    ['an unknown destination for a metric', (s) => new ModelInvocationLogging(s, 'L').metricDeliveryFailures('S3' as InvocationLogDestination), /^S\/L: invalid destination "S3"\. Allowed values: ModelInvocationLogsCloudWatchDeliveryFailure/],
    ['a VPC given as an id', (s) => new ModelInvocationLogging(s, 'L', { vpc: 'vpc-0123' as never }), /^S\/L: invalid vpc "vpc-0123"\. Must be an ec2.IVpc: import it with ec2.Vpc.fromLookup/],
    ['props that are a string', (s) => new ModelInvocationLogging(s, 'L', 'logs' as never), /^S\/L: invalid props "logs"\. Must be an object of properties/],
    ['a reserved concurrency of 0', (s) => new ModelInvocationLogging(s, 'L', { reservedConcurrentExecutions: 0 }), /^S\/L\/Handler: invalid reservedConcurrentExecutions 0\. Must be a whole number from 1 to 1000/],
  ])('%s', (_name, build, message) => {
    const s = stack();
    expect(() => build(s)).toThrow(PlatformValidationError);
    expect(() => build(stack())).toThrow(message);
  });

  test('a duplicate e-mail address is one subscription', () => {
    const s = stack();
    const topic = new AlertTopic(s, 'Alerts', { alertEmails: ['sec@example.com', 'ops@example.com', 'sec@example.com'] });
    const endpoints = topic.node.children.filter((c) => c.node.id.startsWith('Email')).map((c) => (c.node.defaultChild as any).endpoint);
    expect(endpoints).toEqual(['sec@example.com', 'ops@example.com']);
  });

  test('a duplicate activity is one rule', () => {
    const alerts = new HighRiskActivityAlerts(stack(), 'H', { activities: [HighRiskActivity.GUARDRAIL_CHANGES, HighRiskActivity.GUARDRAIL_CHANGES] });
    expect(Object.keys(alerts.rules)).toEqual([HighRiskActivity.GUARDRAIL_CHANGES]);
  });
});

describe('model invocation logging is one setting per account and Region', () => {
  test('twice in one stack: the error names both construct paths', () => {
    const s = new Stack(new App(), 'S', { env: ENV });
    new ModelInvocationLogging(s, 'First');
    expect(() => new ModelInvocationLogging(s, 'Second')).toThrow(/^S\/Second: invalid scope "S\/Second"\. Model invocation logging is one setting per account and Region, and S\/First already manages it for 123456789012\/us-east-1/);
  });

  test('in two stacks of one account and Region: the error names both construct paths', () => {
    const app = new App();
    new ModelInvocationLogging(new Stack(app, 'Platform', { env: ENV }), 'Logging');
    expect(() => new ModelInvocationLogging(new Stack(app, 'Team', { env: ENV }), 'Logging')).toThrow(/^Team\/Logging: .*and Platform\/Logging already manages it for 123456789012\/us-east-1/);
  });

  test('in two environment-agnostic stacks (both deploy to the CLI\'s account and Region): refused', () => {
    const app = new App();
    new ModelInvocationLogging(new Stack(app, 'One'), 'Logging');
    expect(() => new ModelInvocationLogging(new Stack(app, 'Two'), 'Logging')).toThrow(/One\/Logging already manages it for the environment-agnostic stacks/);
  });

  test('in two Regions, or two accounts: allowed', () => {
    const app = new App();
    new ModelInvocationLogging(new Stack(app, 'East', { env: ENV }), 'Logging');
    expect(() => new ModelInvocationLogging(new Stack(app, 'West', { env: { ...ENV, region: 'us-west-2' } }), 'Logging')).not.toThrow();
    expect(() => new ModelInvocationLogging(new Stack(app, 'Other', { env: { ...ENV, account: '210987654321' } }), 'Logging')).not.toThrow();
  });
});
