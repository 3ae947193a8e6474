import { Token } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { isResolved, requireList } from '../core/validate';

/*
 * The policies of a guardrail: what callers write, how it is checked, how it is rendered for
 * AWS::Bedrock::Guardrail. Limits are the CreateGuardrail API's (Amazon Bedrock API Reference,
 * "CreateGuardrail" and the Guardrail*Config data types, checked against botocore 1.43's model):
 * 6 content filters, 30 denied topics (name 1-100 characters of `[0-9a-zA-Z-_ !?.]`, definition
 * 1-200, up to 5 examples of 1-100), 10,000 words of 1-100 characters, 10 regexes (name 1-100,
 * pattern 1-500, description 1-1000). A value that is still a token is handed to CloudFormation
 * unchecked.
 */

/** A harmful-content category of a content filter. */
export enum ContentFilterType {
  /** Discrimination, criticism, insults or dehumanization based on identity. */
  HATE = 'HATE',
  /** Demeaning, humiliating, mocking or bullying language. */
  INSULTS = 'INSULTS',
  /** Sexual interest, activity or arousal. */
  SEXUAL = 'SEXUAL',
  /** Glorification of, or threats of, physical harm. */
  VIOLENCE = 'VIOLENCE',
  /** Seeking or giving information on criminal activity or harm. */
  MISCONDUCT = 'MISCONDUCT',
  /** Jailbreaks and prompt injection. Evaluated on prompts only: its output strength must be NONE. */
  PROMPT_ATTACK = 'PROMPT_ATTACK',
}

/** How strongly a content filter filters: higher blocks more, with more false positives. */
export enum FilterStrength {
  NONE = 'NONE',
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
}

/** What a content filter reads. IMAGE filtering is billed per image. */
export enum GuardrailModality {
  TEXT = 'TEXT',
  IMAGE = 'IMAGE',
}

/** What a content filter, denied topic, word filter or grounding check does on a match. */
export enum GuardrailAction {
  /** Replace the content with the blocked message. */
  BLOCK = 'BLOCK',
  /** Detect only: the match is reported in the trace, the content passes (a dry run). */
  NONE = 'NONE',
}

/** What a PII entity or regex filter does on a match. */
export enum SensitiveInformationAction {
  /** Replace the whole content with the blocked message. */
  BLOCK = 'BLOCK',
  /** Mask the match with an identifier tag such as `{EMAIL}`; the rest passes. */
  ANONYMIZE = 'ANONYMIZE',
  /** Detect only: reported in the trace, nothing masked. */
  NONE = 'NONE',
}

/** The PII entity types Bedrock Guardrails detects (the CloudFormation / API enum). */
export enum PiiEntityType {
  ADDRESS = 'ADDRESS',
  AGE = 'AGE',
  AWS_ACCESS_KEY = 'AWS_ACCESS_KEY',
  AWS_SECRET_KEY = 'AWS_SECRET_KEY',
  CA_HEALTH_NUMBER = 'CA_HEALTH_NUMBER',
  CA_SOCIAL_INSURANCE_NUMBER = 'CA_SOCIAL_INSURANCE_NUMBER',
  CREDIT_DEBIT_CARD_CVV = 'CREDIT_DEBIT_CARD_CVV',
  CREDIT_DEBIT_CARD_EXPIRY = 'CREDIT_DEBIT_CARD_EXPIRY',
  CREDIT_DEBIT_CARD_NUMBER = 'CREDIT_DEBIT_CARD_NUMBER',
  DRIVER_ID = 'DRIVER_ID',
  EMAIL = 'EMAIL',
  INTERNATIONAL_BANK_ACCOUNT_NUMBER = 'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
  IP_ADDRESS = 'IP_ADDRESS',
  LICENSE_PLATE = 'LICENSE_PLATE',
  MAC_ADDRESS = 'MAC_ADDRESS',
  NAME = 'NAME',
  PASSWORD = 'PASSWORD',
  PHONE = 'PHONE',
  PIN = 'PIN',
  SWIFT_CODE = 'SWIFT_CODE',
  UK_NATIONAL_HEALTH_SERVICE_NUMBER = 'UK_NATIONAL_HEALTH_SERVICE_NUMBER',
  UK_NATIONAL_INSURANCE_NUMBER = 'UK_NATIONAL_INSURANCE_NUMBER',
  UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER = 'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER',
  URL = 'URL',
  USERNAME = 'USERNAME',
  US_BANK_ACCOUNT_NUMBER = 'US_BANK_ACCOUNT_NUMBER',
  US_BANK_ROUTING_NUMBER = 'US_BANK_ROUTING_NUMBER',
  US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER = 'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER',
  US_PASSPORT_NUMBER = 'US_PASSPORT_NUMBER',
  US_SOCIAL_SECURITY_NUMBER = 'US_SOCIAL_SECURITY_NUMBER',
  VEHICLE_IDENTIFICATION_NUMBER = 'VEHICLE_IDENTIFICATION_NUMBER',
}

