import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';
import { PlatformValidationError } from './errors';

/*
 * Synth-time checks shared by every construct. One rule for tokens: a value that is still a token
 * (a CfnParameter, an attribute of another resource, a Lazy) is only known at deploy time, so
 * every range and pattern check skips it, and the construct hands it to CloudFormation unchanged.
 * Numbers count: `CfnParameter.valueAsNumber` is a number that encodes a token (about -1.888e+289),
 * recognised by `Token.isUnresolved`, never a value to compare with a range.
 */

/** True when `value` is a concrete value we can check now (not a CDK token). */
export function isResolved(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string' || typeof value === 'number' || Array.isArray(value)) return !Token.isUnresolved(value);
  return true;
}

/** True when `value` is a CDK token (string, number or list): known only at deploy time. */
export function isToken(value: unknown): boolean {
  return (typeof value === 'string' || typeof value === 'number' || Array.isArray(value)) && Token.isUnresolved(value);
}

/** Throws unless `props` is an object or undefined (a JavaScript caller may pass anything); returns it, `{}` for undefined. */
export function requireProps<T extends object>(scope: IConstruct, props: T | undefined): T {
  if (props === undefined) return {} as T;
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    throw new PlatformValidationError(scope, 'props', props, 'Must be an object of properties, e.g. { encryptionKey }.');
  }
  return props;
}

/** Throws unless `value` is a boolean or undefined. */
export function optionalBoolean(scope: IConstruct, prop: string, value: boolean | undefined): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new PlatformValidationError(scope, prop, value, 'Must be true or false.');
  return value;
}

/** Throws unless `value` is a string (or a string token) of at most `maxLength` characters, or undefined. */
export function optionalString(scope: IConstruct, prop: string, value: string | undefined, maxLength: number, description = 'a string'): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new PlatformValidationError(scope, prop, value, `Must be ${description}.`);
  if (!Token.isUnresolved(value) && value.length > maxLength) {
    throw new PlatformValidationError(scope, prop, `${value.slice(0, 40)}... (${value.length} characters)`, `Must be at most ${maxLength} characters.`);
  }
  return value;
}

/** How {@link requireList} treats an entry given twice. */
export type DuplicateEntries = 'dedupe' | 'refuse';

/**
 * Throws unless `value` is a literal list (or undefined) without `null` / `undefined` entries.
 * Entries may be tokens; the list itself may not: the library makes one resource, subscription or
 * statement per entry at synth time, so it must see them (a CommaDelimitedList parameter cannot be
 * iterated; `acceptListToken` for a list rendered whole into one value). An entry given twice counts once (`dedupe`, the default: lists are sets), or is refused
 * (`refuse`, where a repeat is more likely a typo for another value, e.g. a CIDR).
 */
export function requireList<T>(
  scope: IConstruct,
  prop: string,
  value: readonly T[] | undefined,
  options: { duplicates?: DuplicateEntries; what?: string; acceptListToken?: boolean } = {},
): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    const what = options.what ? ` of ${options.what}` : '';
    throw new PlatformValidationError(scope, prop, value, `Must be a list${what}${typeof value === 'string' ? `: write [${JSON.stringify(value)}]` : ' (an array, even for one entry)'}.`);
  }
  if (Token.isUnresolved(value)) {
    // A list rendered whole into one value (a policy condition) may stay a token: nothing iterates it.
    if (options.acceptListToken) return value;
    throw new PlatformValidationError(scope, prop, '(list token)', 'Name the entries in a literal list (an entry may be a token, the list may not): the library makes one resource or statement per entry at synth time.');
  }
  value.forEach((v, i) => {
    if (v === undefined || v === null) throw new PlatformValidationError(scope, `${prop}[${i}]`, v, 'The list has a hole: remove the entry or give it a value.');
  });
  if (options.duplicates === 'refuse') {
    value.forEach((entry, i) => {
      const first = value.indexOf(entry);
      if (first !== i && isResolved(entry)) throw new PlatformValidationError(scope, `${prop}[${i}]`, entry, `It repeats ${prop}[${first}]: name each entry once.`);
    });
    return value;
  }
  return [...new Set(value)];
}

