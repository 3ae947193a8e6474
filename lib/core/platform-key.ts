import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { PlatformValidationError } from './errors';
import { isResolved, requireIntegerInRange, requirePattern } from './validate';

/**
 * AWS services that use the platform key on their own behalf (as a service principal).
 *
 * Services that act through a caller's role (S3 SSE-KMS, Lambda environment variables, Bedrock
 * knowledge bases) need no key-policy statement: the caller's IAM policy is enough, because the
 * key policy delegates to IAM through the account root statement.
 */
export enum KeyConsumer {
  /** CloudWatch Logs encrypts log groups; scoped with `kms:EncryptionContext:aws:logs:arn`. */
  CLOUDWATCH_LOGS = 'logs',
  /** CloudTrail encrypts log files; scoped with `aws:SourceArn` and the trail encryption context. */
  CLOUDTRAIL = 'cloudtrail',
  /** Bedrock writes invocation logs to an SSE-KMS bucket; scoped with `aws:SourceAccount` and `aws:SourceArn`. */
  BEDROCK = 'bedrock',
  /** CloudWatch alarms publish to KMS-encrypted SNS topics (AWS documents no source condition for this call; the topic policy pins the alarms). */
  CLOUDWATCH_ALARMS = 'cloudwatch',
  /** EventBridge rules publish to KMS-encrypted SNS topics and dead-letter queues (AWS documents no source condition for this call; topic and queue policies pin the rules). */
  EVENTBRIDGE = 'events',
  /** AWS Budgets publishes to KMS-encrypted SNS topics; scoped with `aws:SourceAccount` and `aws:SourceArn`. */
  BUDGETS = 'budgets',
}

/** Every consumer the platform's constructs use: the default for a new platform key. */
export const ALL_KEY_CONSUMERS: readonly KeyConsumer[] = Object.values(KeyConsumer);

/** Properties of a {@link PlatformKey}. */
export interface PlatformKeyProps {
  /**
   * Alias of the key, e.g. `alias/bedrock-platform/prod`.
   * @default `alias/bedrock-platform/<stack name>`
   */
  readonly alias?: string;

  /**
   * Services admitted to the key policy, each with its confused-deputy condition.
   * Leave out the ones you do not deploy to keep the policy minimal.
   * @default ALL_KEY_CONSUMERS
   */
  readonly consumers?: readonly KeyConsumer[];

  /**
   * How often KMS rotates the key material, in days (KMS allows 90 to 2560).
   * @default 365
   */
  readonly rotationPeriodDays?: number;

  /**
   * Waiting period before a scheduled deletion completes, in days (KMS allows 7 to 30).
   * @default 30
   */
  readonly pendingWindowDays?: number;

  /**
   * What happens to the key when it leaves the stack. Data encrypted under a deleted key is lost
   * for good, so the key is kept unless you say otherwise.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Description shown in the KMS console.
   * @default 'Customer-managed key of the Amazon Bedrock platform'
   */
  readonly description?: string;
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const ALIAS_NAME = /^alias\/(?!aws\/)[a-zA-Z0-9/_-]{1,250}$/;

/**
 * The platform's customer-managed KMS key: rotation on, an alias, kept on stack deletion, and a key
 * policy that admits exactly the AWS services the platform uses, each with the condition that
 * stops a confused deputy (another account's resource using the same service) from using it.
 *
 * Every construct of this library that encrypts takes a `kms.IKey`; pass `platformKey.key`, or an
 * existing customer key through {@link PlatformKey.fromKeyArn}.
 */
export class PlatformKey extends Construct {
  /**
   * Imports an existing customer-managed key by ARN, for use wherever this library takes a key.
   *
   * CDK cannot edit an imported key's policy: add {@link PlatformKey.consumerStatements} to it
   * yourself for the services you deploy.
   */
  public static fromKeyArn(scope: Construct, id: string, keyArn: string): kms.IKey {
    if (isResolved(keyArn) && !KEY_ARN.test(keyArn)) {
      throw new PlatformValidationError(
        scope,
        'keyArn',
        keyArn,
        'Must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (an alias ARN cannot carry grants).',
      );
    }
    return kms.Key.fromKeyArn(scope, id, keyArn);
  }