/** A contextual grounding check (the hallucination check of retrieval-augmented answers). */
export enum ContextualGroundingType {
  /** Is the answer supported by the grounding source? */
  GROUNDING = 'GROUNDING',
  /** Does the answer address the query? */
  RELEVANCE = 'RELEVANCE',
}

/** A managed word list. */
export enum ManagedWordList {
  /** AWS's profanity list. */
  PROFANITY = 'PROFANITY',
}

/** Safeguard tier of the content filters and denied topics. */
export enum GuardrailTier {
  /** English, French and Spanish; evaluated in the guardrail's Region. */
  CLASSIC = 'CLASSIC',
  /**
   * Broader language support and accuracy. Requires cross-Region inference (a guardrail profile):
   * prompts and responses may be evaluated in another Region of the profile's geography.
   */
  STANDARD = 'STANDARD',
}

/** Per-direction switches shared by most policies. */
export interface DirectionalOptions {
  /**
   * Action on a match in a prompt.
   * @default GuardrailAction.BLOCK
   */
  readonly inputAction?: GuardrailAction;
  /**
   * Action on a match in a response.
   * @default GuardrailAction.BLOCK
   */
  readonly outputAction?: GuardrailAction;
  /**
   * Evaluate prompts at all (a disabled evaluation is not billed).
   * @default true
   */
  readonly inputEnabled?: boolean;
  /**
   * Evaluate responses at all (a disabled evaluation is not billed).
   * @default true
   */
  readonly outputEnabled?: boolean;
}

/** A content filter: one harmful-content category, with a strength per direction. */
export interface ContentFilter extends DirectionalOptions {
  /** The category. Each category at most once per guardrail. */
  readonly type: ContentFilterType;
  /** Strength on prompts. */
  readonly inputStrength: FilterStrength;
  /** Strength on responses; must be NONE for PROMPT_ATTACK. */
  readonly outputStrength: FilterStrength;
  /**
   * What the filter reads in prompts.
   * @default [GuardrailModality.TEXT]
   */
  readonly inputModalities?: GuardrailModality[];
  /**
   * What the filter reads in responses (not rendered for PROMPT_ATTACK, which has no output side).
   * @default [GuardrailModality.TEXT]
   */
  readonly outputModalities?: GuardrailModality[];
}

/** A topic the guardrail denies. */
export interface DeniedTopic extends DirectionalOptions {
  /** A noun or phrase, 1-100 characters of letters, digits, spaces and `-_!?.`; unique per guardrail. */
  readonly name: string;
  /** What the topic covers, 1-200 characters; a definition, not an instruction. */
  readonly definition: string;
  /**
   * Up to 5 sample prompts of the topic, 1-100 characters each.
   * @default none
   */
  readonly examples?: string[];
}

/** A word or phrase the guardrail blocks (exact match). */
export interface WordFilter extends DirectionalOptions {
  /** The word or phrase, 1-100 characters; unique per guardrail. */
  readonly text: string;
}

/** A managed word list the guardrail blocks. */
export interface ManagedWordListFilter extends DirectionalOptions {
  /** The list. */
  readonly type: ManagedWordList;
}

/** Per-direction actions of a sensitive-information filter. */
export interface SensitiveInformationOptions {
  /**
   * Action in both directions, unless `inputAction` / `outputAction` say otherwise.
   * @default SensitiveInformationAction.BLOCK
   */
  readonly action?: SensitiveInformationAction;
  /**
   * Action on a match in a prompt.
   * @default `action`
   */
  readonly inputAction?: SensitiveInformationAction;
  /**
   * Action on a match in a response.
   * @default `action`
   */
  readonly outputAction?: SensitiveInformationAction;
  /**
   * Evaluate prompts at all.
   * @default true
   */
  readonly inputEnabled?: boolean;
  /**
   * Evaluate responses at all.
   * @default true
   */
  readonly outputEnabled?: boolean;
}