/** The removal policies every stateful resource of the library accepts (not SNAPSHOT). */
const NO_SNAPSHOT: readonly RemovalPolicy[] = [RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, RemovalPolicy.DESTROY];

/**
 * Throws unless `value` is a RemovalPolicy the resource supports. KMS keys, S3 buckets, log groups
 * and SNS topics have no snapshot: CloudFormation rejects `Snapshot` as their DeletionPolicy.
 */
export function requireRemovalPolicy(scope: IConstruct, prop: string, value: RemovalPolicy | undefined, what: string): RemovalPolicy | undefined {
  if (value === undefined) return undefined;
  if (!NO_SNAPSHOT.includes(value)) {
    throw new PlatformValidationError(
      scope,
      prop,
      value,
      `${value === RemovalPolicy.SNAPSHOT ? `${what} cannot be snapshotted (CloudFormation accepts DeletionPolicy Snapshot only for resources with snapshots, such as EBS volumes and RDS databases). ` : ''}Allowed values: RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, RemovalPolicy.DESTROY.`,
    );
  }
  return value;
}

/** The retention periods CloudWatch Logs accepts: the values of `logs.RetentionDays`. */
const RETENTION_DAYS: readonly number[] = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');

/** Throws unless `value` is one of `logs.RetentionDays` (CloudWatch Logs accepts only those periods); tokens are skipped. */
export function requireRetentionDays(scope: IConstruct, prop: string, value: logs.RetentionDays | undefined): logs.RetentionDays | undefined {
  if (value === undefined || isToken(value)) return value;
  if (!RETENTION_DAYS.includes(value as number)) {
    throw new PlatformValidationError(scope, prop, value, `CloudWatch Logs keeps events only for these periods (logs.RetentionDays), in days: ${RETENTION_DAYS.join(', ')}.`);
  }
  return value;
}

/** An object that is a kms.IKey: a JavaScript caller may pass an ARN string, a PlatformKey or anything else. */
function isKey(value: unknown): value is kms.IKey {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.keyArn === 'string' && typeof v.keyId === 'string' && typeof v.grant === 'function';
}

const KEY_ARN_PARTS = /^arn:([a-z-]+):kms:([a-z0-9-]+):\d{12}:(key|alias)\//;

/**
 * A stand-in scope for errors raised before `super()` of a construct that extends an aws-cdk-lib
 * resource (the path it is about to have).
 */
export function pendingScope(scope: IConstruct, id: string): IConstruct {
  const path = scope.node.path ? `${scope.node.path}/${id}` : id;
  return { node: { path } } as IConstruct;
}

/**
 * Throws unless `value` is a `kms.IKey` usable by a resource of `where`'s stack (`scope` names the construct in the error), or undefined (the
 * caller then uses its default key). KMS keys are regional: a key of another Region or partition
 * (by its ARN, or by its stack's environment) cannot encrypt a bucket, log group, topic or queue here.
 */
