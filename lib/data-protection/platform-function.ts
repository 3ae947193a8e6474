import { CfnResource, Duration, Reference, RemovalPolicy, Stack, Tokenization, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { PLATFORM_LAMBDA_RUNTIME } from '../core/bundled-code';
import { wildcardResourceFinding } from '../core/wildcard-acknowledgement';

/*
 * The recipe every Lambda function of the library follows (custom-resource handlers, Config rule
 * functions): a log group on the platform key, a terminal dead-letter queue on the same key, a role
 * whose one customer-managed policy holds exactly what the function calls, X-Ray tracing, and the
 * compliance acknowledgements that go with it. Internal: the constructs call these functions in
 * their own scope, so construct ids (and logical ids) stay theirs; each keeps its own order of
 * resources and statements.
 */

/**
 * The terminal dead-letter queue of the functions of `scope` (construct id `DeadLetterQueue`): KMS
 * with `encryptionKey`, TLS only, 14 days, no queue may redrive into it. It holds failed events only,
 * so it need not outlive the stack. `owner` ("the handler") and `failed` ("events") word the
 * acknowledgement of the redrive findings.
 */
export function terminalDeadLetterQueue(scope: Construct, encryptionKey: kms.IKey, owner: string, failed = 'events'): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: encryptionKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // Terminal: no queue may redrive into it, and it needs no dead-letter queue of its own (CT.SQS.PR.1).
    redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.DENY_ALL },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  for (const id of ['Serverless::Serverless-SQSRedrivePolicy', 'ControlTower::sqs_dlq_check']) {
    Validations.of(queue).acknowledge({
      id,
      reason: `This queue is itself the terminal dead-letter queue of ${owner} (Lambda writes to it; no queue may redrive into it); a further redrive would only move the same failed ${failed} elsewhere.`,
    });
  }
  return queue;
}

/** `WriteOwnLogs` and `SendTraces`: a function's writes to its own log group, and its X-Ray segments (no resource type: `*`). */
export function logAndTraceStatements(logGroup: logs.ILogGroup): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    new iam.PolicyStatement({ sid: 'SendTraces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
  ];
}

/**
 * Lambda writes to a function's dead-letter queue with the function's role: `sid` sends to the
 * queue, `EncryptDeadLetters` uses its key, only through SQS.
 */
