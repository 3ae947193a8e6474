import { CfnResource, Duration, Reference, RemovalPolicy, Stack, Tokenization, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { bundledHandlerCode } from '../core/bundled-code';
import { SupportEndpoint } from '../core/endpoint-needs';
import { requireIntegerInRange } from '../core/validate';
import * as platformFunction from '../data-protection/platform-function';
import { SecureLogGroup } from '../data-protection/secure-log-group';

/** Properties of an {@link InvocationLoggingHandler}. */
export interface InvocationLoggingHandlerProps {
  /** Key that encrypts the function's log group and dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /**
   * VPC to run the function in. It calls the Bedrock control plane and PUTs its reply to a
   * pre-signed S3 URL: without a NAT, the VPC needs the `bedrock` interface endpoint and the S3
   * gateway endpoint (see `requiredEndpoints`).
   * @default not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the function, when `vpc` is set.
   * @default the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the function, when `vpc` is set.
   * @default a new group that allows only outbound HTTPS
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Concurrency reserved for the function. Deploys happen one at a time; 1 also serializes two
   * stacks' changes to the account-wide setting. Accounts whose Lambda concurrency quota is
   * still at the new-account level (10) cannot reserve any: ask for a quota increase first.
   * @default 1
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * What happens to the function's log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The Lambda function behind the `Custom::BedrockModelInvocationLogging` resource. CloudFormation
 * invokes it directly (the resource's ServiceToken is the function ARN): no provider framework
 * functions, and the reply to CloudFormation is the handler's own.
 *
 * Its role holds one customer-managed policy (no inline policy, no AWS managed policy) with
 * exactly what it calls; Bedrock's logging actions have no resource type, so they take `*`.
 */
export class InvocationLoggingHandler extends Construct {
  /** The function. */
  public readonly function: lambda.Function;
  /** Its execution role. */
  public readonly role: iam.Role;
  /** The managed policy that carries every permission of the role. */
  public readonly policy: iam.ManagedPolicy;
  /** Where invocations that failed even to answer CloudFormation end up. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** Security groups of the function, when it runs in a VPC. */
  public readonly securityGroups: ec2.ISecurityGroup[];
  /** Endpoints the function calls when it runs in a VPC: the Bedrock control plane, and S3 for its reply. */
  public readonly requiredEndpoints: readonly SupportEndpoint[];

  constructor(scope: Construct, id: string, props: InvocationLoggingHandlerProps) {
    super(scope, id);
    // Lambda's concurrency quota is 1,000 per Region by default; deploys need 1.
    const reserved = requireIntegerInRange(this, 'reservedConcurrentExecutions', props.reservedConcurrentExecutions ?? 1, 1, 1000);
    this.requiredEndpoints = props.vpc ? [SupportEndpoint.BEDROCK, SupportEndpoint.S3] : [];

    this.logGroup = new SecureLogGroup(this, 'Logs', { encryptionKey: props.encryptionKey, removalPolicy: props.removalPolicy });
    // Holds CloudFormation events that could not be answered; nothing else, so it need not outlive the stack.
    this.deadLetterQueue = platformFunction.terminalDeadLetterQueue(this, props.encryptionKey, 'the handler');

    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Bedrock model invocation logging custom resource: its calls and nothing else',
      statements: [
        new iam.PolicyStatement({
          sid: 'ManageModelInvocationLogging',
          actions: ['bedrock:GetModelInvocationLoggingConfiguration', 'bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:DeleteModelInvocationLoggingConfiguration'],
          resources: ['*'],
        }),
        ...platformFunction.logAndTraceStatements(this.logGroup),
        ...platformFunction.deadLetterStatements(this.deadLetterQueue, props.encryptionKey),
      ],
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Bedrock model invocation logging custom resource handler',
      managedPolicies: [this.policy],
    });

    this.securityGroups = props.vpc
      ? (props.securityGroups ?? [platformFunction.httpsOnlySecurityGroup(this, props.vpc, 'Bedrock invocation logging handler: outbound HTTPS only', 'HTTPS to the Bedrock and S3 endpoints')])
      : [];
    if (props.vpc) platformFunction.allowFunctionNetworkInterfaces(this.policy, props.vpc, props.vpcSubnets, this.securityGroups);
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'bedrock:Get/Put/DeleteModelInvocationLoggingConfiguration and xray:PutTraceSegments/PutTelemetryRecords' +
        (props.vpc ? ', ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets' : '') +
        ' have no resource type in the Service Authorization Reference, so IAM accepts only Resource "*" for them.',
    });

    this.function = new lambda.Function(this, 'Function', {
      // Every permission is in the managed policy above.
      ...platformFunction.platformFunctionProps(this.role, this.logGroup, this.deadLetterQueue),
      description: 'Sets Amazon Bedrock model invocation logging for CloudFormation, and restores the previous setting on delete',
      code: bundledHandlerCode('invocation-logging'),
      handler: 'index.handler',
      // The handler keeps 30 s of this for its reply to CloudFormation: Bedrock calls and retries
      // stop at that deadline, and a watchdog answers FAILED if one still hangs.
      timeout: Duration.minutes(3),
      reservedConcurrentExecutions: reserved,
      // A retried custom-resource event could record our own configuration as "previous": no retries.
      retryAttempts: 0,
      vpc: props.vpc,
      vpcSubnets: props.vpc ? props.vpcSubnets : undefined,
      securityGroups: props.vpc ? this.securityGroups : undefined,
    });
    this.function.node.addDependency(this.policy);
    if (props.vpc) this.acknowledgeUncheckableNetwork(props.vpc, props.vpcSubnets);
    if (!props.vpc) {
      platformFunction.acknowledgeOutsideVpc(
        this.function,
        'The handler runs only during deployments and calls only the Bedrock control plane and CloudFormation\'s pre-signed S3 URL; it holds no data. Pass vpc to run it in private subnets.',
      );
    }
  }

  /**
   * Invocations of the function that ended in an error (`AWS/Lambda` Errors, dimension
   * FunctionName): Sum over 5 minutes. A failed deploy of the logging setting shows here.
   */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metricErrors(props);
  }

  /** Run time of the function (`AWS/Lambda` Duration, dimension FunctionName): Average over 5 minutes; the timeout is 3 minutes. */
  public metricDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metricDuration(props);
  }

  /** CloudFormation events the function could not answer, waiting in its dead-letter queue (`AWS/SQS` ApproximateNumberOfMessagesVisible, dimension QueueName): Maximum over 5 minutes. */
  public metricUnansweredEvents(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum', ...props });
  }

  /** Lets the function pass `role` to Bedrock, and only to Bedrock. */
  public allowPassRole(role: iam.IRole): void {
    this.policy.addStatements(
      new iam.PolicyStatement({
        sid: 'PassDeliveryRoleToBedrock',
        actions: ['iam:PassRole'],
        resources: [role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
      }),
    );
  }

  /**
   * Control Tower's lambda_inside_vpc_check (CT.LAMBDA.PR.3) accepts a subnet or security group
   * id only as a literal or as a Ref / GetAtt to a subnet or security group of the same template
   * (see its rule, ct-lambda-pr-3.guard: check_local_references). A VPC of another stack reaches
   * this template as Fn::ImportValue or Fn::GetStackOutput, which the rule cannot follow: the function is in the VPC all
   * the same. Acknowledged on this function, and only when an id is such a reference.
   */
  private acknowledgeUncheckableNetwork(vpc: ec2.IVpc, vpcSubnets: ec2.SubnetSelection | undefined): void {
    const ids = [...vpc.selectSubnets(vpcSubnets).subnetIds, ...this.securityGroups.map((g) => g.securityGroupId)];
    const foreign = ids.filter((id) => !isLiteralOrLocalReference(this, id));
    if (foreign.length === 0) return;
    const stacks = [...new Set(foreign.flatMap((id) => referencedStacks(this, id)))];
    Validations.of(this.function).acknowledge({
      id: 'ControlTower::lambda_inside_vpc_check',
      reason:
        `The function runs in the subnets given in vpc / vpcSubnets, which reach this template as ${stacks.length ? `references to stack ${stacks.join(', ')} (cross-stack references)` : 'imported values or parameters'}; ` +
        'the Control Tower rule accepts only literal ids or references to subnets and security groups of the same template, so it cannot see that VpcConfig is set.',
    });
  }
}

/** The tokens of a string id (empty for a literal). */
function tokensOf(id: string) {
  return Tokenization.reverseString(id).tokens;
}

/** True when `id` is a literal, or only references to EC2 subnets / security groups of `scope`'s own stack. */
function isLiteralOrLocalReference(scope: IConstruct, id: string): boolean {
  const stack = Stack.of(scope);
  return tokensOf(id).every((t) => t instanceof Reference && CfnResource.isCfnResource(t.target) && Stack.of(t.target) === stack && /^AWS::EC2::(Subnet|SecurityGroup)$/.test(t.target.cfnResourceType));
}

/** The other stacks whose resources `id` references. */
function referencedStacks(scope: IConstruct, id: string): string[] {
  const stack = Stack.of(scope);
  return tokensOf(id)
    .filter((t): t is Reference => t instanceof Reference && Stack.of(t.target) !== stack)
    .map((t) => Stack.of(t.target).stackName);
}