export function optionalKey(scope: IConstruct, prop: string, value: kms.IKey | undefined, where: IConstruct = scope): kms.IKey | undefined {
  if (value === undefined) return undefined;
  if (!isKey(value)) {
    const isPlatformKey = value !== null && typeof value === 'object' && isKey((value as { key?: unknown }).key);
    const shown = value !== null && typeof value === 'object' ? `(${(value as object).constructor?.name ?? 'object'})` : value;
    throw new PlatformValidationError(
      scope,
      prop,
      shown,
      isPlatformKey
        ? 'Must be a kms.IKey: pass the key of the PlatformKey (platformKey.key).'
        : `Must be a kms.IKey (a PlatformKey's key, a kms.Key, or kms.Key.fromKeyArn(...) for an existing key)${typeof value === 'string' ? ', not an ARN string' : ''}; leave it unset for the stack's default key.`,
    );
  }
  const stack = Stack.of(where);
  if (!isResolved(stack.region)) return value;
  const here = { region: stack.region, partition: RegionInfo.get(stack.region).partition };
  let there: { region: string; partition?: string } | undefined;
  const arn = KEY_ARN_PARTS.exec(isResolved(value.keyArn) ? value.keyArn : '');
  if (arn) there = { partition: arn[1], region: arn[2] };
  else if (isResolved(Stack.of(value).region)) there = { region: Stack.of(value).region, partition: RegionInfo.get(Stack.of(value).region).partition };
  if (there && (there.region !== here.region || (there.partition && here.partition && there.partition !== here.partition))) {
    throw new PlatformValidationError(
      scope,
      prop,
      isResolved(value.keyArn) ? value.keyArn : value.node.path,
      `KMS keys are regional: this key is in ${there.region}${there.partition ? ` (partition ${there.partition})` : ''}, the stack in ${here.region}${here.partition ? ` (partition ${here.partition})` : ''}. Use a key of ${here.region}, e.g. PlatformKey.of(stack).key.`,
    );
  }
  return value;
}

/**
 * Where a stack deploys, for account- and Region-wide uniqueness (KMS aliases, Bedrock's logging
 * setting): `account/Region`, or one shared value for every environment-agnostic stack, which all
 * deploy to the CLI's account and Region.
 */
export function deploymentTarget(scope: IConstruct): string {
  const s = Stack.of(scope);
  return isResolved(s.account) && isResolved(s.region) ? `${s.account}/${s.region}` : 'the environment-agnostic stacks (the CLI\'s account and Region)';
}

/**
 * Marks `scope` as the manager of an account- and Region-wide setting (`mark`: `Symbol.for` a name
 * of the setting, so copies of this library in one app agree), and throws when another construct of
 * the app already manages it in the same account and Region ({@link deploymentTarget}): two would
 * overwrite each other. `conflict` says so, given that construct's path and the target.
 */
export function claimAccountSetting(scope: IConstruct, mark: symbol, conflict: (otherPath: string, target: string) => string): void {
  Object.defineProperty(scope, mark, { value: true });
  const here = deploymentTarget(scope);
  const other = scope.node.root.node.findAll().find((c) => c !== scope && (c as unknown as Record<symbol, boolean>)[mark] === true && deploymentTarget(c) === here);
  if (other) throw new PlatformValidationError(scope, 'scope', scope.node.path, conflict(other.node.path, here));
}

/** Throws unless `value` is one of `allowed`. */
export function requireOneOf<T extends string>(scope: IConstruct, prop: string, value: string, allowed: readonly T[]): T {
  // `undefined` and `null` are checked too: an enum member that does not exist (a typo in JS) arrives as undefined.
  if ((value === undefined || value === null || isResolved(value)) && !(allowed as readonly string[]).includes(value)) {
    throw new PlatformValidationError(scope, prop, value, `Allowed values: ${allowed.join(', ')}.`);
  }
  return value as T;
}

