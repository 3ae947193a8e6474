import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { declareKeyNeeds, KeyConsumer } from '../core/key-needs';
import { IAlertTopic } from './alert-topic';
import { auditAlarmName } from './audit-alarm-name';

/*
 * EventBridge rules that publish alerts to the encrypted alert topic, with a dead-letter queue for
 * what EventBridge could not deliver and an alarm on that queue (HighRiskActivityAlerts,
 * PlatformConfigRules). Internal: the constructs call these in their own scope, so construct ids
 * (and logical ids) stay theirs.
 */

/**
 * A terminal queue (construct id `id`) that EventBridge writes to as a target dead-letter queue:
 * KMS with `encryptionKey` (whose key policy then names EventBridge), TLS only, 14 days, no queue may
 * redrive into it. `terminal` says whose dead-letter queue it is, in the acknowledgement of the
 * redrive findings.
 */
export function eventBridgeDeadLetterQueue(scope: Construct, id: string, encryptionKey: kms.IKey, terminal: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: encryptionKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // Terminal: EventBridge writes to it as a target dead-letter queue; no queue may redrive into it.
    redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.DENY_ALL },
  });
  // EventBridge itself writes the undelivered events, so the key policy must name it.
  declareKeyNeeds(queue, encryptionKey, [KeyConsumer.EVENTBRIDGE]);
  for (const ackId of ['AwsSolutions::AwsSolutions-SQS3', 'Serverless::Serverless-SQSRedrivePolicy', 'ControlTower::sqs_dlq_check']) {
    Validations.of(queue).acknowledge({ id: ackId, reason: terminal });
  }
  return queue;
}

/**
 * The queue (construct id `UndeliveredAlerts`) where alerts EventBridge could not deliver after its
 * retries (a day) land instead of vanishing ({@link eventBridgeDeadLetterQueue}). `rules` ("the
 * alert rules") words the acknowledgement of the redrive findings.
 */
export function undeliveredAlertsQueue(scope: Construct, encryptionKey: kms.IKey, rules: string): sqs.Queue {
  return eventBridgeDeadLetterQueue(
    scope,
    'UndeliveredAlerts',
    encryptionKey,
    `This queue is the terminal dead-letter queue of ${rules} (EventBridge target DLQ); a further redrive would only move the same undelivered alerts elsewhere.`,
  );
}

/** Alerts waiting in `queue` (`AWS/SQS` ApproximateNumberOfMessagesVisible, dimension QueueName): Maximum over 5 minutes. */
export function metricUndeliveredAlerts(queue: sqs.IQueue, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum', ...props });
}

/** How {@link deliverAlerts} routes rules to the alert topic. */
export interface AlertDelivery {
  /** The topic the rules publish to; it admits the rules and the alarm. */
  readonly alerts: IAlertTopic;
  /** The queue of undelivered alerts ({@link undeliveredAlertsQueue}). */
  readonly queue: sqs.Queue;
  /** Each rule with the alert it sends. */
  readonly targets: ReadonlyArray<{ readonly rule: events.Rule; readonly input: events.RuleTargetInput }>;
  /**
   * Which rules may write to the queue, as the `aws:SourceArn` condition names them: one rule's
   * ARN, or a list of ARNs.
   */
  readonly sourceArn: string | string[];
  /** Sid of the queue policy statement that admits EventBridge. */
  readonly sid: string;
  /** Suffix of the alarm's name ({@link auditAlarmName}). */
  readonly alarmName: string;
  /** What the alarm says. */
  readonly alarmDescription: string;
}

/**
 * Points each rule at the alert topic with its alert and the queue as its dead-letter queue, lets
 * only these rules write to the queue (`aws:SourceArn`), and alarms (construct id
 * `UndeliveredAlertsAlarm`, notifying the topic) on the first undelivered alert.
 */
export function deliverAlerts(scope: Construct, delivery: AlertDelivery): cloudwatch.Alarm {
  const { alerts, queue } = delivery;
  for (const { rule, input } of delivery.targets) {
    rule.addTarget({ bind: () => ({ arn: alerts.topicArn, input, deadLetterConfig: { arn: queue.queueArn } }) });
  }
  alerts.allowEventBridgeRules(delivery.targets.map((t) => t.rule));
  queue.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: delivery.sid,
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': delivery.sourceArn } },
    }),
  );
  const alarm = metricUndeliveredAlerts(queue).createAlarm(scope, 'UndeliveredAlertsAlarm', {
    alarmName: auditAlarmName(scope, delivery.alarmName),
    alarmDescription: delivery.alarmDescription,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new cloudwatchActions.SnsAction(alerts.topic));
  alerts.allowCloudWatchAlarms([alarm]);
  return alarm;
}
