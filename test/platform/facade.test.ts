import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Template } from 'aws-cdk-lib/assertions';
import { BedrockAuditorRole, BedrockAuditTrail, BedrockModel, BedrockPlatform, PersonaTrust } from '../../lib';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { cdkJsonContext, synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
let platforms: Record<string, BedrockPlatform> = {};

// Two stacks of one account and Region: the first owns invocation logging, the second leaves the
// account-wide setting alone, uses an existing VPC and access-log bucket, and an auditor made by hand.
const SHARED_VPC: ec2.VpcAttributes = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcCidrBlock: '10.40.0.0/16',
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  privateSubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712'],
  privateSubnetRouteTableIds: ['rtb-0a1b2c3d4e5f60711', 'rtb-0a1b2c3d4e5f60712'],
  privateSubnetIpv4CidrBlocks: ['10.40.0.0/24', '10.40.1.0/24'],
};
const synth = synthesize((app) => {
  const first = new Stack(app, 'First', { env: ENV });
  const second = new Stack(app, 'Second', { env: ENV });
  const central = s3.Bucket.fromBucketName(second, 'CentralAccessLogs', 'central-access-logs-123456789012');
  platforms = {
    first: new BedrockPlatform(first, 'Platform'),
    second: new BedrockPlatform(second, 'Platform', {
      invocationLogging: false,
      accessLogsBucket: central,
      audit: { highRiskAlerts: false },
      monitoring: false,
      network: { vpc: ec2.Vpc.fromVpcAttributes(second, 'SharedVpc', SHARED_VPC) },
    }),
  };
  // aws-cdk-lib cannot add the log-delivery statement to an imported bucket and says so; the
  // central bucket's owner admits S3 log delivery (accessLogsBucket's documented requirement).
  Validations.of(second).acknowledge({
    id: 'Annotation::@aws-cdk/aws-s3:accessLogsPolicyNotAdded',
    reason: 'The central access-log bucket is owned by the logging team, whose bucket policy admits logging.s3.amazonaws.com for this account.',
  });
  new BedrockAuditorRole(first, 'ExternalAuditor', { trust: PersonaTrust.accounts(['210987654321']), ...platforms.first.auditedResources() });
});

const resources = (stack: string, type: string) => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);

