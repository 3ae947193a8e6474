import { createHash } from 'crypto';
import { Arn, ArnFormat, AspectPriority, Aspects, IResolvable, IResource, Lazy, Names, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { guardrailMetric } from '../core/guardrail-metric';
import { GEOGRAPHY_REGIONS, geographyOfProfileId } from '../core/inference-geographies';
import { PlatformKey } from '../core/platform-key';
import { isResolved, optionalKey, requireProps, requireRemovalPolicy } from '../core/validate';
import { GuardrailReference, guardrailIdentifier, validateGuardrail } from '../identity/guardrail-reference';
import {
  checkContentFilter,
  checkDeniedTopic,
  checkEntries,
  checkGrounding,
  checkManagedWordList,
  checkPiiEntity,
  checkRegex,
  checkWordFilter,
  ContentFilter,
  ContextualGroundingFilter,
  DeniedTopic,
  GUARDRAIL_LIMITS,
  GUARDRAIL_NAME,
  GuardrailPolicies,
  GuardrailTier,
  ManagedWordListFilter,
  PiiEntity,
  RegexFilter,
  refuseDuplicates,
  refuseOverLimit,
  renderContentFilter,
  renderDeniedTopic,
  renderGrounding,
  renderManagedWordList,
  renderPii,
  renderRegex,
  renderWord,
  requireText,
  WordFilter,
} from './guardrail-policies';

/** `us.guardrail.v1:0`: a system-defined guardrail profile (API GuardrailCrossRegionConfig). */
const GUARDRAIL_PROFILE_ID = /^[a-z0-9-]+\.guardrail\.v[0-9:]+$/;

/**
 * A Bedrock guardrail with a pinned, numeric version: created here ({@link PolicyGuardrail}) or
 * existing ({@link PolicyGuardrail.fromGuardrailAttributes}). It is a `GuardrailReference`, so the
 * identity layer takes it as is: `BedrockEnforcement`'s `requireGuardrail`, the invoker persona's
 * `guardrail`.
 */
export interface IPolicyGuardrail extends IResource, GuardrailReference {
  /** ARN of the guardrail, without version. */
  readonly guardrailArn: string;
  /** ID of the guardrail. */
  readonly guardrailId: string;
  /** The pinned numeric version callers name (never `DRAFT`). */
  readonly guardrailVersion: string;
  /** `ARN:version`: the value of `bedrock:GuardrailIdentifier` when a caller names this version. */
  readonly guardrailIdentifier: string;
  /**
   * The guardrail profile, when the guardrail uses cross-Region inference.
   * @default none: evaluated in the guardrail's Region only
   */
  readonly guardrailProfileId?: string;
  /** Lets `grantee` apply the guardrail (`bedrock:ApplyGuardrail`) and decrypt it through Bedrock. */
  grantApply(grantee: iam.IGrantable): iam.Grant;
  /** Any metric of the pinned version: `Sum` over 5 minutes by default. */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Evaluations (prompts and responses, through ApplyGuardrail or a model call naming the guardrail). */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Evaluations where the guardrail intervened (blocked or masked). */
  metricInvocationsIntervened(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Evaluation latency, p99 (ms) by default. */
  metricInvocationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Text units consumed: what guardrails are billed by. */
  metricTextUnitCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Evaluations ending in a client error. */
  metricInvocationClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Evaluations ending in a server error. */
  metricInvocationServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Throttled evaluations. */
  metricInvocationThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** What {@link PolicyGuardrail.fromGuardrailAttributes} needs of an existing guardrail. */
export interface PolicyGuardrailAttributes {
  /** ARN without version: `arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID`. */
  readonly guardrailArn: string;
  /** The published numeric version callers must name (`DRAFT` cannot be pinned or enforced). */
  readonly guardrailVersion: string;
  /**
   * The customer-managed key the guardrail is encrypted with.
   * @default an AWS-owned key: no KMS permission granted
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The guardrail profile (e.g. `us.guardrail.v1:0`) when the guardrail uses cross-Region inference:
   * `grantApply` then also allows the profile in its destination Regions.
   * @default none
   */
  readonly guardrailProfileId?: string;
}

/** What every guardrail offers: grants and metrics of its pinned version. */
export abstract class PolicyGuardrailBase extends Resource implements IPolicyGuardrail {
  public abstract readonly guardrailArn: string;
  public abstract readonly guardrailId: string;
  public abstract readonly guardrailVersion: string;
  public abstract readonly encryptionKey?: kms.IKey;
  public abstract readonly guardrailProfileId?: string;

  public get guardrailIdentifier(): string {
    return guardrailIdentifier(this);
  }

  /**
   * `bedrock:ApplyGuardrail` on the guardrail (IAM has no per-version guardrail resource: callers
   * are held to the pinned version by `bedrock:GuardrailIdentifier` in `BedrockEnforcement`), on its
   * guardrail profile in each destination Region when it uses cross-Region inference
   * (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrail-profiles-permissions.html), and
   * `kms:Decrypt` on its key only through Bedrock (`kms:ViaService`), as
   * https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-kms.html asks of
   * guardrail users.
   */
  public grantApply(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['bedrock:ApplyGuardrail'], resourceArns: [this.guardrailArn, ...this.profileArns()] });
    if (!this.encryptionKey) return grant;
    const decrypt = iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `bedrock.${this.stack.region}.amazonaws.com` } },
    });
    return grant.combine(decrypt);
  }

  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    // The metrics lib/observability's GuardrailMetrics builds too (it takes a PolicyGuardrail as is).
    return guardrailMetric(this, metricName, props);
  }

  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', props);
  }

  public metricInvocationsIntervened(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationsIntervened', props);
  }

  public metricInvocationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationLatency', { statistic: 'p99', ...props });
  }

  public metricTextUnitCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TextUnitCount', props);
  }

  public metricInvocationClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationClientErrors', props);
  }

  public metricInvocationServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationServerErrors', props);
  }

  public metricInvocationThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationThrottles', props);
  }

  /** The guardrail profile's ARN in each Region it may route to (its geography's Regions). */
  private profileArns(): string[] {
    const id = this.guardrailProfileId;
    if (id === undefined) return [];
    const geography = geographyOfProfileId(id);
    const regions = geography ? [...GEOGRAPHY_REGIONS[geography]] : [this.stack.region];
    return regions.map((region) => this.stack.formatArn({ service: 'bedrock', region, resource: 'guardrail-profile', resourceName: id }));
  }
}

