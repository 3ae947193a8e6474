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

  test('flags resources it will not guess', () => {
    expect(estimateFixedMonthlyCost({ Resources: { Pt: { Type: 'Custom::BedrockProvisionedThroughput' } } }).unpriced).toEqual(['Custom::BedrockProvisionedThroughput']);
  });
});
