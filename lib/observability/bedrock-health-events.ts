import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { PlatformKey } from '../core/platform-key';
import { isResolved, optionalConstruct, optionalKey, requireEmailAddresses, requireList, requireProps } from '../core/validate';
import { AlertDestinationProps, alertTopicFor, IAlertTopic } from '../governance/alert-topic';
import { AutomatedResponse, ResponseCondition, ResponseDeliveryOptions, ResponseTarget } from './automated-response';

/**
 * The `service` AWS Health gives Amazon Bedrock in its events (`detail.service`): service codes
 * are upper case (`EC2`, `RDS`) and event type codes read `AWS_<SERVICE>_<DESCRIPTION>`, e.g.
 * `AWS_BEDROCK_OPERATIONAL_ISSUE`. https://docs.aws.amazon.com/health/latest/APIReference/API_EventType.html
 */
export const BEDROCK_HEALTH_SERVICE = 'BEDROCK';

/** The category of an AWS Health event (`detail.eventTypeCategory`). */
export enum HealthEventCategory {
  /** A service problem: errors, latency, an outage in a Region. */
  ISSUE = 'issue',
  /** Planned work that may affect you: maintenance, a model's end of life. */
  SCHEDULED_CHANGE = 'scheduledChange',
  /** About the account: limits, billing, required actions. */
  ACCOUNT_NOTIFICATION = 'accountNotification',
}

/** Every category: the default of {@link BedrockHealthEvents}. */
export const ALL_HEALTH_EVENT_CATEGORIES: readonly HealthEventCategory[] = Object.values(HealthEventCategory);

/** Looks like a Region code: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-7. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Properties of {@link BedrockHealthEvents}. */
export interface BedrockHealthEventsProps extends AlertDestinationProps, ResponseDeliveryOptions {
  /**
   * Regions whose Bedrock events to alert on (`detail.eventRegion`, the Region an event concerns;
   * the event's own `region` is where it was delivered).
   * @default every event delivered to this stack's Region
   */
  readonly regions?: string[];
  /**
   * Which kinds of events alert.
   * @default ALL_HEALTH_EVENT_CATEGORIES
   */
  readonly eventTypeCategories?: HealthEventCategory[];
  /**
   * Key of a new alert topic and of the dead-letter queue.
   * @default the stack's default key (`PlatformKey.of`)
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * AWS Health events about Amazon Bedrock (source `aws.health`, detail type `AWS Health Event`,
 * service `BEDROCK`) to the platform's alert topic, as a readable JSON message, with retries, a
 * KMS-encrypted dead-letter queue and an alarm on it. Both account-specific events (your
 * resources, your account) and public events (the service's health in a Region, as on the AWS
 * Health Dashboard) reach the rule; `scope` in the message says which.
 * https://docs.aws.amazon.com/health/latest/ug/about-public-events.html
 *
 * Regions: AWS Health delivers an event to the default bus of the Region it concerns, so a rule
 * sees only its own Region's events: deploy this construct in every Region the platform uses
 * (each stack's rule then alerts on that Region). Public events are also sent to a backup Region
 * (US West (Oregon) for every Region of the standard partition, US East (N. Virginia) for Oregon
 * itself), so a rule in us-west-2 also receives other Regions' public events: list the Regions in
 * use in `regions` there to keep only those, and deduplicate on `eventArn` + `communicationId`,
 * which stay the same in the copy.
 * https://docs.aws.amazon.com/health/latest/ug/choosing-a-region.html
 * A new rule may take up to an hour to receive public events. Events of other accounts of an
 * AWS Organization reach only the management or delegated administrator account (organizational
 * view), not this rule.
 */
export class BedrockHealthEvents extends Construct {
  /** Topic the events are published to. */
  public readonly alertTopic: IAlertTopic;
  /** The rule. */
  public readonly rule: events.Rule;
  /** Events EventBridge could not deliver to the topic. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** Fires when an event is in the dead-letter queue. */
  public readonly undeliveredEventsAlarm: cloudwatch.Alarm;
  /** The response this construct is made of (rule, target, queue). */
  public readonly response: AutomatedResponse;