/** Properties of a {@link PolicyGuardrail}: its policies plus the settings below. */
export interface PolicyGuardrailProps extends GuardrailPolicies {
  /**
   * Name, 1-50 letters, digits, `-` or `_`, unique in the account and Region.
   * @default a name derived from the construct path
   */
  readonly guardrailName?: string;
  /**
   * Description, 1-200 characters.
   * @default none
   */
  readonly description?: string;
  /**
   * What the caller gets instead of a blocked prompt, 1-500 characters.
   * @default 'Sorry, this request is not allowed by the usage policy.'
   */
  readonly blockedInputMessaging?: string;
  /**
   * What the caller gets instead of a blocked response, 1-500 characters.
   * @default 'Sorry, the response was withheld by the usage policy.'
   */
  readonly blockedOutputsMessaging?: string;
  /**
   * Key the guardrail is encrypted with. Bedrock uses it through the caller (no key-policy
   * statement for a service principal): the deploying role needs kms:Decrypt, GenerateDataKey,
   * DescribeKey and CreateGrant on it, and callers kms:Decrypt (`grantApply` adds it).
   * @default the stack's platform key, `PlatformKey.of(stack).key`
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Safeguard tier of the content filters and denied topics. STANDARD requires `guardrailProfileId`.
   * @default the service's default, CLASSIC (not rendered)
   */
  readonly tier?: GuardrailTier;
  /**
   * System-defined guardrail profile for cross-Region inference, e.g. `us.guardrail.v1:0`:
   * evaluations may run in any Region of the profile's geography (a data-residency decision).
   * @default none: evaluated in the stack's Region only
   */
  readonly guardrailProfileId?: string;
  /**
   * What happens to a published version when the configuration changes (a new version replaces
   * it in the template) or the stack is deleted. Retained versions keep answering callers that
   * still pin them, and record which policy was in force when; deleting the guardrail deletes
   * them all.
   * @default RemovalPolicy.RETAIN
   */
  readonly versionRemovalPolicy?: RemovalPolicy;
  /**
   * What happens to the guardrail (and with it every version) when it leaves the stack.
   * @default RemovalPolicy.DESTROY: a guardrail holds configuration, not data, and a retained one
   * would block a redeploy under the same name
   */
  readonly removalPolicy?: RemovalPolicy;
}

