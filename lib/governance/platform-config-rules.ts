import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as config from 'aws-cdk-lib/aws-config';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { PlatformKey } from '../core/platform-key';
import { optionalBoolean, optionalBucket, optionalConstruct, optionalKey, requireEmailAddresses, requireList, requireOneOf, requirePattern, requireProps } from '../core/validate';
import { AlertDestinationProps, alertTopicFor, IAlertTopic } from './alert-topic';
import { IBedrockAuditTrail } from './bedrock-audit-trail';
import { InvocationLoggingDriftRule, optionalLogging } from './invocation-logging-drift-rule';
import { InvocationLoggingConfiguration, ModelInvocationLogging } from './model-invocation-logging';
import { deliverAlerts, metricUndeliveredAlerts, undeliveredAlertsQueue } from './undelivered-alerts';

/** Properties of {@link PlatformConfigRules}. */
export interface PlatformConfigRulesProps extends AlertDestinationProps {
  /**
   * Key that encrypts a new alert topic, the queue of undelivered alerts and the drift rule's log
   * group and queue. Each declares what it needs of the key: a PlatformKey admits exactly that.
   * @default `invocationLogging`'s key, else the stack's default key ({@link PlatformKey.of})
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The platform's invocation logging: adds an {@link InvocationLoggingDriftRule} that expects its
   * configuration.
   * @default no drift rule, unless `expectedInvocationLogging` is given
   */
  readonly invocationLogging?: ModelInvocationLogging;
  /**
   * The invocation logging configuration to expect when it is not set by a ModelInvocationLogging
   * of this app: adds an {@link InvocationLoggingDriftRule} that expects it.
   * @default no drift rule, unless `invocationLogging` is given
   */
  readonly expectedInvocationLogging?: InvocationLoggingConfiguration;
  /**
   * The platform's trail. With its bucket known, `cloudtrail-enabled` checks that an enabled trail
   * delivers to that bucket, not just that some trail exists.
   * @default `cloudtrail-enabled` without parameters (any enabled trail)
   */
  readonly trail?: IBedrockAuditTrail;
  /**
   * Add the CloudTrail rules: enabled (cloudtrail-enabled), log file validation and SSE-KMS
   * encryption. The last two evaluate every trail of the account and Region.
   * @default true
   */
  readonly trailRules?: boolean;
  /**
   * The platform's buckets: each gets a TLS-only rule (s3-bucket-ssl-requests-only) and an
   * encryption rule (s3-bucket-server-side-encryption-enabled), scoped to that bucket alone.
   * @default no bucket rules
   */
  readonly buckets?: s3.IBucket[];
  /**
   * Add cmk-backing-key-rotation-enabled. Periodic rules cannot be scoped: it evaluates every
   * customer managed key of the account and Region.
   * @default true
   */
  readonly keyRotationRule?: boolean;
  /**
   * The platform's VPC: adds vpc-endpoint-enabled, which checks that `endpointServices` have an
   * interface endpoint in this VPC.
   * @default no endpoint rule
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Endpoint services that must be present in `vpc`: short names, such as `bedrock-runtime`.
   * @default ['bedrock-runtime']
   */
  readonly endpointServices?: string[];
  /**
   * How often Config runs the periodic rules (the CloudTrail, key-rotation, endpoint and drift rules).
   * @default config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS
   */
  readonly maximumExecutionFrequency?: config.MaximumExecutionFrequency;
}

const FREQUENCIES: readonly config.MaximumExecutionFrequency[] = Object.values(config.MaximumExecutionFrequency);
/** Identifier of the managed rule vpc-endpoint-enabled (not among aws-cdk-lib 2.276's ManagedRuleIdentifiers). */
const VPC_ENDPOINT_ENABLED = 'VPC_ENDPOINT_ENABLED';
const SERVICE_NAME = /^[a-z0-9]+([.-][a-z0-9]+)*$/;

