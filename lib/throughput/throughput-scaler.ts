import { CustomResource, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { BedrockModel, BedrockModelKind } from '../core/bedrock-model';
import { bundledHandlerCode } from '../core/bundled-code';
import { PlatformValidationError } from '../core/errors';
import { PlatformKey } from '../core/platform-key';
import { isResolved, optionalBoolean, optionalKey, requireIntegerInRange, requireList, requirePattern, requireProps, requireRemovalPolicy } from '../core/validate';
import { acknowledgeWildcardResources, wildcardResourceFinding } from '../core/wildcard-acknowledgement';
import * as platformFunction from '../data-protection/platform-function';
import { SecureLogGroup } from '../data-protection/secure-log-group';
import { eventBridgeDeadLetterQueue } from '../governance/undelivered-alerts';
import { metricModelIdOf } from '../observability/bedrock-metrics';

/** CloudWatch namespace of the scaler's decision metrics (dimension `Pool`). */
export const THROUGHPUT_SCALER_NAMESPACE = 'BedrockPlatform/ThroughputScaler';
/** EventBridge `source` of the pool-changed events (on the account's default bus). */
export const THROUGHPUT_POOL_EVENT_SOURCE = 'bedrock-secure-platform.throughput-scaler';
/** EventBridge `detail-type` of the pool-changed events. */
export const THROUGHPUT_POOL_CHANGED = 'Bedrock Throughput Pool Changed';
/** Tag key that marks a provisioned throughput as a pool's (value: the pool name). */
export const THROUGHPUT_POOL_TAG = 'bedrock-platform:throughput-pool';

/** A model-unit floor in force from each time `schedule` fires until another floor's schedule fires. */
export interface ScheduledFloor {
  /**
   * When the floor starts: a cron or one-time (`at`) expression of EventBridge Scheduler, with its
   * time zone, e.g. `scheduler.ScheduleExpression.cron({ minute: '0', hour: '8', weekDay: 'MON-FRI', timeZone: TimeZone.EUROPE_PARIS })`.
   */
  readonly schedule: scheduler.ScheduleExpression;
  /** Model units the pool keeps at least (0 ends an earlier floor). Never above `maxModelUnits`. */
  readonly modelUnits: number;
}

/** Properties of a {@link ThroughputScaler}. */
export interface ThroughputScalerProps {
  /**
   * The model the pool buys no-commitment provisioned throughput for: a foundation model of the
   * stack's Region by its Provisioned Throughput model ID (`amazon.nova-lite-v1:0:24k`), or a custom model.
   */
  readonly model: BedrockModel;
  /**
   * Model units the pool never goes below. With 0, the pool can be empty: then only the overflow
   * model's tokens show demand, so `countOverflowDemand` must be set.
   * @default 1
   */
  readonly minModelUnits?: number;
  /** Model units the pool never exceeds (the account's model-unit quota must allow them). @default 10 */
  readonly maxModelUnits?: number;
  /** Model units of each throughput bought (units never change after purchase; scaling adds and removes whole throughputs). @default 1 */
  readonly unitSize?: number;
  /** Tokens (input + output) one model unit serves per minute, for this model: ask your AWS account team, or measure. @default 100000 */
  readonly tokensPerModelUnitMinute?: number;
  /** Scale out when demand exceeds this fraction of capacity (including capacity being created). @default 0.97 */
  readonly scaleOutUtilisation?: number;
  /** Scale in only when demand stays below this fraction of the smaller pool (below `scaleOutUtilisation`: hysteresis). @default 0.93 */
  readonly scaleInUtilisation?: number;
  /** How long demand must stay over capacity before a scale-out (whole minutes). @default Duration.minutes(2) */
  readonly scaleOutSustain?: Duration;
  /** How long demand must stay low before a scale-in (whole minutes). @default Duration.minutes(20) */
  readonly scaleInSustain?: Duration;
  /** No scale-in this soon after a scale-out, and no demand-driven scale-out this soon after a scale-in (whole minutes). @default Duration.minutes(30) */
  readonly cooldown?: Duration;
  /** Expected time from purchase to InService: the demand forecast looks this far ahead (whole minutes). @default Duration.minutes(15) */
  readonly creationDelay?: Duration;
  /**
   * Model-unit floors by schedule (e.g. business hours): each applies from its schedule's firing
   * until the next floor's. At most 10.
   * @default none
   */
  readonly scheduledFloors?: ScheduledFloor[];
  /**
   * Hard cap of model-unit-hours per calendar month (UTC): the scaler never starts a billing hour
   * that would exceed it, and deletes throughputs at the end of their paid hour to stay under it.
   * @default no cap
   */
  readonly monthlyModelUnitHourCap?: number;
  /**
   * Where clients send what the pool throttles (and everything while it is empty): an on-demand
   * foundation model or a cross-Region inference profile of the same model. Published in the pool
   * parameter; grant clients access to it with your personas.
   * @default none: clients retry on the pool
   */
  readonly overflow?: BedrockModel;
  /**
   * Count the overflow model's tokens (AWS/Bedrock InputTokenCount + OutputTokenCount of its
   * ModelId) as demand. Only right when nothing else in the account and Region uses that model ID:
   * otherwise the pool buys for their traffic too.
   * @default false
   */
  readonly countOverflowDemand?: boolean;
  /**
   * Name prefix of the pool's throughputs and value of their ownership tag: 1-40 letters and
   * digits, each optionally followed by one '-' or '_'. Unique per account and Region.
   * @default derived from the stack name and the construct path
   */
  readonly poolName?: string;
  /**
   * Key that encrypts the log group and the dead-letter queue.
   * @default the stack's default key ({@link PlatformKey.of})
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the function's log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const NAME = /^([0-9a-zA-Z][_-]?)+$/;
/** The pool parameter (4 KB, standard tier) holds the ARNs: about 50 fit; 25 leaves room for the rest. */
export const MAX_POOL_THROUGHPUTS = 25;
const MAX_FLOORS = 10;

/**
 * Keeps a pool of no-commitment provisioned throughputs of one model between `minModelUnits` and
 * `maxModelUnits`: a function (reserved concurrency 1) reconciles every minute (EventBridge
 * Scheduler) and on every state change of the pool's InvocationThrottles alarms, with the pure
 * decision of `lambda/throughput-scaler/decide.ts` (cooldowns, hysteresis, billing-hour edges,
 * scheduled floors, a monthly model-unit-hour cap). It publishes the in-service ARNs to an SSM
 * parameter (`parameterName`) and as "Bedrock Throughput Pool Changed" events on the default bus.
 *
 * When the stack is deleted, the schedules stop first and the pool is drained (every throughput it
 * bought is deleted), so nothing it bought bills afterwards. It costs money by design: see the README.
 *
 * The function runs outside any VPC: it calls SSM, which is not among the platform's support
 * endpoints (`SupportEndpoint`), besides Bedrock, CloudWatch and EventBridge.
 */
export class ThroughputScaler extends Construct {
  /** Name prefix and ownership tag value of the pool's throughputs. */
  public readonly poolName: string;
  /** The parameter clients read (String, JSON: `throughputArns`, `modelUnits`, `overflow`...). */
  public readonly poolParameter: ssm.StringParameter;
  /** The scaler's own state (cooldown marks, the month's model-unit-hours, the floor). */
  public readonly stateParameter: ssm.StringParameter;
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  /** Every permission of the function's role. */
  public readonly policy: iam.ManagedPolicy;
  /** Invocations that failed for good (Lambda's and the schedules' retries), and undeliverable alarm events. */
  public readonly deadLetterQueue: sqs.Queue;
  public readonly logGroup: logs.ILogGroup;
  /** The every-minute schedule and the floor schedules. */
  public readonly schedules: readonly scheduler.CfnSchedule[];
  /** Role EventBridge Scheduler invokes the function with. */
  public readonly schedulerRole: iam.Role;
  /** Rule that runs the scaler when one of the pool's throttle alarms changes state. */
  public readonly alarmRule: events.Rule;
  /** Name prefix of the per-throughput InvocationThrottles alarms the function keeps. */
  public readonly alarmNamePrefix: string;
  /** Drains the pool when the stack deletes the scaler. */
  public readonly drain: CustomResource;
  /** The model the pool is for. */
  public readonly model: BedrockModel;

  constructor(scope: Construct, id: string, props: ThroughputScalerProps) {
    super(scope, id);
    props = requireProps(this, props);
    if (!(props.model instanceof BedrockModel)) {
      throw new PlatformValidationError(this, 'model', props.model, "Must be a BedrockModel: BedrockModel.foundationModel('amazon.nova-lite-v1:0:24k') or BedrockModel.customModel(arn).");
    }
    props.model.validate(this, 'model', { kinds: [BedrockModelKind.FOUNDATION_MODEL, BedrockModelKind.CUSTOM_MODEL], allowRegion: false, reason: 'what provisioned throughput is bought for, in the stack\'s Region' });
    this.model = props.model;
    const config = checkedConfig(this, props);
    const overflow = checkedOverflow(this, props.overflow);
    const countOverflow = optionalBoolean(this, 'countOverflowDemand', props.countOverflowDemand) ?? false;
    if (countOverflow && !overflow) throw new PlatformValidationError(this, 'countOverflowDemand', true, 'Set overflow too: its tokens are the demand counted.');
    if (config.minModelUnits === 0 && !countOverflow) {
      throw new PlatformValidationError(this, 'minModelUnits', 0, 'An empty pool has no metrics of its own, so demand could never be seen: keep minModelUnits >= 1, or set overflow with countOverflowDemand: true.');
    }
    const floors = checkedFloors(this, props.scheduledFloors, config.maxModelUnits);

    const stack = Stack.of(this);
    this.poolName = props.poolName !== undefined ? checkedPoolName(this, props.poolName) : defaultPoolName(this);
    this.alarmNamePrefix = `${this.poolName}-throttles-`;
    const key = optionalKey(this, 'encryptionKey', props.encryptionKey) ?? PlatformKey.of(this).key;
    const removalPolicy = requireRemovalPolicy(this, 'removalPolicy', props.removalPolicy, 'A log group');

    this.logGroup = new SecureLogGroup(this, 'Logs', { encryptionKey: key, removalPolicy });
    // Also the alarm rule's target dead-letter queue: EventBridge itself writes there.
    this.deadLetterQueue = eventBridgeDeadLetterQueue(
      this,
      'DeadLetterQueue',
      key,
      'This queue is itself the terminal dead-letter queue of the scaler (its function, its schedules and its alarm rule write to it); a further redrive would only move the same failed events elsewhere. The next minute\'s run reconciles anyway.',
    );

    const initialPool = {
      version: 1,
      pool: this.poolName,
      model: props.model.identifier,
      throughputArns: [],
      modelUnits: 0,
      overflow: overflow ? { modelId: overflow.identifier, kind: overflow.kind } : null,
    };
    this.poolParameter = new ssm.StringParameter(this, 'PoolParameter', {
      description: `Bedrock throughput pool ${this.poolName}: in-service provisioned throughput ARNs and overflow (JSON), kept by the ThroughputScaler`,
      stringValue: stack.toJsonString(initialPool),
      tier: ssm.ParameterTier.STANDARD,
    });
    this.stateParameter = new ssm.StringParameter(this, 'StateParameter', {
      description: `Bedrock throughput pool ${this.poolName}: the ThroughputScaler's state (JSON); do not edit`,
      // Constant: CloudFormation never overwrites what the function saved.
      stringValue: '{"version":1}',
      tier: ssm.ParameterTier.STANDARD,
    });

    const arn = (service: string, resource: string, region = stack.region) => `arn:${stack.partition}:${service}:${region}:${stack.account}:${resource}`;
    const provisionedModels = arn('bedrock', 'provisioned-model/*');
    const ownTag = { [`aws:ResourceTag/${THROUGHPUT_POOL_TAG}`]: this.poolName };
    const alarms = arn('cloudwatch', `alarm:${this.alarmNamePrefix}*`);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Bedrock throughput scaler ${this.poolName}: buys and deletes its own pool's throughputs, publishes the pool, nothing else`,
      statements: [
        new iam.PolicyStatement({
          sid: 'BuyThroughputOfThisModel',
          actions: ['bedrock:CreateProvisionedModelThroughput'],
          // The model bought for, and the provisioned-model resource the purchase creates.
          resources: [props.model.resourceArn(this)!, provisionedModels],
        }),
        // Tag-on-create: if Bedrock authorizes the purchase's tags as bedrock:TagResource, this allows
        // exactly the pool's ownership tag and no other.
        new iam.PolicyStatement({
          sid: 'TagPurchaseAsThisPools',
          actions: ['bedrock:TagResource'],
          resources: [provisionedModels],
          conditions: { StringEquals: { [`aws:RequestTag/${THROUGHPUT_POOL_TAG}`]: this.poolName }, 'ForAllValues:StringEquals': { 'aws:TagKeys': [THROUGHPUT_POOL_TAG] } },
        }),
        // The provisioned-model resource type supports aws:ResourceTag/${TagKey} (Service Authorization
        // Reference, Amazon Bedrock, "Resource types defined by Amazon Bedrock":
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html#amazonbedrock-resources-for-iam-policies):
        // the function can delete only throughputs tagged as this pool's.
        new iam.PolicyStatement({ sid: 'DeleteOnlyThisPoolsThroughputs', actions: ['bedrock:DeleteProvisionedModelThroughput'], resources: [provisionedModels], conditions: { StringEquals: ownTag } }),
        new iam.PolicyStatement({ sid: 'ReadThroughputOwnership', actions: ['bedrock:ListTagsForResource'], resources: [provisionedModels] }),
        new iam.PolicyStatement({ sid: 'ListThroughputs', actions: ['bedrock:ListProvisionedModelThroughputs'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'ReadMetricsAndAlarms', actions: ['cloudwatch:GetMetricData', 'cloudwatch:DescribeAlarms'], resources: ['*'] }),
        // cloudwatch:namespace: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html
        new iam.PolicyStatement({ sid: 'PublishDecisionMetrics', actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': THROUGHPUT_SCALER_NAMESPACE } } }),
        new iam.PolicyStatement({ sid: 'KeepThrottleAlarms', actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'], resources: [alarms] }),
        new iam.PolicyStatement({ sid: 'ReadWriteScalerParameters', actions: ['ssm:GetParameter', 'ssm:PutParameter'], resources: [this.poolParameter.parameterArn, this.stateParameter.parameterArn] }),
        // events:source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html
        new iam.PolicyStatement({
          sid: 'PublishPoolChanges',
          actions: ['events:PutEvents'],
          resources: [arn('events', 'event-bus/default')],
          conditions: { StringEquals: { 'events:source': THROUGHPUT_POOL_EVENT_SOURCE } },
        }),
        ...platformFunction.logAndTraceStatements(this.logGroup),
        ...platformFunction.deadLetterStatements(this.deadLetterQueue, key),
      ],
    });
    Validations.of(this.policy).acknowledge({
      id: wildcardResourceFinding(this.policy, provisionedModels),
      reason:
        'Bedrock generates the ID of a provisioned throughput when it is bought, so no ARN can be known in the template; deletion is further limited to throughputs tagged as this pool\'s (aws:ResourceTag), tagging to the pool\'s own tag.',
    });
    Validations.of(this.policy).acknowledge({
      id: wildcardResourceFinding(this.policy, alarms),
      reason: 'The function creates one InvocationThrottles alarm per throughput it buys, named after the throughput: only alarms with this pool\'s name prefix.',
    });
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'bedrock:ListProvisionedModelThroughputs, cloudwatch:GetMetricData, cloudwatch:PutMetricData (limited to the scaler\'s namespace by cloudwatch:namespace) and xray:PutTraceSegments/PutTelemetryRecords have no resource type in the Service Authorization Reference, so IAM accepts only "*"; ' +
        'cloudwatch:DescribeAlarms is read-only and the function asks only for its own name prefix.',
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Bedrock throughput scaler ${this.poolName}`,
      managedPolicies: [this.policy],
    });

    const settings = {
      poolName: this.poolName,
      modelId: props.model.identifier,
      ownerTagKey: THROUGHPUT_POOL_TAG,
      poolParameterName: this.poolParameter.parameterName,
      stateParameterName: this.stateParameter.parameterName,
      metricNamespace: THROUGHPUT_SCALER_NAMESPACE,
      eventSource: THROUGHPUT_POOL_EVENT_SOURCE,
      eventDetailType: THROUGHPUT_POOL_CHANGED,
      alarmPrefix: this.alarmNamePrefix,
      ...(overflow ? { overflow: { modelId: overflow.identifier, kind: overflow.kind } } : {}),
      ...(countOverflow && overflow ? { overflowMetricModelId: metricModelIdOf(overflow) } : {}),
      config,
    };
    this.function = new lambda.Function(this, 'Function', {
      // Every permission is in the managed policy above.
      ...platformFunction.platformFunctionProps(this.role, this.logGroup, this.deadLetterQueue),
      description: `Bedrock throughput scaler: keeps pool ${this.poolName} of ${props.model.identifier} between ${config.minModelUnits} and ${config.maxModelUnits} model units`,
      code: bundledHandlerCode('throughput-scaler'),
      handler: 'index.handler',
      environment: { SCALER_SETTINGS: stack.toJsonString(settings) },
      // A run takes a few seconds; the drain at stack deletion may delete up to 25 throughputs. The handler's deadline is 5 s under this.
      timeout: Duration.minutes(2),
      // One run at a time: runs never race on the pool or the state.
      reservedConcurrentExecutions: 1,
      // Runs are idempotent; a retry is one more reconcile. Older events are worthless: the schedule runs again within a minute.
      retryAttempts: 2,
      maxEventAge: Duration.minutes(10),
    });
    this.function.node.addDependency(this.policy);
    const outsideVpc =
      'The function calls the Bedrock control plane, CloudWatch, EventBridge and SSM Parameter Store, and holds no data; SSM is not among the support endpoints the platform can declare (SupportEndpoint), so in a private VPC it would time out.';
    platformFunction.acknowledgeOutsideVpc(this.function, outsideVpc);

    // Invoked by CloudFormation (with the deployer's credentials: no resource policy needed). Created after,
    // deleted before the function, its policy, log group and parameters; the schedules and the rule
    // depend on it, so at stack deletion they stop before the pool is drained.
    this.drain = new CustomResource(this, 'Drain', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::BedrockThroughputPool',
      properties: { PoolName: this.poolName },
      serviceTimeout: Duration.minutes(5),
    });
    this.drain.node.addDependency(this.function, this.policy, this.logGroup, this.poolParameter, this.stateParameter);

    // EventBridge Scheduler: a role that can invoke only this function (and dead-letter what it cannot deliver).
    this.schedulerRole = this.createSchedulerRole(key);
    const target = (input: Record<string, unknown>): scheduler.CfnSchedule.TargetProperty => ({
      arn: this.function.functionArn,
      roleArn: this.schedulerRole.roleArn,
      input: JSON.stringify(input),
      retryPolicy: { maximumEventAgeInSeconds: 300, maximumRetryAttempts: 3 },
      deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
    });
    const every = new scheduler.CfnSchedule(this, 'EveryMinute', {
      description: `Reconciles Bedrock throughput pool ${this.poolName} every minute`,
      scheduleExpression: 'rate(1 minute)',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: target({ scalerEvent: 'tick', scheduledTime: '<aws.scheduler.scheduled-time>' }),
    });
    const floorSchedules = floors.map((f, i) =>
      new scheduler.CfnSchedule(this, `Floor${i}`, {
        description: `Sets the floor of Bedrock throughput pool ${this.poolName} to ${f.modelUnits} model units`,
        scheduleExpression: f.schedule.expressionString,
        scheduleExpressionTimezone: f.schedule.timeZone?.timezoneName,
        flexibleTimeWindow: { mode: 'OFF' },
        state: 'ENABLED',
        target: target({ scalerEvent: 'floor', floorModelUnits: f.modelUnits, scheduledTime: '<aws.scheduler.scheduled-time>' }),
      }),
    );
    this.schedules = [every, ...floorSchedules];
    for (const s of this.schedules) s.node.addDependency(this.drain, this.schedulerRole);

    this.alarmRule = new events.Rule(this, 'ThrottleAlarmRule', {
      description: `Runs the scaler of Bedrock throughput pool ${this.poolName} when one of its InvocationThrottles alarms goes to ALARM`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        detail: { alarmName: events.Match.prefix(this.alarmNamePrefix), state: { value: ['ALARM'] } },
      },
    });
    this.alarmRule.addTarget(new targets.LambdaFunction(this.function, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 2, maxEventAge: Duration.minutes(5) }));
    this.alarmRule.node.addDependency(this.drain);
  }

  /** Name of the parameter clients read. */
  public get parameterName(): string {
    return this.poolParameter.parameterName;
  }

  /** ARN of the parameter clients read. */
  public get parameterArn(): string {
    return this.poolParameter.parameterArn;
  }

  /** Lets `grantee` read where to send traffic: ssm:GetParameter on the pool parameter (a String parameter: no key involved). */
  public grantReadPool(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParameter'], resourceArns: [this.poolParameter.parameterArn] });
  }

  /**
   * Lets `grantee` invoke the pool's throughputs: InvokeModel and InvokeModelWithResponseStream
   * (Converse and ConverseStream are authorized as these) on provisioned models tagged as this
   * pool's (aws:ResourceTag), whatever their generated IDs. The overflow model is granted apart.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const provisionedModels = `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:provisioned-model/*`;
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      resourceArns: [provisionedModels],
      conditions: { StringEquals: { [`aws:ResourceTag/${THROUGHPUT_POOL_TAG}`]: this.poolName } },
    });
    const principal = grantee.grantPrincipal as unknown as Partial<IConstruct>;
    if (principal.node !== undefined) {
      acknowledgeWildcardResources(principal as IConstruct, [provisionedModels], `The pool's throughputs get their IDs when the scaler buys them; aws:ResourceTag limits the grant to those tagged as pool ${this.poolName}'s.`);
    }
    return grant;
  }

  /** A decision metric of the pool (namespace {@link THROUGHPUT_SCALER_NAMESPACE}, dimension Pool): Maximum over 1 minute by default. */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: THROUGHPUT_SCALER_NAMESPACE, metricName, dimensionsMap: { Pool: this.poolName }, statistic: 'Maximum', period: Duration.minutes(1), ...props }).attachTo(this);
  }

  /** Model units of the pool's in-service throughputs. */
  public metricInServiceModelUnits(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InServiceModelUnits', props);
  }

  /** Model units being created. */
  public metricPendingModelUnits(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('PendingModelUnits', props);
  }

  /** Model units the decision aims at. */
  public metricTargetModelUnits(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TargetModelUnits', props);
  }

  /** Latest observed demand, in model units. */
  public metricDemandModelUnits(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DemandModelUnits', props);
  }

  /** Model-unit-hours committed this month (compare with `monthlyModelUnitHourCap`). */
  public metricModelUnitHoursUsed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ModelUnitHoursUsed', props);
  }

  /** Throughputs bought: Sum over 5 minutes. */
  public metricThroughputsCreated(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ThroughputsCreated', { statistic: 'Sum', period: Duration.minutes(5), ...props });
  }

  /** Throughputs deleted (scale-in and Failed ones): Sum over 5 minutes. */
  public metricThroughputsDeleted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ThroughputsDeleted', { statistic: 'Sum', period: Duration.minutes(5), ...props });
  }

  /** Steps of a run that failed (a purchase, a deletion, the publication...): Sum over 5 minutes. Any value above 0 deserves a look. */
  public metricReconcileErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReconcileErrors', { statistic: 'Sum', period: Duration.minutes(5), ...props });
  }

  /** Events that failed for good, in the dead-letter queue (`AWS/SQS` ApproximateNumberOfMessagesVisible): Maximum over 5 minutes. */
  public metricDeadLetters(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum', ...props });
  }

  private createSchedulerRole(key: kms.IKey): iam.Role {
    const stack = Stack.of(this);
    const policy = new iam.ManagedPolicy(this, 'SchedulerPolicy', {
      description: `EventBridge Scheduler of Bedrock throughput pool ${this.poolName}: invokes the scaler function, nothing else`,
      statements: [
        new iam.PolicyStatement({ sid: 'InvokeScaler', actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
        // Scheduler writes to the dead-letter queue with this role, as Lambda does with the function's.
        ...platformFunction.deadLetterStatements(this.deadLetterQueue, key, 'DeadLetterUndelivered'),
      ],
    });
    // Scheduler documents aws:SourceAccount (and aws:SourceArn of the schedule group) on its execution role's trust:
    // https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
    return new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': `arn:${stack.partition}:scheduler:${stack.region}:${stack.account}:schedule-group/default` },
        },
      }),
      description: `EventBridge Scheduler of Bedrock throughput pool ${this.poolName}`,
      managedPolicies: [policy],
    });
  }
}