/** A PII entity type the guardrail blocks or masks. */
export interface PiiEntity extends SensitiveInformationOptions {
  /** The entity type; each at most once per guardrail. */
  readonly type: PiiEntityType;
}

/** A custom pattern the guardrail blocks or masks (e.g. an internal account number). */
export interface RegexFilter extends SensitiveInformationOptions {
  /** Name, 1-100 characters; unique per guardrail. */
  readonly name: string;
  /** The regular expression, 1-500 characters (Bedrock's dialect: not checked here beyond its length). */
  readonly pattern: string;
  /**
   * What it matches, 1-1000 characters.
   * @default none
   */
  readonly description?: string;
}

/** A contextual grounding check: answers scoring below `threshold` are blocked. */
export interface ContextualGroundingFilter {
  /** Grounding or relevance; each at most once. */
  readonly type: ContextualGroundingType;
  /**
   * Minimum score, 0 to 0.99: higher blocks more answers. Only requests that carry a grounding
   * source (retrieval-augmented generation, or content tagged as such) are checked.
   */
  readonly threshold: number;
  /**
   * Action when the score is below the threshold.
   * @default GuardrailAction.BLOCK
   */
  readonly action?: GuardrailAction;
  /**
   * Evaluate at all.
   * @default true
   */
  readonly enabled?: boolean;
}

/** The policies of a guardrail: what {@link PolicyGuardrailProps} and the presets carry. */
export interface GuardrailPolicies {
  /**
   * Content filters (harmful categories and prompt attacks).
   * @default none
   */
  readonly contentFilters?: ContentFilter[];
  /**
   * Denied topics (up to 30).
   * @default none
   */
  readonly deniedTopics?: DeniedTopic[];
  /**
   * Blocked words and phrases (up to 10,000).
   * @default none
   */
  readonly wordFilters?: WordFilter[];
  /**
   * Managed word lists (the profanity list).
   * @default none
   */
  readonly managedWordLists?: ManagedWordListFilter[];
  /**
   * PII entities to block or mask.
   * @default none
   */
  readonly piiEntities?: PiiEntity[];
  /**
   * Custom patterns to block or mask (up to 10).
   * @default none
   */
  readonly regexes?: RegexFilter[];
  /**
   * Contextual grounding and relevance checks.
   * @default none
   */
  readonly contextualGrounding?: ContextualGroundingFilter[];
}

// --- limits ------------------------------------------------------------------------------------

/** Service limits (CreateGuardrail API). */
export const GUARDRAIL_LIMITS = {
  nameLength: 50,
  descriptionLength: 200,
  blockedMessageLength: 500,
  deniedTopics: 30,
  topicNameLength: 100,
  topicDefinitionLength: 200,
  topicExamples: 5,
  topicExampleLength: 100,
  words: 10_000,
  wordLength: 100,
  regexes: 10,
  regexNameLength: 100,
  regexPatternLength: 500,
  regexDescriptionLength: 1000,
  maxGroundingThreshold: 0.99,
} as const;

export const GUARDRAIL_NAME = /^[0-9a-zA-Z-_]+$/;
const TOPIC_NAME = /^[0-9a-zA-Z-_ !?.]+$/;

// --- checks ------------------------------------------------------------------------------------

function oneOf<T extends string>(scope: IConstruct, prop: string, value: unknown, allowed: readonly T[], enumName: string): T {
  if (typeof value === 'string' && Token.isUnresolved(value)) return value as T;
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw new PlatformValidationError(scope, prop, value, `Allowed values: ${allowed.map((a) => `${enumName}.${a}`).join(', ')}.`);
  }
  return value as T;
}

function optionalOneOf<T extends string>(scope: IConstruct, prop: string, value: unknown, allowed: readonly T[], enumName: string): T | undefined {
  return value === undefined ? undefined : oneOf(scope, prop, value, allowed, enumName);
}

function optionalFlag(scope: IConstruct, prop: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new PlatformValidationError(scope, prop, value, 'Must be true or false.');
  return value as boolean | undefined;
}

