import { Annotations, AspectPriority, Aspects, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { PlatformValidationError } from './errors';

/**
 * AWS services that use a key on their own behalf (as a service principal), so that the key policy
 * must name them.
 *
 * Services that act through a caller's role (S3 SSE-KMS, Lambda environment variables and
 * dead-letter queues, Bedrock knowledge bases) need no key-policy statement: the caller's IAM
 * policy is enough, because the key policy delegates to IAM through the account root statement.
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
  /** AWS Budgets publishes to KMS-encrypted SNS topics (AWS documents no source condition for this call; the topic policy pins the account). */
  BUDGETS = 'budgets',
  /** Amazon S3 Vectors maintains SSE-KMS vector indexes in the background; scoped with `aws:SourceAccount`, `aws:SourceArn` and the S3 Vectors encryption context. */
  S3_VECTORS = 'indexing.s3vectors',
}

/** Every consumer a key policy can admit, in the order a key policy lists them. */
export const ALL_KEY_CONSUMERS: readonly KeyConsumer[] = Object.values(KeyConsumer);

/** The service principal of each consumer (`region` is the key's). */
function servicePrincipal(consumer: KeyConsumer, region: string): string {
  return consumer === KeyConsumer.CLOUDWATCH_LOGS ? `logs.${region}.amazonaws.com` : `${consumer}.amazonaws.com`;
}

/**
 * The key-policy statements that admit `consumers` to a key in `scope`'s account and Region, each
 * with the condition that stops a confused deputy; see `PlatformKey.consumerStatements`.
 */
