import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { declareKeyNeeds, KeyConsumer } from '../core/key-needs';
import { PlatformKey } from '../core/platform-key';
import { optionalConstruct, optionalKey, requireEmailAddresses, requireList, requireProps } from '../core/validate';
import { auditAlarmName } from './audit-alarm-name';
import { AlertDestinationProps, alertTopicFor, IAlertTopic } from './alert-topic';
import { ALL_HIGH_RISK_ACTIVITIES, HIGH_RISK_EVENTS, HighRiskActivity } from './high-risk-activity';

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

    // Alerts EventBridge could not deliver after its retries (a day) land here instead of vanishing.
    this.deadLetterQueue = new sqs.Queue(this, 'UndeliveredAlerts', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Terminal: EventBridge writes to it as a target dead-letter queue; no queue may redrive into it.
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.DENY_ALL },
    });
    // EventBridge itself writes the undelivered alerts, so the key policy must name it.
    declareKeyNeeds(this.deadLetterQueue, encryptionKey, [KeyConsumer.EVENTBRIDGE]);
    const terminal = 'This queue is the terminal dead-letter queue of the alert rules (EventBridge target DLQ); a further redrive would only move the same undelivered alerts elsewhere.';
    for (const id of ['AwsSolutions::AwsSolutions-SQS3', 'Serverless::Serverless-SQSRedrivePolicy', 'ControlTower::sqs_dlq_check']) {
      Validations.of(this.deadLetterQueue).acknowledge({ id, reason: terminal });
    }

    const rules: Partial<Record<HighRiskActivity, events.Rule>> = {};
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
      rule.addTarget({
        bind: () => ({ arn: alerts.topicArn, input: alertMessage(activity, selector.summary), deadLetterConfig: { arn: this.deadLetterQueue.queueArn } }),
      });
      rules[activity] = rule;
    }
    const ruleArns = Object.values(rules).map((r) => r.ruleArn);
    alerts.allowEventBridgeRules(Object.values(rules));
    this.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowTheseRulesToDeadLetterAlerts',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': ruleArns } },
      }),
    );
    this.rules = rules;
    this.undeliveredAlertsAlarm = this.metricUndeliveredAlerts().createAlarm(this, 'UndeliveredAlertsAlarm', {
      alarmName: auditAlarmName(this, 'undelivered-alerts'),
      alarmDescription: 'High-risk activity alerts could not be delivered to the alert topic: read them from the dead-letter queue.',
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.undeliveredAlertsAlarm.addAlarmAction(new cloudwatchActions.SnsAction(alerts.topic));
    alerts.allowCloudWatchAlarms([this.undeliveredAlertsAlarm]);
  }

  /**
   * Alerts waiting in the dead-letter queue (`AWS/SQS` ApproximateNumberOfMessagesVisible,
   * dimension QueueName): Maximum over 5 minutes. Any value above 0 is an alert nobody received.
   */
  public metricUndeliveredAlerts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum', ...props });
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
    errorCode: events.EventField.fromPath('$.detail.errorCode'),
    account: events.EventField.account,
    region: events.EventField.region,
    time: events.EventField.time,
    requestParameters: events.EventField.fromPath('$.detail.requestParameters'),
    eventId: events.EventField.fromPath('$.detail.eventID'),
  });
}
