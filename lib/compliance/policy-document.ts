/*
 * Pure helpers over resolved IAM policy JSON (what `Stack.resolve(policyDocument)` returns), shared
 * by the BedrockPlatform rules. Values that are still intrinsic functions stay as objects and are
 * treated as opaque but non-wildcard.
 */

/** One statement of a resolved policy document. */
export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of a resolved policy document, or none when the value is not a document. */
export function statementsOf(document: unknown): PolicyStatementJson[] {
  if (typeof document !== 'object' || document === null) return [];
  const statement = (document as { Statement?: unknown }).Statement;
  if (Array.isArray(statement)) return statement as PolicyStatementJson[];
  return statement ? [statement as PolicyStatementJson] : [];
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** True when a statement's principal is everyone (`"*"` or `{ "AWS": "*" }`). */
export function hasPublicPrincipal(statement: PolicyStatementJson): boolean {
  const p = statement.Principal;
  if (p === '*') return true;
  if (typeof p === 'object' && p !== null) {
    return asList((p as Record<string, unknown>).AWS).includes('*');
  }
  return false;
}

/** The service principals (`"Service"`) a statement names. */
export function servicePrincipalsOf(statement: PolicyStatementJson): unknown[] {
  const p = statement.Principal;
  if (typeof p !== 'object' || p === null) return [];
  return asList((p as Record<string, unknown>).Service);
}

/** Every condition key a statement tests, lower-cased (IAM condition keys are case-insensitive). */
export function conditionKeysOf(statement: PolicyStatementJson): string[] {
  return Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block ?? {}).map((k) => k.toLowerCase()));
}

/** The actions a statement allows or denies, as strings (intrinsics dropped). */
export function actionsOf(statement: PolicyStatementJson): string[] {
  return asList(statement.Action).filter((a): a is string => typeof a === 'string');
}

/** True when `key` is one that limits who may act through a statement to a known account or resource. */
export function isScopingConditionKey(key: string): boolean {
  return (
    ['aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid', 'aws:sourceorgpaths', 'aws:principalaccount', 'aws:principalorgid', 'kms:calleraccount', 'kms:viaservice'].includes(key) ||
    key.startsWith('kms:encryptioncontext:')
  );
}