export function deadLetterStatements(queue: sqs.IQueue, encryptionKey: kms.IKey, sid = 'DeadLetterFailedEvents'): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ sid, actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
    new iam.PolicyStatement({
      sid: 'EncryptDeadLetters',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(queue).region}.amazonaws.com` } },
    }),
  ];
}

/**
 * The function properties every platform function shares: the platform runtime, `role` taken as
 * is (every permission is in its managed policy), 256 MB, active tracing, JSON logs to `logGroup`,
 * and `deadLetterQueue` for failed asynchronous invocations and their on-failure destination.
 */
export function platformFunctionProps(role: iam.Role, logGroup: logs.ILogGroup, deadLetterQueue: sqs.IQueue) {
  return {
    runtime: PLATFORM_LAMBDA_RUNTIME,
    role: role.withoutPolicyUpdates(),
    memorySize: 256,
    tracing: lambda.Tracing.ACTIVE,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    deadLetterQueue,
    onFailure: new SqsDestination(deadLetterQueue),
  } satisfies Partial<lambda.FunctionProps>;
}

/** Acknowledges the "Lambda inside a VPC" rules of every pack on `fn`, with why it runs outside one. */
export function acknowledgeOutsideVpc(fn: IConstruct, reason: string): void {
  for (const id of [
    'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC',
    'HIPAA.Security::HIPAA.Security-LambdaInsideVPC',
    'PCI.DSS.321::PCI.DSS.321-LambdaInsideVPC',
    'ControlTower::lambda_inside_vpc_check',
  ]) {
    Validations.of(fn).acknowledge({ id, reason });
  }
}

/** A security group (construct id `SecurityGroup`) of `vpc` that allows only outbound HTTPS. */
export function httpsOnlySecurityGroup(scope: Construct, vpc: ec2.IVpc, description: string, egressDescription: string): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'SecurityGroup', { vpc, description, allowAllOutbound: false });
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), egressDescription);
  return group;
}

/**
 * What AWSLambdaVPCAccessExecutionRole grants, minus its logs:* part and scoped where EC2 allows,
 * added to `policy`: Lambda creates and deletes a function's network interfaces with the function's
 * role, in the function's subnets and security groups.
 */
export function allowFunctionNetworkInterfaces(
  policy: iam.ManagedPolicy,
  vpc: ec2.IVpc,
  vpcSubnets: ec2.SubnetSelection | undefined,
  securityGroups: readonly ec2.ISecurityGroup[],
): void {
  const stack = Stack.of(policy);
  const ec2Arn = (resource: string) => `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:${resource}`;
  const interfaces = ec2Arn('network-interface/*');
  policy.addStatements(
    new iam.PolicyStatement({
      sid: 'CreateFunctionNetworkInterfaces',
      actions: ['ec2:CreateNetworkInterface'],
      resources: [
        interfaces,
        ...vpc.selectSubnets(vpcSubnets).subnetIds.map((id) => ec2Arn(`subnet/${id}`)),
        ...securityGroups.map((g) => ec2Arn(`security-group/${g.securityGroupId}`)),
      ],
    }),
    new iam.PolicyStatement({
      sid: 'ManageFunctionNetworkInterfaces',
      actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: [interfaces],
    }),
    new iam.PolicyStatement({ sid: 'DescribeNetwork', actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }),
  );
  Validations.of(policy).acknowledge({
    id: wildcardResourceFinding(policy, interfaces),
    reason: "Lambda creates the function's network interfaces at deploy time, so their IDs cannot be known in the template; creation is limited to the function's own subnets and security groups.",
  });
}

/**
 * Control Tower's lambda_inside_vpc_check (CT.LAMBDA.PR.3) accepts a subnet or security group id
 * only as a literal or as a Ref / GetAtt to a subnet or security group of the same template (see its
 * rule, ct-lambda-pr-3.guard: check_local_references). A VPC of another stack reaches this template
 * as Fn::ImportValue or Fn::GetStackOutput, which the rule cannot follow: the function is in the VPC
 * all the same. Acknowledged on `fn`, and only when an id of its network is such a reference.
 */
export function acknowledgeUncheckableNetwork(
  fn: IConstruct,
  vpc: ec2.IVpc,
  vpcSubnets: ec2.SubnetSelection | undefined,
  securityGroups: readonly ec2.ISecurityGroup[],
): void {
  const ids = [...vpc.selectSubnets(vpcSubnets).subnetIds, ...securityGroups.map((g) => g.securityGroupId)];
  const foreign = ids.filter((id) => !isLiteralOrLocalReference(fn, id));
  if (foreign.length === 0) return;
  const stacks = [...new Set(foreign.flatMap((id) => referencedStacks(fn, id)))];
  Validations.of(fn).acknowledge({
    id: 'ControlTower::lambda_inside_vpc_check',
    reason:
      `The function runs in the subnets given in vpc / vpcSubnets, which reach this template as ${stacks.length ? `references to stack ${stacks.join(', ')} (cross-stack references)` : 'imported values or parameters'}; ` +
      'the Control Tower rule accepts only literal ids or references to subnets and security groups of the same template, so it cannot see that VpcConfig is set.',
  });
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

/** What {@link customResourceFunction} builds a custom-resource function from. */
export interface CustomResourceFunctionProps {
  /** The function's one managed policy: its calls, {@link logAndTraceStatements} and {@link deadLetterStatements}. */
  readonly policy: iam.ManagedPolicy;
  readonly logGroup: logs.ILogGroup;
  readonly deadLetterQueue: sqs.IQueue;
  /** Description of the role (construct id `Role`). */
  readonly roleDescription: string;
  /** VPC to run the function in; without one, `outsideVpcReason` acknowledges the in-VPC rules. */
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Security groups in `vpc`; without them, an {@link httpsOnlySecurityGroup} described by `securityGroupDescription` and `egressDescription`. */
  readonly securityGroups?: ec2.ISecurityGroup[];
  readonly securityGroupDescription: string;
  readonly egressDescription: string;
  /** The actions of the policy that take Resource `*` (the network reads are added when in a VPC), and what scopes the rest, for the IAM5 acknowledgement. */
  readonly wildcardActions: string;
  readonly wildcardNote?: string;
  /** Why the function may run outside a VPC. */
  readonly outsideVpcReason: string;
  /** The rest of the function (construct id `Function`): description, code, handler, timeout, concurrency, retries. */
  readonly functionProps: Omit<lambda.FunctionProps, keyof ReturnType<typeof platformFunctionProps> | 'vpc' | 'vpcSubnets' | 'securityGroups'>;
}

/**
 * The role, security group (in a VPC) and function of a custom resource, in `scope`, after the
 * recipe: every permission in `policy`, the network interface permissions in a VPC, the compliance
 * acknowledgements, and the function created after its policy.
 */
export function customResourceFunction(scope: Construct, props: CustomResourceFunctionProps): { role: iam.Role; securityGroups: ec2.ISecurityGroup[]; function: lambda.Function } {
  const { policy, vpc } = props;
  const role = new iam.Role(scope, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: props.roleDescription, managedPolicies: [policy] });
  const securityGroups = vpc ? (props.securityGroups ?? [httpsOnlySecurityGroup(scope, vpc, props.securityGroupDescription, props.egressDescription)]) : [];
  if (vpc) allowFunctionNetworkInterfaces(policy, vpc, props.vpcSubnets, securityGroups);
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason:
      props.wildcardActions +
      (vpc ? ', ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets' : '') +
      ` have no resource type in the Service Authorization Reference, so IAM accepts only Resource "*" for them${props.wildcardNote ?? ''}.`,
  });
  const fn = new lambda.Function(scope, 'Function', {
    // Every permission is in the managed policy.
    ...platformFunctionProps(role, props.logGroup, props.deadLetterQueue),
    ...props.functionProps,
    vpc,
    vpcSubnets: vpc ? props.vpcSubnets : undefined,
    securityGroups: vpc ? securityGroups : undefined,
  });
  fn.node.addDependency(policy);
  if (vpc) acknowledgeUncheckableNetwork(fn, vpc, props.vpcSubnets, securityGroups);
  else acknowledgeOutsideVpc(fn, props.outsideVpcReason);
  return { role, securityGroups, function: fn };
}