/** A string of `min`..`max` characters (tokens skipped); `pattern` when given. */
export function requireText(scope: IConstruct, prop: string, value: unknown, min: number, max: number, pattern?: { regex: RegExp; description: string }): string {
  if (typeof value !== 'string') throw new PlatformValidationError(scope, prop, value, `Must be a string of ${min} to ${max} characters.`);
  if (Token.isUnresolved(value)) return value;
  if (value.length < min || value.length > max) {
    const shown = value.length > 60 ? `${value.slice(0, 40)}... (${value.length} characters)` : value;
    throw new PlatformValidationError(scope, prop, shown, `Must be ${min} to ${max} characters; this one has ${value.length}.`);
  }
  if (pattern && !pattern.regex.test(value)) throw new PlatformValidationError(scope, prop, value, `Must be ${pattern.description}.`);
  return value;
}

function requireObjectEntry(scope: IConstruct, prop: string, value: unknown, what: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PlatformValidationError(scope, prop, value, `Must be ${what}.`);
}

function directional(scope: IConstruct, prop: string, o: DirectionalOptions): void {
  optionalOneOf(scope, `${prop}.inputAction`, o.inputAction, Object.values(GuardrailAction), 'GuardrailAction');
  optionalOneOf(scope, `${prop}.outputAction`, o.outputAction, Object.values(GuardrailAction), 'GuardrailAction');
  optionalFlag(scope, `${prop}.inputEnabled`, o.inputEnabled);
  optionalFlag(scope, `${prop}.outputEnabled`, o.outputEnabled);
}

function sensitive(scope: IConstruct, prop: string, o: SensitiveInformationOptions): void {
  const actions = Object.values(SensitiveInformationAction);
  optionalOneOf(scope, `${prop}.action`, o.action, actions, 'SensitiveInformationAction');
  optionalOneOf(scope, `${prop}.inputAction`, o.inputAction, actions, 'SensitiveInformationAction');
  optionalOneOf(scope, `${prop}.outputAction`, o.outputAction, actions, 'SensitiveInformationAction');
  optionalFlag(scope, `${prop}.inputEnabled`, o.inputEnabled);
  optionalFlag(scope, `${prop}.outputEnabled`, o.outputEnabled);
}

function modalities(scope: IConstruct, prop: string, value: GuardrailModality[] | undefined): void {
  const list = requireList(scope, prop, value, { duplicates: 'refuse', what: 'GuardrailModality' });
  if (value !== undefined && list.length === 0) throw new PlatformValidationError(scope, prop, value, 'Name at least one modality (GuardrailModality.TEXT and/or IMAGE), or leave it unset for TEXT.');
  list.forEach((m, i) => oneOf(scope, `${prop}[${i}]`, m, Object.values(GuardrailModality), 'GuardrailModality'));
}

/** Checks one content filter (`prop` names it in errors). */
export function checkContentFilter(scope: IConstruct, prop: string, f: ContentFilter): ContentFilter {
  requireObjectEntry(scope, prop, f, 'a content filter { type, inputStrength, outputStrength }');
  const type = oneOf(scope, `${prop}.type`, f.type, Object.values(ContentFilterType), 'ContentFilterType');
  const strengths = Object.values(FilterStrength);
  oneOf(scope, `${prop}.inputStrength`, f.inputStrength, strengths, 'FilterStrength');
  const output = oneOf(scope, `${prop}.outputStrength`, f.outputStrength, strengths, 'FilterStrength');
  if (type === ContentFilterType.PROMPT_ATTACK && isResolved(output) && output !== FilterStrength.NONE) {
    throw new PlatformValidationError(scope, `${prop}.outputStrength`, output, 'Prompt attacks are detected in prompts only: the output strength of PROMPT_ATTACK must be FilterStrength.NONE.');
  }
  modalities(scope, `${prop}.inputModalities`, f.inputModalities);
  modalities(scope, `${prop}.outputModalities`, f.outputModalities);
  directional(scope, prop, f);
  return f;
}