/**
 * AWS Config rules for what the platform promises, with NON_COMPLIANT transitions sent to the
 * platform's KMS-encrypted alert topic:
 *
 * - the trail is enabled, validated and encrypted (`cloudtrail-enabled`,
 *   `cloud-trail-log-file-validation-enabled`, `cloud-trail-encryption-enabled`);
 * - each platform bucket is TLS-only and encrypted (`s3-bucket-ssl-requests-only`,
 *   `s3-bucket-server-side-encryption-enabled`, scoped to the bucket);
 * - keys rotate (`cmk-backing-key-rotation-enabled`);
 * - the VPC has its Bedrock endpoints (`vpc-endpoint-enabled`, with the VPC's id);
 * - invocation logging has not drifted ({@link InvocationLoggingDriftRule}).
 *
 * Alerts go through EventBridge ("Config Rules Compliance Change" events), not through Config's
 * delivery channel, which cannot publish to KMS-encrypted topics.
 *
 * Prerequisite: the change-triggered rules (the bucket rules) evaluate only where a configuration
 * recorder records S3 buckets in the account and Region; periodic rules (all the others) run
 * without one, as they read no configuration items
 * (https://docs.aws.amazon.com/config/latest/developerguide/resource-config-reference.html). In an
 * AWS Organization, AWS Control Tower or the organization's own setup usually runs a recorder
 * already, and there can be only one per account and Region: this construct uses it and creates
 * none. Without one, the bucket rules deploy but report nothing.
 *
 * Cost: $0.001 per rule evaluation (first 100,000 per account and Region each month; less above),
 * no fixed cost per rule. A periodic rule evaluates once per resource per period (24 hours by
 * default); a change-triggered rule once per change of a resource in its scope.
 */