  /**
   * The key-policy statements that admit `consumers` to a key in `scope`'s account and Region:
   * what {@link PlatformKey} applies to its own key, and what an imported key's owner must add.
   */
  public static consumerStatements(scope: Construct, consumers: readonly KeyConsumer[] = ALL_KEY_CONSUMERS): iam.PolicyStatement[] {
    const stack = Stack.of(scope);
    const { account, region, partition } = stack;
    const sourceAccount = { 'aws:SourceAccount': account };
    const arn = (service: string, regionPart: string, resource: string) =>
      `arn:${partition}:${service}:${regionPart}:${account}:${resource}`;
    const serviceStatement = (sid: string, service: string, actions: string[], conditions: Record<string, Record<string, unknown>>) =>
      new iam.PolicyStatement({
        sid,
        principals: [new iam.ServicePrincipal(service)],
        actions,
        resources: ['*'], // in a key policy, `*` means "this key"
        conditions,
      });
    const snsPublisher = (sid: string, service: string, sourceArn: string) =>
      serviceStatement(sid, `${service}.amazonaws.com`, ['kms:Decrypt', 'kms:GenerateDataKey*'], {
        StringEquals: sourceAccount,
        ArnLike: { 'aws:SourceArn': sourceArn },
      });

    const builders: Record<KeyConsumer, () => iam.PolicyStatement[]> = {
      [KeyConsumer.CLOUDWATCH_LOGS]: () => [
        serviceStatement(
          'AllowCloudWatchLogsForThisAccountsLogGroups',
          `logs.${region}.amazonaws.com`,
          ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': arn('logs', region, 'log-group:*') } },
        ),
      ],
      [KeyConsumer.CLOUDTRAIL]: () => [
        serviceStatement('AllowCloudTrailToEncryptThisAccountsTrails', 'cloudtrail.amazonaws.com', ['kms:GenerateDataKey*'], {
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': arn('cloudtrail', '*', 'trail/*') },
          ArnLike: { 'aws:SourceArn': arn('cloudtrail', region, 'trail/*') },
        }),
        serviceStatement('AllowCloudTrailToDescribeKey', 'cloudtrail.amazonaws.com', ['kms:DescribeKey'], {
          ArnLike: { 'aws:SourceArn': arn('cloudtrail', region, 'trail/*') },
        }),
      ],
      [KeyConsumer.BEDROCK]: () => [
        serviceStatement('AllowBedrockLogDeliveryForThisAccount', 'bedrock.amazonaws.com', ['kms:GenerateDataKey', 'kms:Decrypt'], {
          StringEquals: sourceAccount,
          ArnLike: { 'aws:SourceArn': arn('bedrock', region, '*') },
        }),
      ],
      // CloudWatch alarms and EventBridge rules reach the key only through SNS (encrypted topics) or
      // SQS (EventBridge dead-letter queues). AWS documents this statement WITHOUT aws:SourceArn /
      // aws:SourceAccount, and does not say that either service sends those keys on that KMS call:
      // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html (encrypted queues).
      // With a condition the service may not send, alerts would silently never arrive. Who may
      // publish is pinned instead where AWS documents the keys: the topic policy (AlertTopic) and
      // the queue policy, each with aws:SourceAccount and aws:SourceArn.
      [KeyConsumer.CLOUDWATCH_ALARMS]: () => [
        serviceStatement('AllowCloudWatchAlarmsToPublishToEncryptedTopics', 'cloudwatch.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*'], {}),
      ],
      [KeyConsumer.EVENTBRIDGE]: () => [
        serviceStatement('AllowEventBridgeToDeliverToEncryptedTopicsAndQueues', 'events.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*'], {}),
      ],
      [KeyConsumer.BUDGETS]: () => [
        // Budgets is a global service: its ARNs carry no Region.
        snsPublisher('AllowBudgetsToPublishToEncryptedTopics', 'budgets', arn('budgets', '', '*')),
      ],
    };
    return [...new Set(consumers)].flatMap((c) => builders[c]());
  }

  /**
   * Denies `kms:CreateGrant` unless the grant is for an AWS resource or an AWS service asks for it
   * (AWS Control Tower control CT.KMS.PR.3). Grants are how AWS services (EBS, Lambda, S3 Bucket
   * Keys) use a key on a caller's behalf; a grant to an arbitrary principal is a way around the key
   * policy that IAM policies and CloudTrail reviews easily miss. Part of every {@link PlatformKey}'s
   * policy; add it to an imported key's policy too.
   */
  public static grantRestrictionStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'DenyGrantsExceptForAwsResources',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      // Both keys in one BoolIfExists block: denied only when neither is true (absent counts as false).
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    });
  }

  /** The key. Pass it to any construct of this library that takes `encryptionKey`. */
  public readonly key: kms.Key;
  /** The key's alias. */
  public readonly alias: kms.IAlias;
  /** The services admitted to the key policy. */
  public readonly consumers: readonly KeyConsumer[];

  constructor(scope: Construct, id: string, props: PlatformKeyProps = {}) {
    super(scope, id);
    const rotationPeriodDays = requireIntegerInRange(this, 'rotationPeriodDays', props.rotationPeriodDays ?? 365, 90, 2560);
    const pendingWindowDays = requireIntegerInRange(this, 'pendingWindowDays', props.pendingWindowDays ?? 30, 7, 30);
    const aliasName = props.alias ?? `alias/bedrock-platform/${Stack.of(this).stackName}`;
    requirePattern(this, 'alias', aliasName, ALIAS_NAME, "'alias/' followed by letters, digits, '/', '_' or '-' (not 'alias/aws/', which AWS reserves)");
    const consumers = props.consumers ?? ALL_KEY_CONSUMERS;
    for (const c of consumers) {
      if (!ALL_KEY_CONSUMERS.includes(c)) {
        throw new PlatformValidationError(this, 'consumers', c, `Allowed values: ${ALL_KEY_CONSUMERS.join(', ')}.`);
      }
    }
    this.consumers = [...new Set(consumers)];

    this.key = new kms.Key(this, 'Key', {
      description: props.description ?? 'Customer-managed key of the Amazon Bedrock platform',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(rotationPeriodDays),
      pendingWindow: Duration.days(pendingWindowDays),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const statement of [PlatformKey.grantRestrictionStatement(), ...PlatformKey.consumerStatements(this, this.consumers)]) {
      this.key.addToResourcePolicy(statement);
    }
    for (const [consumer, service] of [[KeyConsumer.CLOUDWATCH_ALARMS, 'cloudwatch.amazonaws.com'], [KeyConsumer.EVENTBRIDGE, 'events.amazonaws.com']] as const) {
      if (!this.consumers.includes(consumer)) continue;
      Validations.of(this.key).acknowledge({
        id: `BedrockPlatform::BedrockPlatform-KMS2[Service::${service}]`,
        reason:
          `${service} uses the key only through SNS topics and SQS queues it publishes to; AWS documents this key-policy statement without source conditions ` +
          '(SNS developer guide, "compatibility with AWS services"), and the topic and queue policies pin the publishing alarms and rules with aws:SourceAccount and aws:SourceArn.',
      });
    }
    this.alias = this.key.addAlias(aliasName);
  }

  /** Lets `grantee` encrypt and decrypt with the key (for roles that read or write platform data). */
  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.key.grantEncryptDecrypt(grantee);
  }

  /** Lets `grantee` decrypt with the key (for readers such as auditors). */
  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.key.grantDecrypt(grantee);
  }
}