/** Throws unless `value` is an integer in [min, max]. */
export function requireIntegerInRange(scope: IConstruct, prop: string, value: number, min: number, max: number): number {
  // A token (CfnParameter.valueAsNumber) is skipped; a string, an object or NaN is not a number.
  if (value === null || (!isToken(value) && (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max))) {
    throw new PlatformValidationError(scope, prop, value, `Must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

/** Throws unless `value` matches `pattern`; `description` says what a valid value looks like. */
export function requirePattern(scope: IConstruct, prop: string, value: string, pattern: RegExp, description: string): string {
  // Non-strings fail too: RegExp.test would read 123 as "123" and an object as "[object Object]".
  // A number token (CfnParameter.valueAsNumber) is still a number where a string belongs.
  if (value !== undefined && value !== null && (typeof value !== 'string' || (!isToken(value) && !pattern.test(value)))) {
    throw new PlatformValidationError(scope, prop, value, `Must be ${description}.`);
  }
  return value;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses an IPv4 CIDR into its network address (as an unsigned 32-bit number) and prefix length. */
export function parseIpv4Cidr(cidr: string): { network: number; prefix: number } | undefined {
  const m = IPV4_CIDR.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined; // host bits set: `10.0.0.1/16` is a typo, not a network
  return { network: address, prefix };
}

/** Throws unless `value` is an IPv4 CIDR block in canonical form with a prefix in [minPrefix, maxPrefix]. */
export function requireIpv4Cidr(scope: IConstruct, prop: string, value: string, minPrefix = 0, maxPrefix = 32): string {
  if (!isResolved(value)) return value;
  const parsed = parseIpv4Cidr(value);
  if (!parsed || parsed.prefix < minPrefix || parsed.prefix > maxPrefix) {
    throw new PlatformValidationError(
      scope,
      prop,
      value,
      `Must be an IPv4 CIDR block such as 10.0.0.0/16, with no host bits set and a prefix length from /${minPrefix} to /${maxPrefix}.`,
    );
  }
  return value;
}

/** Throws unless `value` is a 12-digit AWS account ID. */
export function requireAccountId(scope: IConstruct, prop: string, value: string): string {
  return requirePattern(scope, prop, value, /^\d{12}$/, 'a 12-digit AWS account ID');
}

/** Throws if a list that must not be empty is empty. */
export function requireNonEmpty<T>(scope: IConstruct, prop: string, value: readonly T[] | undefined, hint: string): readonly T[] {
  if (value !== undefined && !Token.isUnresolved(value) && value.length === 0) {
    throw new PlatformValidationError(scope, prop, value, hint);
  }
  return value ?? [];
}

/** Pragmatic e-mail check: one `@`, a dotted domain, no spaces, within the 254 characters SMTP allows. */
const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Throws unless every entry of `value` looks like an e-mail address (`prop[i]` names the culprit; tokens are skipped). */
export function requireEmailAddresses(scope: IConstruct, prop: string, value: readonly string[] | undefined): readonly string[] {
  const list = requireList(scope, prop, value);
  if (value === undefined) return list;
  value.forEach((address, i) => {
    if (typeof address !== 'string' || (isResolved(address) && (!EMAIL_ADDRESS.test(address) || address.length > 254))) {
      throw new PlatformValidationError(scope, `${prop}[${i}]`, address, 'Must be an e-mail address such as security-team@example.com.');
    }
  });
  // One subscription per address: SNS treats an address subscribed twice as one subscription.
  return list;
}

/**
 * Throws unless `value` is undefined or an object with the string attribute `attribute` (the
 * construct a prop expects: a JavaScript caller may pass a name, an ARN, or nothing usable).
 */
export function optionalConstruct<T>(scope: IConstruct, prop: string, value: T | undefined, attribute: string, what: string, hint = ''): T | undefined {
  if (value === undefined) return undefined;
  const attr = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[attribute] : undefined;
  if (typeof attr !== 'string') {
    const shown = value !== null && typeof value === 'object' ? `(${(value as object).constructor?.name ?? 'object'})` : value;
    throw new PlatformValidationError(scope, prop, shown, `Must be ${what}${typeof value === 'string' && hint ? `: ${hint}` : ''}.`);
  }
  return value;
}

/** Throws unless `value` is undefined or an S3 bucket construct (a JavaScript caller may pass a name or an ARN). */
export function optionalBucket(scope: IConstruct, prop: string, value: s3.IBucket | undefined): s3.IBucket | undefined {
  return optionalConstruct(scope, prop, value, 'bucketArn', 'an s3.IBucket', 'import the bucket first, e.g. s3.Bucket.fromBucketName(this, id, name)');
}
