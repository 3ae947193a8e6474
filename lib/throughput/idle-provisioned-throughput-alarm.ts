import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { PlatformKey } from '../core/platform-key';
import { optionalConstruct, optionalKey, requireEmailAddresses, requireIntegerInRange, requireProps } from '../core/validate';
import { AlertDestinationProps, alertTopicFor, IAlertTopic } from '../governance/alert-topic';
import { IProvisionedThroughput } from './provisioned-throughput';

/** Properties of an {@link IdleProvisionedThroughputAlarm}. */
export interface IdleProvisionedThroughputAlarmProps extends AlertDestinationProps {
  /** The provisioned throughput to watch (typically a committed one: it bills every hour of its term). */
  readonly throughput: IProvisionedThroughput;
  /**
   * Whole days without a single invocation before the alarm fires: 1 to 7 (CloudWatch evaluates at
   * most seven days: EvaluationPeriods x Period <= 604,800 s, PutMetricAlarm API reference).
   * @default 3
   */
  readonly idleDays?: number;
  /**
   * Key of a new alert topic (when `alertTopic` is not given).
   * @default the stack's default key ({@link PlatformKey.of})
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Alarms when a provisioned throughput has served no invocation for `idleDays` whole days (AWS/Bedrock
 * Invocations of its ModelId, daily Sum below 1; a day without data points counts as idle, since
 * Bedrock publishes nothing for a model nobody calls). A committed throughput cannot be deleted
 * before its term ends: an idle one is money spent for nothing, worth a human look.
 */
export class IdleProvisionedThroughputAlarm extends Construct {
  public readonly alarm: cloudwatch.Alarm;
  public readonly alertTopic: IAlertTopic;
  public readonly idleDays: number;

  constructor(scope: Construct, id: string, props: IdleProvisionedThroughputAlarmProps) {
    super(scope, id);
    props = requireProps(this, props);
    const throughput = props.throughput as IProvisionedThroughput | undefined;
    if (!throughput || typeof (throughput as { metricInvocations?: unknown }).metricInvocations !== 'function') {
      throw new PlatformValidationError(this, 'throughput', throughput, 'Must be an IProvisionedThroughput (ProvisionedThroughput, or ProvisionedThroughput.fromProvisionedThroughputArn).');
    }
    this.idleDays = requireIntegerInRange(this, 'idleDays', props.idleDays ?? 3, 1, 7);
    const alertEmails = props.alertEmails === undefined ? undefined : [...requireEmailAddresses(this, 'alertEmails', props.alertEmails)];
    optionalConstruct(this, 'alertTopic', props.alertTopic, 'topicArn', 'an IAlertTopic (AlertTopic, or AlertTopic.fromAlertTopicAttributes)');
    const encryptionKey = optionalKey(this, 'encryptionKey', props.encryptionKey) ?? PlatformKey.of(this).key;
    this.alertTopic = alertTopicFor(this, 'Alerts', { ...props, alertEmails, encryptionKey, displayName: 'Bedrock platform alerts' });

    this.alarm = throughput.metricInvocations({ period: Duration.days(1), statistic: 'Sum' }).createAlarm(this, 'Alarm', {
      alarmDescription: `Provisioned throughput ${throughput.provisionedModelArn} served no invocation for ${this.idleDays} day(s): it bills every hour (a committed one until its term ends). Send traffic to it, or stop buying it.`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: this.idleDays,
      datapointsToAlarm: this.idleDays,
      // No data point for a day = no invocation that day.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alertTopic.topic));
    this.alertTopic.allowCloudWatchAlarms([this.alarm]);
  }
}
