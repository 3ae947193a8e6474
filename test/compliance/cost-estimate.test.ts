import { estimateFixedMonthlyCost } from '../../lib/compliance/cost-estimate';

describe('estimateFixedMonthlyCost', () => {
  test('prices hourly resources per unit and leaves free ones out', () => {
    const estimate = estimateFixedMonthlyCost({
      Resources: {
        Nat1: { Type: 'AWS::EC2::NatGateway' },
        Nat2: { Type: 'AWS::EC2::NatGateway' },
        Runtime: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b', 'c'] } },
        S3: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway' } },
        Key: { Type: 'AWS::KMS::Key' },
        Resolver: { Type: 'AWS::Route53Resolver::ResolverEndpoint', Properties: { IpAddresses: [{}, {}] } },
        Bucket: { Type: 'AWS::S3::Bucket' },
      },
    });
    const byItem = Object.fromEntries(estimate.lines.map((l) => [l.item, l]));
    expect(byItem['NAT gateway (hourly, before data processing)'].monthly).toBeCloseTo(2 * 0.045 * 730);
    expect(byItem['Interface VPC endpoint, per AZ'].quantity).toBe(3);
    expect(byItem['Route 53 Resolver endpoint, per IP address'].monthly).toBeCloseTo(2 * 0.125 * 730);
    expect(byItem['KMS customer-managed key'].monthly).toBe(1);
    expect(estimate.lines).toHaveLength(4);
    expect(estimate.monthlyTotal).toBeCloseTo(65.7 + 21.9 + 182.5 + 1);
    expect(estimate.lines[0].item).toMatch(/Resolver/); // most expensive first
  });

  test('prices alarms per alarm metric: one per metric read, three per anomaly band; composite alarms and budgets flat', () => {
    const stat = (id: string) => ({ Id: id, MetricStat: { Metric: { Namespace: 'AWS/Bedrock', MetricName: id }, Period: 60, Stat: 'Sum' } });
    const estimate = estimateFixedMonthlyCost({
      Resources: {
        Plain: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Invocations', Namespace: 'AWS/Bedrock' } },
        Rate: { Type: 'AWS::CloudWatch::Alarm', Properties: { Metrics: [stat('errors'), stat('invocations'), { Id: 'rate', Expression: 'errors / invocations' }] } },
        Anomaly: { Type: 'AWS::CloudWatch::Alarm', Properties: { Metrics: [stat('m'), { Id: 'band', Expression: 'ANOMALY_DETECTION_BAND(m, 2)' }] } },
        Composite: { Type: 'AWS::CloudWatch::CompositeAlarm' },
        Budget: { Type: 'AWS::Budgets::Budget' },
      },
    });
    const byItem = Object.fromEntries(estimate.lines.map((l) => [l.item, l]));
    expect(byItem['CloudWatch alarm metric (standard resolution)'].quantity).toBe(1 + 2 + 3);
    expect(byItem['CloudWatch composite alarm'].monthly).toBe(0.5);
    expect(byItem['AWS Budgets budget (first two per account free)'].monthly).toBeCloseTo(0.608);
  });

  test('flags resources it will not guess', () => {
    expect(estimateFixedMonthlyCost({ Resources: { Pt: { Type: 'Custom::BedrockProvisionedThroughput' } } }).unpriced).toEqual(['Custom::BedrockProvisionedThroughput']);
    expect(estimateFixedMonthlyCost({ Resources: { Pool: { Type: 'Custom::BedrockThroughputPool' } } }).unpriced).toEqual(['Custom::BedrockThroughputPool']);
  });
});