export class PlatformConfigRules extends Construct {
  /** Every rule, in the order created. */
  public readonly rules: readonly config.IRule[];
  /** The invocation logging drift rule, when one was asked for. */
  public readonly driftRule?: InvocationLoggingDriftRule;
  /** Topic the alerts are published to. */
  public readonly alertTopic: IAlertTopic;
  /** The EventBridge rule that turns NON_COMPLIANT transitions of these rules into alerts. */
  public readonly complianceAlertRule: events.Rule;
  /** Alerts EventBridge could not deliver to the topic. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Fires when an alert is in the dead-letter queue. */
  public readonly undeliveredAlertsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PlatformConfigRulesProps = {}) {
    super(scope, id);
    props = requireProps(this, props);
    const logging = optionalLogging(this, 'invocationLogging', props.invocationLogging);
    const trail = props.trail;
    if (trail !== undefined && typeof (trail as { grantReadLogFiles?: unknown } | null)?.grantReadLogFiles !== 'function') {
      throw new PlatformValidationError(this, 'trail', typeof trail === 'object' && trail !== null ? '(object)' : trail, 'Must be an IBedrockAuditTrail (BedrockAuditTrail, or BedrockAuditTrail.fromTrailAttributes).');
    }
    const vpc = optionalConstruct(this, 'vpc', props.vpc, 'vpcId', 'an ec2.IVpc');
    const buckets = requireList(this, 'buckets', props.buckets).map((b, i) => optionalBucket(this, `buckets[${i}]`, b) as s3.IBucket);
    if (props.endpointServices !== undefined && !vpc) {
      throw new PlatformValidationError(this, 'endpointServices', props.endpointServices, 'Endpoint services are checked in a VPC: give vpc too.');
    }
    const services = requireList(this, 'endpointServices', props.endpointServices ?? ['bedrock-runtime']);
    services.forEach((s, i) => requirePattern(this, `endpointServices[${i}]`, s, SERVICE_NAME, 'an endpoint service short name such as bedrock-runtime or bedrock'));
    if (vpc && services.length === 0) throw new PlatformValidationError(this, 'endpointServices', [], 'List at least one endpoint service, e.g. bedrock-runtime.');
    const frequency = requireOneOf(this, 'maximumExecutionFrequency', props.maximumExecutionFrequency ?? config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS, FREQUENCIES);
    const alertEmails = props.alertEmails === undefined ? undefined : [...requireEmailAddresses(this, 'alertEmails', props.alertEmails)];
    optionalConstruct(this, 'alertTopic', props.alertTopic, 'topicArn', 'an IAlertTopic (AlertTopic, or AlertTopic.fromAlertTopicAttributes)');
    const encryptionKey = optionalKey(this, 'encryptionKey', props.encryptionKey) ?? logging?.encryptionKey ?? PlatformKey.of(this).key;

    const rules: config.IRule[] = [];
    const managed = (ruleId: string, identifier: string, description: string, extra: Partial<config.ManagedRuleProps> = {}) => {
      const rule = new config.ManagedRule(this, ruleId, { identifier, description, ...extra });
      rules.push(rule);
      return rule;
    };
    // Trigger types and parameters: each rule's page in the AWS Config developer guide, e.g.
    // https://docs.aws.amazon.com/config/latest/developerguide/cloudtrail-enabled.html
    if (optionalBoolean(this, 'trailRules', props.trailRules) ?? true) {
      const bucket = trail?.bucket;
      managed('TrailEnabled', config.ManagedRuleIdentifiers.CLOUD_TRAIL_ENABLED, bucket ? 'An enabled CloudTrail trail delivers to the platform\'s audit bucket.' : 'A CloudTrail trail is enabled.', {
        maximumExecutionFrequency: frequency,
        inputParameters: bucket ? { s3BucketName: bucket.bucketName } : undefined,
      });
      managed('TrailLogFileValidation', config.ManagedRuleIdentifiers.CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED, 'CloudTrail trails create signed digest files (log file validation).', { maximumExecutionFrequency: frequency });
      managed('TrailEncryption', config.ManagedRuleIdentifiers.CLOUD_TRAIL_ENCRYPTION_ENABLED, 'CloudTrail trails encrypt log files with SSE-KMS.', { maximumExecutionFrequency: frequency });
    }
    // Change-triggered: scoped to the one bucket (a scope takes one resource id).
    buckets.forEach((bucket, i) => {
      const scopeToBucket = config.RuleScope.fromResource(config.ResourceType.S3_BUCKET, bucket.bucketName);
      managed(`BucketTlsOnly${i}`, config.ManagedRuleIdentifiers.S3_BUCKET_SSL_REQUESTS_ONLY, 'The platform bucket\'s policy refuses requests without TLS.', { ruleScope: scopeToBucket });
      managed(`BucketEncryption${i}`, config.ManagedRuleIdentifiers.S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED, 'The platform bucket has default server-side encryption.', { ruleScope: scopeToBucket });
    });
    if (optionalBoolean(this, 'keyRotationRule', props.keyRotationRule) ?? true) {
      managed('KeyRotation', config.ManagedRuleIdentifiers.CMK_BACKING_KEY_ROTATION_ENABLED, 'Customer managed KMS keys have automatic rotation on.', { maximumExecutionFrequency: frequency });
    }
    if (vpc) {
      // https://docs.aws.amazon.com/config/latest/developerguide/vpc-endpoint-enabled.html: serviceNames
      // (CSV) and vpcIds (CSV) limit the check to the platform's VPC; service-vpc-endpoint-enabled
      // has no VPC parameter and would judge every VPC of the account.
      managed('EndpointsPresent', VPC_ENDPOINT_ENABLED, `The platform VPC has interface endpoints for ${services.join(', ')}.`, {
        maximumExecutionFrequency: frequency,
        inputParameters: { serviceNames: services.join(','), vpcIds: vpc.vpcId },
      });
    }
    if (logging || props.expectedInvocationLogging) {
      this.driftRule = new InvocationLoggingDriftRule(this, 'InvocationLoggingDrift', {
        logging,
        expectedConfiguration: props.expectedInvocationLogging,
        maximumExecutionFrequency: frequency,
        encryptionKey,
      });
      rules.push(this.driftRule.rule);
    }
    if (rules.length === 0) {
      throw new PlatformValidationError(this, 'props', props, 'Every rule is turned off: keep trailRules or keyRotationRule on, or give buckets, vpc or invocationLogging.');
    }
    this.rules = rules;

    const alerts = alertTopicFor(this, 'Alerts', { ...props, alertEmails, encryptionKey, displayName: 'Bedrock platform compliance alerts' });
    this.alertTopic = alerts;
    this.deadLetterQueue = undeliveredAlertsQueue(this, encryptionKey, 'the compliance alert rule');

    // Config publishes a "Config Rules Compliance Change" event on every change of a resource's
    // compliance with a rule; only changes to NON_COMPLIANT page anyone.
    // https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html
    this.complianceAlertRule = new events.Rule(this, 'NonCompliantAlert', {
      description: 'A platform AWS Config rule found a resource NON_COMPLIANT',
      eventPattern: {
        source: ['aws.config'],
        detailType: ['Config Rules Compliance Change'],
        detail: { configRuleName: rules.map((r) => r.configRuleName), newEvaluationResult: { complianceType: ['NON_COMPLIANT'] } },
      },
    });
    this.undeliveredAlertsAlarm = deliverAlerts(this, {
      alerts,
      queue: this.deadLetterQueue,
      targets: [{ rule: this.complianceAlertRule, input: alertMessage() }],
      sourceArn: this.complianceAlertRule.ruleArn,
      sid: 'AllowTheComplianceRuleToDeadLetterAlerts',
      alarmName: 'undelivered-compliance-alerts',
      alarmDescription: 'AWS Config compliance alerts could not be delivered to the alert topic: read them from the dead-letter queue.',
    });
  }

  /** Alerts waiting in the dead-letter queue (`AWS/SQS` ApproximateNumberOfMessagesVisible, dimension QueueName): Maximum over 5 minutes. */
  public metricUndeliveredAlerts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metricUndeliveredAlerts(this.deadLetterQueue, props);
  }
}