const DEFAULT_BLOCKED_INPUT = 'Sorry, this request is not allowed by the usage policy.';
const DEFAULT_BLOCKED_OUTPUT = 'Sorry, the response was withheld by the usage policy.';

/**
 * An Amazon Bedrock guardrail (AWS::Bedrock::Guardrail) with a published version that callers
 * pin: content filters, denied topics, word filters and the profanity list, PII entities and
 * regexes (BLOCK or ANONYMIZE per direction), contextual grounding, blocked messages, encrypted
 * with the platform key.
 *
 * Versions: the AWS::Bedrock::GuardrailVersion's logical id carries a hash of the rendered
 * configuration (tags excluded), so a deploy that changes the configuration publishes a new
 * version (after the guardrail is updated: the version references it) and one that does not
 * changes nothing. `guardrailVersion` is that version's number (GetAtt Version): pass the guardrail
 * to `BedrockEnforcement` (`bedrock:GuardrailIdentifier` = ARN:version) and to an
 * `AccountGuardrailEnforcement`, and both move to the new version in the same deploy. Previous
 * versions are retained by default: callers outside the stack that pinned one keep working until
 * they move, and the record of what was enforced when survives. Mind the service quota of versions
 * per guardrail when the configuration changes often.
 *
 * Policies added after construction (`addDeniedTopic`, ...) are rendered at synthesis.
 */
export class PolicyGuardrail extends PolicyGuardrailBase {
  /** An existing guardrail and the published version callers must name. */
  public static fromGuardrailAttributes(scope: Construct, id: string, attrs: PolicyGuardrailAttributes): IPolicyGuardrail {
    return new ImportedPolicyGuardrail(scope, id, attrs);
  }

  public readonly guardrailArn: string;
  public readonly guardrailId: string;
  public readonly guardrailVersion: string;
  public readonly encryptionKey: kms.IKey;
  public readonly guardrailProfileId?: string;
  /** The guardrail resource. */
  public readonly cfnGuardrail: bedrock.CfnGuardrail;
  /** The pinned version resource. */
  public readonly cfnVersion: bedrock.CfnGuardrailVersion;

  private readonly contentFilters: ContentFilter[] = [];
  private readonly deniedTopics: DeniedTopic[] = [];
  private readonly wordFilters: WordFilter[] = [];
  private readonly managedWordLists: ManagedWordListFilter[] = [];
  private readonly piiEntities: PiiEntity[] = [];
  private readonly regexes: RegexFilter[] = [];
  private readonly grounding: ContextualGroundingFilter[] = [];
  private readonly tier?: GuardrailTier;
  private readonly settings: { name: string; description?: string; blockedInputMessaging: string; blockedOutputsMessaging: string };

