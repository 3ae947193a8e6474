import { Names, Tokenization } from 'aws-cdk-lib';
import * as directconnect from 'aws-cdk-lib/aws-directconnect';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { ASSOCIATED_GATEWAY_ASN_METADATA, AWS_DEFAULT_GATEWAY_ASN } from '../core/gateway-asn';
import { isResolved, requireIntegerInRange, requireIpv4Cidr, requireNonEmpty, requirePattern } from '../core/validate';
import { IBedrockPrivateLink } from './bedrock-private-link';
import { InboundDnsResolver } from './inbound-dns-resolver';
import { cidrsOverlap, knownVpcCidr, rejectWith, requireList, requireProps, requireVpc, routeTableIdsOf, subnetsAcrossZones } from './network-validation';
import { vpcRecord } from './vpc-registry';

/** A virtual interface on an existing Direct Connect connection (its type follows the association). */
export interface DirectConnectVirtualInterfaceOptions {
  /** The connection or LAG, e.g. `dxcon-fg5678gh` or `dxlag-ffrz71kw`. */
  readonly connectionId: string;
  /** The VLAN the provider assigned (1 to 4094). */
  readonly vlan: number;
  /** BGP ASN of the on-premises router (1 to 2147483647); must differ from the gateway's. */
  readonly customerAsn: number;
  /**
   * BGP peer address of the AWS side, e.g. `169.254.100.1/30`. Give both addresses or neither.
   * @default assigned by AWS
   */
  readonly amazonAddress?: string;
  /**
   * BGP peer address of the on-premises side, e.g. `169.254.100.2/30`.
   * @default assigned by AWS
   */
  readonly customerAddress?: string;
  /**
   * MTU: 1500 or 9001 (jumbo) for a private VIF, 1500 or 8500 for a transit VIF.
   * @default 1500
   */
  readonly mtu?: number;
  /**
   * Name of the virtual interface (a-z, 0-9, hyphens).
   * @default 'bedrock-platform-vlan-<vlan>'
   */
  readonly name?: string;
}

/** Properties of a {@link DirectConnectPath}. */
export interface DirectConnectPathProps {
  /** The VPC that holds the Bedrock endpoints, usually an existing one (`Vpc.fromVpcAttributes`). */
  readonly vpc: ec2.IVpc;
  /** The corporate networks that reach Bedrock over Direct Connect. */
  readonly onPremisesCidrs: readonly string[];
  /**
   * An existing Direct Connect gateway to associate with.
   * @default a new Direct Connect gateway
   */
  readonly directConnectGatewayId?: string;
  /**
   * Private BGP ASN of a new Direct Connect gateway (64512-65534 or 4200000000-4294967294). It must
   * differ from the ASN of the transit or virtual private gateway it is associated with.
   * @default 64513 (`DEFAULT_DIRECT_CONNECT_GATEWAY_ASN`): not 64512, which AWS gives every transit and virtual private gateway created without an ASN
   */
  readonly directConnectGatewayAsn?: number;
  /**
   * Name of a new Direct Connect gateway: 1 to 100 letters, digits, spaces and `_ - , /`.
   * @default a name derived from the construct path
   */
  readonly directConnectGatewayName?: string;
  /**
   * Associate the Direct Connect gateway with this transit gateway instead of a virtual private
   * gateway (`tgw-...`).
   * @default a virtual private gateway on the VPC
   */
  readonly transitGatewayId?: string;
  /**
   * Amazon-side ASN of the transit gateway (`transitGatewayId`), when known: a Direct Connect
   * gateway with the same ASN is rejected at synth time, since AWS refuses the association.
   * @default unknown, not checked (a transit gateway created without an ASN has 64512, which the default Direct Connect gateway ASN avoids)
   */
  readonly transitGatewayAsn?: number;
  /**
   * With a transit gateway: attach the VPC to it and route the on-premises networks to it from the
   * endpoint subnets. Turn off when the network team owns the attachment.
   * @default true
   */
  readonly attachVpcToTransitGateway?: boolean;
  /**
   * An existing virtual private gateway already attached to the VPC (`vgw-...`). Its route
   * propagation stays as its owner set it.
   * @default the imported VPC's vpnGatewayId, else a new gateway attached to the VPC with route propagation
   */
  readonly vpnGatewayId?: string;
  /**
   * Amazon-side ASN of the virtual private gateway: for a new gateway, the private ASN it is created
   * with; for an existing one, its ASN, when known. Either way it must differ from the Direct
   * Connect gateway's ASN (checked at synth time when both are known).
   * @default a new gateway gets 64512 (AWS's default); an existing gateway's ASN is unknown, not checked
   */
  readonly vpnGatewayAsn?: number;
  /**
   * VPC prefixes the Direct Connect gateway advertises on premises.
   * @default the VPC's CIDR block (it must then be known)
   */
  readonly allowedPrefixes?: readonly string[];
  /**
   * Subnets of the Bedrock endpoints and the DNS resolver; their route tables get the routes back
   * to the on-premises networks.
   * @default the private link's subnets, else the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Fixed IP addresses of the inbound DNS resolver, one per selected subnet.
   * @default addresses chosen by Route 53 Resolver
   */
  readonly resolverIpAddresses?: readonly string[];
  /**
   * A virtual interface to create on an existing connection: private with a virtual private
   * gateway, transit with a transit gateway.
   * @default none: the interface exists already or is created by the connection owner
   */
  readonly virtualInterface?: DirectConnectVirtualInterfaceOptions;
  /**
   * The Bedrock endpoints on-premises clients call: their security groups admit the on-premises
   * networks on TCP 443.
   * @default none: admit them yourself
   */
  readonly privateLink?: IBedrockPrivateLink;
}

