import { Duration, Names, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { PlatformKey } from '../core/platform-key';
import { isResolved, optionalConstruct, optionalKey, optionalString, requireIntegerInRange, requireList, requireProps } from '../core/validate';
import { AlertTopic, IAlertTopic } from '../governance/alert-topic';
import { auditAlarmName } from '../governance/audit-alarm-name';
import { eventBridgeDeadLetterQueue } from '../governance/undelivered-alerts';

/** EventBridge's retry limits for a target: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html */
export const EVENTBRIDGE_RETRY_LIMITS = { maxRetryAttempts: 185, minEventAgeSeconds: 60, maxEventAgeSeconds: 86_400 } as const;

/**
 * An event pattern may be 4096 characters long (API_Rule, EventPattern). Alarm ARNs are listed
 * in `resources`; the ARNs a rule lists are kept under this budget, the rest goes to further rules.
 */
const ALARM_ARNS_BUDGET = 3_500;
/** Longest alarm ARN when the name is unknown at synth: `arn:aws-us-gov:cloudwatch:<region>:<account>:alarm:` + 255. */
const UNKNOWN_ALARM_ARN_LENGTH = 320;

/** What kind of condition a {@link ResponseCondition} is. */
enum ConditionKind {
  ALARM_STATE_CHANGE = 'alarm-state-change',
  EVENT_PATTERN = 'event-pattern',
}

/**
 * When an {@link AutomatedResponse} runs: a CloudWatch alarm changing state, or any event pattern
 * of the default event bus (Bedrock's own events, CloudTrail-delivered API calls, ...).
 */
export class ResponseCondition {
  /**
   * `alarms` entering one of `states` ("CloudWatch Alarm State Change" events, delivered durably to
   * the default bus of the alarm's Region:
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html).
   * Composite alarms work the same. Many alarms are split over several rules: a pattern may be
   * 4096 characters long.
   * @param states default `[cloudwatch.AlarmState.ALARM]`
   */
  public static alarmStateChange(alarms: cloudwatch.IAlarm[], states: cloudwatch.AlarmState[] = [cloudwatch.AlarmState.ALARM]): ResponseCondition {
    return new ResponseCondition(ConditionKind.ALARM_STATE_CHANGE, { alarms, states });
  }

  /**
   * Events of Amazon Bedrock itself (source `aws.bedrock`), e.g. `Model Customization Job State
   * Change`, `Batch Inference Job State Change`:
   * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-bedrock.html
   * @param detail further matching on the event's `detail`, e.g. `{ status: ['Failed'] }`
   */
  public static bedrockEvents(detailTypes: string[], detail?: Record<string, unknown>): ResponseCondition {
    return new ResponseCondition(ConditionKind.EVENT_PATTERN, { pattern: { source: ['aws.bedrock'], detailType: detailTypes, ...(detail ? { detail } : {}) }, prop: 'condition.detailTypes', list: detailTypes });
  }

  /**
   * API calls recorded by CloudTrail ("AWS API Call via CloudTrail" events; needs a trail logging
   * management events in the account and Region), by default Bedrock's control plane.
   * @param options.source EventBridge source, default `aws.bedrock`
   * @param options.eventSource CloudTrail event source, default `bedrock.amazonaws.com`
   */
  public static cloudTrailApiCalls(eventNames: string[], options: { source?: string; eventSource?: string } = {}): ResponseCondition {
    const pattern: events.EventPattern = {
      source: [options.source ?? 'aws.bedrock'],
      detailType: ['AWS API Call via CloudTrail'],
      detail: { eventSource: [options.eventSource ?? 'bedrock.amazonaws.com'], eventName: eventNames },
    };
    return new ResponseCondition(ConditionKind.EVENT_PATTERN, { pattern, prop: 'condition.eventNames', list: eventNames });
  }

  /** Any event pattern of the default bus; it must name at least one `source`. */
  public static eventPattern(pattern: events.EventPattern): ResponseCondition {
    return new ResponseCondition(ConditionKind.EVENT_PATTERN, { pattern, prop: 'condition.pattern.source', list: pattern?.source });
  }

  private constructor(
    private readonly kind: ConditionKind,
    private readonly spec: {
      alarms?: cloudwatch.IAlarm[];
      states?: cloudwatch.AlarmState[];
      pattern?: events.EventPattern;
      prop?: string;
      list?: readonly unknown[];
    },
  ) {}

  /** @internal The patterns of the condition's rules, validated (errors name `scope`). */
  public _patterns(scope: IConstruct): events.EventPattern[] {
    if (this.kind === ConditionKind.EVENT_PATTERN) {
      const list = requireList(scope, this.spec.prop!, this.spec.list as string[] | undefined);
      if (list.length === 0) throw new PlatformValidationError(scope, this.spec.prop!, this.spec.list, 'Name at least one value: a pattern without it would match every event of the bus.');
      return [this.spec.pattern!];
    }
    const alarms = requireList(scope, 'condition.alarms', this.spec.alarms);
    if (alarms.length === 0) throw new PlatformValidationError(scope, 'condition.alarms', this.spec.alarms, 'List at least one alarm.');
    alarms.forEach((a, i) => optionalConstruct(scope, `condition.alarms[${i}]`, a, 'alarmArn', 'a cloudwatch.IAlarm'));
    const states = requireList(scope, 'condition.states', this.spec.states);
    const allowed = Object.values(cloudwatch.AlarmState);
    if (states.length === 0) throw new PlatformValidationError(scope, 'condition.states', this.spec.states, `List at least one of: ${allowed.join(', ')}.`);
    states.forEach((s, i) => {
      if (!allowed.includes(s)) throw new PlatformValidationError(scope, `condition.states[${i}]`, s, `Allowed values: ${allowed.join(', ')}.`);
    });
    const pattern = (arns: string[]): events.EventPattern => ({
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      resources: arns,
      detail: { state: { value: [...states] } },
    });
    const chunks: string[][] = [[]];
    let used = 0;
    for (const alarm of alarms) {
      const length = isResolved(alarm.alarmName) ? alarm.alarmName.length + 70 : UNKNOWN_ALARM_ARN_LENGTH;
      if (used + length > ALARM_ARNS_BUDGET && chunks[chunks.length - 1].length > 0) {
        chunks.push([]);
        used = 0;
      }
      chunks[chunks.length - 1].push(alarm.alarmArn);
      used += length;
    }
    return chunks.map(pattern);
  }
}

/** What kind of target a {@link ResponseTarget} is. */
enum TargetKind {
  LAMBDA = 'lambda',
  STATE_MACHINE = 'state-machine',
  SNS = 'sns',
}

/** What an {@link AutomatedResponse} runs: a function, a state machine or a topic you supply. */
export class ResponseTarget {
  /** Invokes `fn` asynchronously; its resource policy admits exactly the response's rules (`AWS:SourceArn`). */
  public static lambdaFunction(fn: lambda.IFunction): ResponseTarget {
    return new ResponseTarget(TargetKind.LAMBDA, fn);
  }

  /**
   * Starts an execution of `machine` through a role of the response that only
   * `events.amazonaws.com`, for exactly the response's rules, may assume.
   */
  public static stateMachine(machine: sfn.IStateMachine): ResponseTarget {
    return new ResponseTarget(TargetKind.STATE_MACHINE, machine);
  }

  /**
   * Publishes to `topic` (an `sns.ITopic`, or an {@link IAlertTopic}); the topic policy admits
   * exactly the response's rules, and the topic's key, if known, declares EventBridge as a need.
   */
  public static snsTopic(topic: sns.ITopic | IAlertTopic): ResponseTarget {
    return new ResponseTarget(TargetKind.SNS, topic);
  }

  private constructor(
    /** @internal */ public readonly _kind: TargetKind,
    /** @internal */ public readonly _resource: lambda.IFunction | sfn.IStateMachine | sns.ITopic | IAlertTopic,
  ) {}
}

/** Retry and dead-letter settings of an EventBridge target. */
export interface ResponseDeliveryOptions {
  /**
   * How often EventBridge retries a failed delivery (0 to 185).
   * @default 185 (EventBridge's maximum)
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge keeps trying to deliver an event (60 seconds to 24 hours).
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
}

/** Properties of an {@link AutomatedResponse}. */
export interface AutomatedResponseProps extends ResponseDeliveryOptions {
  /** When the response runs. */
  readonly condition: ResponseCondition;
  /** What runs. */
  readonly target: ResponseTarget;
  /**
   * What the target receives, e.g. `events.RuleTargetInput.fromObject({...})` with
   * `events.EventField` values (an input transformer).
   * @default the matched event, unchanged
   */
  readonly input?: events.RuleTargetInput;
  /**
   * Description of the rules.
   * @default a description of the condition and target
   */
  readonly description?: string;
  /**
   * Queue of the events EventBridge could not deliver after its retries. A queue of this app gets
   * a statement admitting exactly this response's rules.
   * @default a new queue encrypted with `encryptionKey`, TLS only, kept 14 days
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Key of a new dead-letter queue (its policy must admit EventBridge: `KeyConsumer.EVENTBRIDGE`,
   * declared here).
   * @default the stack's default key (`PlatformKey.of`)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Topic an alarm on undelivered events (a message in the new dead-letter queue) notifies.
   * @default no alarm
   */
  readonly alertTopic?: IAlertTopic;
}

/**
 * The documented hook for automated responses: a condition ({@link ResponseCondition}: an alarm
 * state change, a Bedrock event, a CloudTrail-recorded API call, any pattern) runs a target you
 * supply ({@link ResponseTarget}: a Lambda function, a Step Functions state machine, an SNS
 * topic), with retries, a KMS-encrypted dead-letter queue, and a resource or role policy that
 * admits only the response's own rules.
 *
 * What aws-events-targets generates is kept where it is already scoped (Lambda permission with
 * `SourceArn` = the rule); the rest is replaced: CDK's SNS target lets every EventBridge rule of
 * every account publish, and its state-machine role trusts `events.amazonaws.com` without
 * condition. Here the topic policy pins the rules' ARNs and this account, and the role's trust
 * policy pins `aws:SourceArn` to the rules' ARNs, which EventBridge documents sending for rule
 * targets: https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html
 * (the rules of a state-machine response therefore get names derived from the construct path: the
 * role cannot reference a rule that references the role).
 *
 * @example
 * new AutomatedResponse(this, 'DetachOnBudget', {
 *   condition: ResponseCondition.alarmStateChange([budgetAlarm]),
 *   target: ResponseTarget.lambdaFunction(detachInvokePolicy),
 *   alertTopic,
 * });
 */
export class AutomatedResponse extends Construct {
  /** The rules: one, or several for many alarms (4096-character patterns). */
  public readonly rules: readonly events.Rule[];
  /** Where undelivered events go. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** Role EventBridge assumes to start the state machine (state-machine targets only). */
  public readonly invokeRole?: iam.IRole;
  /** Fires on an undelivered event (only for a new queue and an `alertTopic`). */
  public readonly undeliveredEventsAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AutomatedResponseProps) {
    super(scope, id);
    props = requireProps(this, props);
    if (!(props.condition instanceof ResponseCondition)) {
      throw new PlatformValidationError(this, 'condition', String(props.condition), 'Must be a ResponseCondition: ResponseCondition.alarmStateChange(...), .bedrockEvents(...), .cloudTrailApiCalls(...) or .eventPattern(...).');
    }
    if (!(props.target instanceof ResponseTarget)) {
      throw new PlatformValidationError(this, 'target', String(props.target), 'Must be a ResponseTarget: ResponseTarget.lambdaFunction(...), .stateMachine(...) or .snsTopic(...).');
    }
    const delivery = requireDeliveryOptions(this, props);
    const description = optionalString(this, 'description', props.description, 512);
    optionalConstruct(this, 'deadLetterQueue', props.deadLetterQueue, 'queueArn', 'an sqs.IQueue');
    optionalConstruct(this, 'alertTopic', props.alertTopic, 'topicArn', 'an IAlertTopic (AlertTopic, or AlertTopic.fromAlertTopicAttributes)');
    const patterns = props.condition._patterns(this);
    const target = props.target;

    this.deadLetterQueue =
      props.deadLetterQueue ??
      eventBridgeDeadLetterQueue(
        this,
        'UndeliveredEvents',
        optionalKey(this, 'encryptionKey', props.encryptionKey) ?? PlatformKey.of(this).key,
        'This queue is the terminal dead-letter queue of EventBridge rule targets; a further redrive would only move the same undelivered events elsewhere.',
      );

    // A role that trusts only these rules must name them before they exist: give them names.
    const named = target._kind === TargetKind.STATE_MACHINE;
    const stack = Stack.of(this);
    const ruleNames = patterns.map((_p, i) => (named ? `${Names.uniqueResourceName(this, { maxLength: 60, separator: '-' })}${i === 0 ? '' : `-${i + 1}`}` : undefined));
    const ruleArns = ruleNames.map((n) => (n ? stack.formatArn({ service: 'events', resource: 'rule', resourceName: n }) : undefined));
    if (target._kind === TargetKind.STATE_MACHINE) {
      this.invokeRole = new ManagedPolicyRole(this, 'InvokeRole', {
        description: 'EventBridge starts the response state machine with this role, for the response rules only.',
        assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnEquals: { 'aws:SourceArn': ruleArns } },
        }),
      });
    }

    const rules = patterns.map(
      (eventPattern, i) =>
        new events.Rule(this, i === 0 ? 'Rule' : `Rule${i + 1}`, {
          ruleName: ruleNames[i],
          eventPattern,
          description: description ?? `Automated response: ${describeTarget(target)}`,
        }),
    );
    this.rules = rules;
    const base = { deadLetterQueue: this.deadLetterQueue, retryAttempts: delivery.retryAttempts, maxEventAge: delivery.maxEventAge };
    // One target object for every rule: bound once per rule (a Lambda permission, a queue statement each).
    const ruleTarget = this.ruleTarget(target, props.input, base);
    for (const rule of rules) rule.addTarget(ruleTarget);

    if (target._kind === TargetKind.SNS) {
      const resource = target._resource as sns.ITopic | IAlertTopic;
      const topic = isAlertTopic(resource) ? resource : alertTopicOf(this, resource);
      topic.allowEventBridgeRules(rules);
    }

    if (!props.deadLetterQueue && props.alertTopic) {
      this.undeliveredEventsAlarm = this.metricUndeliveredEvents().createAlarm(this, 'UndeliveredEventsAlarm', {
        alarmName: auditAlarmName(this, 'undelivered-events'),
        alarmDescription: `An automated response (${describeTarget(target)}) could not be delivered after EventBridge's retries: read the event from the dead-letter queue.`,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.undeliveredEventsAlarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alertTopic.topic));
      props.alertTopic.allowCloudWatchAlarms([this.undeliveredEventsAlarm]);
    }
  }

  /**
   * Events waiting in the dead-letter queue (`AWS/SQS` ApproximateNumberOfMessagesVisible,
   * dimension QueueName): Maximum over 5 minutes. Above 0, a response did not run.
   */
  public metricUndeliveredEvents(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum', ...props });
  }

  /**
   * Deliveries of `rule` (default the first) that failed for good (`AWS/Events` FailedInvocations,
   * dimension RuleName): Sum over 5 minutes. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
   */
  public metricFailedInvocations(rule: events.IRule = this.rules[0], props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.rules.includes(rule as events.Rule)) throw new PlatformValidationError(this, 'rule', rule?.node?.path, 'Must be one of this response\'s rules (its `rules`).');
    return new cloudwatch.Metric({ namespace: 'AWS/Events', metricName: 'FailedInvocations', dimensionsMap: { RuleName: rule.ruleName }, statistic: 'Sum', period: Duration.minutes(5), ...props });
  }

  private ruleTarget(target: ResponseTarget, input: events.RuleTargetInput | undefined, base: targets.TargetBaseProps): events.IRuleTarget {
    switch (target._kind) {
      case TargetKind.LAMBDA:
        // CDK's target adds the permission with SourceArn = the rule, and the queue statement.
        return new targets.LambdaFunction(target._resource as lambda.IFunction, { ...base, event: input });
      case TargetKind.STATE_MACHINE:
        return new targets.SfnStateMachine(target._resource as sfn.IStateMachine, { ...base, input, role: this.invokeRole });
      case TargetKind.SNS: {
        const resource = target._resource as sns.ITopic | IAlertTopic;
        const topicArn = resource.topicArn;
        // Not CDK's SnsTopic: it grants sns:Publish to every rule of every account.
        return {
          bind: (rule) => {
            admitRuleToDeadLetterQueue(rule, this.deadLetterQueue);
            return {
              arn: topicArn,
              input,
              deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
              retryPolicy: { maximumRetryAttempts: base.retryAttempts, maximumEventAgeInSeconds: base.maxEventAge?.toSeconds() },
            };
          },
        };
      }
    }
  }
}

