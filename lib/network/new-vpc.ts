import { RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { isResolved, parseIpv4Cidr, requireIntegerInRange, requireIpv4Cidr } from '../core/validate';
import { lockedDownVpc } from './locked-down-vpc';
import { knownAvailabilityZones, rejectWith, requireList, requireLogGroupRemovalPolicy } from './network-validation';
import { VpcFlowLog } from './vpc-flow-log';

/**
 * How a connection path shapes the VPC it creates when it is given none (`PublicPath`,
 * `BedrockPrivateLink`). None of these can be combined with an existing `vpc`.
 */
export interface NewVpcProps {
  /**
   * CIDR block of the new VPC, /16 to the smallest block that holds a /28 subnet per subnet tier and
   * Availability Zone: /27 for a private link in 2 zones, /26 for a public path in 2 zones (its
   * public and application tiers), one prefix length less each time the number of subnets doubles.
   * @default '10.0.0.0/16'
   */
  readonly vpcCidr?: string;
  /**
   * Number of Availability Zones of the new VPC, taken in order from the stack's zones. With
   * `availabilityZones`, leave it unset or give the same number.
   * @default 2, or the number of `availabilityZones`
   */
  readonly maxAzs?: number;
  /**
   * The Availability Zones of the new VPC, by name (`us-east-1a`, not the zone ID `use1-az1`), in
   * the stack's Region. Naming them means no Availability Zone lookup: without them, an
   * account-bound stack reads its zones from the `availability-zones:account=<account>:region=<region>`
   * context (cdk.json or cdk.context.json), which `cdk synth` otherwise fetches from the account.
   * @default the first `maxAzs` zones of the stack (`Stack.availabilityZones`)
   */
  readonly availabilityZones?: readonly string[];
  /**
   * Key that encrypts the new VPC's flow logs; the flow-log group declares that CloudWatch Logs
   * needs it.
   * @default the stack's default key (`PlatformKey.of`)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long the new VPC's flow records are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * What happens to the flow-log group when it leaves the stack (the stack's default key, shared
   * with other constructs, is always kept). `SNAPSHOT` is refused: a log group has no snapshot.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** What the construct decides about its new VPC beyond the shared props. */
export interface NewVpcShape {
  readonly subnetConfiguration: ec2.SubnetConfiguration[];
  /** NAT gateways for `zones` Availability Zones (validated by the caller). */
  readonly natGateways: (zones: number) => number;
  readonly createInternetGateway?: boolean;
}

/** A VPC created from {@link NewVpcProps}, with its flow logs. */
export interface NewVpc {
  readonly vpc: ec2.Vpc;
  readonly flowLog: VpcFlowLog;
}

const ZONES_ACKNOWLEDGED = new WeakSet<Stack>();
const ZONE_NAME = /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/;
const ZONE_ID = /^[a-z]{3,5}\d+-az\d+$/;

/** Throws when a prop of {@link NewVpcProps} is set together with an existing VPC. */
export function rejectNewVpcPropsWithExistingVpc(scope: Construct, props: NewVpcProps & { readonly vpc?: ec2.IVpc }, more: Record<string, unknown>, why: string): void {
  rejectWith(scope, 'vpc', props.vpc !== undefined, {
    vpcCidr: props.vpcCidr,
    maxAzs: props.maxAzs,
    availabilityZones: props.availabilityZones,
    ...more,
    encryptionKey: props.encryptionKey,
    flowLogRetention: props.flowLogRetention,
    removalPolicy: props.removalPolicy,
  }, why);
}

/**
 * The locked-down VPC of {@link NewVpcProps} (default security group without rules) and its
 * flow logs, created in `scope` as `Vpc` and `FlowLog`.
 */
export function createNewVpc(scope: Construct, props: NewVpcProps, shape: NewVpcShape): NewVpc {
  if (props.vpcCidr !== undefined && Token.isUnresolved(props.vpcCidr)) {
    // The one place a token cannot be skipped: aws-cdk-lib divides the block into subnets at synth.
    throw new PlatformValidationError(scope, 'vpcCidr', '(token)', "Name the CIDR block literally (e.g. '10.0.0.0/16'): the new VPC is divided into subnets at synth time.");
  }
  const cidr = requireIpv4Cidr(scope, 'vpcCidr', props.vpcCidr ?? '10.0.0.0/16', 16, 28);
  requireLogGroupRemovalPolicy(scope, 'removalPolicy', props.removalPolicy);
  requireList(scope, 'availabilityZones', props.availabilityZones, 'Availability Zone names');
  const zones = props.availabilityZones ? requireAvailabilityZones(scope, props.availabilityZones, props.maxAzs) : undefined;
  let maxAzs: number | undefined;
  let zoneCount: number;
  if (!zones) {
    // Reading the stack's zones is the context lookup `availabilityZones` avoids: only here.
    const known = knownAvailabilityZones(scope);
    maxAzs = requireIntegerInRange(scope, 'maxAzs', props.maxAzs ?? 2, 1, known?.length ?? 6);
    zoneCount = isResolved(maxAzs) ? Math.min(maxAzs, Stack.of(scope).availabilityZones.length) : 2;
  } else {
    zoneCount = zones.length;
  }
  requireRoomForSubnets(scope, cidr, shape.subnetConfiguration.length * zoneCount, `${shape.subnetConfiguration.length} tier${shape.subnetConfiguration.length > 1 ? 's' : ''} x ${zoneCount} zone${zoneCount > 1 ? 's' : ''}`);
  const vpcProps: ec2.VpcProps = {
    ipAddresses: ec2.IpAddresses.cidr(cidr),
    ...(zones ? { availabilityZones: [...zones] } : { maxAzs }),
    natGateways: shape.natGateways(zones?.length ?? maxAzs!),
    subnetConfiguration: shape.subnetConfiguration,
    createInternetGateway: shape.createInternetGateway,
  };
  const vpc = zones ? withoutZoneLookup(scope, zones, () => lockedDownVpc(scope, 'Vpc', vpcProps)) : lockedDownVpc(scope, 'Vpc', vpcProps);
  const flowLog = new VpcFlowLog(scope, 'FlowLog', {
    vpc,
    encryptionKey: props.encryptionKey,
    retention: props.flowLogRetention,
    removalPolicy: props.removalPolicy,
  });
  return { vpc, flowLog };
}

/**
 * aws-cdk-lib splits the VPC evenly: `subnets` subnets get a prefix `ceil(log2(subnets))` longer
 * than the VPC's, and a subnet must be /28 or larger (Amazon VPC User Guide, "Subnet CIDR blocks").
 */
function requireRoomForSubnets(scope: Construct, cidr: string, subnets: number, layout: string): void {
  const parsed = isResolved(cidr) ? parseIpv4Cidr(cidr) : undefined;
  if (!parsed) return;
  const widest = 28 - Math.ceil(Math.log2(subnets));
  if (parsed.prefix > widest) {
    throw new PlatformValidationError(
      scope,
      'vpcCidr',
      cidr,
      `The new VPC holds ${subnets} subnets (${layout}), each at least /28, so it needs a prefix from /16 to /${widest}; use fewer zones (maxAzs) or a larger block.`,
    );
  }
}

/**
 * Zone names of the stack's Region (when it is known), unique, 1 to 6 of them; `maxAzs`, if set
 * too, must count the same (one source of truth for the number of zones).
 */
function requireAvailabilityZones(scope: Construct, zones: readonly string[], maxAzs: number | undefined): readonly string[] {
  if (Token.isUnresolved(zones)) {
    throw new PlatformValidationError(scope, 'availabilityZones', '(token)', 'Name the zones literally (e.g. [\'us-east-1a\', \'us-east-1b\']): the VPC lays out one subnet per zone at synth time.');
  }
  if (zones.length < 1 || zones.length > 6) {
    throw new PlatformValidationError(scope, 'availabilityZones', zones, 'Name 1 to 6 Availability Zones.');
  }
  const region = Stack.of(scope).region;
  zones.forEach((zone, i) => {
    if (!isResolved(zone)) return;
    const prop = `availabilityZones[${i}]`;
    if (ZONE_ID.test(zone)) {
      throw new PlatformValidationError(scope, prop, zone, 'That is a zone ID; name the zone (e.g. us-east-1a): zone names are what subnets are created in.');
    }
    const inRegion = isResolved(region) ? zone.length === region.length + 1 && zone.startsWith(region) && /[a-z]$/.test(zone) : ZONE_NAME.test(zone);
    if (!inRegion) {
      const example = isResolved(region) ? `${region}a` : 'us-east-1a';
      throw new PlatformValidationError(scope, prop, zone, `Must be an Availability Zone name of ${isResolved(region) ? `the stack's Region ${region}` : 'a Region'}, such as ${example}.`);
    }
  });
  const duplicates = zones.filter((z, i) => zones.indexOf(z) !== i);
  if (duplicates.length) throw new PlatformValidationError(scope, 'availabilityZones', zones, `Name each zone once (repeated: ${[...new Set(duplicates)].join(', ')}).`);
  if (maxAzs !== undefined && isResolved(maxAzs) && maxAzs !== zones.length) {
    throw new PlatformValidationError(scope, 'maxAzs', maxAzs, `availabilityZones names ${zones.length} zones: leave maxAzs unset, or set it to ${zones.length}.`);
  }
  return zones;
}

/**
 * Runs `build` with the stack's zones answered by `zones`. aws-cdk-lib's Vpc reads
 * `stack.availabilityZones` even when given `availabilityZones` (to check them), and in an
 * account-bound stack that read is a context lookup: without this, naming the zones would still
 * leave a missing-context entry in the assembly, which `cdk synth` resolves by calling the account.
 */
function withoutZoneLookup<T>(scope: Construct, zones: readonly string[], build: () => T): T {
  const stack = Stack.of(scope);
  Object.defineProperty(stack, 'availabilityZones', { value: [...zones], configurable: true });
  let built: T;
  try {
    built = build();
  } finally {
    delete (stack as { availabilityZones?: string[] }).availabilityZones;
  }
  // The zones are literal in the template, as after a lookup: what aws-cdk-lib acknowledges
  // (cfn-lint W3010) whenever a stack's zones are read, recorded here (once) since they were not.
  if (!ZONES_ACKNOWLEDGED.has(stack)) {
    ZONES_ACKNOWLEDGED.add(stack);
    Validations.of(stack).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason: "Literal AZs in template are the availabilityZones the new VPC was given, in the stack's Region: this is expected and safe",
    });
  }
  return built;
}