  constructor(scope: Construct, id: string, props: PolicyGuardrailProps = {}) {
    super(scope, id);
    props = requireProps(this, props);

    const name = props.guardrailName ?? Names.uniqueResourceName(this, { maxLength: GUARDRAIL_LIMITS.nameLength, separator: '-' });
    requireText(this, 'guardrailName', name, 1, GUARDRAIL_LIMITS.nameLength, { regex: GUARDRAIL_NAME, description: 'letters, digits, - and _ only' });
    if (props.description !== undefined) requireText(this, 'description', props.description, 1, GUARDRAIL_LIMITS.descriptionLength);
    const blockedInputMessaging = requireText(this, 'blockedInputMessaging', props.blockedInputMessaging ?? DEFAULT_BLOCKED_INPUT, 1, GUARDRAIL_LIMITS.blockedMessageLength);
    const blockedOutputsMessaging = requireText(this, 'blockedOutputsMessaging', props.blockedOutputsMessaging ?? DEFAULT_BLOCKED_OUTPUT, 1, GUARDRAIL_LIMITS.blockedMessageLength);
    this.settings = { name, description: props.description, blockedInputMessaging, blockedOutputsMessaging };

    if (props.tier !== undefined && !Object.values(GuardrailTier).includes(props.tier) && !Token.isUnresolved(props.tier)) {
      throw new PlatformValidationError(this, 'tier', props.tier, 'Allowed values: GuardrailTier.CLASSIC, GuardrailTier.STANDARD.');
    }
    this.tier = props.tier;
    this.guardrailProfileId = this.checkProfile(props.guardrailProfileId);
    if (this.tier === GuardrailTier.STANDARD && this.guardrailProfileId === undefined) {
      throw new PlatformValidationError(this, 'guardrailProfileId', undefined, "The STANDARD tier requires cross-Region inference: name a guardrail profile of the stack's geography, e.g. 'us.guardrail.v1:0' (or use GuardrailTier.CLASSIC).");
    }
    this.encryptionKey = optionalKey(this, 'encryptionKey', props.encryptionKey) ?? PlatformKey.of(this).key;
    const versionRemovalPolicy = requireRemovalPolicy(this, 'versionRemovalPolicy', props.versionRemovalPolicy, 'A guardrail version') ?? RemovalPolicy.RETAIN;
    const removalPolicy = requireRemovalPolicy(this, 'removalPolicy', props.removalPolicy, 'A guardrail') ?? RemovalPolicy.DESTROY;

    checkEntries(this, 'contentFilters', props.contentFilters, checkContentFilter).forEach((f, i) => this.push(this.contentFilters, f, `contentFilters[${i}]`));
    checkEntries(this, 'deniedTopics', props.deniedTopics, checkDeniedTopic).forEach((t, i) => this.push(this.deniedTopics, t, `deniedTopics[${i}]`));
    checkEntries(this, 'wordFilters', props.wordFilters, checkWordFilter).forEach((w, i) => this.push(this.wordFilters, w, `wordFilters[${i}]`));
    checkEntries(this, 'managedWordLists', props.managedWordLists, checkManagedWordList).forEach((w, i) => this.push(this.managedWordLists, w, `managedWordLists[${i}]`));
    checkEntries(this, 'piiEntities', props.piiEntities, checkPiiEntity).forEach((p, i) => this.push(this.piiEntities, p, `piiEntities[${i}]`));
    checkEntries(this, 'regexes', props.regexes, checkRegex).forEach((r, i) => this.push(this.regexes, r, `regexes[${i}]`));
    checkEntries(this, 'contextualGrounding', props.contextualGrounding, checkGrounding).forEach((g, i) => this.push(this.grounding, g, `contextualGrounding[${i}]`));

    const lazy = (produce: () => unknown) => Lazy.any({ produce }) as IResolvable;
    this.cfnGuardrail = new bedrock.CfnGuardrail(this, 'Resource', {
      name,
      description: props.description,
      blockedInputMessaging,
      blockedOutputsMessaging,
      kmsKeyArn: this.encryptionKey.keyArn,
      crossRegionConfig: this.renderCrossRegion(),
      contentPolicyConfig: lazy(() => this.renderContentPolicy()),
      topicPolicyConfig: lazy(() => this.renderTopicPolicy()),
      wordPolicyConfig: lazy(() => this.renderWordPolicy()),
      sensitiveInformationPolicyConfig: lazy(() => this.renderSensitivePolicy()),
      contextualGroundingPolicyConfig: lazy(() => this.renderGroundingPolicy()),
    });
    this.cfnGuardrail.applyRemovalPolicy(removalPolicy);

    this.cfnVersion = new bedrock.CfnGuardrailVersion(this, 'Version', {
      guardrailIdentifier: this.cfnGuardrail.attrGuardrailId,
      description: Lazy.string({ produce: () => `Configuration ${this.configurationHash()}, published by bedrock-secure-platform` }),
    });
    this.cfnVersion.applyRemovalPolicy(versionRemovalPolicy);

    this.guardrailArn = this.cfnGuardrail.attrGuardrailArn;
    this.guardrailId = this.cfnGuardrail.attrGuardrailId;
    this.guardrailVersion = this.cfnVersion.attrVersion;

    // The version's logical id follows the configuration: rendered after every mutating and default
    // aspect (which may still add policies), before the read-only ones and before references lock it.
    Aspects.of(this).add(
      {
        visit: (node: IConstruct) => {
          if (node !== this) return;
          const stack = Stack.of(this);
          this.cfnVersion.overrideLogicalId(`${stack.getLogicalId(this.cfnVersion)}${this.configurationHash()}`);
        },
      },
      { priority: AspectPriority.READONLY - 1 },
    );
  }

  /** Adds a content filter (one per category). */
  public addContentFilter(filter: ContentFilter): void {
    this.push(this.contentFilters, checkContentFilter(this, 'addContentFilter(filter)', filter), 'addContentFilter(filter)');
  }