/**
 * A role whose grants land in one customer-managed policy instead of an inline one (the NIST, HIPAA
 * and PCI packs refuse inline policies), as `PlatformServiceRole` does.
 */
class ManagedPolicyRole extends iam.Role {
  private permissions?: iam.ManagedPolicy;

  public override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.permissions) {
      this.permissions = new iam.ManagedPolicy(this, 'Permissions', { description: 'What EventBridge may do for an automated response', roles: [this] });
    }
    this.permissions.addStatements(statement);
    return { statementAdded: true, policyDependable: this.permissions };
  }
}

/** The statement that lets `rule` dead-letter into `queue`, as aws-events-targets writes it for its own targets. */
function admitRuleToDeadLetterQueue(rule: events.IRuleRef, queue: sqs.IQueue): void {
  queue.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `AllowEventRule${Names.nodeUniqueId(rule.node)}`,
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleRef.ruleArn } },
    }),
  );
}

/** The topic-policy writer of an SNS topic given as a target: shares the one statement per topic with every AlertTopic. */
function alertTopicOf(scope: Construct, topic: sns.ITopic): IAlertTopic {
  return new AlertTopic(scope, 'TargetTopic', { topic });
}

function isAlertTopic(value: unknown): value is IAlertTopic {
  return typeof (value as IAlertTopic).allowEventBridgeRules === 'function';
}

