import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { bundledHandlerCode } from '../core/bundled-code';
import { SupportEndpoint } from '../core/endpoint-needs';
import { PlatformValidationError } from '../core/errors';
import { PlatformKey } from '../core/platform-key';
import { wildcardResourceFinding } from '../core/wildcard-acknowledgement';
import * as platformFunction from '../data-protection/platform-function';
import { SecureLogGroup } from '../data-protection/secure-log-group';

/** Network placement of the provider's Bedrock-calling functions. */
export interface ProvisionedThroughputNetwork {
  /** VPC of the onEvent and isComplete functions (they call the Bedrock control plane only). */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the functions.
   * @default the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

const SINGLETON_ID = 'BedrockProvisionedThroughputProvider';
/** The waiter asks Bedrock once a minute. */
const QUERY_INTERVAL = Duration.minutes(1);
/**
 * The waiter gives up after 55 minutes: CloudFormation waits at most 3600 s for a custom resource
 * (ServiceTimeout, AWS::CloudFormation::CustomResource), so the framework's own "timed out" answer,
 * with the physical id, must come first.
 */
export const PROVISIONED_THROUGHPUT_TOTAL_TIMEOUT = Duration.minutes(55);

/**
 * The one custom-resource provider of the provisioned throughputs of a stack (aws-cdk-lib's
 * provider framework, so the wait for InService runs in a Step Functions waiter, not in a Lambda):
 * our onEvent and isComplete functions, the framework's three functions and its waiter. Every
 * {@link ProvisionedThroughput} of the stack shares it; each adds the models it buys for to the
 * one Create statement.
 *
 * The framework's functions call only Lambda, Step Functions and CloudFormation's pre-signed S3
 * URL, and stay outside the VPC (in it they would need Lambda and Step Functions endpoints);
 * our two functions, which call Bedrock, run in the VPC when one is given.
 */
export class ProvisionedThroughputProvider extends Construct {
  /** The stack's provider, created on first use with `network` (later callers must ask for the same placement). */
  public static of(scope: IConstruct, network?: ProvisionedThroughputNetwork): ProvisionedThroughputProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SINGLETON_ID) as ProvisionedThroughputProvider | undefined;
    if (existing) {
      if (existing.network?.vpc !== network?.vpc) {
        throw new PlatformValidationError(
          scope,
          'vpc',
          network?.vpc?.node.path ?? '(none)',
          `All provisioned throughputs of a stack share one provider, already created ${existing.network ? `in VPC ${existing.network.vpc.node.path}` : 'outside a VPC'}: give every ProvisionedThroughput of the stack the same vpc.`,
        );
      }
      return existing;
    }
    return new ProvisionedThroughputProvider(stack, SINGLETON_ID, network);
  }

  /** The provider framework construct. */
  public readonly provider: cr.Provider;
  /** Our onEvent function (starts purchases, renames, deletes). */
  public readonly onEventFunction: lambda.Function;
  /** Our isComplete function (reads the status until InService or gone). */
  public readonly isCompleteFunction: lambda.Function;
  /** The role of our two functions. */
  public readonly role: iam.Role;
  /** The managed policy that carries every permission of that role. */
  public readonly policy: iam.ManagedPolicy;
  /** Security group of our functions, when they run in a VPC. */
  public readonly securityGroups: ec2.ISecurityGroup[];
  /** Endpoints our functions call when they run in a VPC: the Bedrock control plane. */
  public readonly requiredEndpoints: readonly SupportEndpoint[];
  /** Where the framework functions put events CloudFormation sent them but that failed even to be answered. */
  public readonly deadLetterQueue: sqs.Queue;
  private readonly network?: ProvisionedThroughputNetwork;
  private readonly createStatement: iam.PolicyStatement;
  private readonly modelResources = new Set<string>();

  private constructor(scope: Construct, id: string, network?: ProvisionedThroughputNetwork) {
    super(scope, id);
    const stack = Stack.of(this);
    this.network = network;
    const key = PlatformKey.of(this).key;
    this.requiredEndpoints = network ? [SupportEndpoint.BEDROCK] : [];
    const provisionedModels = `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:provisioned-model/*`;

    this.deadLetterQueue = platformFunction.terminalDeadLetterQueue(this, key, 'the provider functions');

    const handlerLogs = new SecureLogGroup(this, 'HandlerLogs', { encryptionKey: key });
    this.createStatement = new iam.PolicyStatement({
      sid: 'BuyProvisionedThroughput',
      actions: ['bedrock:CreateProvisionedModelThroughput'],
      // The models each ProvisionedThroughput of the stack buys for (added by allowModel), and the
      // provisioned-model resource the purchase creates.
      resources: [provisionedModels],
    });
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Bedrock provisioned throughput custom resource: its calls and nothing else',
      statements: [
        this.createStatement,
        new iam.PolicyStatement({
          sid: 'ManageProvisionedThroughput',
          actions: [
            'bedrock:GetProvisionedModelThroughput',
            'bedrock:UpdateProvisionedModelThroughput',
            'bedrock:DeleteProvisionedModelThroughput',
            'bedrock:TagResource',
            'bedrock:UntagResource',
          ],
          resources: [provisionedModels],
        }),
        new iam.PolicyStatement({ sid: 'FindProvisionedThroughputByName', actions: ['bedrock:ListProvisionedModelThroughputs'], resources: ['*'] }),
        ...platformFunction.logAndTraceStatements(handlerLogs),
      ],
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Bedrock provisioned throughput custom resource handler',
      managedPolicies: [this.policy],
    });
    Validations.of(this.policy).acknowledge({
      id: wildcardResourceFinding(this.policy, provisionedModels),
      reason:
        'Bedrock generates the ID of a provisioned throughput when it is bought, so no ARN can be known in the template; the pattern is limited to provisioned models of this account and Region.',
    });
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'bedrock:ListProvisionedModelThroughputs (finds a throughput whose purchase answer was lost) and xray:PutTraceSegments/PutTelemetryRecords' +
        (network ? ', ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets' : '') +
        ' have no resource type in the Service Authorization Reference, so IAM accepts only Resource "*" for them.',
    });

    this.securityGroups = network
      ? [platformFunction.httpsOnlySecurityGroup(this, network.vpc, 'Bedrock provisioned throughput handler: outbound HTTPS only', 'HTTPS to the Bedrock control-plane endpoint')]
      : [];
    if (network) platformFunction.allowFunctionNetworkInterfaces(this.policy, network.vpc, network.vpcSubnets, this.securityGroups);

    const common = {
      ...platformFunction.platformFunctionProps(this.role, handlerLogs, this.deadLetterQueue),
      code: bundledHandlerCode('provisioned-throughput'),
      // Invoked synchronously by the framework: a retry would come from the framework, not from Lambda.
      retryAttempts: 0,
      // Deployments touch a handful of throughputs at once; 5 keeps a runaway loop from spending the account's concurrency.
      reservedConcurrentExecutions: 5,
      vpc: network?.vpc,
      vpcSubnets: network?.vpcSubnets,
      securityGroups: network ? this.securityGroups : undefined,
    };
    this.onEventFunction = new lambda.Function(this, 'OnEvent', {
      ...common,
      description: 'Buys, renames, retags and deletes Amazon Bedrock provisioned throughput for CloudFormation',
      handler: 'index.onEvent',
      // The handler's deadline is 5 s under this; Create is one call, with retries.
      timeout: Duration.minutes(2),
    });
    this.isCompleteFunction = new lambda.Function(this, 'IsComplete', {
      ...common,
      description: 'Reports whether an Amazon Bedrock provisioned throughput is InService (or deleted)',
      handler: 'index.isComplete',
      timeout: Duration.minutes(1),
    });
    for (const fn of [this.onEventFunction, this.isCompleteFunction]) {
      fn.node.addDependency(this.policy);
      if (!network) platformFunction.acknowledgeOutsideVpc(fn, 'The function calls only the Bedrock control plane, during deployments, and holds no data. Pass vpc to run it in private subnets.');
    }
    // Lambda writes to the dead-letter queue with the function's role: grant it in the managed policy (the role takes no inline policy).
    this.policy.addStatements(...platformFunction.deadLetterStatements(this.deadLetterQueue, key));

    const frameworkLogs = new SecureLogGroup(this, 'FrameworkLogs', { encryptionKey: key });
    const waiterLogs = new SecureLogGroup(this, 'WaiterLogs', { encryptionKey: key });
    // The framework's functions get roles of ours with one managed policy each, exactly what they call
    // (the framework's own roles carry AWSLambdaBasicExecutionRole and inline grants).
    const frameworkStatements = [
      new iam.PolicyStatement({ sid: 'WriteFrameworkLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [frameworkLogs.logGroupArn] }),
      new iam.PolicyStatement({ sid: 'SendTraces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
      new iam.PolicyStatement({ sid: 'DeadLetterFailedEvents', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
      new iam.PolicyStatement({
        sid: 'UsePlatformKeyViaSqsAndLambda',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [key.keyArn],
        // The dead-letter queue (SQS) and the functions' encrypted environment (Lambda).
        conditions: { StringEquals: { 'kms:ViaService': [`sqs.${stack.region}.amazonaws.com`, `lambda.${stack.region}.amazonaws.com`] } },
      }),
    ];
    const frameworkRole = (roleId: string, description: string, calls: iam.PolicyStatement[]) => {
      const policy = new iam.ManagedPolicy(this, `${roleId}Policy`, {
        description: `Bedrock provisioned throughput provider framework (${description}): its calls and nothing else`,
        statements: [...frameworkStatements, ...calls],
      });
      const role = new iam.Role(this, roleId, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: `Provider framework ${description}`, managedPolicies: [policy] });
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords have no resource type in the Service Authorization Reference, so IAM accepts only Resource "*" for them.',
      });
      return { role, policy };
    };
    const invoke = (sid: string, fn: lambda.IFunction) =>
      // GetFunction: the framework waits for the function to be Active before invoking it.
      new iam.PolicyStatement({ sid, actions: ['lambda:InvokeFunction', 'lambda:GetFunction'], resources: [fn.functionArn] });
    const onEventFramework = frameworkRole('FrameworkOnEventRole', 'onEvent', [invoke('InvokeOnEventHandler', this.onEventFunction)]);
    const completeFramework = frameworkRole('FrameworkCompleteRole', 'isComplete and onTimeout', [invoke('InvokeIsCompleteHandler', this.isCompleteFunction)]);
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEventFunction,
      isCompleteHandler: this.isCompleteFunction,
      queryInterval: QUERY_INTERVAL,
      totalTimeout: PROVISIONED_THROUGHPUT_TOTAL_TIMEOUT,
      logGroup: frameworkLogs,
      providerFunctionEnvEncryption: key,
      frameworkLambdaLoggingLevel: lambda.ApplicationLogLevel.INFO,
      frameworkOnEventRole: onEventFramework.role.withoutPolicyUpdates(),
      frameworkCompleteAndTimeoutRole: completeFramework.role.withoutPolicyUpdates(),
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: waiterLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    const waiter = this.provider.node.findChild('waiter-state-machine');
    const machine = waiter.node.findChild('Resource') as sfn.CfnStateMachine;
    onEventFramework.policy.addStatements(new iam.PolicyStatement({ sid: 'StartWaiter', actions: ['states:StartExecution'], resources: [machine.ref] }));
    this.hardenFramework(machine, waiter.node.findChild('Role') as iam.Role, { onEvent: onEventFramework.policy, other: completeFramework.policy });
  }

  /** Lets the Create statement buy throughput for `modelArn` (a foundation or custom model). */
  public allowModel(modelArn: string): void {
    if (this.modelResources.has(modelArn)) return;
    this.modelResources.add(modelArn);
    this.createStatement.addResources(modelArn);
  }

  /** The service token of the provider. */
  public get serviceToken(): string {
    return this.provider.serviceToken;
  }

  /**
   * The framework's functions and waiter, as aws-cdk-lib builds them, brought to the platform's
   * rules: explicit memory, tracing, a dead-letter queue and reserved concurrency on each function;
   * X-Ray on the waiter. What cannot be changed without forking the framework is acknowledged here.
   */
  private hardenFramework(machine: sfn.CfnStateMachine, waiterRole: iam.Role, policies: { onEvent: iam.ManagedPolicy; other: iam.ManagedPolicy }): void {
    const frameworkFunctions = this.provider.node.children.filter((c): c is lambda.Function => c instanceof lambda.Function);
    for (const fn of frameworkFunctions) {
      const cfn = fn.node.defaultChild as lambda.CfnFunction;
      cfn.memorySize = 256;
      cfn.tracingConfig = { mode: 'Active' };
      // CloudFormation invokes framework-onEvent asynchronously: events it could not even answer land here.
      cfn.deadLetterConfig = { targetArn: this.deadLetterQueue.queueArn };
      // A deployment touches a handful of throughputs at once; Lambda queues asynchronous calls beyond this.
      cfn.reservedConcurrentExecutions = 5;
      fn.node.addDependency(fn.node.id === 'framework-onEvent' ? policies.onEvent : policies.other);
      platformFunction.acknowledgeOutsideVpc(
        fn,
        "The provider framework's function calls only Lambda (our handlers), Step Functions (its waiter) and CloudFormation's pre-signed S3 URL; it never reaches Bedrock or data. In a VPC it would need Lambda and Step Functions interface endpoints.",
      );
    }
    machine.tracingConfiguration = { enabled: true };
    waiterRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'], resources: ['*'] }),
    );
    const policy = waiterRole.node.findChild('DefaultPolicy') as iam.Policy;
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery and the other vended-log actions, granted by aws-cdk-lib) and X-Ray tracing have no resource type in the Service Authorization Reference, so only "*" is possible.',
    });
    for (const target of frameworkFunctions) {
      Validations.of(policy).acknowledge({
        id: wildcardResourceFinding(policy, `${target.functionArn}:*`),
        reason: 'lambda:InvokeFunction on the versions and aliases of the framework function the waiter calls (aws-cdk-lib grantInvoke); the function itself is named.',
      });
    }
    for (const ruleId of ['NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security::HIPAA.Security-IAMNoInlinePolicy', 'PCI.DSS.321::PCI.DSS.321-IAMNoInlinePolicy']) {
      Validations.of(policy).acknowledge({
        id: ruleId,
        reason: 'The waiter role and its inline policy are created inside the aws-cdk-lib provider framework; the policy holds only the invoke, log-delivery and tracing grants the waiter needs.',
      });
    }
  }
}
