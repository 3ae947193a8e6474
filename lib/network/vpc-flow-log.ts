import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PlatformKey } from '../core/platform-key';
import { SecureLogGroup } from '../data-protection/secure-log-group';
import { requireLogGroupRemovalPolicy, requireProps, requireVpc } from './network-validation';

/** Properties of a {@link VpcFlowLog}. */
export interface VpcFlowLogProps {
  /** The VPC whose traffic is logged (created or imported). */
  readonly vpc: ec2.IVpc;
  /**
   * Key that encrypts the log group; the log group declares that CloudWatch Logs needs it
   * (`KeyConsumer.CLOUDWATCH_LOGS`).
   * @default the stack's default key (`PlatformKey.of`)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long flow records are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly retention?: logs.RetentionDays;
  /**
   * What happens to the log group when it leaves the stack (a default key is shared by the stack,
   * and always kept). `SNAPSHOT` is refused: a log group has no snapshot.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Which traffic is recorded.
   * @default ec2.FlowLogTrafficType.ALL
   */
  readonly trafficType?: ec2.FlowLogTrafficType;
}

/**
 * VPC flow logs to a KMS-encrypted, retained log group, delivered by a role only the flow-logs
 * service of this account can assume and that can only write to that log group.
 */
export class VpcFlowLog extends Construct {
  /** Key that encrypts the flow records. */
  public readonly encryptionKey: kms.IKey;
  /** Where the flow records go. */
  public readonly logGroup: logs.ILogGroup;
  /** The delivery role. */
  public readonly role: iam.IRole;
  /** The flow log. */
  public readonly flowLog: ec2.FlowLog;

  constructor(scope: Construct, id: string, props: VpcFlowLogProps) {
    super(scope, id);
    props = requireProps(this, props, '{ vpc }');
    const vpc = requireVpc(this, 'vpc', props.vpc);
    requireLogGroupRemovalPolicy(this, 'removalPolicy', props.removalPolicy);
    const { partition, region, account } = Stack.of(this);
    // The stack's one default key: its policy admits CloudWatch Logs because the log group below says so.
    this.encryptionKey = props.encryptionKey ?? PlatformKey.of(this).key;
    this.logGroup = new SecureLogGroup(this, 'LogGroup', {
      encryptionKey: this.encryptionKey,
      retention: props.retention,
      removalPolicy: props.removalPolicy,
    });
    const role = new iam.Role(this, 'DeliveryRole', {
      description: 'Delivers VPC flow logs to one log group',
      // Confused-deputy protection: only flow logs of this account may assume the role.
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: { 'aws:SourceArn': `arn:${partition}:ec2:${region}:${account}:vpc-flow-log/*` },
      }),
    });
    // A customer-managed policy rather than an inline one (NIST/HIPAA/PCI forbid inline policies).
    new iam.ManagedPolicy(this, 'DeliveryPolicy', {
      description: 'Write VPC flow records to the flow-log group only',
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [this.logGroup.logGroupArn],
        }),
      ],
    });
    this.role = role;
    this.flowLog = new ec2.FlowLog(this, 'FlowLog', {
      resourceType: ec2.FlowLogResourceType.fromVpc(vpc),
      trafficType: props.trafficType ?? ec2.FlowLogTrafficType.ALL,
      // An immutable view: the destination would otherwise add an inline policy of its own.
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.logGroup, role.withoutPolicyUpdates()),
    });
  }
}
