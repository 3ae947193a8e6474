import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { parseIpv4Cidr, requireList as coreRequireList, requireOneOf } from '../core/validate';

/*
 * Checks shared by the three connection paths. Like lib/core/validate.ts, each skips what is still a
 * token or unknown (an imported VPC without its CIDR, subnets of a lookup in progress).
 */

/** The VPC's CIDR when it is a concrete string (created with a literal, or imported with `vpcCidrBlock`). */
export function knownVpcCidr(vpc: ec2.IVpc): string | undefined {
  // A VPC of this app exposes its CIDR as a GetAtt; the literal it was created with is on the L1.
  const cfn = vpc.node.defaultChild;
  if (cfn instanceof ec2.CfnVPC && cfn.cidrBlock !== undefined && !Token.isUnresolved(cfn.cidrBlock)) return cfn.cidrBlock;
  try {
    const cidr = vpc.vpcCidrBlock;
    return Token.isUnresolved(cidr) ? undefined : cidr;
  } catch {
    return undefined; // imported without vpcCidrBlock
  }
}

/** The subnet's CIDR when known. */
export function knownSubnetCidr(subnet: ec2.ISubnet): string | undefined {
  try {
    const cidr = subnet.ipv4CidrBlock;
    return Token.isUnresolved(cidr) ? undefined : cidr;
  } catch {
    return undefined; // imported without ipv4CidrBlock
  }
}

/** True when two IPv4 CIDR blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseIpv4Cidr(a);
  const y = parseIpv4Cidr(b);
  if (!x || !y) return false;
  const end = (c: { network: number; prefix: number }) => c.network + 2 ** (32 - c.prefix) - 1;
  return x.network <= end(y) && y.network <= end(x);
}

/** The Availability Zones of the stack when they are real names (not the placeholders of an env-agnostic stack). */
export function knownAvailabilityZones(scope: IConstruct): string[] | undefined {
  const zones = Stack.of(scope).availabilityZones;
  if (Token.isUnresolved(zones) || zones.some((z) => Token.isUnresolved(z) || z.startsWith('dummy'))) return undefined;
  return zones;
}

/** Throws when the props named in `conflicting` are set together with `prop`. */
export function rejectWith(scope: IConstruct, prop: string, isSet: boolean, conflicting: Record<string, unknown>, why: string): void {
  if (!isSet) return;
  const set = Object.entries(conflicting).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (set.length) throw new PlatformValidationError(scope, set[0], conflicting[set[0]], `${set.join(', ')} cannot be combined with ${prop}: ${why}`);
}

/**
 * The selected subnets, one per Availability Zone, checked to span `min` to `max` zones. Zones
 * that are tokens are not counted against the limits.
 */
export function subnetsAcrossZones(scope: IConstruct, prop: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined, min: number, max: number): ec2.ISubnet[] {
  let selected: ec2.SelectedSubnets;
  try {
    selected = vpc.selectSubnets({ ...selection, onePerAz: true });
  } catch (e) {
    throw new PlatformValidationError(scope, prop, selection ?? '(default: private subnets)', `It selects no subnet of the VPC: ${(e as Error).message}`);
  }
  if (selected.isPendingLookup) return selected.subnets;
  const zones = [...new Set(selected.subnets.map((s) => s.availabilityZone))];
  if (zones.some((z) => Token.isUnresolved(z))) return selected.subnets;
  if (zones.length < min || zones.length > max) {
    throw new PlatformValidationError(scope, prop, zones, `The subnets must span ${min} to ${max} Availability Zones (selected ${zones.length}${zones.length ? `: ${zones.join(', ')}` : ''}).`);
  }
  return selected.subnets;
}

/** Route table IDs of `subnets`; throws naming `prop` when an imported subnet came without one. */
export function routeTableIdsOf(scope: IConstruct, prop: string, subnets: ec2.ISubnet[]): string[] {
  const ids = subnets.map((s) => s.routeTable?.routeTableId);
  const missing = subnets.filter((_, i) => ids[i] === undefined).map((s) => s.subnetId);
  if (missing.length) {
    throw new PlatformValidationError(
      scope,
      prop,
      missing,
      'These subnets have no known route table: import the VPC with privateSubnetRouteTableIds / isolatedSubnetRouteTableIds (Vpc.fromVpcAttributes) so routes can be added.',
    );
  }
  return [...new Set(ids as string[])];
}

/*
 * JavaScript callers: no compiler stops a missing props object, a string where a list is expected,
 * or `null` inside a list. These checks turn each into the library's error before aws-cdk-lib
 * (or our own code) fails on it with a TypeError.
 */

