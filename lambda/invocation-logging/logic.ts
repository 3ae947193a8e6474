/*
 * Pure decisions of the model-invocation-logging custom resource: no AWS calls, no clock, no I/O.
 * index.ts reads the current configuration, asks these functions what to do, and does it.
 *
 * Model invocation logging is one setting per account and Region, so the resource never takes it
 * from another owner unless told to (TakeOverExistingConfiguration). When it does, the configuration
 * found on Create is recorded in the physical resource id (CloudFormation passes that id back on
 * every later event, but not the resource's Data), and Delete restores it. Update and Delete touch
 * the setting only while it is still this resource's own.
 */
import { deflateRawSync, inflateRawSync } from 'zlib';
import type { LoggingConfig } from '@aws-sdk/client-bedrock';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

export type { LoggingConfig };

/** Every physical id this resource issues starts with this. */
export const PHYSICAL_ID_PREFIX = 'BedrockInvocationLogging/v1/';
/** Physical id when there was no configuration before this resource. */
export const NO_PREVIOUS_ID = `${PHYSICAL_ID_PREFIX}previous=none`;
/** Physical id of a Create that failed before changing anything: its Delete is a no-op. */
export const NOT_APPLIED_ID = `${PHYSICAL_ID_PREFIX}not-applied`;
const ENCODED_MARK = `${PHYSICAL_ID_PREFIX}previous=`;
/** CloudFormation rejects physical ids above 1 KB. */
export const MAX_PHYSICAL_ID_LENGTH = 1024;

const MODALITY_FLAGS = [
  'textDataDeliveryEnabled',
  'imageDataDeliveryEnabled',
  'embeddingDataDeliveryEnabled',
  'videoDataDeliveryEnabled',
  'audioDataDeliveryEnabled',
] as const;

/** A configuration error in the resource properties: reported to CloudFormation as is. */
export class InvalidPropertiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPropertiesError';
  }
}

/** CloudFormation hands custom resources every scalar as a string; accept both forms. */
function parseBoolean(path: string, value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new InvalidPropertiesError(`${path} must be true or false, got ${JSON.stringify(value)}`);
}

