import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PlatformValidationError } from './errors';

/*
 * cdk-nag's AwsSolutions-IAM5 reports each wildcard resource of an Allow statement as
 * `AwsSolutions-IAM5[Resource::<flattened ARN>]`, where intrinsics are flattened (`{Ref: X}` -> `<X>`,
 * `{Fn::GetAtt: [X, Y]}` -> `<X.Y>`, `Fn::Join` joined). We flatten the same way so that each
 * wildcard is acknowledged on its own, next to the policy that needs it, with its own reason.
 */

function flatten(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node !== 'object') return String(node);
  const obj = node as Record<string, unknown>;
  if (Array.isArray(obj['Fn::Join'])) {
    const [delimiter, items] = obj['Fn::Join'] as [string, unknown[]];
    return items.map(flatten).join(delimiter);
  }
  if (obj['Fn::Sub'] !== undefined) return flatten(obj['Fn::Sub']);
  if (Array.isArray(obj['Fn::GetAtt'])) {
    const [resource, attribute] = obj['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (obj['Fn::ImportValue'] !== undefined) return flatten(obj['Fn::ImportValue']);
  if (obj.Ref !== undefined) return `<${flatten(obj.Ref)}>`;
  return JSON.stringify(node);
}

/** Wildcards already acknowledged per policy, so a resource used by two statements is acknowledged once. */
const ACKNOWLEDGED = new WeakMap<IConstruct, Set<string>>();

/** The resource as cdk-nag names it in an IAM5 finding. */
export function nagResourceName(scope: IConstruct, resource: string): string {
  return flatten(Stack.of(scope).resolve(resource));
}

/**
 * Acknowledges AwsSolutions-IAM5 for each wildcard among `resources`, one finding at a time, on
 * `policy` (the construct that holds the statement). Resources without a wildcard are skipped.
 */
export function acknowledgeWildcardResources(policy: IConstruct, resources: readonly string[], reason: string): void {
  const seen = ACKNOWLEDGED.get(policy) ?? new Set<string>();
  ACKNOWLEDGED.set(policy, seen);
  for (const resource of resources) {
    const name = nagResourceName(policy, resource);
    if (!name.includes('*') || seen.has(name)) continue;
    const id = acknowledgementId(policy, resource, name);
    seen.add(name);
    Validations.of(policy).acknowledge({ id, reason });
  }
}

/** The acknowledgement id of the AwsSolutions-IAM5 finding for wildcard `resource` of a policy in `scope`'s stack. */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return acknowledgementId(scope, resource, nagResourceName(scope, resource));
}

/**
 * The id of the IAM5 finding of `resource`, or a library error naming it. aws-cdk-lib parses an
 * acknowledgement id and has no escape: brackets, parentheses and braces must pair up, so a value
 * such as `trail/{x}` cannot be acknowledged at all. No ARN of a real resource has an unpaired one
 * (policy variables `${aws:username}` flatten to `<aws:username>`): it is a typo, refused here
 * with the value, not deep inside aws-cdk-lib.
 */
function acknowledgementId(scope: IConstruct, resource: string, name: string): string {
  const unpaired = unpairedBracket(name);
  if (unpaired !== undefined) {
    throw new PlatformValidationError(
      scope,
      'resources',
      resource,
      `The resource has an unpaired '${unpaired}', which no ARN has and which cannot be named in a cdk-nag acknowledgement: check the ARN (a policy variable is written \${aws:username}).`,
    );
  }
  return `AwsSolutions::AwsSolutions-IAM5[Resource::${name}]`;
}

/** The first bracket of `text` that does not pair up, the way aws-cdk-lib parses validation ids; undefined when all do. */
export function unpairedBracket(text: string): string | undefined {
  const open: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const c of text) {
    if (c === '(' || c === '[' || c === '{') open.push(c);
    else if (pairs[c] !== undefined && open.pop() !== pairs[c]) return c;
  }
  return open[0];
}