  /** Adds a denied topic (up to 30, names unique). */
  public addDeniedTopic(topic: DeniedTopic): void {
    this.push(this.deniedTopics, checkDeniedTopic(this, 'addDeniedTopic(topic)', topic), 'addDeniedTopic(topic)');
  }

  /** Adds blocked words or phrases (up to 10,000). */
  public addWordFilter(...words: WordFilter[]): void {
    words.forEach((w, i) => this.push(this.wordFilters, checkWordFilter(this, `addWordFilter(words[${i}])`, w), `addWordFilter(words[${i}])`));
  }

  /** Adds a managed word list (the profanity list). */
  public addManagedWordList(list: ManagedWordListFilter): void {
    this.push(this.managedWordLists, checkManagedWordList(this, 'addManagedWordList(list)', list), 'addManagedWordList(list)');
  }

  /** Adds a PII entity (one per type). */
  public addPiiEntity(entity: PiiEntity): void {
    this.push(this.piiEntities, checkPiiEntity(this, 'addPiiEntity(entity)', entity), 'addPiiEntity(entity)');
  }

  /** Adds a regex filter (up to 10, names unique). */
  public addRegex(regex: RegexFilter): void {
    this.push(this.regexes, checkRegex(this, 'addRegex(regex)', regex), 'addRegex(regex)');
  }

  /** Adds a contextual grounding or relevance check (one per type). */
  public addContextualGrounding(filter: ContextualGroundingFilter): void {
    this.push(this.grounding, checkGrounding(this, 'addContextualGrounding(filter)', filter), 'addContextualGrounding(filter)');
  }

  /** Appends `entry` to `list` after the per-guardrail checks (uniqueness, counts). */
  private push<T>(list: T[], entry: T, prop: string): void {
    const next = [...list, entry];
    const last = () => prop;
    const key = this.uniqueKeyOf(list);
    if (key) refuseDuplicates(this, next, key.of as (e: T) => unknown, (i) => (i === next.length - 1 ? last() : `${key.what}[${i}]`), key.what);
    const limit = this.limitOf(list);
    if (limit) refuseOverLimit(this, prop, next.length, limit.max, limit.what);
    list.push(entry);
  }

  private uniqueKeyOf(list: unknown[]): { of: (e: never) => unknown; what: string } | undefined {
    if (list === this.contentFilters) return { of: (e: ContentFilter) => e.type, what: 'content filter' };
    if (list === this.deniedTopics) return { of: (e: DeniedTopic) => e.name, what: 'denied topic' };
    if (list === this.wordFilters) return { of: (e: WordFilter) => e.text, what: 'word' };
    if (list === this.managedWordLists) return { of: (e: ManagedWordListFilter) => e.type, what: 'managed word list' };
    if (list === this.piiEntities) return { of: (e: PiiEntity) => e.type, what: 'PII entity' };
    if (list === this.regexes) return { of: (e: RegexFilter) => e.name, what: 'regex' };
    if (list === this.grounding) return { of: (e: ContextualGroundingFilter) => e.type, what: 'contextual grounding check' };
    return undefined;
  }

  private limitOf(list: unknown[]): { max: number; what: string } | undefined {
    if (list === this.deniedTopics) return { max: GUARDRAIL_LIMITS.deniedTopics, what: 'denied topics' };
    if (list === this.wordFilters) return { max: GUARDRAIL_LIMITS.words, what: 'words' };
    if (list === this.regexes) return { max: GUARDRAIL_LIMITS.regexes, what: 'regexes' };
    return undefined;
  }

  private checkProfile(id: string | undefined): string | undefined {
    if (id === undefined || !isResolved(id)) return id;
    if (typeof id !== 'string' || !GUARDRAIL_PROFILE_ID.test(id)) {
      throw new PlatformValidationError(this, 'guardrailProfileId', id, "Must be a guardrail profile ID such as 'us.guardrail.v1:0' (not its ARN: the ARN is built for the stack's Region).");
    }
    const region = this.stack.region;
    const geography = geographyOfProfileId(id);
    if (geography && isResolved(region) && !GEOGRAPHY_REGIONS[geography].includes(region)) {
      throw new PlatformValidationError(this, 'guardrailProfileId', id, `A guardrail profile is used from a Region of its geography; ${region} is not among ${GEOGRAPHY_REGIONS[geography].join(', ')}.`);
    }
    return id;
  }

