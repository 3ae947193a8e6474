import { AspectPriority, Aspects, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { PlatformValidationError } from './errors';
import { ALL_KEY_CONSUMERS, declareKeyPolicyAdmits, KeyConsumer, keyConsumerStatements, keyNeedsOf, markKeyPolicyManaged, requireKeyConsumers } from './key-needs';
import { deploymentTarget, isResolved, isToken, optionalString, requireIntegerInRange, requirePattern, requireProps, requireRemovalPolicy } from './validate';

// KeyConsumer lives with the needs that name it; re-exported where it always was.
export { ALL_KEY_CONSUMERS, KeyConsumer } from './key-needs';

/**
 * A platform key: created here ({@link PlatformKey}) or existing ({@link PlatformKey.fromPlatformKeyAttributes}).
 * Pass `key` to any construct of this library that takes `encryptionKey`.
 */
export interface IPlatformKey extends IConstruct {
  /** The KMS key. */
  readonly key: kms.IKey;
  /**
   * The services the key policy admits: derived from the constructs using the key for a
   * {@link PlatformKey}, as declared for an imported one.
   */
  readonly consumers: readonly KeyConsumer[];
  /** Lets `grantee` encrypt and decrypt with the key (for roles that read or write platform data). */
  grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant;
  /** Lets `grantee` decrypt with the key (for readers such as auditors). */
  grantDecrypt(grantee: iam.IGrantable): iam.Grant;
}

/** What {@link PlatformKey.fromPlatformKeyAttributes} needs of an existing customer-managed key. */
export interface PlatformKeyAttributes {
  /** ARN of the key (not of an alias: an alias cannot carry grants). */
  readonly keyArn: string;
  /**
   * The services the key's policy already admits, with the statements of
   * `PlatformKey.consumerStatements` (or stricter ones). A construct that needs a service not
   * listed here gets a synth warning (`bedrock-secure-platform:keyPolicy`) naming the statement
   * the key's owner must add.
   * @default none: every service need raises the warning
   */
  readonly consumers?: readonly KeyConsumer[];
}

/** What every platform key offers: see {@link IPlatformKey}. */
export abstract class PlatformKeyBase extends Construct implements IPlatformKey {
  public abstract readonly key: kms.IKey;
  public abstract readonly consumers: readonly KeyConsumer[];

  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.key.grantEncryptDecrypt(grantee);
  }

  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.key.grantDecrypt(grantee);
  }
}

/** Properties of a {@link PlatformKey}. */
export interface PlatformKeyProps {
  /**
   * Alias of the key, e.g. `alias/bedrock-platform/prod`.
   * @default `alias/bedrock-platform/<stack name>`
   */
  readonly alias?: string;

  /**
   * Services to admit to the key policy besides the ones derived from its users, each with its
   * confused-deputy condition: for a service that uses the key through something the library
   * cannot see (e.g. AWS Budgets publishing to a topic encrypted with it). The policy admits the
   * union of these and the needs the constructs using the key declare (`declareKeyNeeds`; a
   * `SecureLogGroup`, or any log group or trail of the app that names the key, declares its own):
   * a consumer left out here is still admitted when a construct needs it.
   * @default none besides the derived ones
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
const ALIAS_NAME = /^alias\/(?!aws\/)[a-zA-Z0-9/_-]+$/;
/**
 * KMS limits: alias names of 1 to 256 characters (https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html),
 * descriptions of up to 8192 (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html).
 */
const MAX_ALIAS_LENGTH = 256;
const MAX_DESCRIPTION_LENGTH = 8192;

/** Construct id, under its stack, of the key {@link PlatformKey.of} returns. */
const DEFAULT_KEY_ID = 'BedrockPlatformDefaultKey';
const PLATFORM_KEY = Symbol.for('bedrock-secure-platform.PlatformKey');
/** The PlatformKey of each alias name, per app, by account and Region (or stack, when either is unknown). */
const ALIASES = new WeakMap<IConstruct, Map<string, PlatformKey>>();

/**
 * The platform's customer-managed KMS key: rotation on, an alias, kept on stack deletion, and a key
 * policy that admits exactly the AWS services that use it, each with the condition that stops a
 * confused deputy (another account's resource using the same service) from using it. Which
 * services those are is derived: each construct that hands the key to a service declares it
 * (`declareKeyNeeds`), and the policy is rendered at synthesis, so constructs created after the key
 * count too.
 *
 * Every construct of this library that encrypts takes a `kms.IKey`; pass `platformKey.key`, or the
 * `key` of an existing customer key imported with {@link PlatformKey.fromPlatformKeyAttributes}.
 * Constructs given no key use their stack's default key, {@link PlatformKey.of}.
 */
export class PlatformKey extends PlatformKeyBase {
  /**
   * The default key of `scope`'s stack: what every construct of this library given no key uses.
   * Created on first use, once per stack, at `<stack>/BedrockPlatformDefaultKey` whichever
   * construct asks first, so its logical id does not change as constructs are added or removed.
   * Its alias is `alias/bedrock-platform/<stack name>/default`, distinct from the default alias
   * of a `new PlatformKey`, so the two never collide in one stack.
   */
  public static of(scope: IConstruct): PlatformKey {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(DEFAULT_KEY_ID);
    if (existing && PlatformKey.isPlatformKey(existing)) return existing;
    if (existing) {
      throw new PlatformValidationError(scope, 'scope', existing.node.path, `The id ${DEFAULT_KEY_ID} under a stack is reserved for the default PlatformKey; rename that construct.`);
    }
    return new PlatformKey(stack, DEFAULT_KEY_ID, {
      alias: `alias/bedrock-platform/${stack.stackName}/default`,
      description: `Default customer-managed key of the Amazon Bedrock platform in stack ${stack.stackName}`,
    });
  }