export function keyConsumerStatements(scope: IConstruct, consumers: readonly KeyConsumer[] = ALL_KEY_CONSUMERS): iam.PolicyStatement[] {
  const wanted = requireKeyConsumers(scope, 'consumers', consumers);
  const stack = Stack.of(scope);
  const { account, region, partition } = stack;
  const sourceAccount = { 'aws:SourceAccount': account };
  const arn = (service: string, regionPart: string, resource: string) => `arn:${partition}:${service}:${regionPart}:${account}:${resource}`;
  const serviceStatement = (sid: string, consumer: KeyConsumer, actions: string[], conditions: Record<string, Record<string, unknown>>) =>
    new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal(servicePrincipal(consumer, region))],
      actions,
      resources: ['*'], // in a key policy, `*` means "this key"
      conditions,
    });

  const builders: Record<KeyConsumer, () => iam.PolicyStatement[]> = {
    [KeyConsumer.CLOUDWATCH_LOGS]: () => [
      serviceStatement(
        'AllowCloudWatchLogsForThisAccountsLogGroups',
        KeyConsumer.CLOUDWATCH_LOGS,
        ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': arn('logs', region, 'log-group:*') } },
      ),
    ],
    [KeyConsumer.CLOUDTRAIL]: () => [
      serviceStatement('AllowCloudTrailToEncryptThisAccountsTrails', KeyConsumer.CLOUDTRAIL, ['kms:GenerateDataKey*'], {
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': arn('cloudtrail', '*', 'trail/*') },
        ArnLike: { 'aws:SourceArn': arn('cloudtrail', region, 'trail/*') },
      }),
      serviceStatement('AllowCloudTrailToDescribeKey', KeyConsumer.CLOUDTRAIL, ['kms:DescribeKey'], {
        ArnLike: { 'aws:SourceArn': arn('cloudtrail', region, 'trail/*') },
      }),
    ],
    [KeyConsumer.BEDROCK]: () => [
      serviceStatement('AllowBedrockLogDeliveryForThisAccount', KeyConsumer.BEDROCK, ['kms:GenerateDataKey', 'kms:Decrypt'], {
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
      serviceStatement('AllowCloudWatchAlarmsToPublishToEncryptedTopics', KeyConsumer.CLOUDWATCH_ALARMS, ['kms:Decrypt', 'kms:GenerateDataKey*'], {}),
    ],
    [KeyConsumer.EVENTBRIDGE]: () => [
      serviceStatement('AllowEventBridgeToDeliverToEncryptedTopicsAndQueues', KeyConsumer.EVENTBRIDGE, ['kms:Decrypt', 'kms:GenerateDataKey*'], {}),
    ],
    // AWS documents this statement WITHOUT conditions ("To enable compatibility between AWS Budgets
    // and encrypted Amazon SNS topics"): it documents aws:SourceAccount / aws:SourceArn for the
    // SNS:Publish call only, not for the KMS call SNS makes on Budgets' behalf. Same reasoning as
    // for alarms and rules above: the topic policy (AlertTopic.allowBudgets) pins the account.
    // https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html
    [KeyConsumer.BUDGETS]: () => [
      serviceStatement('AllowBudgetsToPublishToEncryptedTopics', KeyConsumer.BUDGETS, ['kms:Decrypt', 'kms:GenerateDataKey*'], {}),
    ],
    // The statement AWS documents for customer managed keys of vector buckets and indexes, with its
    // conditions: https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-data-encryption.html
    [KeyConsumer.S3_VECTORS]: () => [
      serviceStatement('AllowS3VectorsIndexingForThisAccountsVectorBuckets', KeyConsumer.S3_VECTORS, ['kms:Decrypt'], {
        StringEquals: sourceAccount,
        ArnLike: { 'aws:SourceArn': arn('s3vectors', region, 'bucket/*') },
        'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': ['aws:s3vectors:arn', 'aws:s3vectors:resource-id'] },
      }),
    ],
  };
  return wanted.flatMap((c) => builders[c]());
}

/**
 * Checks a list of consumers from any caller (JavaScript included: a string such as `'s3'`, a
 * hole, a string where the list belongs); returns it without duplicates, in the order given.
 */
export function requireKeyConsumers(scope: IConstruct, prop: string, consumers: readonly KeyConsumer[] | undefined): readonly KeyConsumer[] {
  if (consumers === undefined) return [];
  const allowed = `Allowed values: ${ALL_KEY_CONSUMERS.map((c) => `KeyConsumer.${enumName(c)} ('${c}')`).join(', ')}.`;
  if (!Array.isArray(consumers)) throw new PlatformValidationError(scope, prop, consumers, `Must be a list of KeyConsumer. ${allowed}`);
  consumers.forEach((c, i) => {
    if (!ALL_KEY_CONSUMERS.includes(c)) throw new PlatformValidationError(scope, `${prop}[${i}]`, c, allowed);
  });
  return [...new Set(consumers)];
}

/** One construct's need of one service on one key. */
export interface KeyNeed {
  /** The service the key policy must admit. */
  readonly consumer: KeyConsumer;
  /** The construct that needs it (a log group, a trail, a topic, a queue...). */
  readonly user: IConstruct;
}

/** Declared needs, by key construct (the key itself, never an alias of it). */
const NEEDS = new WeakMap<IConstruct, KeyNeed[]>();
/** Keys whose policy the library writes itself (PlatformKey): nothing to warn about. */
const MANAGED = new WeakSet<IConstruct>();
/** Consumers an imported key's policy is declared to admit (`PlatformKey.fromPlatformKeyAttributes`). */
const ADMITTED = new WeakMap<IConstruct, readonly KeyConsumer[]>();
/** Keys already watched by a {@link KeyPolicyCheck}. */
const CHECKED = new WeakSet<IConstruct>();

/** The key an alias of this app points to; the key itself otherwise. */
function keyOf(key: kms.IKey): kms.IKey {
  return key instanceof kms.Alias ? keyOf(key.aliasTargetKey) : key;
}

/**
 * Records that `user` needs `key`'s policy to admit `consumers`, the way constructs declare the VPC
 * endpoints they need. Every construct of this library that hands a key to an AWS service acting on
 * its own behalf calls it (a log group: CloudWatch Logs; a trail: CloudTrail; an encrypted topic
 * that alarms publish to: CloudWatch; ...); call it for your own constructs too.
 *
 * What follows depends on the key:
 * - a `PlatformKey`'s key: its policy admits the consumer (rendered at synthesis, so needs declared
 *   after the key was created count);
 * - a `kms.Key` of this app: at synthesis its policy is read, and a warning
 *   (`bedrock-secure-platform:keyPolicy`) names each needed statement it lacks;
 * - an imported key: its policy cannot be read, so one warning lists the statements its owner must
 *   have added (`PlatformKey.consumerStatements`).
 *
 * `key` may be undefined (an imported bucket or topic whose key is unknown): nothing is recorded.
 */
export function declareKeyNeeds(user: IConstruct, key: kms.IKey | undefined, consumers: readonly KeyConsumer[]): void {
  requireKeyConsumers(user, 'consumers', consumers);
  if (!key || consumers.length === 0) return;
  const target = keyOf(key);
  const needs = NEEDS.get(target) ?? [];
  NEEDS.set(target, needs);
  for (const consumer of consumers) {
    if (!needs.some((n) => n.consumer === consumer && n.user === user)) needs.push({ consumer, user });
  }
  if (!CHECKED.has(target) && !MANAGED.has(target)) {
    CHECKED.add(target);
    // Read-only, and after every mutating aspect: the key policy and the needs are complete by then.
    Aspects.of(target).add(new KeyPolicyCheck(target), { priority: AspectPriority.READONLY });
  }
}

/** What constructs have declared they need of `key` (or of the key behind an alias). */
export function keyNeedsOf(key: kms.IKey): readonly KeyNeed[] {
  return NEEDS.get(keyOf(key)) ?? [];
}

/** Marks `key` as one whose policy the library renders from the declared needs (PlatformKey). */
export function markKeyPolicyManaged(key: kms.IKey): void {
  MANAGED.add(keyOf(key));
}

/**
 * Records that the policy of `key`, a key the library cannot read (imported), admits `consumers`:
 * needs of those consumers raise no warning, needs of any other still do.
 */
export function declareKeyPolicyAdmits(key: kms.IKey, consumers: readonly KeyConsumer[]): void {
  ADMITTED.set(keyOf(key), [...consumers]);
}

/** Warning id of a key whose policy lacks (or may lack) what the constructs using it need. */
export const KEY_POLICY_WARNING = 'bedrock-secure-platform:keyPolicy';

/** At synthesis, tells the owner of a key the library does not manage what its policy must admit. */
class KeyPolicyCheck implements IAspect {
  constructor(private readonly key: kms.IKey) {}

  public visit(node: IConstruct): void {
    if (node !== this.key || MANAGED.has(this.key)) return;
    const needs = keyNeedsOf(this.key);
    const stack = Stack.of(this.key);
    const region = Token.isUnresolved(stack.region) ? '<region>' : stack.region;
    const consumers = ALL_KEY_CONSUMERS.filter((c) => needs.some((n) => n.consumer === c));
    const policy = this.readablePolicy();
    const admitted = ADMITTED.get(this.key) ?? [];
    const missing: Array<{ consumer: KeyConsumer; sid: string; statement: StatementJson }> = [];
    for (const consumer of consumers) {
      for (const statement of keyConsumerStatements(this.key, [consumer])) {
        const json = stack.resolve(statement.toStatementJson()) as StatementJson;
        const present = policy ? covered(policy, json) : admitted.includes(consumer);
        if (!present) missing.push({ consumer, sid: statement.sid ?? '', statement: json });
      }
    }
    if (missing.length === 0) return;
    const lines = missing.map((m) => {
      const users = [...new Set(needs.filter((n) => n.consumer === m.consumer).map((n) => n.user.node.path))].sort();
      return `${m.sid} (principal ${servicePrincipal(m.consumer, region)}, ${asList(m.statement.Action).join(' ')}) for ${users.join(', ')}`;
    });
    const missingConsumers = [...new Set(missing.map((m) => m.consumer))];
    const recipe = `PlatformKey.consumerStatements(stack, [${missingConsumers.map((c) => `KeyConsumer.${enumName(c)}`).join(', ')}])`;
    const message = policy
      ? `The policy of key ${this.key.node.path} lacks statements that the constructs using it need, which would fail at deploy time or drop data silently: ${lines.join('; ')}. Add ${recipe} to the key's policy, or use a PlatformKey.`
      : `Key ${this.key.node.path} is imported: its policy cannot be read or edited here${admitted.length ? `, and the consumers declared for it (${admitted.join(', ')}) do not cover what the constructs using it need` : ''}. Its owner must have added these statements (${recipe}), with their conditions: ${lines.join('; ')}. ` +
        `Once they are in place, list them in the \`consumers\` of PlatformKey.fromPlatformKeyAttributes, or acknowledge this warning next to the key: Validations.of(key).acknowledge({ id: 'Annotation::${KEY_POLICY_WARNING}', reason }).`;
    Annotations.of(this.key).addWarningV2(KEY_POLICY_WARNING, message);
  }

  /** The key policy as the template will have it, or undefined when the key is imported. */
  private readablePolicy(): { Statement: StatementJson[] } | undefined {
    if (!(this.key instanceof kms.Key)) return undefined;
    const cfn = this.key.node.defaultChild;
    if (!(cfn instanceof kms.CfnKey)) return undefined;
    const doc = cfn.keyPolicy instanceof iam.PolicyDocument ? cfn.keyPolicy.toJSON() : cfn.keyPolicy;
    const resolved = Stack.of(this.key).resolve(doc) as { Statement?: StatementJson | StatementJson[] } | undefined;
    return { Statement: asList(resolved?.Statement) };
  }
}

interface StatementJson {
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly Action?: string | string[];
  readonly Sid?: string;
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Whether the Allow statements that name `needed`'s service principal together allow its every
 * action (wildcards included). Conditions are the owner's to choose: a stricter one than this
 * library's may be right for their account, so they are not compared.
 */
function covered(policy: { Statement: StatementJson[] }, needed: StatementJson): boolean {
  const service = JSON.stringify((needed.Principal as { Service: unknown }).Service);
  const allowed = policy.Statement.filter((s) => {
    if (s.Effect !== 'Allow' || !s.Principal || typeof s.Principal !== 'object') return false;
    return asList((s.Principal as { Service?: unknown }).Service).some((p) => JSON.stringify(p) === service);
  }).flatMap((s) => asList(s.Action));
  return asList(needed.Action).every((action) => allowed.some((pattern) => actionMatches(pattern, action)));
}

/** IAM action matching: case-insensitive, `*` and `?` as wildcards. */
function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(action);
}

function enumName(consumer: KeyConsumer): string {
  return Object.entries(KeyConsumer).find(([, v]) => v === consumer)![0];
}