const DX_GATEWAY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CONNECTION_ID = /^dx(con|lag)-[a-z0-9]{8,}$/;
const VIF_NAME = /^[a-z0-9-]{1,100}$/;
/** The CloudFormation schema of AWS::DirectConnect::DirectConnectGateway (DirectConnectGatewayName). */
const DX_GATEWAY_NAME = /^[A-Za-z0-9_ ,/-]{1,100}$/;
const PEER_ADDRESS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(30|31)$/;

/**
 * Amazon-side ASN AWS gives a transit gateway, a virtual private gateway and a Direct Connect
 * gateway created without one (EC2 API TransitGatewayRequestOptions and CreateVpnGateway; Direct
 * Connect API CreateDirectConnectGateway).
 */

/**
 * Amazon-side ASN of a Direct Connect gateway this library creates, unless told otherwise. A Direct
 * Connect gateway cannot be associated with a transit gateway of the same ASN (AWS Direct Connect
 * User Guide, "Create a transit virtual interface to the Direct Connect gateway": "if you use the
 * default ASN 64512 for both the transit gateway and the Direct Connect gateway, the association
 * request fails"), and every AWS gateway defaults to 64512. 64513 is the first private 16-bit ASN
 * after AWS's default, and stays clear of the 65000-65534 block on-premises routers commonly use
 * (their ASN must differ too, see `virtualInterface.customerAsn`); 16-bit, because 4-byte ASNs are
 * not supported by every on-premises BGP stack.
 */
export const DEFAULT_DIRECT_CONNECT_GATEWAY_ASN = 64513;

/**
 * Path 3, Direct Connect: corporate network -> Direct Connect gateway -> virtual private gateway
 * (or transit gateway) -> the VPC's Bedrock endpoints. Adds the association with its allowed
 * prefixes, optionally the virtual interface, a Route 53 Resolver inbound endpoint so on-premises
 * DNS resolves the endpoints' private names, and admits the on-premises networks to the endpoints
 * on 443. Creates no route to the internet.
 */
export class DirectConnectPath extends Construct {
  /** The Direct Connect gateway ID (new or given). */
  public readonly directConnectGatewayId: string;
  /** The gateway the Direct Connect gateway is associated with (`vgw-...` or `tgw-...`). */
  public readonly associatedGatewayId: string;
  /** The association. */
  public readonly association: directconnect.CfnDirectConnectGatewayAssociation;
  /** The inbound resolver on-premises DNS forwards to. */
  public readonly resolver: InboundDnsResolver;
  /** The virtual interface, when one was requested. */
  public readonly virtualInterface?: directconnect.CfnPrivateVirtualInterface | directconnect.CfnTransitVirtualInterface;

