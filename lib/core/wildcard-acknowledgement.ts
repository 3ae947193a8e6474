import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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
    seen.add(name);
    Validations.of(policy).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[Resource::${name}]`, reason });
  }
}

/** The acknowledgement id of the AwsSolutions-IAM5 finding for wildcard `resource` of a policy in `scope`'s stack. */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(scope, resource)}]`;
}
