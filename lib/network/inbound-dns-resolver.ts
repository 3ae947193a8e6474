import { Names, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { isResolved, parseIpv4Cidr, requireIpv4Cidr, requireNonEmpty, requirePattern } from '../core/validate';
import {
  cidrsOverlap, INBOUND_RULES_PER_SECURITY_GROUP, knownSubnetCidr, requireList, requireProps, requireVpc, subnetsAcrossZones,
} from './network-validation';

/** Properties of an {@link InboundDnsResolver}. */
export interface InboundDnsResolverProps {
  /** The VPC whose private DNS names (the Bedrock endpoints' included) on-premises clients resolve. */
  readonly vpc: ec2.IVpc;
  /** On-premises networks whose DNS forwarders may query the resolver (TCP and UDP 53). */
  readonly onPremisesCidrs: readonly string[];
  /**
   * Subnets for the resolver's network interfaces: one per Availability Zone, 2 to 6 zones.
   * @default the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Fixed IP addresses for the interfaces, one per selected subnet in order, so the forwarders'
   * configuration survives a replacement of the endpoint.
   * @default addresses chosen by Route 53 Resolver
   */
  readonly ipAddresses?: readonly string[];
  /**
   * Name shown in the Route 53 console: up to 64 letters, digits, hyphens, underscores and spaces,
   * not only digits.
   * @default a name derived from the construct path
   */
  readonly name?: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Route 53 Resolver endpoint names (API reference, CreateResolverEndpoint `Name`). */
const RESOLVER_NAME = /^(?!\d+$)[a-zA-Z0-9\-_ ]{1,64}$/;

/** Rules per on-premises network: DNS over TCP and over UDP. */
const RULES_PER_CIDR = 2;

/**
 * A Route 53 Resolver inbound endpoint: the address on-premises DNS forwarders send queries for
 * the VPC's private names to (forwarding to the VPC's `.2` resolver from outside is not
 * supported). Its security group admits DNS, TCP and UDP 53, from the on-premises networks only.
 */
export class InboundDnsResolver extends Construct {
  /** The resolver endpoint. */
  public readonly endpoint: route53resolver.CfnResolverEndpoint;
  /** Its security group. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The endpoint ID (`rslvr-in-...`); list its addresses with `aws route53resolver list-resolver-endpoint-ip-addresses`. */
  public readonly resolverEndpointId: string;
  /** The fixed addresses, when given. */
  public readonly ipAddresses?: readonly string[];

  constructor(scope: Construct, id: string, props: InboundDnsResolverProps) {
    super(scope, id);
    props = requireProps(this, props, "{ vpc, onPremisesCidrs: ['192.168.0.0/16'] }");
    const vpc = requireVpc(this, 'vpc', props.vpc);
    requireList(this, 'onPremisesCidrs', props.onPremisesCidrs, 'IPv4 CIDR blocks', true);
    const cidrs = requireNonEmpty(this, 'onPremisesCidrs', props.onPremisesCidrs, 'Name the on-premises networks whose DNS forwarders query the resolver.');
    // /8 at the widest: a wider source would open DNS to a large part of the address space.
    cidrs.forEach((c, i) => requireIpv4Cidr(this, `onPremisesCidrs[${i}]`, c, 8, 32));
    if (isResolved(cidrs) && cidrs.length * RULES_PER_CIDR > INBOUND_RULES_PER_SECURITY_GROUP) {
      throw new PlatformValidationError(this, 'onPremisesCidrs', `${cidrs.length} CIDR blocks`, `The resolver's security group gets ${RULES_PER_CIDR} rules per network (DNS over TCP and UDP) and holds ${INBOUND_RULES_PER_SECURITY_GROUP} by default: name at most ${INBOUND_RULES_PER_SECURITY_GROUP / RULES_PER_CIDR} networks, summarizing adjacent ones.`);
    }
    if (props.name !== undefined) {
      requirePattern(this, 'name', props.name, RESOLVER_NAME, 'up to 64 letters, digits, hyphens, underscores and spaces, and not only digits');
    }
    requireList(this, 'ipAddresses', props.ipAddresses, 'IPv4 addresses', true);
    const subnets = subnetsAcrossZones(this, 'subnets', vpc, props.subnets, 2, 6);

    if (props.ipAddresses !== undefined && !Token.isUnresolved(props.ipAddresses)) {
      props.ipAddresses.forEach((ip, i) => {
        const m = IPV4.exec(ip);
        if (isResolved(ip) && (typeof ip !== 'string' || !m || m.slice(1).some((o) => Number(o) > 255))) {
          throw new PlatformValidationError(this, `ipAddresses[${i}]`, ip, 'Must be an IPv4 address such as 10.0.1.10.');
        }
        const subnetCidr = subnets[i] && knownSubnetCidr(subnets[i]);
        if (isResolved(ip) && subnetCidr && !cidrsOverlap(`${ip}/32`, subnetCidr)) {
          throw new PlatformValidationError(this, `ipAddresses[${i}]`, ip, `Must be inside subnet ${subnets[i].subnetId} (${subnetCidr}).`);
        }
        const reserved = subnetCidr && isResolved(ip) ? reservedAddress(ip, subnetCidr) : undefined;
        if (reserved) {
          throw new PlatformValidationError(this, `ipAddresses[${i}]`, ip, `AWS reserves it in subnet ${subnets[i].subnetId} (${subnetCidr}): ${reserved}. Use an address from the fifth to the second-to-last of the subnet.`);
        }
      });
      if (props.ipAddresses.length !== subnets.length) {
        throw new PlatformValidationError(this, 'ipAddresses', props.ipAddresses, `Give one address per selected subnet (${subnets.length}: ${subnets.map((s) => s.subnetId).join(', ')}).`);
      }
      this.ipAddresses = props.ipAddresses;
    }

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Route 53 Resolver inbound endpoint: DNS from on-premises networks only',
      // Replies to admitted queries pass through connection tracking; the endpoint opens nothing itself.
      allowAllOutbound: false,
    });
    for (const cidr of cidrs) {
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(53), `DNS over TCP from on-premises ${cidr}`);
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.udp(53), `DNS over UDP from on-premises ${cidr}`);
    }

    this.endpoint = new route53resolver.CfnResolverEndpoint(this, 'Resource', {
      direction: 'INBOUND',
      name: props.name ?? Names.uniqueResourceName(this, { maxLength: 64 }),
      securityGroupIds: [this.securityGroup.securityGroupId],
      ipAddresses: subnets.map((s, i) => ({ subnetId: s.subnetId, ip: props.ipAddresses?.[i] })),
      protocols: ['Do53'],
    });
    this.resolverEndpointId = this.endpoint.attrResolverEndpointId;
  }
}

/**
 * What AWS reserves `ip` for in `subnetCidr`, if anything: the first four addresses (network, VPC
 * router, DNS, future use) and the last (broadcast) of every subnet (Amazon VPC User Guide,
 * "Subnet CIDR blocks": https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
 */
function reservedAddress(ip: string, subnetCidr: string): string | undefined {
  const subnet = parseIpv4Cidr(subnetCidr);
  const address = parseIpv4Cidr(`${ip}/32`);
  if (!subnet || !address) return undefined;
  const offset = address.network - subnet.network;
  const last = 2 ** (32 - subnet.prefix) - 1;
  const reasons = ['the network address', 'the VPC router', 'the Amazon DNS server', 'future use'];
  if (offset >= 0 && offset < reasons.length) return reasons[offset];
  if (offset === last) return 'the broadcast address';
  return undefined;
}
