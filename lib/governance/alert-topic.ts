import { Annotations, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { declareKeyNeeds, KeyConsumer, keyConsumerStatements } from '../core/key-needs';
import { PlatformKey } from '../core/platform-key';
import { isResolved, optionalConstruct, optionalKey, requireEmailAddresses, requirePattern, requireProps } from '../core/validate';
import { SecureTopic } from '../data-protection/secure-topic';

/**
 * Where a construct sends its alerts and alarms: one vocabulary for every governance construct
 * (and the platform facade) that notifies people.
 */
export interface AlertDestinationProps {
  /**
   * The topic to alert through, e.g. one shared by the whole platform or imported with
   * {@link AlertTopic.fromAlertTopicAttributes}. The construct admits exactly its own rules and
   * alarms as publishers (for an imported topic, a synth warning names the statements its owner
   * must add).
   * @default a new {@link AlertTopic} encrypted with the construct's key
   */
  readonly alertTopic?: IAlertTopic;
  /**
   * E-mail addresses to subscribe to the alert topic (the given one or the new one). Each
   * recipient confirms the subscription from the e-mail SNS sends.
   * @default no subscriptions
   */
  readonly alertEmails?: string[];
}

/** A topic that security alerts and audit alarms are published to. */
export interface IAlertTopic extends IConstruct {
  /** The SNS topic. */
  readonly topic: sns.ITopic;
  /** ARN of the topic. */
  readonly topicArn: string;
  /** Name of the topic (the `TopicName` dimension of its metrics). */
  readonly topicName: string;
  /** Key that encrypts the topic; undefined when unknown (an imported topic without one). */
  readonly encryptionKey?: kms.IKey;
  /** Lets exactly `rules` publish to the topic, on top of those admitted before. */
  allowEventBridgeRules(rules: events.IRule[]): void;
  /** Lets exactly `alarms` publish to the topic, on top of those admitted before. */
  allowCloudWatchAlarms(alarms: cloudwatch.IAlarm[]): void;
  /**
   * Lets AWS Budgets publish the budget notifications of this account (the topic's): one
   * statement however often it is called, pinned to the account as AWS documents it.
   */
  allowBudgets(): void;
  /** Lets `grantee` publish: sns:Publish on the topic, and kms:GenerateDataKey / kms:Decrypt on its key through SNS. */
  grantPublish(grantee: iam.IGrantable): iam.Grant;
  /** A metric of the topic (`AWS/SNS`, dimension `TopicName`). */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Notifications SNS failed to deliver (e-mail bounces, unconfirmed endpoints): Sum over 5 minutes. */
  metricNumberOfNotificationsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Messages published to the topic (alerts raised): Sum over 5 minutes. */
  metricNumberOfMessagesPublished(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

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
   * An SNS topic of this app to wrap instead of a new one. For a topic of another app or account,
   * use {@link AlertTopic.fromAlertTopicAttributes}.
   * @default a new {@link SecureTopic}
   */
  readonly topic?: sns.ITopic;
  /**
   * E-mail addresses to subscribe. Each recipient confirms the subscription from the e-mail SNS sends.
   * @default no subscriptions
   */
  readonly alertEmails?: string[];
  /**
   * Display name of a new topic (the sender name of its e-mails).
   * @default 'Bedrock platform alerts'
   */
  readonly displayName?: string;
}

/** An existing topic, for {@link AlertTopic.fromAlertTopicAttributes}. */
export interface AlertTopicAttributes {
  /** ARN of the topic. */
  readonly topicArn: string;
  /**
   * Customer managed key that encrypts the topic. Given, its needs are declared like any imported
   * key's (a synth warning lists the key-policy statements its owner must have added).
   * @default unknown: the warning says what the key policy needs if the topic is encrypted
   */
  readonly encryptionKey?: kms.IKey;
}

/** The statement of each publishing service on a topic, shared by every {@link AlertTopic} that wraps the topic. */
const TOPIC_PUBLISHERS = new WeakMap<sns.ITopic, Map<string, string[]>>();
const PUBLISHER_SIDS: Record<string, string> = {
  'events.amazonaws.com': 'AllowTheseEventBridgeRulesToPublish',
  'cloudwatch.amazonaws.com': 'AllowTheseCloudWatchAlarmsToPublish',
  'budgets.amazonaws.com': 'AllowBudgetsOfThisAccountToPublish',
};
/** What each publishing service needs of the topic's key: SNS asks KMS on the publisher's behalf. */
const PUBLISHER_KEY_NEEDS: Record<string, KeyConsumer> = {
  'events.amazonaws.com': KeyConsumer.EVENTBRIDGE,
  'cloudwatch.amazonaws.com': KeyConsumer.CLOUDWATCH_ALARMS,
  'budgets.amazonaws.com': KeyConsumer.BUDGETS,
};
/**
 * Budgets publishes as the account, not as one budget: AWS documents the account-wide ARN pattern
 * `arn:<partition>:budgets::<account>:*` with ArnLike, and no per-budget ARN, for this call.
 * https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html
 */
const ACCOUNT_WIDE_PUBLISHERS = new Set(['budgets.amazonaws.com']);
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/** The warning id of a topic whose policy this library cannot edit. */
export const IMPORTED_ALERT_TOPIC_WARNING = 'bedrock-secure-platform:alertTopicPolicy';

/** Shared behaviour of a created and an imported {@link IAlertTopic}. */
export abstract class AlertTopicBase extends Construct implements IAlertTopic {
  public abstract readonly topic: sns.ITopic;
  public abstract readonly encryptionKey?: kms.IKey;
  /** Publishers the topic policy could not admit (imported topic), by service: what the warning lists. */
  private readonly unadmitted = new Map<string, IConstruct[]>();

  public get topicArn(): string {
    return this.topic.topicArn;
  }

  public get topicName(): string {
    return this.topic.topicName;
  }

  public allowEventBridgeRules(rules: events.IRule[]): void {
    this.allow('events.amazonaws.com', rules, rules.map((r) => r.ruleArn));
  }

  public allowCloudWatchAlarms(alarms: cloudwatch.IAlarm[]): void {
    this.allow('cloudwatch.amazonaws.com', alarms, alarms.map((a) => a.alarmArn));
  }

  public allowBudgets(): void {
    const { partition, account } = Stack.of(this);
    this.allow('budgets.amazonaws.com', [], [`arn:${partition}:budgets::${account}:*`]);
  }

  public grantPublish(grantee: iam.IGrantable): iam.Grant {
    const publish = iam.Grant.addToPrincipalOrResource({ grantee, actions: ['sns:Publish'], resourceArns: [this.topicArn], resource: this.topic });
    if (!this.encryptionKey) return publish;
    // SNS encrypts the message with the topic key on the publisher's behalf: only through SNS.
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
    const key = iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resourceArns: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sns.${Stack.of(this).region}.amazonaws.com` } },
    });
    return publish.combine(key);
  }

  // AWS/SNS metrics, dimension TopicName:
  // https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.topic.metric(metricName, { statistic: 'Sum', ...props });
  }

  public metricNumberOfNotificationsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('NumberOfNotificationsFailed', props);
  }

  public metricNumberOfMessagesPublished(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('NumberOfMessagesPublished', props);
  }

  /**
   * One statement per publishing service and topic, however many constructs share the topic and
   * however often they call: SNS rejects a policy whose Sids repeat. Later calls add their ARNs to
   * the statement, which renders its list lazily.
   */
  private allow(service: string, publishers: IConstruct[], sourceArns: string[]): void {
    if (sourceArns.length === 0) return;
    // The topic's key (unknown for an imported topic without one) must admit the service too.
    declareKeyNeeds(this, this.encryptionKey, [PUBLISHER_KEY_NEEDS[service]]);
    let byService = TOPIC_PUBLISHERS.get(this.topic);
    if (!byService) {
      byService = new Map();
      TOPIC_PUBLISHERS.set(this.topic, byService);
    }
    const known = byService.get(service);
    if (known) {
      known.push(...sourceArns.filter((a) => !known.includes(a)));
      if (!this.canEditPolicy()) this.recordUnadmitted(service, publishers);
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
          [ACCOUNT_WIDE_PUBLISHERS.has(service) ? 'ArnLike' : 'ArnEquals']: { 'aws:SourceArn': Lazy.list({ produce: () => arns }) },
        },
      }),
    );
    if (!result.statementAdded) this.recordUnadmitted(service, publishers);
  }

  /** An imported topic (no policy of this app): CDK adds nothing to it. */
  private canEditPolicy(): boolean {
    return this.topic instanceof sns.Topic;
  }

  /**
   * Collects the publishers the policy could not admit; one warning, rendered when the app is
   * validated, names every statement the topic's owner must add (all calls included).
   */
  private recordUnadmitted(service: string, publishers: IConstruct[]): void {
    if (this.unadmitted.size === 0) {
      this.node.addValidation({
        validate: () => {
          Annotations.of(this).addWarningV2(IMPORTED_ALERT_TOPIC_WARNING, this.importedTopicWarning());
          return [];
        },
      });
    }
    const list = this.unadmitted.get(service) ?? [];
    list.push(...publishers.filter((p) => !list.includes(p)));
    this.unadmitted.set(service, list);
  }

  private importedTopicWarning(): string {
    const stack = Stack.of(this);
    const shown = (value: string) => (isResolved(value) ? value : stack.resolve(value));
    const statements = [...this.unadmitted].map(([service, publishers]) => ({
      Sid: PUBLISHER_SIDS[service],
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sns:Publish',
      Resource: shown(this.topicArn),
      Condition: {
        StringEquals: { 'aws:SourceAccount': shown(stack.account) },
        ...(ACCOUNT_WIDE_PUBLISHERS.has(service)
          ? { ArnLike: { 'aws:SourceArn': shown(`arn:${stack.partition}:budgets::${stack.account}:*`) } }
          : // Rule and alarm ARNs exist only once deployed: read them from the deployed stack.
            { ArnEquals: { 'aws:SourceArn': publishers.map((p) => `<ARN of ${p.node.path}>`) } }),
      },
    }));
    const lines = [
      `Cannot edit the policy of imported topic ${JSON.stringify(shown(this.topicArn))}: its owner must add these statements to the topic policy, or alerts will not arrive:`,
      JSON.stringify(statements, undefined, 2),
    ];
    if (!this.encryptionKey) {
      const consumers = [...this.unadmitted.keys()].map((s) => PUBLISHER_KEY_NEEDS[s]);
      lines.push(
        'If the topic is encrypted with a customer managed KMS key, its key policy must also contain:',
        JSON.stringify(stack.resolve(keyConsumerStatements(this, consumers).map((s) => s.toStatementJson())), undefined, 2),
      );
    }
    lines.push(
      `Once they are in place, acknowledge this warning next to the topic: Validations.of(topic).acknowledge({ id: 'Annotation::${IMPORTED_ALERT_TOPIC_WARNING}', reason }).`,
    );
    return lines.join('\n');
  }
}

/**
 * Where security alerts go: a KMS-encrypted topic that refuses plain HTTP, with optional e-mail
 * subscriptions. Publishers are admitted one by one, each pinned to its own ARN (`aws:SourceArn`)
 * and this account, instead of the service-wide grant CDK's targets would add.
 */
export class AlertTopic extends AlertTopicBase {
  /**
   * An existing topic (another stack's, another account's). Its policy cannot be edited from
   * here: `allowEventBridgeRules` / `allowCloudWatchAlarms` / `allowBudgets` then add a synth warning
   * (`bedrock-secure-platform:alertTopicPolicy`) with the statements its owner must add.
   */
  public static fromAlertTopicAttributes(scope: Construct, id: string, attrs: AlertTopicAttributes): IAlertTopic {
    return new ImportedAlertTopic(scope, id, attrs);
  }

  public readonly topic: sns.ITopic;
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: AlertTopicProps = {}) {
    super(scope, id);
    props = requireProps(this, props);
    const emails = requireEmailAddresses(this, 'alertEmails', props.alertEmails);
    const topic = optionalConstruct(this, 'topic', props.topic, 'topicArn', 'an sns.ITopic of this app (for another app\'s topic use AlertTopic.fromAlertTopicAttributes)');
    const encryptionKey = optionalKey(this, 'encryptionKey', props.encryptionKey);
    if (topic) {
      this.topic = topic;
      this.encryptionKey = topic.masterKey;
    } else {
      this.encryptionKey = encryptionKey ?? PlatformKey.of(this).key;
      this.topic = new SecureTopic(this, 'Topic', { encryptionKey: this.encryptionKey, displayName: props.displayName ?? 'Bedrock platform alerts' });
    }
    subscribeEmails(this, this.topic, emails);
  }
}

class ImportedAlertTopic extends AlertTopicBase {
  public readonly topic: sns.ITopic;
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, attrs: AlertTopicAttributes) {
    super(scope, id);
    attrs = requireProps(this, attrs);
    if (typeof attrs.topicArn !== 'string') throw new PlatformValidationError(this, 'topicArn', attrs.topicArn, 'Must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:security-alerts.');
    optionalKey(this, 'encryptionKey', attrs.encryptionKey);
    requirePattern(this, 'topicArn', attrs.topicArn, TOPIC_ARN, 'an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:security-alerts');
    this.topic = sns.Topic.fromTopicArn(this, 'Topic', attrs.topicArn);
    this.encryptionKey = attrs.encryptionKey;
  }
}

/** Subscribes `emails` to `topic` as `<scope>/Email<i>` (stable ids: a replaced subscription must be confirmed again). */
function subscribeEmails(scope: Construct, topic: sns.ITopic, emails: readonly string[]): void {
  // An address listed twice is one subscriber: one subscription (the ids of the first ones stay).
  [...new Set(emails)].forEach((address, i) => {
    const subscription = new sns.Subscription(scope, `Email${i}`, { topic, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: address });
    Validations.of(subscription).acknowledge({
      id: 'Serverless::Serverless-SNSRedrivePolicy',
      reason:
        'An e-mail alert that cannot be delivered is retried by SNS under its delivery policy and counted in the topic\'s NumberOfNotificationsFailed metric; ' +
        'a dead-letter queue would need a KMS key that admits SNS, which the platform key deliberately does not.',
    });
  });
}

/**
 * The topic a construct alerts through: `props.alertTopic`, or a new {@link AlertTopic} at `id`.
 * `alertEmails` are subscribed either way, at `<id>/Email<i>` (the ids an own topic gives them).
 */
export function alertTopicFor(
  scope: Construct,
  id: string,
  props: AlertDestinationProps & { readonly encryptionKey: kms.IKey; readonly displayName: string },
): IAlertTopic {
  if (!props.alertTopic) return new AlertTopic(scope, id, { encryptionKey: props.encryptionKey, alertEmails: props.alertEmails, displayName: props.displayName });
  subscribeEmails(new Construct(scope, id), props.alertTopic.topic, props.alertEmails ?? []);
  return props.alertTopic;
}
