import { Annotations, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { declareKeyNeeds, KeyConsumer } from '../core/key-needs';
import { PlatformKey } from '../core/platform-key';
import { isResolved } from '../core/validate';
import { SecureTopic } from '../data-protection/secure-topic';

/** Properties of an {@link AlertTopic}. */
export interface AlertTopicProps {
  /**
   * Key that encrypts a new topic. Each publisher this construct admits declares its service as a
   * need of the key (`KeyConsumer.EVENTBRIDGE`, `KeyConsumer.CLOUDWATCH_ALARMS`): a PlatformKey
   * admits it, any other key gets a synth warning when its policy lacks it.
   * @default the stack's default key (`PlatformKey.of`), when no `topic` is given
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * An existing topic to publish to instead of a new one. CDK cannot edit an imported topic's
   * policy: let `events.amazonaws.com` and `cloudwatch.amazonaws.com` of this account publish to it.
   * @default a new {@link SecureTopic}
   */
  readonly topic?: sns.ITopic;
  /**
   * Email addresses to subscribe. Each recipient confirms the subscription from the email SNS sends.
   * @default no subscriptions
   */
  readonly emailAddresses?: string[];
  /**
   * Display name of a new topic (the sender name of its emails).
   * @default 'Bedrock platform alerts'
   */
  readonly displayName?: string;
}

/** The statement of each publishing service on a topic, shared by every {@link AlertTopic} that wraps the topic. */
const TOPIC_PUBLISHERS = new WeakMap<sns.ITopic, Map<string, string[]>>();
const PUBLISHER_SIDS: Record<string, string> = {
  'events.amazonaws.com': 'AllowTheseEventBridgeRulesToPublish',
  'cloudwatch.amazonaws.com': 'AllowTheseCloudWatchAlarmsToPublish',
};
/** What each publishing service needs of the topic's key: SNS asks KMS on the publisher's behalf. */
const PUBLISHER_KEY_NEEDS: Record<string, KeyConsumer> = {
  'events.amazonaws.com': KeyConsumer.EVENTBRIDGE,
  'cloudwatch.amazonaws.com': KeyConsumer.CLOUDWATCH_ALARMS,
};

/** Pragmatic check: one `@`, a dotted domain, no spaces, within the 254 characters SMTP allows. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Throws unless every address looks like an email address (tokens are skipped). */
export function requireEmailAddresses(scope: Construct, prop: string, addresses: readonly string[]): readonly string[] {
  addresses.forEach((address, i) => {
    if (isResolved(address) && (!EMAIL.test(address) || address.length > 254)) {
      throw new PlatformValidationError(scope, `${prop}[${i}]`, address, 'Must be an email address such as security-team@example.com.');
    }
  });
  return addresses;
}

/**
 * Where security alerts go: a KMS-encrypted topic that refuses plain HTTP, with optional email
 * subscriptions. Publishers are admitted one by one, each pinned to its own ARN (`aws:SourceArn`)
 * and this account, instead of the service-wide grant CDK's targets would add.
 */
export class AlertTopic extends Construct {
  /** The topic alerts are published to. */
  public readonly topic: sns.ITopic;

  constructor(scope: Construct, id: string, props: AlertTopicProps = {}) {
    super(scope, id);
    const emails = requireEmailAddresses(this, 'emailAddresses', props.emailAddresses ?? []);
    this.topic =
      props.topic ??
      new SecureTopic(this, 'Topic', { encryptionKey: props.encryptionKey ?? PlatformKey.of(this).key, displayName: props.displayName ?? 'Bedrock platform alerts' });
    emails.forEach((address, i) => {
      const subscription = new sns.Subscription(this, `Email${i}`, { topic: this.topic, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: address });
      Validations.of(subscription).acknowledge({
        id: 'Serverless::Serverless-SNSRedrivePolicy',
        reason:
          'An email alert that cannot be delivered is retried by SNS under its delivery policy and counted in the topic\'s NumberOfNotificationsFailed metric; ' +
          'a dead-letter queue would need a KMS key that admits SNS, which the platform key deliberately does not.',
      });
    });
  }

  /** Lets exactly `rules` (and those of every earlier call, from any construct sharing the topic) publish to the topic. */
  public allowEventBridgeRules(rules: events.IRule[]): void {
    this.allow('events.amazonaws.com', rules.map((r) => r.ruleArn));
  }

  /** Lets exactly `alarms` (and those of every earlier call, from any construct sharing the topic) publish to the topic. */
  public allowCloudWatchAlarms(alarms: cloudwatch.IAlarm[]): void {
    this.allow('cloudwatch.amazonaws.com', alarms.map((a) => a.alarmArn));
  }

  /**
   * One statement per publishing service and topic, however many constructs share the topic and
   * however often they call: SNS rejects a policy whose Sids repeat. Later calls add their ARNs to
   * the statement, which renders its list lazily.
   */
  private allow(service: string, sourceArns: string[]): void {
    if (sourceArns.length === 0) return;
    // The topic's key (unknown for an imported topic without one) must admit the service too.
    declareKeyNeeds(this, this.topic.masterKey, [PUBLISHER_KEY_NEEDS[service]]);
    let byService = TOPIC_PUBLISHERS.get(this.topic);
    if (!byService) {
      byService = new Map();
      TOPIC_PUBLISHERS.set(this.topic, byService);
    }
    const known = byService.get(service);
    if (known) {
      known.push(...sourceArns.filter((a) => !known.includes(a)));
      return;
    }
    const arns = [...new Set(sourceArns)];
    byService.set(service, arns);
    const result = this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: PUBLISHER_SIDS[service],
        principals: [new iam.ServicePrincipal(service)],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => arns }) },
        },
      }),
    );
    if (!result.statementAdded) {
      Annotations.of(this).addWarningV2(
        'bedrock-secure-platform:alertTopicPolicy',
        `Cannot edit the policy of imported topic ${this.topic.node.path}: allow ${service} to sns:Publish to it for this account, or alerts will not arrive.`,
      );
    }
  }
}