  constructor(scope: Construct, id: string, props: DirectConnectPathProps) {
    super(scope, id);
    props = requireProps(this, props, "{ vpc, onPremisesCidrs: ['192.168.0.0/16'] }");
    const vpc = requireVpc(this, 'vpc', props.vpc);
    // A repeated network is refused rather than dropped: it is most likely a typo for another one,
    // and it would add the same route twice (CloudFormation fails the second).
    requireList(this, 'onPremisesCidrs', props.onPremisesCidrs, 'IPv4 CIDR blocks', true);
    requireList(this, 'allowedPrefixes', props.allowedPrefixes, 'IPv4 CIDR blocks', true);
    requireList(this, 'resolverIpAddresses', props.resolverIpAddresses, 'IPv4 addresses', true);
    if (props.privateLink !== undefined && typeof (props.privateLink as Partial<IBedrockPrivateLink> | null)?.allowClients !== 'function') {
      throw new PlatformValidationError(this, 'privateLink', props.privateLink, 'Must be a BedrockPrivateLink, or one imported with BedrockPrivateLink.fromPrivateLinkAttributes.');
    }
    const onPremises = requireNonEmpty(this, 'onPremisesCidrs', props.onPremisesCidrs, 'Name the corporate networks that reach Bedrock over Direct Connect.');
    onPremises.forEach((c, i) => requireIpv4Cidr(this, `onPremisesCidrs[${i}]`, c, 8, 32));
    const vpcCidr = knownVpcCidr(vpc);
    onPremises.forEach((c, i) => {
      if (vpcCidr && isResolved(c) && cidrsOverlap(c, vpcCidr)) {
        throw new PlatformValidationError(this, `onPremisesCidrs[${i}]`, c, `It overlaps the VPC CIDR ${vpcCidr}: traffic to it would never leave the VPC.`);
      }
    });

    rejectWith(this, 'directConnectGatewayId', props.directConnectGatewayId !== undefined, {
      directConnectGatewayAsn: props.directConnectGatewayAsn,
      directConnectGatewayName: props.directConnectGatewayName,
    }, 'they configure a new Direct Connect gateway.');
    rejectWith(this, 'transitGatewayId', props.transitGatewayId !== undefined, { vpnGatewayId: props.vpnGatewayId, vpnGatewayAsn: props.vpnGatewayAsn }, 'the Direct Connect gateway is associated with one or the other.');
    for (const [prop, value] of Object.entries({ attachVpcToTransitGateway: props.attachVpcToTransitGateway, transitGatewayAsn: props.transitGatewayAsn })) {
      if (props.transitGatewayId === undefined && value !== undefined) {
        throw new PlatformValidationError(this, prop, value, 'It only applies with transitGatewayId; without one the path uses a virtual private gateway.');
      }
    }

    const allowedPrefixes = props.allowedPrefixes ?? (vpcCidr ? [vpcCidr] : undefined);
    if (!allowedPrefixes) {
      throw new PlatformValidationError(this, 'allowedPrefixes', undefined, 'The VPC CIDR is unknown (import the VPC with vpcCidrBlock), so name the prefixes to advertise.');
    }
    requireNonEmpty(this, 'allowedPrefixes', allowedPrefixes, 'Advertise at least the prefix of the endpoint subnets.');
    allowedPrefixes.forEach((p, i) => requireIpv4Cidr(this, `allowedPrefixes[${i}]`, p, 8, 28));

    const subnetSelection = props.subnets ?? props.privateLink?.applicationSubnets;
    const subnets = subnetsAcrossZones(this, 'subnets', vpc, subnetSelection, 2, 6);

    // Direct Connect gateway.
    let gatewayAsn: number | undefined;
    if (props.directConnectGatewayId !== undefined) {
      requirePattern(this, 'directConnectGatewayId', props.directConnectGatewayId, DX_GATEWAY_ID, 'a Direct Connect gateway ID (a UUID such as 5f294f92-bafb-4011-916d-9b0b01234567)');
      this.directConnectGatewayId = props.directConnectGatewayId;
    } else {
      gatewayAsn = this.requirePrivateAsn('directConnectGatewayAsn', props.directConnectGatewayAsn ?? DEFAULT_DIRECT_CONNECT_GATEWAY_ASN);
      if (props.directConnectGatewayName !== undefined) {
        requirePattern(this, 'directConnectGatewayName', props.directConnectGatewayName, DX_GATEWAY_NAME, '1 to 100 letters, digits, spaces, underscores, hyphens, commas and slashes');
      }
      const gateway = new directconnect.CfnDirectConnectGateway(this, 'Gateway', {
        directConnectGatewayName: props.directConnectGatewayName ?? Names.uniqueResourceName(this, { maxLength: 100, separator: '-' }),
        // stringifyNumber keeps a token ASN a reference (String() would print the token's number).
        amazonSideAsn: Tokenization.stringifyNumber(gatewayAsn),
      });
      this.directConnectGatewayId = gateway.attrDirectConnectGatewayId;
    }

    // The gateway on the AWS side.
    let dependency: Construct | undefined;
    if (props.transitGatewayId !== undefined) {
      requirePattern(this, 'transitGatewayId', props.transitGatewayId, /^tgw-[0-9a-f]{8,17}$/, 'a transit gateway ID such as tgw-0123456789abcdef0');
      if (props.transitGatewayAsn !== undefined) {
        this.rejectSameAsn(gatewayAsn, this.requirePrivateAsn('transitGatewayAsn', props.transitGatewayAsn), "transit gateway's", `transitGatewayAsn ${props.transitGatewayAsn}`);
      }
      this.associatedGatewayId = props.transitGatewayId;
      if (props.attachVpcToTransitGateway ?? true) {
        const routeTables = routeTableIdsOf(this, 'subnets', subnets);
        const attachment = new ec2.CfnTransitGatewayVpcAttachment(this, 'TransitGatewayAttachment', {
          transitGatewayId: props.transitGatewayId,
          vpcId: vpc.vpcId,
          subnetIds: subnets.map((s) => s.subnetId),
        });
        const routes = vpcRecord(vpc).routes;
        routeTables.forEach((rt, r) =>
          onPremises.forEach((cidr, c) => {
            const key = `${rt}|${cidr}`;
            const owner = routes.get(key);
            if (owner !== undefined && isResolved(cidr)) {
              throw new PlatformValidationError(this, `onPremisesCidrs[${c}]`, cidr, `${owner} already routes it from route table ${rt} of this VPC; a route table takes one route per destination. Use one Direct Connect path per VPC, or leave attachVpcToTransitGateway off here.`);
            }
            routes.set(key, this.node.path);
            const route = new ec2.CfnRoute(this, `OnPremisesRoute${r}x${c}`, { routeTableId: rt, destinationCidrBlock: cidr, transitGatewayId: props.transitGatewayId });
            route.node.addDependency(attachment);
          }),
        );
      }
    } else {
      const existing = props.vpnGatewayId ?? vpc.vpnGatewayId;
      if (existing !== undefined) {
        requirePattern(this, 'vpnGatewayId', existing, /^vgw-[0-9a-f]{8,17}$/, 'a virtual private gateway ID such as vgw-0123456789abcdef0');
        if (props.vpnGatewayAsn !== undefined) {
          // An older gateway may carry a public Amazon ASN (such as 7224): accept any valid ASN.
          const asn = requireIntegerInRange(this, 'vpnGatewayAsn', props.vpnGatewayAsn, 1, 4294967294);
          this.rejectSameAsn(gatewayAsn, asn, "virtual private gateway's", `vpnGatewayAsn ${asn}`);
        }
        this.associatedGatewayId = existing;
      } else {
        const record = vpcRecord(vpc);
        if (record.vpnGateway) {
          throw new PlatformValidationError(
            this,
            'vpnGatewayId',
            undefined,
            `${record.vpnGateway.owner} already attaches a virtual private gateway to this VPC, and a VPC takes one: use one Direct Connect path per VPC (name every on-premises network in its onPremisesCidrs), or a transit gateway (transitGatewayId).`,
          );
        }
        const routeTables = routeTableIdsOf(this, 'subnets', subnets);
        const vgwAsn = this.requirePrivateAsn('vpnGatewayAsn', props.vpnGatewayAsn ?? AWS_DEFAULT_GATEWAY_ASN);
        const source = props.vpnGatewayAsn === undefined ? `${vgwAsn}, the default of vpnGatewayAsn for a new gateway` : `vpnGatewayAsn ${vgwAsn}`;
        this.rejectSameAsn(gatewayAsn, vgwAsn, "virtual private gateway's", source);
        // AWS's default is left implicit: writing it out would replace gateways deployed without it.
        const vgw = new ec2.CfnVPNGateway(this, 'VpnGateway', { type: 'ipsec.1', amazonSideAsn: props.vpnGatewayAsn });
        const attachment = new ec2.CfnVPCGatewayAttachment(this, 'VpnGatewayAttachment', { vpcId: vpc.vpcId, vpnGatewayId: vgw.ref });
        // Routes learned over BGP (the on-premises prefixes) reach the endpoint subnets' route tables.
        const propagation = new ec2.CfnVPNGatewayRoutePropagation(this, 'RoutePropagation', { routeTableIds: routeTables, vpnGatewayId: vgw.ref });
        propagation.node.addDependency(attachment);
        this.associatedGatewayId = vgw.ref;
        record.vpnGateway = { owner: this.node.path, id: vgw.ref };
        dependency = attachment;
      }
    }

    this.association = new directconnect.CfnDirectConnectGatewayAssociation(this, 'Association', {
      directConnectGatewayId: this.directConnectGatewayId,
      associatedGatewayId: this.associatedGatewayId,
      allowedPrefixesToDirectConnectGateway: [...allowedPrefixes],
    });
    if (dependency) this.association.node.addDependency(dependency);
    // The ASN of an existing gateway, when the user told us: the pre-deploy checks compare it with
    // the Direct Connect gateway's instead of assuming AWS's default.
    const knownAsn = props.transitGatewayAsn ?? (props.vpnGatewayId ? props.vpnGatewayAsn : undefined);
    if (knownAsn !== undefined && isResolved(knownAsn)) this.association.addMetadata(ASSOCIATED_GATEWAY_ASN_METADATA, knownAsn);

    if (props.virtualInterface) {
      this.virtualInterface = this.createVirtualInterface(props.virtualInterface, props.transitGatewayId !== undefined, gatewayAsn);
    }

    this.resolver = new InboundDnsResolver(this, 'Resolver', {
      vpc,
      onPremisesCidrs: onPremises,
      subnets: subnetSelection,
      ipAddresses: props.resolverIpAddresses,
    });
    props.privateLink?.allowClients(...onPremises.map((c) => ec2.Peer.ipv4(c)));
  }