/** Throws unless `props` is an object; `example` shows the smallest valid props. */
export function requireProps<T>(scope: IConstruct, props: T | undefined | null, example: string): T {
  if (props === undefined || props === null || typeof props !== 'object' || Array.isArray(props)) {
    throw new PlatformValidationError(scope, 'props', props, `Pass a props object, e.g. ${example}.`);
  }
  return props;
}

/** Throws unless `vpc` is a VPC (created, or imported with `Vpc.fromVpcAttributes` / `Vpc.fromLookup`). */
export function requireVpc(scope: IConstruct, prop: string, vpc: ec2.IVpc | undefined | null): ec2.IVpc {
  if (vpc === undefined || vpc === null || typeof (vpc as Partial<ec2.IVpc>).selectSubnets !== 'function') {
    throw new PlatformValidationError(scope, prop, vpc === undefined || vpc === null ? vpc : String(vpc), "Must be a VPC: an ec2.Vpc, or ec2.Vpc.fromVpcAttributes(this, 'Vpc', { vpcId, availabilityZones, privateSubnetIds, ... }).");
  }
  return vpc;
}

/**
 * {@link coreRequireList} as the network constructs use it: unset stays unset, and with `unique` a
 * repeated entry is refused (a repeated CIDR or feature is more likely a typo than a wish).
 */
export function requireList<T>(scope: IConstruct, prop: string, value: readonly T[] | undefined, what: string, unique = false): readonly T[] | undefined {
  if (value === undefined) return undefined;
  return coreRequireList(scope, prop, value, { what, duplicates: unique ? 'refuse' : 'dedupe' });
}

/** Throws unless `peer` is an `ec2.IPeer` (a security group, or `ec2.Peer.ipv4(...)`). */
export function requirePeer(scope: IConstruct, prop: string, peer: ec2.IPeer): ec2.IPeer {
  const p = peer as Partial<ec2.IPeer> | null | undefined;
  if (p === undefined || p === null || typeof p !== 'object' || typeof p.toIngressRuleConfig !== 'function' || typeof p.uniqueId !== 'string') {
    throw new PlatformValidationError(scope, prop, peer, "Must be a peer: a security group, or ec2.Peer.ipv4('10.0.0.0/16') for a CIDR block.");
  }
  return peer;
}

/**
 * Removal policies a log group supports: CloudFormation has no snapshot of a log group
 * (`DeletionPolicy: Snapshot` is refused by its schema).
 */
export function requireLogGroupRemovalPolicy(scope: IConstruct, prop: string, policy: RemovalPolicy | undefined): RemovalPolicy | undefined {
  if (policy === undefined) return undefined;
  return requireOneOf(scope, prop, policy, [RemovalPolicy.RETAIN, RemovalPolicy.DESTROY, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE]);
}

/**
 * Default inbound rules per security group (Amazon VPC quotas, "Security groups":
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups).
 * Adjustable, but raising it lowers the security groups allowed per network interface.
 */
export const INBOUND_RULES_PER_SECURITY_GROUP = 60;

/**
 * Length of `value` as CloudFormation will send it, estimated from the rendered JSON: pseudo
 * parameters count at their longest (Region 14, partition 10, account 12 characters), joins at the
 * length of their parts, and any other reference (an ID of another resource) at 32 characters.
 */
export function renderedJsonLength(scope: IConstruct, value: unknown): number {
  return JSON.stringify(deployTimeValue(Stack.of(scope).resolve(value))).length;
}

const PSEUDO_LENGTHS: Record<string, number> = { 'AWS::Region': 14, 'AWS::Partition': 10, 'AWS::AccountId': 12, 'AWS::URLSuffix': 16 };

function deployTimeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deployTimeValue);
  if (v === null || typeof v !== 'object') return v;
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 1) {
    const [[fn, arg]] = entries;
    if (fn === 'Ref') return 'x'.repeat(PSEUDO_LENGTHS[arg as string] ?? 32);
    if (fn === 'Fn::Join' && Array.isArray(arg)) {
      const [sep, parts] = arg as [string, unknown[]];
      if (Array.isArray(parts)) return parts.map((p) => { const r = deployTimeValue(p); return typeof r === 'string' ? r : 'x'.repeat(32); }).join(sep);
    }
    if (fn.startsWith('Fn::')) return 'x'.repeat(32);
  }
  return Object.fromEntries(entries.map(([k, x]) => [k, deployTimeValue(x)]));
}