function requireString(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidPropertiesError(`LoggingConfig.${path} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function parseS3(path: string, value: unknown): { bucketName: string; keyPrefix?: string } | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw new InvalidPropertiesError(`LoggingConfig.${path} must be an object`);
  const v = value as Record<string, unknown>;
  const bucketName = requireString(`${path}.bucketName`, v.bucketName);
  return v.keyPrefix === undefined ? { bucketName } : { bucketName, keyPrefix: requireString(`${path}.keyPrefix`, v.keyPrefix) };
}

/** The configuration the stack asks for, from the custom resource's `LoggingConfig` property. */
export function desiredConfiguration(properties: Record<string, unknown> | undefined): LoggingConfig {
  const raw = properties?.LoggingConfig;
  if (typeof raw !== 'object' || raw === null) throw new InvalidPropertiesError('the LoggingConfig property is missing');
  const p = raw as Record<string, unknown>;
  const config: LoggingConfig = {};
  if (p.cloudWatchConfig !== undefined) {
    const cw = p.cloudWatchConfig as Record<string, unknown>;
    if (typeof cw !== 'object' || cw === null) throw new InvalidPropertiesError('LoggingConfig.cloudWatchConfig must be an object');
    const largeData = parseS3('cloudWatchConfig.largeDataDeliveryS3Config', cw.largeDataDeliveryS3Config);
    config.cloudWatchConfig = {
      logGroupName: requireString('cloudWatchConfig.logGroupName', cw.logGroupName),
      roleArn: requireString('cloudWatchConfig.roleArn', cw.roleArn),
      ...(largeData ? { largeDataDeliveryS3Config: largeData } : {}),
    };
  }
  const s3 = parseS3('s3Config', p.s3Config);
  if (s3) config.s3Config = s3;
  if (!config.cloudWatchConfig && !config.s3Config) {
    throw new InvalidPropertiesError('LoggingConfig needs cloudWatchConfig, s3Config or both');
  }
  for (const flag of MODALITY_FLAGS) config[flag] = parseBoolean(`LoggingConfig.${flag}`, p[flag] ?? false);
  return config;
}

/** The resource property that allows replacing a configuration this resource does not own. */
export const TAKE_OVER_PROPERTY = 'TakeOverExistingConfiguration';

/** Whether the stack allows replacing another owner's configuration: `TakeOverExistingConfiguration`, false when absent. */
export function takeOverAllowed(properties: Record<string, unknown> | undefined): boolean {
  return parseBoolean(TAKE_OVER_PROPERTY, properties?.[TAKE_OVER_PROPERTY] ?? false);
}

/** The configuration `properties` ask for, or undefined when they do not parse (a rejected Create's, say). */
export function configurationOrUndefined(properties: Record<string, unknown> | undefined): LoggingConfig | undefined {
  try {
    return desiredConfiguration(properties);
  } catch {
    return undefined;
  }
}

/** The configuration as the API returned it, without undefined members, so it encodes and compares cleanly. */
export function normalize(config: LoggingConfig | undefined): LoggingConfig | undefined {
  if (!config) return undefined;
  const clean = JSON.parse(JSON.stringify(config)) as LoggingConfig;
  return Object.keys(clean).length === 0 ? undefined : clean;
}

/**
 * The physical id that records `previous`, the configuration found on Create. Throws when it does
 * not fit in a physical id: failing the Create then changes nothing, which beats a Delete that
 * could not restore.
 */
export function encodePhysicalId(previous: LoggingConfig | undefined): string {
  const config = normalize(previous);
  if (!config) return NO_PREVIOUS_ID;
  const id = ENCODED_MARK + deflateRawSync(Buffer.from(JSON.stringify(config), 'utf8')).toString('base64url');
  if (id.length > MAX_PHYSICAL_ID_LENGTH) {
    throw new InvalidPropertiesError(
      `the existing invocation logging configuration is too large to record for restoration (${id.length} characters encoded, CloudFormation allows ${MAX_PHYSICAL_ID_LENGTH}); ` +
        'nothing was changed. Shorten its log group name or key prefixes, or delete it, then deploy again.',
    );
  }
  return id;
}

/** What a physical id says about the time before this resource. */
export type PhysicalIdState =
  /** The Create applied our configuration; `previous` is what it replaced (undefined: nothing). */
  | { readonly kind: 'applied'; readonly previous?: LoggingConfig }
  /** The Create failed before changing anything. */
  | { readonly kind: 'not-applied' }
  /** Not an id this resource issued (e.g. CloudFormation's placeholder after a lost response). */
  | { readonly kind: 'unknown' };

export function decodePhysicalId(physicalId: string | undefined): PhysicalIdState {
  if (physicalId === NO_PREVIOUS_ID) return { kind: 'applied' };
  if (physicalId === NOT_APPLIED_ID) return { kind: 'not-applied' };
  if (typeof physicalId === 'string' && physicalId.startsWith(ENCODED_MARK)) {
    try {
      const json = inflateRawSync(Buffer.from(physicalId.slice(ENCODED_MARK.length), 'base64url')).toString('utf8');
      const previous = JSON.parse(json) as unknown;
      // Only a configuration with a destination was ever recorded; anything else is not our id.
      const config = typeof previous === 'object' && previous !== null && !Array.isArray(previous) ? normalize(previous as LoggingConfig) : undefined;
      return config && (config.cloudWatchConfig || config.s3Config) ? { kind: 'applied', previous: config } : { kind: 'unknown' };
    } catch {
      return { kind: 'unknown' };
    }
  }
  return { kind: 'unknown' };
}

const trimSlashes = (prefix: string | undefined) => (prefix ?? '').replace(/^\/+|\/+$/g, '');

interface S3Destination {
  readonly bucketName?: string;
  readonly keyPrefix?: string;
}
const sameS3 = (a: S3Destination | undefined, b: S3Destination | undefined) =>
  !!a && !!b && a.bucketName === b.bucketName && trimSlashes(a.keyPrefix) === trimSlashes(b.keyPrefix);

/**
 * True when `current` is this resource's configuration: every destination it delivers to is the
 * one this resource wrote in that place (the log group with the same role, the large-data bucket
 * and prefix, the S3 bucket and prefix). Modality flags may differ: someone may have toggled one.
 * A single destination of anyone else's, even next to ours, makes the whole setting theirs, and
 * a setting with no destination is no one's.
 */
export function isOurs(current: LoggingConfig | undefined, ours: LoggingConfig | undefined): boolean {
  const found = normalize(current);
  if (!found || !ours) return false;
  const cw = found.cloudWatchConfig;
  if (!cw && !found.s3Config) return false;
  if (cw && !(ours.cloudWatchConfig && cw.logGroupName === ours.cloudWatchConfig.logGroupName && cw.roleArn === ours.cloudWatchConfig.roleArn)) return false;
  if (cw?.largeDataDeliveryS3Config && !sameS3(cw.largeDataDeliveryS3Config, ours.cloudWatchConfig?.largeDataDeliveryS3Config)) return false;
  if (found.s3Config && !sameS3(found.s3Config, ours.s3Config)) return false;
  return true;
}

const s3Url = (d: S3Destination) => `s3://${d.bucketName ?? '?'}/${trimSlashes(d.keyPrefix)}`;

/** Where `config` delivers, in words, for the messages that name another owner's configuration. */
export function describeConfiguration(config: LoggingConfig | undefined): string {
  const found = normalize(config);
  if (!found) return 'nothing';
  const parts: string[] = [];
  const cw = found.cloudWatchConfig;
  if (cw) parts.push(`CloudWatch Logs log group ${cw.logGroupName ?? '?'} (role ${cw.roleArn ?? '?'})`);
  if (cw?.largeDataDeliveryS3Config) parts.push(`large data to ${s3Url(cw.largeDataDeliveryS3Config)}`);
  if (found.s3Config) parts.push(`S3 bucket ${s3Url(found.s3Config)}`);
  return parts.length > 0 ? parts.join(', ') : 'a configuration without destinations';
}

const TAKE_OVER_HINT =
  'Remove that configuration (aws bedrock delete-model-invocation-logging-configuration) and deploy again, ' +
  'or set takeOverExistingConfiguration: true on ModelInvocationLogging to replace it';

/** What a Create does: apply `desired`, remembering what it replaces in the physical id, or refuse. */
export type CreatePlan =
  | { readonly action: 'put'; readonly physicalId: string; readonly previous?: LoggingConfig; readonly note: string }
  | { readonly action: 'refuse'; readonly reason: string };

export function planCreate(current: LoggingConfig | undefined, desired: LoggingConfig, takeOver: boolean): CreatePlan {
  const found = normalize(current);
  if (!found) return { action: 'put', physicalId: NO_PREVIOUS_ID, note: 'no configuration before this resource' };
  if (isOurs(found, desired)) {
    // A repeated Create (same request delivered twice): what is there is our own configuration,
    // and recording it would make Delete "restore" a configuration that points at deleted resources.
    return { action: 'put', physicalId: NO_PREVIOUS_ID, note: 'the current configuration is already this resource\'s own (repeated Create); nothing earlier to restore' };
  }
  if (!takeOver) {
    return {
      action: 'refuse',
      reason:
        `Amazon Bedrock model invocation logging is already configured in this account and Region, and not by this stack: ${describeConfiguration(found)}. ` +
        `Nothing was changed. ${TAKE_OVER_HINT} (the stack then restores it when this resource is deleted).`,
    };
  }
  return {
    action: 'put',
    physicalId: encodePhysicalId(found),
    previous: found,
    note: `took over the existing configuration (${TAKE_OVER_PROPERTY}); recorded it, to restore on Delete`,
  };
}

/** What an Update does: apply the new configuration, or refuse to replace someone else's. */
export type UpdatePlan = { readonly action: 'put'; readonly note: string } | { readonly action: 'refuse'; readonly reason: string };

/** `old` is what the previous properties asked for; `desired`, what the new ones ask for. */
export function planUpdate(current: LoggingConfig | undefined, desired: LoggingConfig, old: LoggingConfig | undefined, takeOver: boolean): UpdatePlan {
  const found = normalize(current);
  if (!found) return { action: 'put', note: 'no configuration is set (removed since the Create): applying ours' };
  if (isOurs(found, old) || isOurs(found, desired)) return { action: 'put', note: 'the current configuration is this resource\'s own' };
  if (takeOver) {
    // The physical id cannot change on Update, so this configuration is not recorded: Delete
    // restores what the Create found, if anything.
    return { action: 'put', note: `took over a configuration someone else set since the Create (${TAKE_OVER_PROPERTY}); it is not recorded for restoration` };
  }
  return {
    action: 'refuse',
    reason:
      `Amazon Bedrock model invocation logging in this account and Region is no longer this stack's: someone else has since set ${describeConfiguration(found)}. ` +
      `Nothing was changed. ${TAKE_OVER_HINT}.`,
  };
}

/** What a Delete does. */
export type DeletePlan =
  | { readonly action: 'none'; readonly note: string }
  | { readonly action: 'restore'; readonly previous: LoggingConfig; readonly note: string }
  | { readonly action: 'delete'; readonly note: string };

/**
 * A Delete changes the setting only while it is exactly this resource's own (`ours`: what its
 * properties ask for), and restores only what its physical id recorded.
 */
export function planDelete(physicalId: string | undefined, current: LoggingConfig | undefined, ours: LoggingConfig | undefined): DeletePlan {
  const state = decodePhysicalId(physicalId);
  if (state.kind === 'not-applied') return { action: 'none', note: 'the Create failed before changing anything' };
  const found = normalize(current);
  if (!found) return { action: 'none', note: 'no configuration is set (already deleted or restored to nothing)' };
  if (!isOurs(found, ours)) {
    return { action: 'none', note: 'the current configuration is not this resource\'s (restored already, or taken over by someone else since): left as it is' };
  }
  if (state.kind === 'unknown') {
    return { action: 'delete', note: 'the physical id does not record what was there before; removing this resource\'s own configuration' };
  }
  if (state.previous) return { action: 'restore', previous: state.previous, note: 'restoring the configuration found on Create' };
  return { action: 'delete', note: 'there was no configuration before this resource' };
}

export const REQUEST_TYPES = ['Create', 'Update', 'Delete'] as const;

/**
 * Why the handler cannot answer at `url`, or undefined when it can: CloudFormation's pre-signed
 * URL is https; plain http only to the loopback interface (the handler's tests). Checked before
 * anything changes, so a change is never made that could not be reported.
 */
export function responseUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the event has no valid ResponseURL, so there is nowhere to send the answer';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) return undefined;
  return `refusing to send the CloudFormation response over ${parsed.protocol} to ${parsed.hostname}`;
}

/** What the handler can do with an event: handle it, or answer FAILED (when there is a URL to answer to). */
export type EventCheck =
  | { readonly kind: 'valid'; readonly event: CloudFormationCustomResourceEvent }
  | { readonly kind: 'invalid'; readonly reason: string; readonly responseUrl?: string; readonly physicalId: string };

/** A value for a message: short, and never the whole of something large. */
function shortValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value;
  }
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** Checks the parts of an event the handler relies on, before it touches anything. */
export function inspectEvent(raw: unknown): EventCheck {
  if (typeof raw !== 'object' || raw === null) return { kind: 'invalid', reason: 'the event is not an object', physicalId: NOT_APPLIED_ID };
  const e = raw as Record<string, unknown>;
  const urlProblem = typeof e.ResponseURL === 'string' ? responseUrlProblem(e.ResponseURL) : 'the event has no valid ResponseURL, so there is nowhere to send the answer';
  const responseUrl = urlProblem === undefined ? (e.ResponseURL as string) : undefined;
  const hasPhysicalId = typeof e.PhysicalResourceId === 'string' && e.PhysicalResourceId.length > 0;
  const invalid = (reason: string): EventCheck => ({
    kind: 'invalid',
    reason: `${reason}; nothing was changed`,
    responseUrl,
    physicalId: hasPhysicalId ? (e.PhysicalResourceId as string) : NOT_APPLIED_ID,
  });
  if (!responseUrl) return invalid(urlProblem ?? 'the event has no valid ResponseURL');
  if (!(REQUEST_TYPES as readonly unknown[]).includes(e.RequestType)) return invalid(`unknown RequestType ${shortValue(e.RequestType)}: expected Create, Update or Delete`);
  if (e.RequestType !== 'Create' && !hasPhysicalId) {
    return invalid(`${e.RequestType as string} events need a PhysicalResourceId string, got ${shortValue(e.PhysicalResourceId)}`);
  }
  for (const key of ['ResourceProperties', 'OldResourceProperties']) {
    if (e[key] !== undefined && (typeof e[key] !== 'object' || e[key] === null || Array.isArray(e[key]))) return invalid(`${key} must be an object, got ${shortValue(e[key])}`);
  }
  return { kind: 'valid', event: raw as CloudFormationCustomResourceEvent };
}

