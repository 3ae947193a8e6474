/*
 * Pure decisions of the invocation-logging drift rule (an AWS Config custom Lambda rule): no AWS
 * calls, no clock, no I/O. index.ts reads the account's model invocation logging configuration,
 * asks these functions for a verdict, and reports it to Config.
 *
 * Model invocation logging is one setting per account and Region, and anyone with
 * bedrock:PutModelInvocationLoggingConfiguration or bedrock:DeleteModelInvocationLoggingConfiguration
 * can change it outside CloudFormation. The rule compares the setting with what the platform put
 * (passed as the rule's input parameters) and reports the account NON_COMPLIANT, saying what is off
 * or differs, when they are not the same.
 */
import type { LoggingConfig } from '@aws-sdk/client-bedrock';

export type { LoggingConfig };

/** Config's limit on an evaluation's annotation (API_Evaluation: Annotation, 1 to 256 characters). */
export const MAX_ANNOTATION_LENGTH = 256;

/** The resource a drift rule evaluates: the account, since the setting is the account's (per Region). */
export const ACCOUNT_RESOURCE_TYPE = 'AWS::::Account';

/**
 * What Config accepts in PutEvaluations: COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE; never
 * INSUFFICIENT_DATA (API_Evaluation, ComplianceType: "an AWS Lambda function for a custom AWS
 * Config rule cannot pass an INSUFFICIENT_DATA value").
 * https://docs.aws.amazon.com/config/latest/APIReference/API_Evaluation.html
 */
export type ComplianceVerdict = 'COMPLIANT' | 'NON_COMPLIANT';

/** The flags of what the logs include, in the order they are reported. */
export const MODALITY_FLAGS = ['textDataDeliveryEnabled', 'imageDataDeliveryEnabled', 'embeddingDataDeliveryEnabled', 'videoDataDeliveryEnabled', 'audioDataDeliveryEnabled'] as const;
export type ModalityFlag = (typeof MODALITY_FLAGS)[number];

/**
 * The rule's input parameters, one flat string each (Config hands them to the function as one
 * JSON string, `ruleParameters`). A destination the platform did not set has no parameters.
 */
export const PARAMETER_KEYS = {
  logGroupName: 'logGroupName',
  roleArn: 'roleArn',
  largeDataBucketName: 'largeDataBucketName',
  largeDataKeyPrefix: 'largeDataKeyPrefix',
  s3BucketName: 's3BucketName',
  s3KeyPrefix: 's3KeyPrefix',
} as const;

/** An S3 destination as the platform set it. */
export interface ExpectedS3 {
  readonly bucketName: string;
  readonly keyPrefix: string;
}

/** The configuration the platform set: what the account's setting must equal. */
export interface ExpectedConfiguration {
  readonly cloudWatch?: { readonly logGroupName: string; readonly roleArn: string; readonly largeData?: ExpectedS3 };
  readonly s3?: ExpectedS3;
  readonly modalities: Readonly<Record<ModalityFlag, boolean>>;
}

/** The rule's parameters do not describe a configuration: a fault of the deployment, not of the account. */
export class InvalidParametersError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidParametersError';
  }
}

