import { CfnResource, Duration, Reference, RemovalPolicy, Stack, Tokenization, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { bundledHandlerCode, PLATFORM_LAMBDA_RUNTIME } from '../core/bundled-code';
import { SupportEndpoint } from '../core/endpoint-needs';
import { requireIntegerInRange } from '../core/validate';
import { SecureLogGroup } from '../data-protection/secure-log-group';
import { wildcardResourceFinding } from '../core/wildcard-acknowledgement';

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
    const stack = Stack.of(this);
    // Lambda's concurrency quota is 1,000 per Region by default; deploys need 1.
    const reserved = requireIntegerInRange(this, 'reservedConcurrentExecutions', props.reservedConcurrentExecutions ?? 1, 1, 1000);
    this.requiredEndpoints = props.vpc ? [SupportEndpoint.BEDROCK, SupportEndpoint.S3] : [];

    this.logGroup = new SecureLogGroup(this, 'Logs', { encryptionKey: props.encryptionKey, removalPolicy: props.removalPolicy });
    // Holds CloudFormation events that could not be answered; nothing else, so it need not outlive the stack.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Terminal: no queue may redrive into it, and it needs no dead-letter queue of its own (CT.SQS.PR.1).
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.DENY_ALL },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const id of ['Serverless::Serverless-SQSRedrivePolicy', 'ControlTower::sqs_dlq_check']) {
      Validations.of(this.deadLetterQueue).acknowledge({
        id,
        reason: 'This queue is itself the terminal dead-letter queue of the handler (Lambda writes to it; no queue may redrive into it); a further redrive would only move the same failed events elsewhere.',
      });
    }

    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Bedrock model invocation logging custom resource: its calls and nothing else',
      statements: [
        new iam.PolicyStatement({
          sid: 'ManageModelInvocationLogging',
          actions: ['bedrock:GetModelInvocationLoggingConfiguration', 'bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:DeleteModelInvocationLoggingConfiguration'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
        new iam.PolicyStatement({ sid: 'SendTraces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'DeadLetterFailedEvents', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
        new iam.PolicyStatement({
          sid: 'EncryptDeadLetters',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
        }),
      ],
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Bedrock model invocation logging custom resource handler',
      managedPolicies: [this.policy],
    });

    this.securityGroups = props.vpc ? (props.securityGroups ?? [this.httpsOnlySecurityGroup(props.vpc)]) : [];
    if (props.vpc) this.allowNetworkInterfaces(props.vpc, props.vpcSubnets);
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'bedrock:Get/Put/DeleteModelInvocationLoggingConfiguration and xray:PutTraceSegments/PutTelemetryRecords' +
        (props.vpc ? ', ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets' : '') +
        ' have no resource type in the Service Authorization Reference, so IAM accepts only Resource "*" for them.',
    });

    this.function = new lambda.Function(this, 'Function', {
      description: 'Sets Amazon Bedrock model invocation logging for CloudFormation, and restores the previous setting on delete',
      runtime: PLATFORM_LAMBDA_RUNTIME,
      code: bundledHandlerCode('invocation-logging'),
      handler: 'index.handler',
      role: this.role.withoutPolicyUpdates(), // every permission is in the managed policy above
      memorySize: 256,
      // The handler keeps 30 s of this for its reply to CloudFormation: Bedrock calls and retries
      // stop at that deadline, and a watchdog answers FAILED if one still hangs.
      timeout: Duration.minutes(3),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: reserved,
      deadLetterQueue: this.deadLetterQueue,
      // A retried custom-resource event could record our own configuration as "previous": no retries.
      retryAttempts: 0,
      onFailure: new SqsDestination(this.deadLetterQueue),
      vpc: props.vpc,
      vpcSubnets: props.vpc ? props.vpcSubnets : undefined,
      securityGroups: props.vpc ? this.securityGroups : undefined,
    });
    this.function.node.addDependency(this.policy);
    if (props.vpc) this.acknowledgeUncheckableNetwork(props.vpc, props.vpcSubnets);
    if (!props.vpc) {
      const reason =
        'The handler runs only during deployments and calls only the Bedrock control plane and CloudFormation\'s pre-signed S3 URL; it holds no data. Pass vpc to run it in private subnets.';
      for (const id of [
        'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC',
        'HIPAA.Security::HIPAA.Security-LambdaInsideVPC',
        'PCI.DSS.321::PCI.DSS.321-LambdaInsideVPC',
        'ControlTower::lambda_inside_vpc_check',
      ]) {
        Validations.of(this.function).acknowledge({ id, reason });
      }
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
   * What AWSLambdaVPCAccessExecutionRole grants, minus its logs:* part and scoped where EC2 allows:
   * Lambda creates and deletes the function's network interfaces with the function's role.
   */
  private allowNetworkInterfaces(vpc: ec2.IVpc, vpcSubnets: ec2.SubnetSelection | undefined): void {
    const stack = Stack.of(this);
    const ec2Arn = (resource: string) => `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:${resource}`;
    const interfaces = ec2Arn('network-interface/*');
    this.policy.addStatements(
      new iam.PolicyStatement({
        sid: 'CreateFunctionNetworkInterfaces',
        actions: ['ec2:CreateNetworkInterface'],
        resources: [
          interfaces,
          ...vpc.selectSubnets(vpcSubnets).subnetIds.map((id) => ec2Arn(`subnet/${id}`)),
          ...this.securityGroups.map((g) => ec2Arn(`security-group/${g.securityGroupId}`)),
        ],
      }),
      new iam.PolicyStatement({
        sid: 'ManageFunctionNetworkInterfaces',
        actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: [interfaces],
      }),
      new iam.PolicyStatement({ sid: 'DescribeNetwork', actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }),
    );
    Validations.of(this.policy).acknowledge({
      id: wildcardResourceFinding(this, interfaces),
      reason: 'Lambda creates the function\'s network interfaces at deploy time, so their IDs cannot be known in the template; creation is limited to the function\'s own subnets and security groups.',
    });
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

  private httpsOnlySecurityGroup(vpc: ec2.IVpc): ec2.SecurityGroup {
    const group = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Bedrock invocation logging handler: outbound HTTPS only',
      allowAllOutbound: false,
    });
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the Bedrock and S3 endpoints');
    return group;
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
