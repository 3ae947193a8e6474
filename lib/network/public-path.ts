import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { requireIntegerInRange, requireIpv4Cidr } from '../core/validate';
import { knownAvailabilityZones, rejectWith } from './network-validation';
import { lockedDownVpc } from './locked-down-vpc';
import { VpcFlowLog } from './vpc-flow-log';

/** Properties of a {@link PublicPath}. */
export interface PublicPathProps {
  /**
   * An existing VPC that already reaches the internet through NAT (e.g. `Vpc.fromVpcAttributes`
   * with `privateSubnetIds`). Nothing is created in it; its private-with-egress subnets become the
   * application subnets. Cannot be combined with the props that shape a new VPC.
   * @default a new VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * CIDR block of the new VPC (AWS allows /16 to /28).
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;
  /**
   * Number of Availability Zones of the new VPC.
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * NAT gateways of the new VPC: 1 for development (one zone's outage cuts egress), one per
   * Availability Zone for production.
   * @default one per Availability Zone (maxAzs)
   */
  readonly natGateways?: number;
  /**
   * Key that encrypts the flow logs; the flow-log group declares that CloudWatch Logs needs it.
   * @default the stack's default key (`PlatformKey.of`)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long flow records are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * What happens to the flow-log group when it leaves the stack (the stack's default key, shared
   * with other constructs, is always kept).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const NIST_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];

/**
 * Path 1, the public internet: applications in private subnets reach the public Bedrock endpoints
 * through NAT gateways and an internet gateway. The new VPC has public subnets that hold only the
 * NAT gateways (no public IPs on launch), private-with-egress application subnets, flow logs to an
 * encrypted log group, and its default security group stripped of every rule.
 */
export class PublicPath extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** Where applications run: the private subnets with a route to NAT. */
  public readonly applicationSubnets: ec2.SubnetSelection;
  /** Flow logs of the new VPC (none for an existing VPC: its owner runs them). */
  public readonly flowLog?: VpcFlowLog;

  constructor(scope: Construct, id: string, props: PublicPathProps = {}) {
    super(scope, id);
    this.applicationSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    rejectWith(this, 'vpc', props.vpc !== undefined, {
      cidr: props.cidr,
      maxAzs: props.maxAzs,
      natGateways: props.natGateways,
      encryptionKey: props.encryptionKey,
      flowLogRetention: props.flowLogRetention,
      removalPolicy: props.removalPolicy,
    }, 'they shape a VPC this construct creates, and an existing VPC keeps its own NAT, subnets and flow logs.');

    if (props.vpc) {
      this.vpc = props.vpc;
      if (props.vpc.privateSubnets.length === 0) {
        throw new PlatformValidationError(this, 'vpc', props.vpc.vpcId, 'The VPC has no private subnets with a route to NAT; import it with privateSubnetIds, or use BedrockPrivateLink for a VPC without internet egress.');
      }
      return;
    }

    const cidr = requireIpv4Cidr(this, 'cidr', props.cidr ?? '10.0.0.0/16', 16, 28);
    const zones = knownAvailabilityZones(this);
    const maxAzs = requireIntegerInRange(this, 'maxAzs', props.maxAzs ?? 2, 1, zones?.length ?? 6);
    const natGateways = requireIntegerInRange(this, 'natGateways', props.natGateways ?? maxAzs, 1, maxAzs);

    const vpc = lockedDownVpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      maxAzs,
      natGateways,
      subnetConfiguration: [
        // NAT gateways get Elastic IPs: nothing else in these subnets needs a public address.
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'Application', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
    });
    for (const subnet of vpc.publicSubnets) {
      for (const pack of NIST_PACKS) {
        Validations.of(subnet).acknowledge({
          id: `${pack}::${pack}-VPCNoUnrestrictedRouteToIGW`,
          reason: 'This is the public path by design: the NAT gateways in this subnet reach the public Bedrock endpoint through the internet gateway. The subnet holds only NAT gateways; applications run in private subnets whose default route goes to NAT.',
        });
      }
    }
    this.vpc = vpc;
    this.flowLog = new VpcFlowLog(this, 'FlowLog', {
      vpc,
      encryptionKey: props.encryptionKey,
      retention: props.flowLogRetention,
      removalPolicy: props.removalPolicy,
    });
  }
}
