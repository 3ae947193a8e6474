import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
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
    ({ role: this.role, securityGroups: this.securityGroups, function: this.function } = platformFunction.customResourceFunction(this, {
      policy: this.policy,
      logGroup: this.logGroup,
      deadLetterQueue: this.deadLetterQueue,
      roleDescription: 'Bedrock model invocation logging custom resource handler',
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      securityGroupDescription: 'Bedrock invocation logging handler: outbound HTTPS only',
      egressDescription: 'HTTPS to the Bedrock and S3 endpoints',
      wildcardActions: 'bedrock:Get/Put/DeleteModelInvocationLoggingConfiguration and xray:PutTraceSegments/PutTelemetryRecords',
      outsideVpcReason:
        'The handler runs only during deployments and calls only the Bedrock control plane and CloudFormation\'s pre-signed S3 URL; it holds no data. Pass vpc to run it in private subnets.',
      functionProps: {
        description: 'Sets Amazon Bedrock model invocation logging for CloudFormation, and restores the previous setting on delete',
        code: bundledHandlerCode('invocation-logging'),
        handler: 'index.handler',
        // The handler keeps 30 s of this for its reply to CloudFormation: Bedrock calls and retries
        // stop at that deadline, and a watchdog answers FAILED if one still hangs.
        timeout: Duration.minutes(3),
        reservedConcurrentExecutions: reserved,
        // A retried custom-resource event could record our own configuration as "previous": no retries.
        retryAttempts: 0,
      },
    }));
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
}
