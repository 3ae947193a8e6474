/**
 * Fixed monthly cost of a synthesized template: the charges a stack incurs by existing, before any
 * traffic (NAT gateways, interface endpoints, keys, resolver endpoints, alarms...). Usage charges
 * (model tokens, data processing, log ingestion, requests) depend on load and are not estimated.
 *
 * Prices are AWS list prices in us-east-1 (USD), as published on each service's pricing page and
 * checked in November 2026; other Regions differ by a few percent. 730 hours a month.
 */
import { TemplateJson, TemplateResource } from './deploy-checks';

const HOURS_PER_MONTH = 730;

/** One priced line of an estimate. */
export interface CostLine {
  /** What is charged, e.g. `NAT gateway`. */
  readonly item: string;
  /** How many units the template creates (hours-billed units: gateways, endpoint ENIs...). */
  readonly quantity: number;
  /** USD per unit per month. */
  readonly unitMonthly: number;
  /** quantity x unitMonthly. */
  readonly monthly: number;
}

/** The estimate for one template. */
export interface CostEstimate {
  readonly lines: CostLine[];
  /** Sum of the lines, USD per month. */
  readonly monthlyTotal: number;
  /** Resource types present whose cost depends on choices we cannot price (e.g. provisioned throughput). */
  readonly unpriced: string[];
}

type Pricer = (r: TemplateResource) => { item: string; quantity: number; unitMonthly: number } | undefined;

const hourly = (usdPerHour: number) => usdPerHour * HOURS_PER_MONTH;
/** Length of a literal list property; a token (e.g. `Fn::Split`) counts as one. */
const listLength = (v: unknown) => (Array.isArray(v) ? v.length : 1);

const PRICERS: Record<string, Pricer> = {
  'AWS::EC2::NatGateway': () => ({ item: 'NAT gateway (hourly, before data processing)', quantity: 1, unitMonthly: hourly(0.045) }),
  'AWS::EC2::EIP': () => ({ item: 'Public IPv4 address', quantity: 1, unitMonthly: hourly(0.005) }),
  'AWS::EC2::VPCEndpoint': (r) =>
    r.Properties?.VpcEndpointType === 'Interface'
      ? { item: 'Interface VPC endpoint, per AZ', quantity: Math.max(1, listLength(r.Properties?.SubnetIds)), unitMonthly: hourly(0.01) }
      : undefined, // gateway endpoints (S3, DynamoDB) are free
  'AWS::KMS::Key': () => ({ item: 'KMS customer-managed key', quantity: 1, unitMonthly: 1 }),
  'AWS::Route53Resolver::ResolverEndpoint': (r) => ({
    item: 'Route 53 Resolver endpoint, per IP address',
    quantity: Math.max(1, listLength(r.Properties?.IpAddresses)),
    unitMonthly: hourly(0.125),
  }),
  'AWS::EC2::TransitGatewayAttachment': () => ({ item: 'Transit gateway attachment', quantity: 1, unitMonthly: hourly(0.05) }),
  // CloudWatch bills alarms per alarm metric: a metric-math alarm pays for each metric it reads, an
  // anomaly-detection alarm for three (the metric and the two band bounds).
  'AWS::CloudWatch::Alarm': (r) => ({ item: 'CloudWatch alarm metric (standard resolution)', quantity: alarmMetricCount(r), unitMonthly: 0.1 }),
  'AWS::CloudWatch::CompositeAlarm': () => ({ item: 'CloudWatch composite alarm', quantity: 1, unitMonthly: 0.5 }),
  'AWS::CloudWatch::Dashboard': () => ({ item: 'CloudWatch dashboard', quantity: 1, unitMonthly: 3 }),
  // $0.02 per budget per day; the payer account's first two budgets are free (not counted here).
  'AWS::Budgets::Budget': () => ({ item: 'AWS Budgets budget (first two per account free)', quantity: 1, unitMonthly: 0.02 * 30.4 }),
};

/** Alarm metrics CloudWatch bills an alarm for: one per metric read, three per anomaly band. */
function alarmMetricCount(r: TemplateResource): number {
  const metrics = r.Properties?.Metrics;
  if (!Array.isArray(metrics)) return 1;
  const read = metrics.filter((m: { MetricStat?: unknown }) => m?.MetricStat !== undefined).length;
  const bands = metrics.filter((m: { Expression?: unknown }) => typeof m?.Expression === 'string' && m.Expression.includes('ANOMALY_DETECTION_BAND')).length;
  return Math.max(1, read + 2 * bands);
}

/** Resource types with a fixed charge we deliberately do not guess. */
// Provisioned throughput (and a scaler's pool, at least its minimum model units around the clock)
// bills per model-unit-hour at the model's own price; a Direct Connect port at its speed and location.
const UNPRICED = new Set(['Custom::BedrockProvisionedThroughput', 'Custom::BedrockThroughputPool', 'AWS::DirectConnect::Connection']);

/** Estimates the fixed monthly cost of one CloudFormation template (as synthesized JSON). */
export function estimateFixedMonthlyCost(template: TemplateJson): CostEstimate {
  const byItem = new Map<string, CostLine>();
  const unpriced = new Set<string>();
  for (const resource of Object.values(template.Resources ?? {})) {
    if (UNPRICED.has(resource.Type)) unpriced.add(resource.Type);
    const priced = PRICERS[resource.Type]?.(resource);
    if (!priced) continue;
    const prev = byItem.get(priced.item);
    const quantity = (prev?.quantity ?? 0) + priced.quantity;
    byItem.set(priced.item, { item: priced.item, quantity, unitMonthly: priced.unitMonthly, monthly: quantity * priced.unitMonthly });
  }
  const lines = [...byItem.values()].sort((a, b) => b.monthly - a.monthly);
  return { lines, monthlyTotal: lines.reduce((sum, l) => sum + l.monthly, 0), unpriced: [...unpriced].sort() };
}
