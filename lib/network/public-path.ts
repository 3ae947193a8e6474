import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { requireIntegerInRange } from '../core/validate';
import { requireProps, requireVpc } from './network-validation';
import { createNewVpc, NewVpcProps, rejectNewVpcPropsWithExistingVpc } from './new-vpc';
import { VpcFlowLog } from './vpc-flow-log';

/** Properties of a {@link PublicPath}. */
export interface PublicPathProps extends NewVpcProps {
  /**
   * An existing VPC that already reaches the internet through NAT (e.g. `Vpc.fromVpcAttributes`
   * with `privateSubnetIds`). Nothing is created in it; its private-with-egress subnets become the
   * application subnets. Cannot be combined with the props that shape a new VPC.
   * @default a new VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * NAT gateways of the new VPC: 1 for development (one zone's outage cuts egress), one per
   * Availability Zone for production.
   * @default one per Availability Zone
   */
  readonly natGateways?: number;
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
    props = requireProps(this, props ?? {}, '{} (a new VPC), or { vpc }');
    this.applicationSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    rejectNewVpcPropsWithExistingVpc(this, props, { natGateways: props.natGateways }, 'they shape a VPC this construct creates, and an existing VPC keeps its own NAT, subnets and flow logs.');

    if (props.vpc !== undefined) {
      this.vpc = requireVpc(this, 'vpc', props.vpc);
      if (props.vpc.privateSubnets.length === 0) {
        throw new PlatformValidationError(this, 'vpc', props.vpc.vpcId, 'The VPC has no private subnets with a route to NAT; import it with privateSubnetIds, or use BedrockPrivateLink for a VPC without internet egress.');
      }
      return;
    }

    const { vpc, flowLog } = createNewVpc(this, props, {
      natGateways: (zones) => requireIntegerInRange(this, 'natGateways', props.natGateways ?? zones, 1, zones),
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
    this.flowLog = flowLog;
  }
}
