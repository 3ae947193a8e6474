import { Duration, Lazy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { PlatformKey } from '../core/platform-key';
import { optionalConstruct, optionalKey, requireEmailAddresses, requireList, requireProps } from '../core/validate';
import { AlertDestinationProps, alertTopicFor, IAlertTopic } from './alert-topic';
import { ALL_HIGH_RISK_ACTIVITIES, automationActivityPattern, AutomationExemption, HIGH_RISK_EVENTS, highRiskAlertPattern, HighRiskActivity } from './high-risk-activity';
import { deliverAlerts, metricUndeliveredAlerts, undeliveredAlertsQueue } from './undelivered-alerts';

/** Properties of {@link HighRiskActivityAlerts}. */
export interface HighRiskActivityAlertsProps extends AlertDestinationProps {
  /**
   * Key that encrypts a new alert topic and the queue of undelivered alerts. The topic and the
   * queue declare what they need of it (`KeyConsumer.EVENTBRIDGE`, `KeyConsumer.CLOUDWATCH_ALARMS`):
   * a PlatformKey admits exactly that, any other key gets a synth warning naming what its policy lacks.
   * @default the stack's default key ({@link PlatformKey.of})
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Which activities raise an alert.
   * @default ALL_HIGH_RISK_ACTIVITIES
   */
  readonly activities?: HighRiskActivity[];
}

/**
 * EventBridge rules that turn high-risk control-plane calls (see {@link HighRiskActivity}) into
 * alerts on a KMS-encrypted SNS topic, failed attempts included: an AccessDenied on
 * StopLogging is worth knowing about too.
 *
 * Rules see the events of their own Region; deploy this construct in each Region the platform
 * uses. It needs a trail that logs management events there (its own or an organization trail).
 */
export class HighRiskActivityAlerts extends Construct {
  /** Topic the alerts are published to. */
  public readonly alertTopic: IAlertTopic;
  /** Alerts EventBridge could not deliver to the topic. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Fires when an alert is in the dead-letter queue. */
  public readonly undeliveredAlertsAlarm: cloudwatch.Alarm;
  /** One rule per activity, by activity. */
  public readonly rules: Readonly<Partial<Record<HighRiskActivity, events.Rule>>>;

  constructor(scope: Construct, id: string, props: HighRiskActivityAlertsProps = {}) {
    super(scope, id);
    props = requireProps(this, props);
    const activities = [...requireList(this, 'activities', props.activities ?? ALL_HIGH_RISK_ACTIVITIES)];
    if (activities.length === 0) {
      throw new PlatformValidationError(this, 'activities', [], `List at least one of: ${ALL_HIGH_RISK_ACTIVITIES.join(', ')}.`);
    }
    for (const activity of activities) {
      if (!ALL_HIGH_RISK_ACTIVITIES.includes(activity)) {
        throw new PlatformValidationError(this, 'activities', activity, `Allowed values: ${ALL_HIGH_RISK_ACTIVITIES.join(', ')}.`);
      }
    }
    const alertEmails = props.alertEmails === undefined ? undefined : [...requireEmailAddresses(this, 'alertEmails', props.alertEmails)];
    optionalConstruct(this, 'alertTopic', props.alertTopic, 'topicArn', 'an IAlertTopic (AlertTopic, or AlertTopic.fromAlertTopicAttributes)');
    const encryptionKey = optionalKey(this, 'encryptionKey', props.encryptionKey) ?? PlatformKey.of(this).key;
    const alerts = alertTopicFor(this, 'Alerts', { ...props, alertEmails, encryptionKey, displayName: 'Bedrock platform security alerts' });
    this.alertTopic = alerts;

    this.deadLetterQueue = undeliveredAlertsQueue(this, encryptionKey, 'the alert rules');

    const rules: Partial<Record<HighRiskActivity, events.Rule>> = {};
    const targets: Array<{ rule: events.Rule; input: events.RuleTargetInput }> = [];
    for (const activity of activities) {
      const selector = HIGH_RISK_EVENTS[activity];
      const rule = new events.Rule(this, ruleId(activity), {
        description: `High-risk activity: ${selector.eventNames.join(', ')} (${selector.eventSource})`,
        eventPattern: {
          source: [selector.source],
          detailType: ['AWS API Call via CloudTrail'],
          detail: { eventSource: [selector.eventSource], eventName: [...selector.eventNames] },
        },
      });
      rules[activity] = rule;
      targets.push({ rule, input: alertMessage(activity, selector.summary) });
    }
    this.rules = rules;
    this.undeliveredAlertsAlarm = deliverAlerts(this, {
      alerts,
      queue: this.deadLetterQueue,
      targets,
      sourceArn: targets.map((t) => t.rule.ruleArn),
      sid: 'AllowTheseRulesToDeadLetterAlerts',
      alarmName: 'undelivered-alerts',
      alarmDescription: 'High-risk activity alerts could not be delivered to the alert topic: read them from the dead-letter queue.',
    });
  }

  /**
   * Alerts waiting in the dead-letter queue (`AWS/SQS` ApproximateNumberOfMessagesVisible,
   * dimension QueueName): Maximum over 5 minutes. Any value above 0 is an alert nobody received.
   */
  public metricUndeliveredAlerts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metricUndeliveredAlerts(this.deadLetterQueue, props);
  }

  /**
   * Deliveries of `activity`'s rule to the topic that failed for good (`AWS/Events`
   * FailedInvocations, dimension RuleName): Sum over 5 minutes. EventBridge publishes it only when
   * it is not zero. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
   */
  public metricFailedInvocations(activity: HighRiskActivity, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('FailedInvocations', activity, props);
  }

  /** Alerts of `activity`'s rule sent to the dead-letter queue (`AWS/Events` InvocationsSentToDlq, dimension RuleName): Sum over 5 minutes. */
  public metricInvocationsSentToDlq(activity: HighRiskActivity, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.ruleMetric('InvocationsSentToDlq', activity, props);
  }

  // ---- Automation exemptions (added for the ThroughputScaler; self-contained, touches the rules only through their CfnRule pattern). ----

  private readonly exemptions: AutomationExemption[] = [];
  private readonly informationRules: Partial<Record<HighRiskActivity, events.Rule>> = {};

  /**
   * Calls to `eventNames` made with the role `roleArn` (an automation acting on purpose, e.g. a
   * ThroughputScaler's `role.roleArn`) stop raising a high-risk alert; they go to the same topic as
   * information instead (`"severity": "information"`), through one extra rule per activity. The
   * same calls by anyone else, and by an IAM user or the root user, still alert. Each name must be
   * one this construct watches. Returns the information rules.
   */
  public exemptAutomation(roleArn: string, eventNames: string[]): events.Rule[] {
    if (typeof roleArn !== 'string' || roleArn.length === 0) throw new PlatformValidationError(this, 'roleArn', roleArn, 'Must be the ARN of the IAM role the automation runs as.');
    const names = [...requireList(this, 'eventNames', eventNames)];
    const watched = Object.keys(this.rules).flatMap((a) => HIGH_RISK_EVENTS[a as HighRiskActivity].eventNames);
    if (names.length === 0) throw new PlatformValidationError(this, 'eventNames', [], `List at least one of: ${watched.join(', ')}.`);
    for (const name of names) if (!watched.includes(name)) throw new PlatformValidationError(this, 'eventNames', name, `Not a call this construct alerts on: ${watched.join(', ')}.`);
    this.exemptions.push({ roleArn, eventNames: names });
    const touched: events.Rule[] = [];
    for (const [activity, rule] of Object.entries(this.rules) as Array<[HighRiskActivity, events.Rule]>) {
      const selector = HIGH_RISK_EVENTS[activity];
      if (!selector.eventNames.some((n) => names.includes(n))) continue;
      // Rendered at synthesis from every exemption given by then.
      (rule.node.defaultChild as events.CfnRule).eventPattern = Lazy.any({ produce: () => highRiskAlertPattern(selector, this.exemptions) });
      let info = this.informationRules[activity];
      if (!info) {
        info = new events.Rule(this, `${ruleId(activity)}Automation`, {
          description: `Information: ${selector.eventNames.join(', ')} by exempted automation roles (${selector.eventSource})`,
          eventPattern: { source: [selector.source], detailType: ['AWS API Call via CloudTrail'] },
        });
        (info.node.defaultChild as events.CfnRule).eventPattern = Lazy.any({ produce: () => automationActivityPattern(selector, this.exemptions) });
        const input = events.RuleTargetInput.fromObject({
          severity: 'information',
          information: `Expected automation: ${selector.summary}`,
          activity,
          eventName: events.EventField.fromPath('$.detail.eventName'),
          principal: events.EventField.fromPath('$.detail.userIdentity.arn'),
          ...investigationFields(),
        });
        const target = info;
        info.addTarget({ bind: () => ({ arn: this.alertTopic.topicArn, input, deadLetterConfig: { arn: this.deadLetterQueue.queueArn } }) });
        this.alertTopic.allowEventBridgeRules([target]);
        if (Object.keys(this.informationRules).length === 0) {
          this.deadLetterQueue.addToResourcePolicy(
            new iam.PolicyStatement({
              sid: 'AllowInformationRulesToDeadLetter',
              principals: [new iam.ServicePrincipal('events.amazonaws.com')],
              actions: ['sqs:SendMessage'],
              resources: [this.deadLetterQueue.queueArn],
              conditions: { ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => Object.values(this.informationRules).map((r) => r.ruleArn) }) } },
            }),
          );
        }
        this.informationRules[activity] = info;
      }
      touched.push(info);
    }
    return touched;
  }

  // ---- End of automation exemptions. ----

  private ruleMetric(metricName: string, activity: HighRiskActivity, props: cloudwatch.MetricOptions | undefined): cloudwatch.Metric {
    const rule = this.rules[activity];
    if (!rule) {
      throw new PlatformValidationError(this, 'activity', activity, `This construct has rules only for: ${Object.keys(this.rules).join(', ')}.`);
    }
    return new cloudwatch.Metric({ namespace: 'AWS/Events', metricName, dimensionsMap: { RuleName: rule.ruleName }, statistic: 'Sum', period: Duration.minutes(5), ...props }).attachTo(rule);
  }
}

/** Construct id of an activity's rule: stable, so renaming the enum's docs never replaces a rule. */
function ruleId(activity: HighRiskActivity): string {
  return activity.replace(/(^|-)([a-z])/g, (_m, _dash, c: string) => c.toUpperCase());
}

/** A compact alert that says who did what where, and keeps the request for the investigation. */
function alertMessage(activity: HighRiskActivity, summary: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromObject({
    alert: summary,
    activity,
    eventName: events.EventField.fromPath('$.detail.eventName'),
    eventSource: events.EventField.fromPath('$.detail.eventSource'),
    principal: events.EventField.fromPath('$.detail.userIdentity.arn'),
    sourceIpAddress: events.EventField.fromPath('$.detail.sourceIPAddress'),
    ...investigationFields(),
  });
}

/** The fields of a CloudTrail event every alert and information message ends with: the outcome, where and when, and the request. */
function investigationFields() {
  return {
    errorCode: events.EventField.fromPath('$.detail.errorCode'),
    account: events.EventField.account,
    region: events.EventField.region,
    time: events.EventField.time,
    requestParameters: events.EventField.fromPath('$.detail.requestParameters'),
    eventId: events.EventField.fromPath('$.detail.eventID'),
  };
}