/** Checks one denied topic. */
export function checkDeniedTopic(scope: IConstruct, prop: string, t: DeniedTopic): DeniedTopic {
  requireObjectEntry(scope, prop, t, 'a denied topic { name, definition, examples? }');
  requireText(scope, `${prop}.name`, t.name, 1, GUARDRAIL_LIMITS.topicNameLength, { regex: TOPIC_NAME, description: 'letters, digits, spaces and - _ ! ? .' });
  requireText(scope, `${prop}.definition`, t.definition, 1, GUARDRAIL_LIMITS.topicDefinitionLength);
  const examples = requireList(scope, `${prop}.examples`, t.examples, { duplicates: 'refuse' });
  if (examples.length > GUARDRAIL_LIMITS.topicExamples) {
    throw new PlatformValidationError(scope, `${prop}.examples`, `(${examples.length} examples)`, `A denied topic takes at most ${GUARDRAIL_LIMITS.topicExamples} examples.`);
  }
  examples.forEach((e, i) => requireText(scope, `${prop}.examples[${i}]`, e, 1, GUARDRAIL_LIMITS.topicExampleLength));
  directional(scope, prop, t);
  return t;
}

/** Checks one word filter. */
export function checkWordFilter(scope: IConstruct, prop: string, w: WordFilter): WordFilter {
  requireObjectEntry(scope, prop, w, 'a word filter { text }');
  requireText(scope, `${prop}.text`, w.text, 1, GUARDRAIL_LIMITS.wordLength);
  directional(scope, prop, w);
  return w;
}

/** Checks one managed word list filter. */
export function checkManagedWordList(scope: IConstruct, prop: string, w: ManagedWordListFilter): ManagedWordListFilter {
  requireObjectEntry(scope, prop, w, 'a managed word list { type: ManagedWordList.PROFANITY }');
  oneOf(scope, `${prop}.type`, w.type, Object.values(ManagedWordList), 'ManagedWordList');
  directional(scope, prop, w);
  return w;
}

/** Checks one PII entity. */
export function checkPiiEntity(scope: IConstruct, prop: string, p: PiiEntity): PiiEntity {
  requireObjectEntry(scope, prop, p, 'a PII entity { type, action? }');
  oneOf(scope, `${prop}.type`, p.type, Object.values(PiiEntityType), 'PiiEntityType');
  sensitive(scope, prop, p);
  return p;
}

/** Checks one regex filter. */
export function checkRegex(scope: IConstruct, prop: string, r: RegexFilter): RegexFilter {
  requireObjectEntry(scope, prop, r, 'a regex filter { name, pattern, action? }');
  requireText(scope, `${prop}.name`, r.name, 1, GUARDRAIL_LIMITS.regexNameLength);
  requireText(scope, `${prop}.pattern`, r.pattern, 1, GUARDRAIL_LIMITS.regexPatternLength);
  if (r.description !== undefined) requireText(scope, `${prop}.description`, r.description, 1, GUARDRAIL_LIMITS.regexDescriptionLength);
  sensitive(scope, prop, r);
  return r;
}

/** Checks one contextual grounding filter. */
export function checkGrounding(scope: IConstruct, prop: string, g: ContextualGroundingFilter): ContextualGroundingFilter {
  requireObjectEntry(scope, prop, g, 'a contextual grounding filter { type, threshold }');
  oneOf(scope, `${prop}.type`, g.type, Object.values(ContextualGroundingType), 'ContextualGroundingType');
  // The API sets only a minimum of 0 (GuardrailContextualGroundingFilterConfig); scores lie in
  // [0, 1] and the console, like aws-cdk's aws-bedrock-alpha, accepts 0 to 0.99.
  const t = g.threshold as unknown;
  if (!(typeof t === 'number' && Token.isUnresolved(t)) && (typeof t !== 'number' || Number.isNaN(t) || t < 0 || t > GUARDRAIL_LIMITS.maxGroundingThreshold)) {
    throw new PlatformValidationError(scope, `${prop}.threshold`, t, `Must be a number from 0 to ${GUARDRAIL_LIMITS.maxGroundingThreshold}: answers scoring below it are blocked.`);
  }
  optionalOneOf(scope, `${prop}.action`, g.action, Object.values(GuardrailAction), 'GuardrailAction');
  optionalFlag(scope, `${prop}.enabled`, g.enabled);
  return g;
}

/** A list prop with its per-entry check; returns a copy. */
export function checkEntries<T>(scope: IConstruct, prop: string, value: readonly T[] | undefined, check: (scope: IConstruct, prop: string, entry: T) => T): T[] {
  return requireList(scope, prop, value, { duplicates: 'refuse' }).map((entry, i) => check(scope, `${prop}[${i}]`, entry));
}