  constructor(scope: Construct, id: string, props: BedrockHealthEventsProps = {}) {
    super(scope, id);
    props = requireProps(this, props);
    const regions = requireList(this, 'regions', props.regions);
    regions.forEach((r, i) => {
      if (typeof r !== 'string' || (isResolved(r) && !REGION.test(r))) throw new PlatformValidationError(this, `regions[${i}]`, r, 'Must be a Region code such as us-east-1.');
    });
    if (props.regions !== undefined && regions.length === 0) throw new PlatformValidationError(this, 'regions', [], 'List at least one Region, or leave it unset for every event delivered here.');
    const categories = requireList(this, 'eventTypeCategories', props.eventTypeCategories ?? [...ALL_HEALTH_EVENT_CATEGORIES]);
    if (categories.length === 0) throw new PlatformValidationError(this, 'eventTypeCategories', [], `List at least one of: ${ALL_HEALTH_EVENT_CATEGORIES.join(', ')}.`);
    categories.forEach((c, i) => {
      if (!ALL_HEALTH_EVENT_CATEGORIES.includes(c)) throw new PlatformValidationError(this, `eventTypeCategories[${i}]`, c, `Allowed values: ${ALL_HEALTH_EVENT_CATEGORIES.join(', ')}.`);
    });
    const alertEmails = props.alertEmails === undefined ? undefined : [...requireEmailAddresses(this, 'alertEmails', props.alertEmails)];
    optionalConstruct(this, 'alertTopic', props.alertTopic, 'topicArn', 'an IAlertTopic (AlertTopic, or AlertTopic.fromAlertTopicAttributes)');
    const encryptionKey = optionalKey(this, 'encryptionKey', props.encryptionKey) ?? PlatformKey.of(this).key;
    this.alertTopic = alertTopicFor(this, 'Alerts', { alertTopic: props.alertTopic, alertEmails, encryptionKey, displayName: 'Bedrock platform health' });

    this.response = new AutomatedResponse(this, 'Response', {
      condition: ResponseCondition.eventPattern({
        source: ['aws.health'],
        detailType: ['AWS Health Event'],
        detail: {
          service: [BEDROCK_HEALTH_SERVICE],
          eventTypeCategory: [...categories],
          ...(regions.length > 0 ? { eventRegion: [...regions] } : {}),
        },
      }),
      target: ResponseTarget.snsTopic(this.alertTopic),
      input: healthMessage(),
      description: `AWS Health events for Amazon Bedrock (${categories.join(', ')}${regions.length > 0 ? ` in ${regions.join(', ')}` : ''}) to the alert topic`,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      encryptionKey,
      alertTopic: this.alertTopic,
    });
    this.rule = this.response.rules[0];
    this.deadLetterQueue = this.response.deadLetterQueue;
    this.undeliveredEventsAlarm = this.response.undeliveredEventsAlarm!;
  }

  /** Events sent to the dead-letter queue and not yet read: Maximum over 5 minutes. */
  public metricUndeliveredEvents(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.response.metricUndeliveredEvents(props);
  }

  /** Deliveries to the topic that failed for good (`AWS/Events` FailedInvocations, dimension RuleName): Sum over 5 minutes. */
  public metricFailedInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.response.metricFailedInvocations(this.rule, props);
  }
}

/**
 * What happened, where, since when, and the text AWS wrote about it; the ARN and communication ID
 * identify the event (the same in a backup Region's copy).
 * https://docs.aws.amazon.com/health/latest/ug/aws-health-events-eventbridge-schema.html
 */
function healthMessage(): events.RuleTargetInput {
  const detail = (path: string) => events.EventField.fromPath(`$.detail.${path}`);
  return events.RuleTargetInput.fromObject({
    alert: 'AWS Health event for Amazon Bedrock',
    service: detail('service'),
    eventTypeCode: detail('eventTypeCode'),
    category: detail('eventTypeCategory'),
    scope: detail('eventScopeCode'),
    status: detail('statusCode'),
    eventRegion: detail('eventRegion'),
    deliveredTo: events.EventField.region,
    account: events.EventField.account,
    startTime: detail('startTime'),
    description: detail('eventDescription[0].latestDescription'),
    affectedResources: events.EventField.fromPath('$.resources'),
    eventArn: detail('eventArn'),
    communicationId: detail('communicationId'),
  });
}