/** The event is not one Config sends to a custom rule: nothing can be reported. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

const shortJson = (value: unknown) => {
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** The expected configuration, from the `ruleParameters` JSON string of the event. */
export function parseRuleParameters(raw: unknown): ExpectedConfiguration {
  if (typeof raw !== 'string') throw new InvalidParametersError(`ruleParameters must be a JSON string, got ${shortJson(raw)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidParametersError('ruleParameters is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidParametersError('ruleParameters must be a JSON object');
  const p = parsed as Record<string, unknown>;
  const text = (key: string, required: boolean): string | undefined => {
    const value = p[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.length === 0) throw new InvalidParametersError(`parameter ${key} must be a non-empty string, got ${shortJson(value)}`);
    return value;
  };
  const prefix = (key: string) => (p[key] === undefined || p[key] === '' ? '' : (text(key, true) as string));
  const flag = (key: ModalityFlag): boolean => {
    const value = p[key];
    if (value === 'true' || value === true) return true;
    if (value === 'false' || value === false) return false;
    throw new InvalidParametersError(`parameter ${key} must be "true" or "false", got ${shortJson(value)}`);
  };
  const k = PARAMETER_KEYS;
  const logGroupName = text(k.logGroupName, false);
  const roleArn = text(k.roleArn, logGroupName !== undefined);
  if (roleArn !== undefined && logGroupName === undefined) throw new InvalidParametersError(`parameter ${k.roleArn} needs ${k.logGroupName}`);
  const largeDataBucket = text(k.largeDataBucketName, false);
  if (largeDataBucket !== undefined && logGroupName === undefined) throw new InvalidParametersError(`parameter ${k.largeDataBucketName} needs ${k.logGroupName}`);
  const s3Bucket = text(k.s3BucketName, false);
  if (logGroupName === undefined && s3Bucket === undefined) throw new InvalidParametersError(`the parameters name no destination: set ${k.logGroupName} and ${k.roleArn}, ${k.s3BucketName}, or both`);
  const modalities = Object.fromEntries(MODALITY_FLAGS.map((f) => [f, flag(f)])) as Record<ModalityFlag, boolean>;
  return {
    ...(logGroupName !== undefined
      ? {
          cloudWatch: {
            logGroupName,
            roleArn: roleArn as string,
            ...(largeDataBucket !== undefined ? { largeData: { bucketName: largeDataBucket, keyPrefix: prefix(k.largeDataKeyPrefix) } } : {}),
          },
        }
      : {}),
    ...(s3Bucket !== undefined ? { s3: { bucketName: s3Bucket, keyPrefix: prefix(k.s3KeyPrefix) } } : {}),
    modalities,
  };
}

/** What a valid invocation carries: where to report, for which account, as of when. */
export interface RuleInvocation {
  readonly resultToken: string;
  readonly accountId: string;
  /** The time Config triggered the evaluation (`notificationCreationTime`): the evaluation's OrderingTimestamp. */
  readonly orderingTimestamp: Date;
  /** The raw `ruleParameters`, parsed separately: bad parameters are still reported to Config. */
  readonly ruleParameters: unknown;
  readonly configRuleName?: string;
}

/**
 * Checks the event Config sends to a custom rule's function: a `resultToken`, an `invokingEvent`
 * JSON string with the trigger time (`notificationCreationTime` for a periodic rule), the account.
 * https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html
 */
export function inspectEvent(raw: unknown): RuleInvocation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidEventError('the event is not an object');
  const e = raw as Record<string, unknown>;
  if (typeof e.resultToken !== 'string' || e.resultToken.length === 0) throw new InvalidEventError('the event has no resultToken, so there is nowhere to report the evaluation');
  if (typeof e.invokingEvent !== 'string') throw new InvalidEventError(`invokingEvent must be a JSON string, got ${shortJson(e.invokingEvent)}`);
  let invoking: Record<string, unknown>;
  try {
    const parsed = JSON.parse(e.invokingEvent) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    invoking = parsed as Record<string, unknown>;
  } catch {
    throw new InvalidEventError('invokingEvent is not a JSON object');
  }
  const time = typeof invoking.notificationCreationTime === 'string' ? new Date(invoking.notificationCreationTime) : undefined;
  if (!time || Number.isNaN(time.getTime())) throw new InvalidEventError(`invokingEvent has no valid notificationCreationTime, got ${shortJson(invoking.notificationCreationTime)}`);
  const accountId = [e.accountId, invoking.awsAccountId].find((a): a is string => typeof a === 'string' && /^\d{12}$/.test(a));
  if (!accountId) throw new InvalidEventError(`the event names no 12-digit account (accountId ${shortJson(e.accountId)})`);
  return {
    resultToken: e.resultToken,
    accountId,
    orderingTimestamp: time,
    ruleParameters: e.ruleParameters,
    configRuleName: typeof e.configRuleName === 'string' ? e.configRuleName : undefined,
  };
}

/** A verdict on the account, with the annotation Config shows next to it. */
export interface Verdict {
  readonly complianceType: ComplianceVerdict;
  readonly annotation: string;
}

const trimSlashes = (prefix: string | undefined) => (prefix ?? '').replace(/^\/+|\/+$/g, '');
const s3Url = (bucket: string | undefined, prefix: string | undefined) => `s3://${bucket ?? '?'}/${trimSlashes(prefix)}`;
const quote = (value: string | undefined) => (value === undefined ? 'nothing' : `'${value}'`);

/** The differences between one S3 destination found and the one expected, each a short phrase. */
function s3Differences(what: string, found: { bucketName?: string; keyPrefix?: string } | undefined, expected: ExpectedS3 | undefined): string[] {
  if (!found && !expected) return [];
  if (!found && expected) return [`${what} is off (expected ${s3Url(expected.bucketName, expected.keyPrefix)})`];
  if (found && !expected) return [`${what} to ${s3Url(found.bucketName, found.keyPrefix)} was not set by the platform`];
  const out: string[] = [];
  if (found!.bucketName !== expected!.bucketName) out.push(`${what} bucket is ${quote(found!.bucketName)} (expected ${quote(expected!.bucketName)})`);
  if (trimSlashes(found!.keyPrefix) !== trimSlashes(expected!.keyPrefix)) out.push(`${what} prefix is '${trimSlashes(found!.keyPrefix)}' (expected '${trimSlashes(expected!.keyPrefix)}')`);
  return out;
}

const MODALITY_NAMES: Record<ModalityFlag, string> = {
  textDataDeliveryEnabled: 'text',
  imageDataDeliveryEnabled: 'image',
  embeddingDataDeliveryEnabled: 'embedding',
  videoDataDeliveryEnabled: 'video',
  audioDataDeliveryEnabled: 'audio',
};

/**
 * Every way `current` (GetModelInvocationLoggingConfiguration's `loggingConfig`) differs from what
 * the platform set, most serious first; empty when they match. Fields the API may add later are
 * ignored; a destination the platform did not set counts as a difference (logs going somewhere the
 * platform does not control), and so does a modality delivered that the platform turned off.
 */
export function differences(current: LoggingConfig | undefined, expected: ExpectedConfiguration): string[] {
  const cw = current?.cloudWatchConfig;
  const hasCloudWatch = !!cw && (cw.logGroupName !== undefined || cw.roleArn !== undefined);
  const hasS3 = !!current?.s3Config && current.s3Config.bucketName !== undefined;
  if (!hasCloudWatch && !hasS3) return ['model invocation logging is off'];
  const out: string[] = [];
  const want = expected.cloudWatch;
  if (!hasCloudWatch && want) {
    out.push(`CloudWatch Logs delivery is off (expected log group '${want.logGroupName}')`);
  } else if (hasCloudWatch && !want) {
    out.push(`CloudWatch Logs delivery to log group ${quote(cw!.logGroupName)} was not set by the platform`);
  } else if (hasCloudWatch && want) {
    if (cw!.logGroupName !== want.logGroupName) out.push(`log group is ${quote(cw!.logGroupName)} (expected '${want.logGroupName}')`);
    if (cw!.roleArn !== want.roleArn) out.push(`delivery role is ${quote(cw!.roleArn)} (expected '${want.roleArn}')`);
    const largeData = cw!.largeDataDeliveryS3Config?.bucketName !== undefined ? cw!.largeDataDeliveryS3Config : undefined;
    out.push(...s3Differences('large-data delivery', largeData, want.largeData));
  }
  out.push(...s3Differences('S3 delivery', hasS3 ? current!.s3Config : undefined, expected.s3));
  for (const flag of MODALITY_FLAGS) {
    const found = current?.[flag] === true;
    if (found !== expected.modalities[flag]) out.push(`${MODALITY_NAMES[flag]} delivery is ${found ? 'on' : 'off'} (expected ${expected.modalities[flag] ? 'on' : 'off'})`);
  }
  return out;
}

/**
 * Joins `parts` into an annotation of at most {@link MAX_ANNOTATION_LENGTH} characters: as many
 * whole parts as fit, then how many were left out; a first part too long on its own is cut.
 */
export function annotation(lead: string, parts: readonly string[], max = MAX_ANNOTATION_LENGTH): string {
  if (parts.length === 0) return lead.length <= max ? lead : `${lead.slice(0, max - 3)}...`;
  const tailFor = (left: number) => (left > 0 ? `; +${left} more` : '');
  let text = lead;
  let used = 0;
  for (; used < parts.length; used++) {
    const next = `${text}${used > 0 ? '; ' : ''}${parts[used]}`;
    // Keep room for the count of what does not fit.
    if (`${next}${tailFor(parts.length - used - 1)}`.length > max) break;
    text = next;
  }
  if (used === 0) {
    const tail = tailFor(parts.length - 1);
    return `${`${lead}${parts[0]}`.slice(0, max - tail.length - 3)}...${tail}`;
  }
  return `${text}${tailFor(parts.length - used)}`;
}

/** The verdict on `current` against what the platform set. */
export function evaluate(current: LoggingConfig | undefined, expected: ExpectedConfiguration): Verdict {
  const found = differences(current, expected);
  if (found.length === 0) return { complianceType: 'COMPLIANT', annotation: 'Model invocation logging matches the configuration the platform set.' };
  return { complianceType: 'NON_COMPLIANT', annotation: annotation('Invocation logging drifted: ', found) };
}

/**
 * The verdict when the setting could not be read (or the rule's parameters are broken). Config
 * accepts no INSUFFICIENT_DATA from a function, and NOT_APPLICABLE would clear an earlier
 * NON_COMPLIANT: someone who switched logging off and then took the rule's permission away would
 * see the rule fall silent. What cannot be verified is reported NON_COMPLIANT, saying why.
 */
export function unverifiable(reason: string): Verdict {
  return { complianceType: 'NON_COMPLIANT', annotation: annotation('Could not verify invocation logging: ', [reason]) };
}