/**
 * Throws when two entries share a key (a content-filter type, a topic name...), which the service
 * refuses at deploy time; `prop(i)` names the later entry.
 */
export function refuseDuplicates<T>(scope: IConstruct, entries: readonly T[], key: (entry: T) => unknown, prop: (i: number) => string, what: string): void {
  const seen = new Map<unknown, number>();
  entries.forEach((entry, i) => {
    const k = key(entry);
    if (typeof k === 'string' && Token.isUnresolved(k)) return;
    const normalized = typeof k === 'string' ? k.toLowerCase() : k;
    if (seen.has(normalized)) throw new PlatformValidationError(scope, prop(i), k, `The guardrail already has ${what} ${JSON.stringify(k)} (entry ${seen.get(normalized)}): name each once.`);
    seen.set(normalized, i);
  });
}

/** Throws when `count` exceeds `max`. */
export function refuseOverLimit(scope: IConstruct, prop: string, count: number, max: number, what: string): void {
  if (count > max) throw new PlatformValidationError(scope, prop, `(${count} ${what})`, `A guardrail takes at most ${max} ${what}.`);
}

// --- rendering ---------------------------------------------------------------------------------

function renderDirectional(o: DirectionalOptions) {
  return {
    inputAction: o.inputAction ?? GuardrailAction.BLOCK,
    inputEnabled: o.inputEnabled ?? true,
    outputAction: o.outputAction ?? GuardrailAction.BLOCK,
    outputEnabled: o.outputEnabled ?? true,
  };
}

function renderSensitive(o: SensitiveInformationOptions) {
  const action = o.action ?? SensitiveInformationAction.BLOCK;
  return {
    // `Action` is required by the resource; the per-direction actions, when present, decide.
    action,
    inputAction: o.inputAction ?? action,
    inputEnabled: o.inputEnabled ?? true,
    outputAction: o.outputAction ?? action,
    outputEnabled: o.outputEnabled ?? true,
  };
}

export function renderContentFilter(f: ContentFilter): bedrock.CfnGuardrail.ContentFilterConfigProperty {
  const promptOnly = f.type === ContentFilterType.PROMPT_ATTACK;
  const d = renderDirectional(f);
  return {
    type: f.type,
    inputStrength: f.inputStrength,
    outputStrength: f.outputStrength,
    inputModalities: [...(f.inputModalities ?? [GuardrailModality.TEXT])],
    ...(promptOnly ? {} : { outputModalities: [...(f.outputModalities ?? [GuardrailModality.TEXT])] }),
    inputAction: d.inputAction,
    inputEnabled: d.inputEnabled,
    // A prompt attack has no output side (its output strength is NONE): no output switches rendered.
    ...(promptOnly ? {} : { outputAction: d.outputAction, outputEnabled: d.outputEnabled }),
  };
}

export function renderDeniedTopic(t: DeniedTopic): bedrock.CfnGuardrail.TopicConfigProperty {
  return { name: t.name, definition: t.definition, examples: t.examples && t.examples.length > 0 ? [...t.examples] : undefined, type: 'DENY', ...renderDirectional(t) };
}

export function renderWord(w: WordFilter): bedrock.CfnGuardrail.WordConfigProperty {
  return { text: w.text, ...renderDirectional(w) };
}

export function renderManagedWordList(w: ManagedWordListFilter): bedrock.CfnGuardrail.ManagedWordsConfigProperty {
  return { type: w.type, ...renderDirectional(w) };
}

export function renderPii(p: PiiEntity): bedrock.CfnGuardrail.PiiEntityConfigProperty {
  return { type: p.type, ...renderSensitive(p) };
}

export function renderRegex(r: RegexFilter): bedrock.CfnGuardrail.RegexConfigProperty {
  return { name: r.name, pattern: r.pattern, description: r.description, ...renderSensitive(r) };
}

export function renderGrounding(g: ContextualGroundingFilter): bedrock.CfnGuardrail.ContextualGroundingFilterConfigProperty {
  return { type: g.type, threshold: g.threshold, action: g.action ?? GuardrailAction.BLOCK, enabled: g.enabled ?? true };
}