/** The decide() configuration from the props, checked (the handler checks again with the same rules). */
function checkedConfig(scope: IConstruct, props: ThroughputScalerProps) {
  const minutes = (prop: string, d: Duration | undefined, fallback: number, max: number) => {
    if (d === undefined) return fallback;
    if (!(d instanceof Duration)) throw new PlatformValidationError(scope, prop, d, 'Must be a Duration, e.g. Duration.minutes(20).');
    if (d.isUnresolved()) throw new PlatformValidationError(scope, prop, d, 'Must be a literal Duration.');
    const m = d.toSeconds() / 60;
    if (!Number.isInteger(m) || m < 1 || m > max) throw new PlatformValidationError(scope, prop, d.toHumanString(), `Must be whole minutes between 1 and ${max}.`);
    return m;
  };
  const fraction = (prop: string, v: number | undefined, fallback: number) => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw new PlatformValidationError(scope, prop, v, 'Must be a fraction of capacity above 0 and at most 1.');
    return v;
  };
  const unitSize = requireIntegerInRange(scope, 'unitSize', props.unitSize ?? 1, 1, 100);
  const maxModelUnits = requireIntegerInRange(scope, 'maxModelUnits', props.maxModelUnits ?? 10, unitSize, 1000);
  const minModelUnits = requireIntegerInRange(scope, 'minModelUnits', props.minModelUnits ?? 1, 0, maxModelUnits);
  if (Math.floor(maxModelUnits / unitSize) > MAX_POOL_THROUGHPUTS) {
    throw new PlatformValidationError(scope, 'maxModelUnits', maxModelUnits, `At most ${MAX_POOL_THROUGHPUTS} throughputs per pool (maxModelUnits / unitSize): the pool parameter is a 4 KB standard parameter. Raise unitSize.`);
  }
  const scaleOutUtilisation = fraction('scaleOutUtilisation', props.scaleOutUtilisation, 0.97);
  const scaleInUtilisation = fraction('scaleInUtilisation', props.scaleInUtilisation, 0.93);
  if (scaleInUtilisation >= scaleOutUtilisation) {
    throw new PlatformValidationError(scope, 'scaleInUtilisation', scaleInUtilisation, `Must be below scaleOutUtilisation (${scaleOutUtilisation}): the gap keeps the pool from flapping.`);
  }
  const tokens = props.tokensPerModelUnitMinute;
  if (tokens !== undefined && (typeof tokens !== 'number' || !Number.isFinite(tokens) || tokens <= 0)) {
    throw new PlatformValidationError(scope, 'tokensPerModelUnitMinute', tokens, 'Must be a positive number of tokens per model unit and minute.');
  }
  const cap = props.monthlyModelUnitHourCap;
  if (cap !== undefined && (typeof cap !== 'number' || !Number.isFinite(cap) || cap < minModelUnits)) {
    throw new PlatformValidationError(scope, 'monthlyModelUnitHourCap', cap, `Must be a finite number of model-unit-hours, at least minModelUnits (${minModelUnits}): leave it unset for no cap.`);
  }
  return {
    minModelUnits,
    maxModelUnits,
    unitSize,
    ...(tokens !== undefined ? { tokensPerMuMinute: tokens } : {}),
    scaleOutUtilisation,
    scaleInUtilisation,
    scaleOutSustainMinutes: minutes('scaleOutSustain', props.scaleOutSustain, 2, 60),
    scaleInSustainMinutes: minutes('scaleInSustain', props.scaleInSustain, 20, 120),
    cooldownMinutes: minutes('cooldown', props.cooldown, 30, 24 * 60),
    creationDelayMinutes: minutes('creationDelay', props.creationDelay, 15, 120),
    ...(cap !== undefined ? { monthlyModelUnitHourCap: cap } : {}),
  };
}