  /** Whether `x` is a {@link PlatformKey} (also across copies of this library). */
  public static isPlatformKey(x: unknown): x is PlatformKey {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[PLATFORM_KEY] === true;
  }

  /**
   * An existing customer-managed key, for use wherever this library takes a key (pass its `key`).
   *
   * CDK cannot edit an imported key's policy: its owner adds {@link PlatformKey.consumerStatements}
   * for the services it must admit, and lists them in `consumers`. Each construct that hands the
   * key to a service declares that need; a need `consumers` lacks raises a synth warning
   * (`bedrock-secure-platform:keyPolicy`) naming the statement to add.
   */
  public static fromPlatformKeyAttributes(scope: Construct, id: string, attrs: PlatformKeyAttributes): IPlatformKey {
    return new ImportedPlatformKey(scope, id, attrs);
  }

  /**
   * The key-policy statements that admit `consumers` to a key in `scope`'s account and Region:
   * what {@link PlatformKey} applies to its own key, and what an imported key's owner must add.
   */
  public static consumerStatements(scope: Construct, consumers: readonly KeyConsumer[] = ALL_KEY_CONSUMERS): iam.PolicyStatement[] {
    return keyConsumerStatements(scope, consumers);
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
  private readonly explicitConsumers: readonly KeyConsumer[];
  private rendered = false;

  constructor(scope: Construct, id: string, props: PlatformKeyProps = {}) {
    super(scope, id);
    Object.defineProperty(this, PLATFORM_KEY, { value: true });
    const stack = Stack.of(this);
    props = requireProps(this, props);
    const consumers = requireConsumers(this, props.consumers);
    // A token (e.g. a CfnParameter) goes to CloudFormation as is: aws-cdk-lib's Duration checks
    // would compare its encoded number (about -1.888e+289) with KMS's range.
    const rotationPeriodDays = requireIntegerInRange(this, 'rotationPeriodDays', props.rotationPeriodDays ?? 365, 90, 2560);
    const pendingWindowDays = requireIntegerInRange(this, 'pendingWindowDays', props.pendingWindowDays ?? 30, 7, 30);
    const aliasName = props.alias ?? `alias/bedrock-platform/${stack.stackName}`;
    if (typeof aliasName === 'string' && isResolved(aliasName) && aliasName.length > MAX_ALIAS_LENGTH) {
      throw new PlatformValidationError(this, 'alias', aliasName, `KMS allows alias names of at most ${MAX_ALIAS_LENGTH} characters, 'alias/' included; this one has ${aliasName.length}.`);
    }
    requirePattern(this, 'alias', aliasName, ALIAS_NAME, "'alias/' followed by letters, digits, '/', '_' or '-' (not 'alias/aws/', which AWS reserves)");
    const description = optionalString(this, 'description', props.description, MAX_DESCRIPTION_LENGTH, 'a string (the description KMS shows)');
    const removalPolicy = requireRemovalPolicy(this, 'removalPolicy', props.removalPolicy, 'A KMS key');
    this.claimAlias(aliasName);
    this.explicitConsumers = consumers;

    this.key = new kms.Key(this, 'Key', {
      description: description ?? 'Customer-managed key of the Amazon Bedrock platform',
      enableKeyRotation: true,
      rotationPeriod: isToken(rotationPeriodDays) ? undefined : Duration.days(rotationPeriodDays),
      pendingWindow: isToken(pendingWindowDays) ? undefined : Duration.days(pendingWindowDays),
      removalPolicy: removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const cfnKey = this.key.node.defaultChild as kms.CfnKey;
    if (isToken(rotationPeriodDays)) cfnKey.rotationPeriodInDays = rotationPeriodDays;
    if (isToken(pendingWindowDays)) cfnKey.pendingWindowInDays = pendingWindowDays;
    markKeyPolicyManaged(this.key);
    this.key.addToResourcePolicy(PlatformKey.grantRestrictionStatement());
    // The consumer statements are written at synthesis, when every user has declared its needs, in
    // the order of KeyConsumer (so the policy does not reorder as constructs are added), before any
    // read-only aspect looks at the policy.
    Aspects.of(this).add({ visit: (node: IConstruct) => { if (node === this) this.renderConsumers(); } }, { priority: AspectPriority.MUTATING });
    this.alias = this.key.addAlias(aliasName);
  }

  /**
   * The services the key policy admits: the `consumers` prop, the needs the constructs using the
   * key declared, and CloudWatch Logs / CloudTrail for any log group or trail of the app that
   * names the key. Complete once every construct is created (the policy is rendered at synthesis).
   */
  public get consumers(): readonly KeyConsumer[] {
    const declared = new Set<KeyConsumer>([...this.explicitConsumers, ...keyNeedsOf(this.key).map((n) => n.consumer), ...this.consumersOfPlainResources()]);
    return ALL_KEY_CONSUMERS.filter((c) => declared.has(c));
  }

  /** Adds the statement of every admitted consumer to the key policy; once. */
  private renderConsumers(): void {
    if (this.rendered) return;
    this.rendered = true;
    const consumers = this.consumers;
    for (const statement of PlatformKey.consumerStatements(this, consumers)) this.key.addToResourcePolicy(statement);
    for (const [consumer, service] of [[KeyConsumer.CLOUDWATCH_ALARMS, 'cloudwatch.amazonaws.com'], [KeyConsumer.EVENTBRIDGE, 'events.amazonaws.com'], [KeyConsumer.BUDGETS, 'budgets.amazonaws.com']] as const) {
      if (!consumers.includes(consumer)) continue;
      Validations.of(this.key).acknowledge({
        id: `BedrockPlatform::BedrockPlatform-KMS2[Service::${service}]`,
        reason:
          `${service} uses the key only through SNS topics and SQS queues it publishes to; AWS documents this key-policy statement without source conditions ` +
          '(SNS developer guide, "compatibility with AWS services"; Cost Management user guide, "Creating an Amazon SNS topic for budget notifications"), and the topic and queue policies pin the publishers with aws:SourceAccount and aws:SourceArn.',
      });
    }
  }

  /**
   * Log groups and trails of the app that name this key without declaring it (aws-cdk-lib's own
   * `logs.LogGroup`, `cloudtrail.Trail`): their service needs the key all the same.
   */
  private consumersOfPlainResources(): KeyConsumer[] {
    const found = new Set<KeyConsumer>();
    for (const c of this.node.root.node.findAll()) {
      if (c instanceof logs.CfnLogGroup && c.kmsKeyId === this.key.keyArn) found.add(KeyConsumer.CLOUDWATCH_LOGS);
      if (c instanceof cloudtrail.CfnTrail && (c.kmsKeyId === this.key.keyArn || c.kmsKeyId === this.key.keyId)) found.add(KeyConsumer.CLOUDTRAIL);
    }
    return [...found];
  }

  /**
   * KMS aliases are unique per account and Region: two keys of one stack (or of two stacks of one
   * account and Region) with the same alias would fail the deployment. Refused here, naming both,
   * rather than renamed: an alias is what applications and policies name, and moving it silently
   * to another key would redirect them.
   */
  private claimAlias(aliasName: string): void {
    if (!isResolved(aliasName)) return;
    const root = this.node.root;
    const byName = ALIASES.get(root) ?? new Map<string, PlatformKey>();
    ALIASES.set(root, byName);
    const claim = `${deploymentTarget(this)} ${aliasName}`;
    const other = byName.get(claim);
    if (other) {
      throw new PlatformValidationError(
        this,
        'alias',
        aliasName,
        `${other.node.path} already has this alias in ${deploymentTarget(this)}, and an alias names one key per account and Region. Pass a distinct alias to one of the two keys, or share one key between the constructs (pass its key as their encryptionKey).`,
      );
    }
    byName.set(claim, this);
  }
}

/** Checks a `consumers` list against {@link KeyConsumer}; returns it without duplicates. */
function requireConsumers(scope: IConstruct, consumers: readonly KeyConsumer[] | undefined): readonly KeyConsumer[] {
  return requireKeyConsumers(scope, 'consumers', consumers);
}

/** An existing customer-managed key, by ARN, with the services its policy is declared to admit. */
class ImportedPlatformKey extends PlatformKeyBase {
  public readonly key: kms.IKey;
  public readonly consumers: readonly KeyConsumer[];

  constructor(scope: Construct, id: string, attrs: PlatformKeyAttributes) {
    super(scope, id);
    attrs = requireProps(this, attrs);
    if (typeof attrs.keyArn !== 'string' || (isResolved(attrs.keyArn) && !KEY_ARN.test(attrs.keyArn))) {
      throw new PlatformValidationError(
        this,
        'keyArn',
        attrs.keyArn,
        'Must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (an alias ARN cannot carry grants).',
      );
    }
    const declared = new Set(requireConsumers(this, attrs.consumers));
    this.consumers = ALL_KEY_CONSUMERS.filter((c) => declared.has(c));
    this.key = kms.Key.fromKeyArn(this, 'Key', attrs.keyArn);
    declareKeyPolicyAdmits(this.key, this.consumers);
  }
}
