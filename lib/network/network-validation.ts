import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { parseIpv4Cidr } from '../core/validate';

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
