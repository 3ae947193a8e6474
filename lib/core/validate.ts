import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PlatformValidationError } from './errors';

/*
 * Synth-time checks shared by every construct. Each one skips values that are still tokens:
 * a token is only known at deploy time, and guessing would reject valid templates.
 */

/** True when `value` is a concrete value we can check now (not a CDK token). */
export function isResolved(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return !Token.isUnresolved(value);
  if (typeof value === 'number') return !Token.isUnresolved(value);
  if (Array.isArray(value)) return !Token.isUnresolved(value);
  return true;
}

/** Throws unless `value` is one of `allowed`. */
export function requireOneOf<T extends string>(scope: IConstruct, prop: string, value: string, allowed: readonly T[]): T {
  // `undefined` is checked too: an enum member that does not exist (a typo in JS) arrives as undefined.
  if ((value === undefined || isResolved(value)) && !(allowed as readonly string[]).includes(value)) {
    throw new PlatformValidationError(scope, prop, value, `Allowed values: ${allowed.join(', ')}.`);
  }
  return value as T;
}

/** Throws unless `value` is an integer in [min, max]. */
export function requireIntegerInRange(scope: IConstruct, prop: string, value: number, min: number, max: number): number {
  if (isResolved(value) && (!Number.isInteger(value) || value < min || value > max)) {
    throw new PlatformValidationError(scope, prop, value, `Must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

/** Throws unless `value` matches `pattern`; `description` says what a valid value looks like. */
export function requirePattern(scope: IConstruct, prop: string, value: string, pattern: RegExp, description: string): string {
  if (isResolved(value) && !pattern.test(value)) {
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
  if (value === undefined || Token.isUnresolved(value)) return value ?? [];
  value.forEach((address, i) => {
    if (isResolved(address) && (!EMAIL_ADDRESS.test(address) || address.length > 254)) {
      throw new PlatformValidationError(scope, `${prop}[${i}]`, address, 'Must be an e-mail address such as security-team@example.com.');
    }
  });
  return value;
}