function describeTarget(target: ResponseTarget): string {
  const r = target._resource as IConstruct;
  return `${target._kind} ${r.node.path}`;
}

/**
 * Checks retry settings against EventBridge's limits (0-185 retries, 60 s to 24 h); returns them
 * with EventBridge's defaults written out, so that reviewers read them in the template.
 */
export function requireDeliveryOptions(scope: IConstruct, options: ResponseDeliveryOptions): { retryAttempts: number; maxEventAge: Duration } {
  const retryAttempts = options.retryAttempts ?? EVENTBRIDGE_RETRY_LIMITS.maxRetryAttempts;
  requireIntegerInRange(scope, 'retryAttempts', retryAttempts, 0, EVENTBRIDGE_RETRY_LIMITS.maxRetryAttempts);
  const maxEventAge = options.maxEventAge ?? Duration.hours(24);
  if (!(maxEventAge instanceof Duration)) throw new PlatformValidationError(scope, 'maxEventAge', maxEventAge, 'Must be a Duration, e.g. Duration.hours(2).');
  if (!maxEventAge.isUnresolved()) {
    const seconds = maxEventAge.toSeconds();
    if (!Number.isInteger(seconds) || seconds < EVENTBRIDGE_RETRY_LIMITS.minEventAgeSeconds || seconds > EVENTBRIDGE_RETRY_LIMITS.maxEventAgeSeconds) {
      throw new PlatformValidationError(scope, 'maxEventAge', maxEventAge.toHumanString(), 'Must be whole seconds from 60 seconds to 24 hours (EventBridge\'s limits).');
    }
  }
  return { retryAttempts, maxEventAge };
}

