import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { requireList, requirePattern } from '../core/validate';

// One list rule for the whole library (literal list, no holes, a repeat counts once).
export { requireList };

/*
 * Checks of the identity layer for what a JavaScript caller (no compiler) or a careless one can
 * pass: missing props, a string where a list is expected, holes in lists, objects that are not
 * what they claim, Regions that do not exist, names that collide in the app.
 *
 * Lists are sets: an entry given twice counts once (silently), everywhere in the identity layer,
 * as the mutators already skip what is allowed. A list that is a token (e.g. `Lazy.list`) is
 * known later and skipped, like any token.
 */

/** Throws unless `props` is an object: a JavaScript caller may pass nothing. */
export function requireProps<T>(scope: IConstruct, props: T | undefined, hint: string): T {
  if (props === undefined || props === null || typeof props !== 'object') {
    throw new PlatformValidationError(scope, 'props', props, hint);
  }
  return props;
}

/**
 * {@link requireList} for strings: each entry must be a string matching `pattern` (tokens skipped).
 * `acceptListToken` for a list rendered whole into a policy condition (e.g. endpoint IDs added later).
 */
export function requireStrings(scope: IConstruct, prop: string, value: readonly string[] | undefined, pattern: RegExp, description: string, acceptListToken = false): readonly string[] {
  const list = requireList(scope, prop, value, { acceptListToken });
  if (Token.isUnresolved(list)) return list;
  list.forEach((v, i) => {
    if (typeof v !== 'string') throw new PlatformValidationError(scope, `${prop}[${i}]`, v, `Must be ${description}.`);
    requirePattern(scope, `${prop}[${i}]`, v, pattern, description);
  });
  return list;
}

/** Throws unless `value` is a string (possibly a token); for required string attributes. */
export function requireString(scope: IConstruct, prop: string, value: unknown, description: string): string {
  if (typeof value !== 'string') throw new PlatformValidationError(scope, prop, value, `Must be ${description}.`);
  return value;
}

/**
 * Throws unless each entry of `value` is an object carrying the string attribute `attribute`
 * (e.g. `roleArn` of an `iam.IRole`): a JavaScript caller may pass an ARN where the construct is
 * expected. Returns the list without duplicates.
 */
export function requireObjects<T>(scope: IConstruct, prop: string, value: readonly T[] | undefined, attribute: string, what: string): readonly T[] {
  const list = requireList(scope, prop, value);
  list.forEach((v, i) => requireObject(scope, `${prop}[${i}]`, v, attribute, what));
  return list;
}

/** Throws unless `value` is an object carrying the string attribute `attribute`. */
export function requireObject<T>(scope: IConstruct, prop: string, value: T, attribute: string, what: string): T {
  const attr = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[attribute] : undefined;
  if (typeof attr !== 'string') {
    throw new PlatformValidationError(scope, prop, describeObject(value), `Must be ${what} (an object with ${attribute}), not ${value === null ? 'null' : typeof value}${typeof value === 'string' ? `: import it first, e.g. with its from...Arn method` : ''}.`);
  }
  return value;
}

function describeObject(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? `(${value.constructor?.name ?? 'object'})` : value;
}

/** The partition pattern of Region codes (`us-east-1`, `us-gov-west-1`, `us-isob-east-1`, `eusc-de-east-1`). */
export const REGION_CODE_PATTERN = /^[a-z]{2,4}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** Region codes aws-cdk-lib knows (its region facts). */
const KNOWN_REGIONS: ReadonlySet<string> = new Set(RegionInfo.regions.map((r) => r.name));

/**
 * Validates Region codes against aws-cdk-lib's region facts: a code it does not know is refused
 * (a typo such as `xx-fake-9` would otherwise deny Bedrock everywhere), unless it is listed in
 * `additional` (a Region newer than the facts, accepted on the caller's word) and has the shape of
 * a Region code. Tokens are skipped. Returns the list without duplicates.
 */
export function requireRegions(scope: IConstruct, prop: string, value: readonly string[] | undefined, additional: readonly string[], additionalProp: string): readonly string[] {
  const list = requireStrings(scope, prop, value, /^[\s\S]*$/, "a Region code such as 'eu-west-1'");
  if (Token.isUnresolved(list)) return list;
  list.forEach((r, i) => {
    if (Token.isUnresolved(r) || KNOWN_REGIONS.has(r) || additional.includes(r)) return;
    throw new PlatformValidationError(
      scope,
      `${prop}[${i}]`,
      r,
      REGION_CODE_PATTERN.test(r)
        ? `aws-cdk-lib's region facts do not know this Region. If it is a Region newer than your aws-cdk-lib, list it in ${additionalProp} too (or upgrade aws-cdk-lib); otherwise fix the typo: a Region that does not exist denies Bedrock everywhere.`
        : "Must be a Region code such as 'eu-west-1'.",
    );
  });
  return list;
}

/** Validates the escape hatch of {@link requireRegions}: codes of the Region shape. */
export function requireAdditionalRegions(scope: IConstruct, prop: string, value: readonly string[] | undefined): readonly string[] {
  return requireStrings(scope, prop, value, REGION_CODE_PATTERN, "a Region code such as 'eu-west-1' (the shape of the partition's Region codes)");
}

/** Names claimed in the app, per kind and scope of uniqueness (an account, an organization), with the construct that claimed each. */
const CLAIMED = new WeakMap<IConstruct, Map<string, IConstruct>>();

/**
 * Claims `name` (a role name in an account, an SCP name in an organization) for `owner`, and throws
 * naming both construct paths when another construct of the app already claimed it. `key` holds
 * what makes the name unique (kind, account, case-folded name); `describe` says what collides.
 */
export function claimName(owner: IConstruct, prop: string, name: string, key: string, describe: string): void {
  const root = owner.node.root;
  const claimed = CLAIMED.get(root) ?? new Map<string, IConstruct>();
  CLAIMED.set(root, claimed);
  const other = claimed.get(key);
  if (other && other !== owner) {
    throw new PlatformValidationError(owner, prop, name, `${describe} is already used by ${other.node.path}: give one of them another name.`);
  }
  claimed.set(key, owner);
}

/**
 * Role names are unique per account (case-insensitively): a second role of the app with the same
 * name in the same account fails the deployment of whichever stack comes second.
 */
export function claimRoleName(owner: IConstruct, roleName: string): void {
  const account = Stack.of(owner).account;
  if (Token.isUnresolved(roleName) || Token.isUnresolved(account)) return;
  claimName(owner, 'roleName', roleName, `role:${account}:${roleName.toLowerCase()}`, `Role names are unique per account (ignoring case): '${roleName}' in account ${account}`);
}