/** How the handler shares out the function's remaining time. */
export interface TimeBudget {
  /** Kept back for the reply to CloudFormation: the watchdog abandons the Bedrock work this long before the function would end. */
  readonly responseReserveMs: number;
  /**
   * Bedrock calls and their retries end this long before the watchdog fires, so their own timeouts
   * end them and the watchdog only catches a call that overran its timeout.
   */
  readonly watchdogGraceMs: number;
  /** The reply's retries end this long before the function would, so the handler returns and logs instead of being killed. */
  readonly finalMarginMs: number;
  /** The remaining time assumed when the handler gets no Lambda context (only outside Lambda): the function's timeout. */
  readonly fallbackRemainingMs: number;
}

/** 30 s holds two full 10 s reply attempts and their backoff; the 3-minute function keeps 148 s for Bedrock. */
export const DEFAULT_TIME_BUDGET: TimeBudget = { responseReserveMs: 30_000, watchdogGraceMs: 2_000, finalMarginMs: 2_000, fallbackRemainingMs: 180_000 };

/** Clock times (in the handler's clock) by which each part of a request must be done. */
export interface Deadlines {
  /** The last Bedrock call ends by then. */
  readonly calls: number;
  /** The watchdog abandons whatever is still pending. */
  readonly watchdog: number;
  /** The reply's last attempt ends by then. */
  readonly response: number;
}