/** What a platform composition built that its Config rules check; a bucket it did not build is `undefined`. */
export interface PlatformParts extends Pick<PlatformConfigRulesProps, 'encryptionKey' | 'invocationLogging' | 'trail' | 'vpc' | 'endpointServices' | 'alertTopic'> {
  readonly buckets: ReadonlyArray<s3.IBucket | undefined>;
}

/**
 * The PlatformConfigRules (construct id `ConfigRules`) of a platform composition (BedrockPlatform,
 * PlatformBaselineStack): the user's `options`, with the composition's own parts in place of theirs.
 */
export function platformConfigRules(scope: Construct, options: Omit<PlatformConfigRulesProps, keyof PlatformParts> | undefined, parts: PlatformParts): PlatformConfigRules {
  return new PlatformConfigRules(scope, 'ConfigRules', { ...options, ...parts, buckets: parts.buckets.filter((b): b is s3.IBucket => b !== undefined) });
}

/** What the alert says: which rule, which resource, why (the annotation), where and when. */
function alertMessage(): events.RuleTargetInput {
  return events.RuleTargetInput.fromObject({
    alert: 'AWS Config: a platform control is NON_COMPLIANT',
    configRuleName: events.EventField.fromPath('$.detail.configRuleName'),
    resourceType: events.EventField.fromPath('$.detail.resourceType'),
    resourceId: events.EventField.fromPath('$.detail.resourceId'),
    annotation: events.EventField.fromPath('$.detail.newEvaluationResult.annotation'),
    previousCompliance: events.EventField.fromPath('$.detail.oldEvaluationResult.complianceType'),
    account: events.EventField.account,
    region: events.EventField.region,
    time: events.EventField.time,
  });
}