  private createVirtualInterface(options: DirectConnectVirtualInterfaceOptions, transit: boolean, gatewayAsn: number | undefined) {
    requirePattern(this, 'virtualInterface.connectionId', options.connectionId, CONNECTION_ID, 'a Direct Connect connection or LAG ID such as dxcon-fg5678gh or dxlag-ffrz71kw');
    const vlan = requireIntegerInRange(this, 'virtualInterface.vlan', options.vlan, 1, 4094);
    const customerAsn = requireIntegerInRange(this, 'virtualInterface.customerAsn', options.customerAsn, 1, 2147483647);
    if (gatewayAsn !== undefined && isResolved(customerAsn) && customerAsn === gatewayAsn) {
      throw new PlatformValidationError(this, 'virtualInterface.customerAsn', customerAsn, `It equals the Direct Connect gateway's ASN; BGP needs a different ASN on each side.`);
    }
    const mtus = transit ? [1500, 8500] : [1500, 9001];
    const mtu = options.mtu ?? 1500;
    if (isResolved(mtu) && !mtus.includes(mtu)) {
      throw new PlatformValidationError(this, 'virtualInterface.mtu', mtu, `Allowed values for a ${transit ? 'transit' : 'private'} virtual interface: ${mtus.join(', ')}.`);
    }
    const name = options.name ?? `bedrock-platform-vlan-${vlan}`;
    requirePattern(this, 'virtualInterface.name', name, VIF_NAME, 'lowercase letters, digits and hyphens, 1 to 100 characters');
    this.validatePeerAddresses(options.amazonAddress, options.customerAddress);

    const bgpPeers = [{ addressFamily: 'ipv4', asn: Tokenization.stringifyNumber(customerAsn), amazonAddress: options.amazonAddress, customerAddress: options.customerAddress }];
    const common = { connectionId: options.connectionId, vlan, bgpPeers, mtu, virtualInterfaceName: name, directConnectGatewayId: this.directConnectGatewayId };
    return transit
      ? new directconnect.CfnTransitVirtualInterface(this, 'TransitVirtualInterface', common)
      : new directconnect.CfnPrivateVirtualInterface(this, 'PrivateVirtualInterface', common);
  }

