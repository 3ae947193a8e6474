import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { PlatformKey } from '../core/platform-key';
import { optionalConstruct, optionalKey, optionalString, requireOneOf, requireProps } from '../core/validate';
import { AlertTopic, IAlertTopic } from '../governance/alert-topic';
import { AutomatedResponse, requireDeliveryOptions, ResponseCondition, ResponseDeliveryOptions, ResponseTarget } from './automated-response';

/** Version tag of the incident document {@link OnCallIncidentResponse} publishes. */
export const INCIDENT_SCHEMA = 'bedrock-secure-platform.incident/1';

/** Severity of an incident, in the words of PagerDuty's Events API v2 (Opsgenie maps them to P1-P4). */
export enum IncidentSeverity {
  CRITICAL = 'critical',
  ERROR = 'error',
  WARNING = 'warning',
  INFO = 'info',
}

/** Properties of {@link OnCallIncidentResponse}. */
export interface OnCallIncidentResponseProps extends ResponseDeliveryOptions {
  /**
   * The alarms that page: for the platform, `monitoring.alarms.bySeverity[AlarmSeverity.CRITICAL]`,
   * budget alarms, ...
   */
  readonly alarms: cloudwatch.IAlarm[];
  /**
   * The topic the on-call tooling subscribes to (e.g. an HTTPS subscription with raw message
   * delivery to a PagerDuty Event Orchestration or Opsgenie SNS integration endpoint).
   * @default a new {@link AlertTopic} encrypted with `encryptionKey`, without subscriptions
   */
  readonly incidentTopic?: IAlertTopic;
  /**
   * Where an alarm on undelivered incidents notifies.
   * @default the incident topic
   */
  readonly alertTopic?: IAlertTopic;
  /**
   * Severity of the incidents.
   * @default IncidentSeverity.CRITICAL
   */
  readonly severity?: IncidentSeverity;
  /**
   * Logical grouping of the incidents (`payload.group`), e.g. the platform or environment name.
   * @default 'bedrock-platform'
   */
  readonly group?: string;
  /**
   * Also publish a `resolve` incident when an alarm returns to OK, so the on-call tool closes it.
   * @default true
   */
  readonly resolveOnOk?: boolean;
  /**
   * Key of a new incident topic and of the dead-letter queue.
   * @default the stack's default key (`PlatformKey.of`)
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The platform's on-call response, built on {@link AutomatedResponse}: when one of `alarms` goes
 * to ALARM, a normalized incident document is published to an encrypted topic the on-call tooling
 * subscribes to; when it returns to OK, the same document with `event_action: resolve`. No Lambda:
 * an EventBridge input transformer writes the document from the "CloudWatch Alarm State Change"
 * event.
 *
 * The document follows PagerDuty's Events API v2 (`event_action`, `dedup_key`, `payload.summary`,
 * `severity`, `source`, `component`, `group`, `class`, `custom_details`) without the routing key,
 * which stays with the subscriber: PagerDuty Event Orchestration and Opsgenie's SNS integration
 * map these fields without code, and the alarm ARN as `dedup_key` makes repeated and resolving
 * events land on the same incident. Why a topic and not an event bus or an API destination:
 * PagerDuty's EventBridge integration sends events from PagerDuty to AWS, not the other way;
 * both tools take AWS input through an HTTPS subscription of an SNS topic; an API destination
 * would need the tool's secret key in an EventBridge connection.
 *
 * @example
 * new OnCallIncidentResponse(this, 'OnCall', {
 *   alarms: [...monitoring.alarms.bySeverity[AlarmSeverity.CRITICAL]],
 *   alertTopic: monitoring.alertTopic,
 * });
 */
export class OnCallIncidentResponse extends Construct {
  /** The topic incidents are published to. */
  public readonly incidentTopic: IAlertTopic;
  /** Publishes `trigger` incidents (alarms entering ALARM). */
  public readonly trigger: AutomatedResponse;
  /** Publishes `resolve` incidents (alarms back to OK), unless `resolveOnOk` is false. */
  public readonly resolve?: AutomatedResponse;
  /** Incidents EventBridge could not deliver, both kinds. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** Fires when an incident is in the dead-letter queue. */
  public readonly undeliveredIncidentsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OnCallIncidentResponseProps) {
    super(scope, id);
    props = requireProps(this, props);
    const severity = requireOneOf(this, 'severity', props.severity ?? IncidentSeverity.CRITICAL, Object.values(IncidentSeverity));
    const group = optionalString(this, 'group', props.group, 255) ?? 'bedrock-platform';
    if (props.resolveOnOk !== undefined && typeof props.resolveOnOk !== 'boolean') throw new PlatformValidationError(this, 'resolveOnOk', props.resolveOnOk, 'Must be true or false.');
    optionalConstruct(this, 'incidentTopic', props.incidentTopic, 'topicArn', 'an IAlertTopic (AlertTopic, or AlertTopic.fromAlertTopicAttributes)');
    optionalConstruct(this, 'alertTopic', props.alertTopic, 'topicArn', 'an IAlertTopic (AlertTopic, or AlertTopic.fromAlertTopicAttributes)');
    const delivery = requireDeliveryOptions(this, props);
    const encryptionKey = optionalKey(this, 'encryptionKey', props.encryptionKey) ?? PlatformKey.of(this).key;
    this.incidentTopic = props.incidentTopic ?? new AlertTopic(this, 'Incidents', { encryptionKey, displayName: 'Bedrock platform incidents' });

    const common = { target: ResponseTarget.snsTopic(this.incidentTopic), ...delivery };
    this.trigger = new AutomatedResponse(this, 'Trigger', {
      ...common,
      condition: ResponseCondition.alarmStateChange(props.alarms, [cloudwatch.AlarmState.ALARM]),
      input: incidentDocument('trigger', severity, group),
      description: 'On-call: publish a trigger incident when a paging alarm goes to ALARM',
      encryptionKey,
      alertTopic: props.alertTopic ?? this.incidentTopic,
    });
    this.deadLetterQueue = this.trigger.deadLetterQueue;
    this.undeliveredIncidentsAlarm = this.trigger.undeliveredEventsAlarm!;
    if (props.resolveOnOk ?? true) {
      this.resolve = new AutomatedResponse(this, 'Resolve', {
        ...common,
        condition: ResponseCondition.alarmStateChange(props.alarms, [cloudwatch.AlarmState.OK]),
        input: incidentDocument('resolve', severity, group),
        description: 'On-call: publish a resolve incident when a paging alarm returns to OK',
        deadLetterQueue: this.deadLetterQueue,
      });
    }
  }
}

/**
 * The incident document, from a "CloudWatch Alarm State Change" event:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
function incidentDocument(action: 'trigger' | 'resolve', severity: IncidentSeverity, group: string): events.RuleTargetInput {
  const field = (path: string) => events.EventField.fromPath(path);
  const alarmName = field('$.detail.alarmName');
  const state = field('$.detail.state.value');
  return events.RuleTargetInput.fromObject({
    schema: INCIDENT_SCHEMA,
    event_action: action,
    dedup_key: field('$.resources[0]'),
    payload: {
      summary: `Amazon Bedrock platform alarm ${alarmName} is ${state}`,
      severity,
      source: `${events.EventField.account}/${events.EventField.region}`,
      timestamp: events.EventField.time,
      component: 'amazon-bedrock',
      group,
      class: 'cloudwatch-alarm',
      custom_details: {
        alarm_name: alarmName,
        alarm_arn: field('$.resources[0]'),
        state,
        previous_state: field('$.detail.previousState.value'),
        reason: field('$.detail.state.reason'),
        description: field('$.detail.configuration.description'),
        account: events.EventField.account,
        region: events.EventField.region,
      },
    },
  });
}
