import { Annotations, Arn, ArnFormat, Duration, Names, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { isResolved, isToken, requireProps } from '../core/validate';
import { IAlertTopic } from '../governance/alert-topic';
import { PLATFORM_ALARM_NAME_PREFIX } from '../identity/operator-policy';

/** The only Region where CloudWatch keeps AWS/Billing metrics (for the charges of every Region). */
export const BILLING_METRICS_REGION = 'us-east-1';

/** `ServiceName` values of AWS/Billing EstimatedCharges this library reads. */
export enum BillingServiceName {
  /** Amazon Bedrock's own charges (Amazon models, platform features). */
  BEDROCK = 'AmazonBedrock',
  /** Every AWS Marketplace charge: third-party Bedrock models are billed through AWS Marketplace. */
  MARKETPLACE = 'AWSMarketplace',
}

/** Which charges a {@link BillingAlarm} watches. */
export enum BillingAlarmScope {
  /** Amazon Bedrock plus every AWS Marketplace charge (third-party models; other Marketplace purchases too). */
  BEDROCK_AND_MARKETPLACE = 'bedrock-and-marketplace',
  /** Amazon Bedrock's own charges only: misses third-party models. */
  BEDROCK = 'bedrock',
  /** Every charge of the account. */
  ACCOUNT = 'account',
}

/** Properties of a {@link BillingAlarm}. */
export interface BillingAlarmProps {
  /** Topic the alarm notifies; its policy admits exactly this alarm. */
  readonly alertTopic: IAlertTopic;
  /** Month-to-date estimated charges, in US dollars, above which the alarm fires (positive). */
  readonly thresholdUsd: number;
  /**
   * Which charges to watch.
   * @default BillingAlarmScope.BEDROCK_AND_MARKETPLACE
   */
  readonly scope?: BillingAlarmScope;
}

/** Billing metrics arrive several times a day: a 6-hour maximum always holds the latest estimate. */
const PERIOD = Duration.hours(6);

/**
 * A CloudWatch alarm on the month-to-date estimated charges (AWS/Billing `EstimatedCharges`), for
 * accounts that prefer alarms to budgets. It notifies the alert topic.
 *
 * Billing metrics exist only in us-east-1 and only once "Receive Billing Alerts" (CloudWatch
 * billing alerts) is turned on in the account's Billing preferences; the stack must deploy to
 * us-east-1 and the alert topic must be there too (alarm actions are regional).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/monitor_estimated_charges_with_cloudwatch.html
 */
export class BillingAlarm extends Construct {
  /**
   * AWS/Billing `EstimatedCharges` in USD, Maximum over 6 hours, read in us-east-1: of the whole
   * account, or of one service (`ServiceName` dimension).
   */
  public static metricEstimatedCharges(serviceName?: BillingServiceName | string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Billing',
      metricName: 'EstimatedCharges',
      dimensionsMap: { Currency: 'USD', ...(serviceName === undefined ? {} : { ServiceName: serviceName }) },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: PERIOD,
      region: BILLING_METRICS_REGION,
      ...props,
    });
  }

  /** The alarm. */
  public readonly alarm: cloudwatch.Alarm;
  /** What the alarm watches: a metric, or the sum of Bedrock and Marketplace charges. */
  public readonly metric: cloudwatch.Metric | cloudwatch.MathExpression;

  constructor(scope: Construct, id: string, props: BillingAlarmProps) {
    super(scope, id);
    props = requireProps(this, props);
    if (!props.alertTopic || typeof (props.alertTopic as IAlertTopic).allowCloudWatchAlarms !== 'function') {
      throw new PlatformValidationError(this, 'alertTopic', props.alertTopic === undefined ? undefined : String(props.alertTopic), 'Must be an IAlertTopic: new AlertTopic(...) or AlertTopic.fromAlertTopicAttributes(...).');
    }
    const threshold = props.thresholdUsd;
    if (!isToken(threshold) && (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0)) {
      throw new PlatformValidationError(this, 'thresholdUsd', typeof threshold === 'number' && !Number.isFinite(threshold) ? String(threshold) : threshold, 'Must be a positive, finite amount of US dollars, e.g. 1000.');
    }
    const billingScope = props.scope ?? BillingAlarmScope.BEDROCK_AND_MARKETPLACE;
    if (!Object.values(BillingAlarmScope).includes(billingScope)) {
      throw new PlatformValidationError(this, 'scope', billingScope, `Allowed values: ${Object.values(BillingAlarmScope).join(', ')}.`);
    }
    requireBillingRegion(this, props.alertTopic);

    this.metric =
      billingScope === BillingAlarmScope.ACCOUNT
        ? BillingAlarm.metricEstimatedCharges()
        : billingScope === BillingAlarmScope.BEDROCK
          ? BillingAlarm.metricEstimatedCharges(BillingServiceName.BEDROCK)
          : new cloudwatch.MathExpression({
            // A service without charges this month has no data point: count it as 0.
            expression: 'FILL(bedrock, 0) + FILL(marketplace, 0)',
            usingMetrics: {
              bedrock: BillingAlarm.metricEstimatedCharges(BillingServiceName.BEDROCK),
              marketplace: BillingAlarm.metricEstimatedCharges(BillingServiceName.MARKETPLACE),
            },
            period: PERIOD,
            label: 'Amazon Bedrock + AWS Marketplace estimated charges (USD)',
          });

    const what = {
      [BillingAlarmScope.ACCOUNT]: 'the account',
      [BillingAlarmScope.BEDROCK]: 'Amazon Bedrock',
      [BillingAlarmScope.BEDROCK_AND_MARKETPLACE]: 'Amazon Bedrock and AWS Marketplace (third-party models)',
    }[billingScope];
    this.alarm = this.metric.createAlarm(this, 'Alarm', {
      alarmName: `${PLATFORM_ALARM_NAME_PREFIX}${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}-estimated-charges`,
      alarmDescription: `Month-to-date estimated charges of ${what} above ${isToken(threshold) ? 'the threshold' : threshold} USD (AWS/Billing EstimatedCharges).`,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No new estimate in a period is no news, not a breach: the next estimate decides.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alertTopic.topic));
    props.alertTopic.allowCloudWatchAlarms([this.alarm]);
  }
}

/** The alarm's stack, and the topic it notifies, must be in us-east-1. */
function requireBillingRegion(scope: Construct, topic: IAlertTopic): void {
  const region = Stack.of(scope).region;
  if (!isResolved(region)) {
    Annotations.of(scope).addWarningV2(
      'bedrock-secure-platform:billingAlarmRegion',
      `AWS/Billing metrics exist only in ${BILLING_METRICS_REGION}: deploy this environment-agnostic stack there, or the alarm stays INSUFFICIENT_DATA forever.`,
    );
  } else if (region !== BILLING_METRICS_REGION) {
    throw new PlatformValidationError(
      scope,
      'region',
      region,
      `AWS/Billing metrics exist only in ${BILLING_METRICS_REGION}: put this construct in a stack with env.region '${BILLING_METRICS_REGION}' (or use BedrockBudget, which works from any Region).`,
    );
  }
  if (isResolved(topic.topicArn)) {
    const topicRegion = Arn.split(topic.topicArn, ArnFormat.NO_RESOURCE_NAME).region;
    if (topicRegion && topicRegion !== BILLING_METRICS_REGION) {
      throw new PlatformValidationError(scope, 'alertTopic', topic.topicArn, `A CloudWatch alarm notifies only topics of its own Region (${BILLING_METRICS_REGION}); use an alert topic of ${BILLING_METRICS_REGION}.`);
    }
  }
}
