import { PolicyJson } from '../kit/iam';
import { IntrinsicEnv, resolveIntrinsics } from '../kit/intrinsics';

/** True when a CloudFormation list of role/user/group references names `logicalId`. */
const names = (list: unknown, logicalId: string) => Array.isArray(list) && list.some((r: any) => r?.Ref === logicalId);

/**
 * Every identity policy in force for the role `roleLogicalId` of a synthesized template: managed
 * policies attached to it, inline policies on it and AWS::IAM::Policy resources naming it, with
 * intrinsics resolved so that a real policy evaluator can read them.
 */
export function identityPoliciesOf(template: any, roleLogicalId: string, env: IntrinsicEnv): PolicyJson[] {
  const resources = Object.values(template.Resources as Record<string, any>);
  const role = template.Resources[roleLogicalId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not a role of this template`);
  const onRole = new Set((role.Properties.ManagedPolicyArns ?? []).map((a: any) => a?.Ref).filter(Boolean));
  const docs = [
    ...Object.entries(template.Resources as Record<string, any>)
      .filter(([id, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && (names(r.Properties.Roles, roleLogicalId) || onRole.has(id)))
      .map(([, r]) => r.Properties.PolicyDocument),
    ...resources.filter((r) => r.Type === 'AWS::IAM::Policy' && names(r.Properties.Roles, roleLogicalId)).map((r) => r.Properties.PolicyDocument),
    ...(role.Properties.Policies ?? []).map((p: any) => p.PolicyDocument),
  ];
  if (docs.length === 0) throw new Error(`no identity policy is attached to ${roleLogicalId}`);
  return docs.map((d) => resolveIntrinsics(d, env));
}

/** The logical ID of the only resource of `type` whose ID starts with `prefix`. */
export function logicalIdOf(template: any, type: string, prefix: string): string {
  const ids = Object.entries(template.Resources as Record<string, any>).filter(([id, r]) => r.Type === type && id.startsWith(prefix)).map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}
