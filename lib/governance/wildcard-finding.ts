import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The id under which cdk-nag's AwsSolutions-IAM5 reports a wildcard `resource` of a policy in
 * `scope`'s stack: the resolved value flattened as cdk-nag flattens it (`<LogicalId>` for a Ref,
 * `<LogicalId.Attr>` for a GetAtt), so an acknowledgement names exactly that one resource and
 * follows it when the partition or a logical id renders differently.
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions::AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

function flatten(node: unknown): string {
  if (typeof node === 'string') return node;
  const o = (node ?? {}) as Record<string, unknown>;
  if (o['Fn::Join']) {
    const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
    return items.map(flatten).join(delimiter);
  }
  if (o['Fn::GetAtt']) {
    const [resource, attribute] = o['Fn::GetAtt'] as [string, string];
    return `<${resource}.${attribute}>`;
  }
  if (o.Ref !== undefined) return `<${String(o.Ref)}>`;
  return JSON.stringify(node);
}
