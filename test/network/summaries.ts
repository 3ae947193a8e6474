import { resolveIntrinsics } from '../kit/intrinsics';

/*
 * Normalized views of the network parts of a template, for snapshots that change only when what
 * matters changes: endpoints (service, policy, subnets, groups), security-group rules, routes and
 * NAT, flow logs. Intrinsics are resolved against a fixed environment; references keep their
 * logical ids (construct paths), which are themselves part of the contract (a new id replaces the
 * resource).
 */

type Resources = Record<string, { Type: string; Properties?: any; DependsOn?: unknown }>;

export interface SummaryEnv {
  readonly account: string;
  readonly region: string;
}

const of = (json: any, type: string): Array<[string, any]> => Object.entries((json.Resources ?? {}) as Resources).filter(([, r]) => r.Type === type);
const resolved = (value: unknown, env: SummaryEnv) => resolveIntrinsics(value, { ...env, ...referencesOf(value) });
/** References to resources stay readable: `<LogicalId>` for a Ref, `<LogicalId.Attribute>` for a GetAtt. */
function referencesOf(value: unknown): { refs: Record<string, string>; attributes: Record<string, string> } {
  const refs: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string' && !o.Ref.startsWith('AWS::')) refs[o.Ref] = `<${o.Ref}>`;
    if (Array.isArray(o['Fn::GetAtt'])) attributes[(o['Fn::GetAtt'] as string[]).join('.')] = `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
    Object.values(o).forEach(walk);
  };
  walk(value);
  return { refs, attributes };
}

/** A long catalog action list (asserted action by action elsewhere) becomes its size. */
function withActionCounts(policy: any): any {
  if (!policy?.Statement) return policy;
  const count = (a: unknown) => (Array.isArray(a) && a.length > 6 ? `${a.length} catalog actions` : a);
  return { ...policy, Statement: (policy.Statement as any[]).map((s) => ({ ...s, Action: count(s.Action) })) };
}

/** Each VPC endpoint: service, type, Private DNS, subnets or route tables, groups and policy. */
export function endpointSummaries(json: any, env: SummaryEnv): Record<string, unknown> {
  return Object.fromEntries(
    of(json, 'AWS::EC2::VPCEndpoint').map(([id, r]) => {
      const p = resolved(r.Properties, env);
      return [id, { service: p.ServiceName, type: p.VpcEndpointType, privateDns: p.PrivateDnsEnabled, subnets: p.SubnetIds, routeTables: p.RouteTableIds, securityGroups: p.SecurityGroupIds, policy: withActionCounts(p.PolicyDocument) }];
    }),
  );
}

/** Ingress and egress of every security group, inline rules and separate rule resources together. */
export function securityGroupRules(json: any, env: SummaryEnv): Record<string, { ingress: unknown[]; egress: unknown[] }> {
  const groups: Record<string, { ingress: unknown[]; egress: unknown[] }> = {};
  for (const [id, r] of of(json, 'AWS::EC2::SecurityGroup')) {
    const p = resolved(r.Properties, env);
    groups[id] = { ingress: p.SecurityGroupIngress ?? [], egress: p.SecurityGroupEgress ?? [] };
  }
  for (const [type, key] of [['AWS::EC2::SecurityGroupIngress', 'ingress'], ['AWS::EC2::SecurityGroupEgress', 'egress']] as const) {
    for (const [, r] of of(json, type)) {
      const { GroupId, ...rule } = resolved(r.Properties, env);
      const group = String(GroupId).replace(/^<(.+)\.GroupId>$/, '$1');
      (groups[group] ??= { ingress: [], egress: [] })[key].push(rule);
    }
  }
  return groups;
}

/** Routes (destination and target), NAT gateways and internet gateways. */
export function routing(json: any, env: SummaryEnv): Record<string, unknown> {
  const routes = of(json, 'AWS::EC2::Route').map(([id, r]) => {
    const p = resolved(r.Properties, env);
    const target = p.NatGatewayId ?? p.GatewayId ?? p.TransitGatewayId ?? p.VpcEndpointId ?? '(other)';
    return `${id}: ${p.DestinationCidrBlock} -> ${target}`;
  });
  return {
    routes: routes.sort(),
    natGateways: of(json, 'AWS::EC2::NatGateway').map(([id, r]) => `${id} in ${resolved(r.Properties.SubnetId, env)}`).sort(),
    internetGateways: of(json, 'AWS::EC2::InternetGateway').map(([id]) => id),
    subnets: of(json, 'AWS::EC2::Subnet').map(([id, r]) => `${id}: ${r.Properties.CidrBlock} ${r.Properties.AvailabilityZone} public-ip=${r.Properties.MapPublicIpOnLaunch}`).sort(),
  };
}

/** Each flow log: what it records, where, and the log group's retention, key and deletion policy. */
export function flowLogs(json: any, env: SummaryEnv): unknown[] {
  const resources = json.Resources as Resources;
  return of(json, 'AWS::EC2::FlowLog').map(([id, r]) => {
    const p = resolved(r.Properties, env);
    const groupId = r.Properties.LogGroupName?.Ref as string | undefined;
    const group = groupId ? (resources[groupId] as any) : undefined;
    return {
      id,
      resourceType: p.ResourceType,
      trafficType: p.TrafficType,
      destinationType: p.LogDestinationType,
      logGroup: group && { retentionInDays: group.Properties.RetentionInDays, kmsKey: resolved(group.Properties.KmsKeyId, env), deletionPolicy: group.DeletionPolicy },
    };
  });
}