  private renderCrossRegion(): bedrock.CfnGuardrail.GuardrailCrossRegionConfigProperty | undefined {
    if (this.guardrailProfileId === undefined) return undefined;
    return { guardrailProfileArn: this.stack.formatArn({ service: 'bedrock', resource: 'guardrail-profile', resourceName: this.guardrailProfileId }) };
  }

  private renderContentPolicy(): bedrock.CfnGuardrail.ContentPolicyConfigProperty | undefined {
    if (this.contentFilters.length === 0) return undefined;
    return { filtersConfig: this.contentFilters.map(renderContentFilter), ...(this.tier ? { contentFiltersTierConfig: { tierName: this.tier } } : {}) };
  }

  private renderTopicPolicy(): bedrock.CfnGuardrail.TopicPolicyConfigProperty | undefined {
    if (this.deniedTopics.length === 0) return undefined;
    return { topicsConfig: this.deniedTopics.map(renderDeniedTopic), ...(this.tier ? { topicsTierConfig: { tierName: this.tier } } : {}) };
  }

  private renderWordPolicy(): bedrock.CfnGuardrail.WordPolicyConfigProperty | undefined {
    if (this.wordFilters.length === 0 && this.managedWordLists.length === 0) return undefined;
    return {
      wordsConfig: this.wordFilters.length ? this.wordFilters.map(renderWord) : undefined,
      managedWordListsConfig: this.managedWordLists.length ? this.managedWordLists.map(renderManagedWordList) : undefined,
    };
  }

  private renderSensitivePolicy(): bedrock.CfnGuardrail.SensitiveInformationPolicyConfigProperty | undefined {
    if (this.piiEntities.length === 0 && this.regexes.length === 0) return undefined;
    return {
      piiEntitiesConfig: this.piiEntities.length ? this.piiEntities.map(renderPii) : undefined,
      regexesConfig: this.regexes.length ? this.regexes.map(renderRegex) : undefined,
    };
  }

  private renderGroundingPolicy(): bedrock.CfnGuardrail.ContextualGroundingPolicyConfigProperty | undefined {
    if (this.grounding.length === 0) return undefined;
    return { filtersConfig: this.grounding.map(renderGrounding) };
  }

  /**
   * 8 hex digits of a SHA-256 over everything a version snapshots (tags excluded), resolved so that
   * references hash as their CloudFormation form: equal configurations hash equally across synths.
   */
  private configurationHash(): string {
    const configuration = {
      ...this.settings,
      kmsKeyArn: this.encryptionKey.keyArn,
      crossRegionConfig: this.renderCrossRegion(),
      contentPolicyConfig: this.renderContentPolicy(),
      topicPolicyConfig: this.renderTopicPolicy(),
      wordPolicyConfig: this.renderWordPolicy(),
      sensitiveInformationPolicyConfig: this.renderSensitivePolicy(),
      contextualGroundingPolicyConfig: this.renderGroundingPolicy(),
    };
    const resolved = Stack.of(this).resolve(configuration);
    return createHash('sha256').update(JSON.stringify(resolved)).digest('hex').slice(0, 8).toUpperCase();
  }
}

/** A guardrail managed elsewhere, with the published version callers must name. */
class ImportedPolicyGuardrail extends PolicyGuardrailBase {
  public readonly guardrailArn: string;
  public readonly guardrailId: string;
  public readonly guardrailVersion: string;
  public readonly encryptionKey?: kms.IKey;
  public readonly guardrailProfileId?: string;

  constructor(scope: Construct, id: string, attrs: PolicyGuardrailAttributes) {
    super(scope, id);
    attrs = requireProps(this, attrs);
    validateGuardrail(this, 'attrs', attrs);
    if (attrs.guardrailProfileId !== undefined && isResolved(attrs.guardrailProfileId) && !GUARDRAIL_PROFILE_ID.test(attrs.guardrailProfileId)) {
      throw new PlatformValidationError(this, 'attrs.guardrailProfileId', attrs.guardrailProfileId, "Must be a guardrail profile ID such as 'us.guardrail.v1:0'.");
    }
    this.guardrailArn = attrs.guardrailArn;
    this.guardrailId = Arn.split(attrs.guardrailArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    this.guardrailVersion = attrs.guardrailVersion;
    this.encryptionKey = attrs.encryptionKey;
    this.guardrailProfileId = attrs.guardrailProfileId;
  }
}
