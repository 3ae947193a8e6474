/*
 * Pure decisions of the model-invocation-logging custom resource: no AWS calls, no clock, no I/O.
 * index.ts reads the current configuration, asks these functions what to do, and does it.
 *
 * Model invocation logging is one setting per account and Region. The resource takes it over on
 * Create and must hand it back on Delete: the configuration found on Create is recorded in the
 * physical resource id (CloudFormation passes that id back on every later event, but not the
 * resource's Data), and Delete restores it, unless somebody else has taken the setting over since.
 */
import { deflateRawSync, inflateRawSync } from 'zlib';
import type { LoggingConfig } from '@aws-sdk/client-bedrock';

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
  throw new InvalidPropertiesError(`LoggingConfig.${path} must be true or false, got ${JSON.stringify(value)}`);
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
  for (const flag of MODALITY_FLAGS) config[flag] = parseBoolean(flag, p[flag] ?? false);
  return config;
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
  if (physicalId?.startsWith(ENCODED_MARK)) {
    try {
      const json = inflateRawSync(Buffer.from(physicalId.slice(ENCODED_MARK.length), 'base64url')).toString('utf8');
      return { kind: 'applied', previous: JSON.parse(json) as LoggingConfig };
    } catch {
      return { kind: 'unknown' };
    }
  }
  return { kind: 'unknown' };
}

const trimSlashes = (prefix: string | undefined) => (prefix ?? '').replace(/^\/+|\/+$/g, '');

/** Where a configuration sends logs: the identities that tell one owner's configuration from another's. */
function destinations(config: LoggingConfig | undefined): string[] {
  if (!config) return [];
  const out: string[] = [];
  if (config.cloudWatchConfig) out.push(`logs:${config.cloudWatchConfig.logGroupName}|${config.cloudWatchConfig.roleArn}`);
  const large = config.cloudWatchConfig?.largeDataDeliveryS3Config;
  if (large) out.push(`s3:${large.bucketName}/${trimSlashes(large.keyPrefix)}`);
  if (config.s3Config) out.push(`s3:${config.s3Config.bucketName}/${trimSlashes(config.s3Config.keyPrefix)}`);
  return out;
}

/**
 * True when `current` is this resource's configuration: it still delivers to one of our
 * destinations (the log group and role, or the bucket and prefix, are this stack's own), even if
 * someone has toggled a modality since. Anything else belongs to somebody else.
 */
export function isOurs(current: LoggingConfig | undefined, ours: LoggingConfig): boolean {
  const mine = new Set(destinations(ours));
  return destinations(current).some((d) => mine.has(d));
}

/** What a Create does: apply `desired`, and remember what it replaces in the physical id. */
export interface CreatePlan {
  readonly physicalId: string;
  readonly previous?: LoggingConfig;
  /** Why `previous` is what it is, for the log. */
  readonly note: string;
}

export function planCreate(current: LoggingConfig | undefined, desired: LoggingConfig): CreatePlan {
  const found = normalize(current);
  if (found && isOurs(found, desired)) {
    // A repeated Create (same request delivered twice): what is there is our own configuration,
    // and recording it would make Delete "restore" a configuration that points at deleted resources.
    return { physicalId: NO_PREVIOUS_ID, note: 'the current configuration is already this resource\'s own (repeated Create); nothing earlier to restore' };
  }
  return {
    physicalId: encodePhysicalId(found),
    previous: found,
    note: found ? 'recorded the existing configuration, to restore on Delete' : 'no configuration before this resource',
  };
}

/** What a Delete does. */
export type DeletePlan =
  | { readonly action: 'none'; readonly note: string }
  | { readonly action: 'restore'; readonly previous: LoggingConfig; readonly note: string }
  | { readonly action: 'delete'; readonly note: string };

export function planDelete(physicalId: string | undefined, current: LoggingConfig | undefined, ours: LoggingConfig | undefined): DeletePlan {
  const state = decodePhysicalId(physicalId);
  if (state.kind === 'not-applied') return { action: 'none', note: 'the Create failed before changing anything' };
  const found = normalize(current);
  if (!found) return { action: 'none', note: 'no configuration is set (already deleted or restored to nothing)' };
  if (!ours || !isOurs(found, ours)) {
    return { action: 'none', note: 'the current configuration is not this resource\'s (restored already, or taken over by someone else since): left as it is' };
  }
  if (state.kind === 'unknown') {
    return { action: 'delete', note: 'the physical id does not record what was there before; removing this resource\'s own configuration' };
  }
  if (state.previous) return { action: 'restore', previous: state.previous, note: 'restoring the configuration found on Create' };
  return { action: 'delete', note: 'there was no configuration before this resource' };
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

/** Bounds of the retry loop: attempts, and an exponential delay with jitter, capped. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** About a minute at worst: enough for throttling to pass and IAM to propagate, well inside the function timeout. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 15000 };

/**
 * Delay before retry number `retry` (1 = first retry): half the capped exponential step plus a
 * random half, so concurrent callers spread out but every wait still grows.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + (step / 2) * Math.min(Math.max(random, 0), 1));
}

/** The sentence CloudFormation shows for a failure: the service's own error name and message. */
export function failureReason(error: unknown, maxLength = 1000): string {
  const e = (error ?? {}) as ErrorLike;
  const text = e.message ? `${e.name ?? 'Error'}: ${e.message}` : String(error);
  return text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text;
}