describe('BedrockPlatform facade', () => {
  test('both platforms pass every compliance pack, each acknowledgement with a reason', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });

  test('invocationLogging: false leaves the account-wide setting alone', () => {
    expect(resources('First', 'Custom::BedrockModelInvocationLogging')).toHaveLength(1);
    expect(resources('Second', 'Custom::BedrockModelInvocationLogging')).toEqual([]);
    expect(resources('Second', 'AWS::Lambda::Function').map(([id]) => id).filter((id) => id.includes('InvocationLogging'))).toEqual([]);
    expect(platforms.second.invocationLogging).toBeUndefined();
  });

  test('accessLogsBucket: every bucket logs to it and no access-log bucket is created', () => {
    expect(platforms.second.accessLogs).toBeUndefined();
    const buckets = resources('Second', 'AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThan(0);
    for (const [, bucket] of buckets) {
      expect(bucket.Properties.LoggingConfiguration.DestinationBucketName).toBe('central-access-logs-123456789012');
    }
    // The first platform made its own, and its buckets log there.
    expect(platforms.first.accessLogs?.bucket).toBe(platforms.first.accessLogsBucket);
  });

  test('auditedResources() names the trail and stores, with no undefined, for an auditor made by hand', () => {
    const audited = platforms.first.auditedResources();
    expect(audited.trailArns).toHaveLength(1);
    expect(audited.auditBuckets).toEqual([platforms.first.audit!.bucket]);
    expect(audited.invocationLogBuckets).toEqual([platforms.first.invocationLogging!.bucket]);
    const none = platforms.second.auditedResources();
    expect(none.invocationLogGroups).toEqual([]);
    expect(none.invocationLogBuckets).toEqual([]);
    const auditorPolicy = resources('First', 'AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('ExternalAuditor'));
    expect(JSON.stringify(auditorPolicy?.[1].Properties.PolicyDocument)).toContain('cloudtrail:LookupEvents');
  });

  test('monitoring by default: dashboards, and every alarm to the one alert topic the audit mails', () => {
    expect(resources('First', 'AWS::CloudWatch::Dashboard')).toHaveLength(2);
    // One alert topic for the trail's alerts, the logging alarms and monitoring; incidents for
    // on-call tooling have their own topic (its subscribers are pager integrations, not people).
    const topics = resources('First', 'AWS::SNS::Topic').filter(([id]) => !id.startsWith('PlatformOnCall'));
    expect(topics).toHaveLength(1);
    const [topicId] = topics[0];
    const monitoringAlarms = resources('First', 'AWS::CloudWatch::Alarm').filter(([id]) => id.startsWith('PlatformMonitoring'));
    expect(monitoringAlarms.length).toBeGreaterThan(4);
    for (const [, alarm] of monitoringAlarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(platforms.first.monitoring?.models.map(String)).toEqual(platforms.first.models.map(String));
  });

  test('monitoring: false makes no dashboard and no model alarm', () => {
    expect(platforms.second.monitoring).toBeUndefined();
    expect(resources('Second', 'AWS::CloudWatch::Dashboard')).toEqual([]);
  });

  test('delivery failures page once: monitoring alarms on them (warning, critical), the logging does not', () => {
    expect(platforms.first.invocationLogging!.alarms).toEqual({});
    const delivery = resources('First', 'AWS::CloudWatch::Alarm').filter(([, a]) => String(a.Properties.MetricName ?? '').startsWith('ModelInvocation'));
    const perDestination = new Map<string, number>();
    for (const [, a] of delivery) perDestination.set(a.Properties.MetricName, (perDestination.get(a.Properties.MetricName) ?? 0) + 1);
    expect(perDestination.size).toBe(platforms.first.invocationLogging!.destinations.length);
    for (const n of perDestination.values()) expect(n).toBe(2);
  });

  test('network.vpc: the endpoints go into the existing VPC, and no VPC is created', () => {
    expect(platforms.second.privateLink!.vpc.vpcId).toBe(SHARED_VPC.vpcId);
    expect(resources('Second', 'AWS::EC2::VPC')).toEqual([]);
    const endpoints = resources('Second', 'AWS::EC2::VPCEndpoint');
    expect(endpoints.length).toBeGreaterThan(0);
    for (const [, e] of endpoints) expect(e.Properties.VpcId).toBe(SHARED_VPC.vpcId);
  });

  test('network.vpc: refused with a public path or without a private path, and when it is not a VPC', () => {
    const stack = () => new Stack(new App(), 'S', { env: ENV });
    const vpcOf = (s: Stack) => ec2.Vpc.fromVpcAttributes(s, 'V', SHARED_VPC);
    const withPublic = stack();
    expect(() => new BedrockPlatform(withPublic, 'P', { network: { vpc: vpcOf(withPublic), publicPath: {} } })).toThrow(/^S\/P: invalid network\.vpc .*publicPath creates its own VPC/);
    const noPrivate = stack();
    expect(() => new BedrockPlatform(noPrivate, 'P', { network: { vpc: vpcOf(noPrivate), privateLink: false } })).toThrow(/invalid network\.vpc .*network\.privateLink is false/);
    expect(() => new BedrockPlatform(stack(), 'P', { network: { vpc: 'vpc-0a1b2c3d4e5f60718' as any } })).toThrow(/invalid network\.vpc "vpc-0a1b2c3d4e5f60718".*Must be a VPC \(ec2\.IVpc\): import it first/);
  });

  test('audit: an existing trail (e.g. the organization trail): no trail is created; alerts, Config rules and auditors use it', () => {
    const stack = new Stack(new App({ context: cdkJsonContext() }), 'OrgTrail', { env: ENV });
    const bucket = s3.Bucket.fromBucketName(stack, 'OrgTrailBucket', 'org-trail-logs-111111111111');
    const trail = BedrockAuditTrail.fromTrailAttributes(stack, 'OrgTrail', { trailArn: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail', bucket });
    const platform = new BedrockPlatform(stack, 'Platform', { audit: trail, monitoring: false, throughput: { model: BedrockModel.foundationModel('amazon.nova-lite-v1:0:24k') } });
    expect(platform.audit).toBeUndefined();
    expect(platform.trail).toBe(trail);
    expect(platform.auditedResources().trailArns).toEqual(['arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail']);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    // High-risk alerts on the events the existing trail delivers, to the platform's one topic.
    expect(Object.keys(template.findResources('AWS::Events::Rule')).filter((id) => id.startsWith('PlatformHighRiskAlerts')).length).toBeGreaterThan(0);
    template.hasResourceProperties('AWS::Config::ConfigRule', { Source: { SourceIdentifier: 'CLOUD_TRAIL_ENABLED' }, InputParameters: { s3BucketName: 'org-trail-logs-111111111111' } });
    // The scaler's own purchases reach those alerts as information, on the existing trail too.
    expect(Object.keys(template.findResources('AWS::Events::Rule')).filter((id) => id.startsWith('PlatformHighRiskAlerts') && id.includes('Automation'))).toHaveLength(1);
  });
});