function checkedOverflow(scope: IConstruct, overflow: BedrockModel | undefined): BedrockModel | undefined {
  if (overflow === undefined) return undefined;
  if (!(overflow instanceof BedrockModel)) throw new PlatformValidationError(scope, 'overflow', overflow, "Must be a BedrockModel: BedrockModel.foundationModel('amazon.nova-lite-v1:0') or BedrockModel.crossRegionProfile('us.amazon.nova-lite-v1:0').");
  overflow.validate(scope, 'overflow', { kinds: [BedrockModelKind.FOUNDATION_MODEL, BedrockModelKind.CROSS_REGION_PROFILE], reason: 'where clients send on-demand what the pool cannot take' });
  return overflow;
}

function checkedFloors(scope: IConstruct, floors: ScheduledFloor[] | undefined, maxModelUnits: number): ScheduledFloor[] {
  const list = requireList(scope, 'scheduledFloors', floors);
  if (list.length > MAX_FLOORS) throw new PlatformValidationError(scope, 'scheduledFloors', `${list.length} floors`, `At most ${MAX_FLOORS}.`);
  return list.map((f, i) => {
    const prop = `scheduledFloors[${i}]`;
    requireProps(scope, f);
    const expression = (f.schedule as { expressionString?: unknown } | undefined)?.expressionString;
    if (typeof expression !== 'string') throw new PlatformValidationError(scope, `${prop}.schedule`, f.schedule, 'Must be a scheduler.ScheduleExpression (cron or at).');
    if (isResolved(expression) && !/^(cron|at)\(/.test(expression)) {
      throw new PlatformValidationError(scope, `${prop}.schedule`, expression, 'Must be a cron(...) or at(...) expression: a floor starts at a time of day (rate(...) has none).');
    }
    requireIntegerInRange(scope, `${prop}.modelUnits`, f.modelUnits, 0, maxModelUnits);
    return f;
  });
}

function checkedPoolName(scope: IConstruct, name: string): string {
  if (Token.isUnresolved(name)) throw new PlatformValidationError(scope, 'poolName', name, 'Must be a literal: it names throughputs and alarms and appears in IAM conditions.');
  if (name.length > 40) throw new PlatformValidationError(scope, 'poolName', name, 'Must be at most 40 characters (throughput names take 63, with a suffix).');
  return requirePattern(scope, 'poolName', name, NAME, "letters and digits, each optionally followed by one '-' or '_'");
}

/** `<stack>-<id>-<hash>`: unique per construct path, within the 40 characters and Bedrock's name pattern. */
function defaultPoolName(scope: Construct): string {
  const clean = (s: string, max: number) => s.replace(/[^0-9a-zA-Z]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '');
  const stackName = Stack.of(scope).stackName;
  const stackPart = Token.isUnresolved(stackName) ? '' : clean(stackName, 18);
  const idPart = clean(scope.node.id, 12);
  return [stackPart, idPart, scope.node.addr.slice(-8)].filter(Boolean).join('-');
}