export function deadlines(now: number, remainingMs: number | undefined, budget: TimeBudget): Deadlines {
  const remaining = typeof remainingMs === 'number' && Number.isFinite(remainingMs) ? Math.max(0, remainingMs) : budget.fallbackRemainingMs;
  const watchdog = now + remaining - budget.responseReserveMs;
  return { calls: watchdog - budget.watchdogGraceMs, watchdog, response: now + remaining - budget.finalMarginMs };
}

/** Error fields the SDK sets; all optional, as other errors (network, our own) reach the same code. */
interface ErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly $fault?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded']);
const TRANSIENT = new Set(['ServiceUnavailableException', 'InternalServerException', 'TimeoutError', 'RequestTimeout', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN']);
/** Errors that mean the endpoint never answered: a timeout, a refused or unroutable connection, no DNS answer. */
const NO_ANSWER = new Set(['TimeoutError', 'AbortError', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * True when retrying can help: throttling, 5xx, network faults, and Bedrock's permission check of a
 * delivery role that IAM has not propagated yet (it fails with a ValidationException for a few
 * seconds after the role is created, in the same deployment).
 */
export function isRetryable(error: unknown): boolean {
  const e = (error ?? {}) as ErrorLike;
  if (e.name && THROTTLING.has(e.name)) return true;
  if (e.$retryable?.throttling) return true;
  if (e.$metadata?.httpStatusCode === 429 || (e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  if (e.$fault === 'server') return true;
  if ((e.name && TRANSIENT.has(e.name)) || (e.code && TRANSIENT.has(e.code))) return true;
  return e.name === 'ValidationException' && /failed to validate permissions|unable to assume|cannot assume/i.test(e.message ?? '');
}

/** True when `error` says the endpoint did not answer at all (as opposed to answering with an error). */
export function isNoAnswer(error: unknown): boolean {
  const e = (error ?? {}) as ErrorLike;
  return !!((e.name && NO_ANSWER.has(e.name)) || (e.code && NO_ANSWER.has(e.code)));
}

/** Bounds of a retry loop: attempts, an exponential delay with jitter, capped, and each attempt's time. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The longest one attempt may take: handed to the call as its timeout, shortened to the deadline. */
  readonly attemptTimeoutMs: number;
  /** An attempt starts only with at least this much time left before the deadline: less could not complete one. */
  readonly minAttemptMs: number;
}

/**
 * SDK timeouts of the production Bedrock client. The control-plane calls answer in well under a
 * second; Put validates the destinations and can take a few. 5 s to connect catches a missing VPC
 * endpoint (connections to the public address go nowhere) long before the deadline.
 */
export const BEDROCK_TIMEOUTS = { connectionTimeoutMs: 5_000, requestTimeoutMs: 20_000 } as const;

/** Bedrock calls: about a minute of backoff at worst, enough for throttling to pass and IAM to propagate; the deadline cuts it shorter. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 1000,
  maxDelayMs: 15000,
  attemptTimeoutMs: BEDROCK_TIMEOUTS.requestTimeoutMs,
  minAttemptMs: BEDROCK_TIMEOUTS.connectionTimeoutMs,
};

/** The reply to CloudFormation: a 10 s PUT, retried within the reserve the Bedrock work leaves it. */
export const RESPONSE_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 8000, attemptTimeoutMs: 10_000, minAttemptMs: 1_000 };

/**
 * Delay before retry number `retry` (1 = first retry): half the capped exponential step plus a
 * random half, so concurrent callers spread out but every wait still grows.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + (step / 2) * Math.min(Math.max(random, 0), 1));
}

/** The timeout of an attempt starting at `now`, or undefined when too little time is left to make one. */
export function attemptTimeout(now: number, deadline: number, policy: RetryPolicy): number | undefined {
  const left = deadline - now;
  return left >= policy.minAttemptMs ? Math.floor(Math.min(policy.attemptTimeoutMs, left)) : undefined;
}

/** After attempt number `attempt` failed with `error` at `now`: wait and retry, or stop (and why). */
export type RetryDecision = { readonly action: 'retry'; readonly delayMs: number } | { readonly action: 'stop'; readonly why: 'not-retryable' | 'attempts' | 'deadline' };

export function retryDecision(
  attempt: number,
  error: unknown,
  now: number,
  deadline: number,
  policy: RetryPolicy,
  random: number,
  retryable: (error: unknown) => boolean = isRetryable,
): RetryDecision {
  if (!retryable(error)) return { action: 'stop', why: 'not-retryable' };
  if (attempt >= policy.maxAttempts) return { action: 'stop', why: 'attempts' };
  const delayMs = backoffDelay(attempt, policy, random);
  // No sleep that would leave too little time for the attempt after it.
  if (attemptTimeout(now + delayMs, deadline, policy) === undefined) return { action: 'stop', why: 'deadline' };
  return { action: 'retry', delayMs };
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10}`;

/** The retry loop stopped at the deadline: `attempts` tries of `what` in `elapsedMs`, the last failing with `lastError`. */
export class DeadlineReachedError extends Error {
  constructor(
    readonly what: string,
    readonly lastError: unknown,
    readonly attempts: number,
    readonly elapsedMs: number,
  ) {
    super(attempts === 0 ? `no time left before the deadline to call ${what}` : `${what} still failing at the deadline after ${attempts} attempt(s) in ${seconds(elapsedMs)} s: ${failureReason(lastError, 600)}`);
    this.name = 'DeadlineReachedError';
  }
}

/** The way out, when Bedrock did not answer: in a VPC, the usual cause is a missing endpoint. */
export const ENDPOINT_HINT =
  'Is the Bedrock control-plane endpoint reachable from the function\'s subnets? In a VPC without internet access the function needs an interface endpoint for com.amazonaws.<region>.bedrock.';
const RESERVE_NOTE = 'the rest of the function\'s time is kept for the reply to CloudFormation';

/** The sentence CloudFormation shows for a failure: the service's own error name and message. */
export function failureReason(error: unknown, maxLength = 1000): string {
  const e = (error ?? {}) as ErrorLike;
  const text = e.message ? `${e.name ?? 'Error'}: ${e.message}` : String(error);
  return text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text;
}

/** The reason CloudFormation shows for a failed Bedrock step: what happened, and for no answer at all, where to look. */
export function explainFailure(error: unknown): string {
  if (error instanceof DeadlineReachedError) {
    if (error.attempts === 0) return `Stopped before calling ${error.what}: the deadline was reached (${RESERVE_NOTE}).`;
    if (isNoAnswer(error.lastError)) {
      return (
        `Bedrock did not answer ${error.what} within ${seconds(error.elapsedMs)} s (${error.attempts} attempt(s), the last: ${failureReason(error.lastError, 400)}); ` +
        `retries stopped at the deadline (${RESERVE_NOTE}). ${ENDPOINT_HINT}`
      );
    }
    return `${error.what} still failed when the deadline was reached, after ${error.attempts} attempt(s) in ${seconds(error.elapsedMs)} s (${RESERVE_NOTE}): ${failureReason(error.lastError, 600)}`;
  }
  return isNoAnswer(error) ? `${failureReason(error, 600).replace(/\.+$/, '')}. ${ENDPOINT_HINT}` : failureReason(error);
}

/** The reason when the watchdog abandons a call still pending at the deadline. */
export function watchdogReason(step: string | undefined, elapsedMs: number): string {
  return (
    `Bedrock did not answer ${step ?? 'the handler'} before the deadline, ${seconds(elapsedMs)} s into the request, so the call was abandoned (${RESERVE_NOTE}). ` +
    ENDPOINT_HINT
  );
}