  private requirePrivateAsn(prop: string, asn: number): number {
    if (isResolved(asn) && !isPrivateAsn(asn)) {
      throw new PlatformValidationError(this, prop, asn, 'Must be a private ASN: 64512 to 65534, or 4200000000 to 4294967294.');
    }
    return asn;
  }

  /**
   * The Direct Connect gateway (new, so its ASN is known) and the gateway it is associated with need
   * different ASNs: AWS fails the association otherwise. Skipped when either is a token.
   */
  private rejectSameAsn(dxAsn: number | undefined, otherAsn: number, other: string, source: string): void {
    if (dxAsn !== undefined && isResolved(dxAsn) && isResolved(otherAsn) && dxAsn === otherAsn) {
      throw new PlatformValidationError(
        this,
        'directConnectGatewayAsn',
        dxAsn,
        `It equals the ${other} ASN (${source}): a Direct Connect gateway cannot be associated with a gateway of the same ASN. Give one of them another private ASN (the Direct Connect gateway defaults to ${DEFAULT_DIRECT_CONNECT_GATEWAY_ASN}).`,
      );
    }
  }

  private validatePeerAddresses(amazon: string | undefined, customer: string | undefined): void {
    if ((amazon === undefined) !== (customer === undefined)) {
      const [prop, value] = amazon === undefined ? ['virtualInterface.customerAddress', customer] : ['virtualInterface.amazonAddress', amazon];
      throw new PlatformValidationError(this, prop, value, 'Give both BGP peer addresses (amazonAddress and customerAddress) or neither.');
    }
    if (amazon === undefined || customer === undefined || !isResolved(amazon) || !isResolved(customer)) return;
    const parse = (prop: string, value: string) => {
      const m = PEER_ADDRESS.exec(value);
      if (!m || m.slice(1, 5).some((o) => Number(o) > 255)) {
        throw new PlatformValidationError(this, prop, value, 'Must be an IPv4 address with a /30 or /31 prefix, such as 169.254.100.1/30.');
      }
      const address = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
      return { address, prefix: Number(m[5]) };
    };
    const a = parse('virtualInterface.amazonAddress', amazon);
    const c = parse('virtualInterface.customerAddress', customer);
    const size = 2 ** (32 - a.prefix);
    // In a /30 the first and last addresses are the network and broadcast addresses.
    const usable = (x: { address: number }) => a.prefix === 31 || (x.address % size !== 0 && x.address % size !== size - 1);
    if (a.prefix !== c.prefix || Math.floor(a.address / size) !== Math.floor(c.address / size) || a.address === c.address || !usable(a) || !usable(c)) {
      throw new PlatformValidationError(this, 'virtualInterface.customerAddress', customer, `Must be a different usable address in the same /${a.prefix} as amazonAddress ${amazon}.`);
    }
  }
}

function isPrivateAsn(asn: number): boolean {
  return Number.isInteger(asn) && ((asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294));
}
