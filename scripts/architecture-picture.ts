/**
 * The README's architecture picture, drawn from the synthesized reference app (nothing drawn by hand):
 * reads the assembly `scripts/synth.ts` wrote to cdk.out (synthesizing it first when it is stale),
 * groups the resources by the platform's parts (the construct path under `<stack>/Platform/`), keeps
 * the meaningful ones (repeated ones aggregated, policies, permissions and subscriptions folded away),
 * draws an edge for every Ref / Fn::GetAtt / Fn::Sub between them, adds the outside actors, and lays
 * it out with Graphviz (WebAssembly, offline) into docs/architecture.svg.
 *
 *   npm run docs:architecture                         writes docs/architecture.svg
 *   tsx scripts/architecture-picture.ts --check       fails when the SVG was drawn from another graph
 *   tsx scripts/architecture-picture.ts --dot         also prints the DOT source
 *
 * Deterministic: the same assembly gives the same DOT source byte for byte (everything iterated in
 * sorted order), and the SVG embeds the SHA-256 of that source, which the check and
 * test/scripts/architecture-picture.test.ts compare.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { assemblyStatus, targetFor, withAssemblyLock } from './synth';

const ROOT = path.resolve(__dirname, '..');
/** The app the picture shows. */
export const ENTRY = 'bin/app.ts';
export const OUT = path.join(ROOT, 'docs', 'architecture.svg');
/** The comment in the SVG that carries the hash of the DOT source it was drawn from. */
const HASH_COMMENT = /<!-- architecture-dot-sha256: ([0-9a-f]{64})/;

// ---------------------------------------------------------------------------------------------
// Input: templates and construct paths

export interface StackInput {
  /** Stack (artifact) name. */
  readonly name: string;
  /** The template JSON. */
  readonly template: any;
  /** Construct path of each resource by logical id, e.g. `BedrockPlatform/Platform/Key/Key/Resource`. */
  readonly paths: Record<string, string>;
}

export interface ArchitectureInput {
  readonly stacks: StackInput[];
  /** The construct id of the BedrockPlatform in each stack. @default 'Platform' */
  readonly platformId?: string;
  /** First line of the picture's caption. */
  readonly title?: string;
}

/** The templates and construct paths of an assembly directory (the metadata's `aws:cdk:logicalId` entries, as test/kit/synth.ts reads them). */
export function readArchitectureInput(dir: string): ArchitectureInput {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string }; metadata?: Record<string, any[]>; additionalMetadataFile?: string }>;
  };
  const stacks: StackInput[] = [];
  for (const name of Object.keys(manifest.artifacts).sort()) {
    const artifact = manifest.artifacts[name];
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const metadata: Record<string, Array<{ type: string; data?: unknown }>> = {
      ...artifact.metadata,
      ...(artifact.additionalMetadataFile ? JSON.parse(fs.readFileSync(path.join(dir, artifact.additionalMetadataFile), 'utf8')) : {}),
    };
    const paths: Record<string, string> = {};
    for (const [constructPath, entries] of Object.entries(metadata)) {
      const id = entries.find((e) => e.type === 'aws:cdk:logicalId')?.data;
      if (typeof id === 'string') paths[id] = constructPath.replace(/^\//, '');
    }
    stacks.push({ name, template: JSON.parse(fs.readFileSync(path.join(dir, artifact.properties.templateFile), 'utf8')), paths });
  }
  return { stacks };
}

// ---------------------------------------------------------------------------------------------
// The graph

export interface ArchNode {
  readonly id: string;
  /** Cluster id; undefined for the outside actors and services. */
  readonly cluster?: string;
  readonly label: string;
  readonly sublabel: string;
  readonly kind: 'resource' | 'aggregate' | 'external';
  /** Logical ids (`<stack>/<logical id>`) of the resources the node stands for. */
  readonly members: string[];
}

export interface ArchCluster {
  readonly id: string;
  readonly label: string;
}

export interface ArchEdge {
  readonly from: string;
  readonly to: string;
  /** Drawn from the border of this cluster: the edge stands for references of several of its nodes. */
  readonly ltail?: string;
  /** Drawn to the border of this cluster: the edge stands for references to several of its nodes. */
  readonly lhead?: string;
  readonly label?: string;
  readonly style: 'ref' | 'key' | 'actor';
}

export interface ArchitectureGraph {
  readonly clusters: ArchCluster[];
  readonly nodes: ArchNode[];
  readonly edges: ArchEdge[];
  readonly caption: string[];
}

/**
 * Frames around several parts: the connection paths, so that the callers, the paths and the endpoints
 * read as one flow. (Frames for every layer made dot's layout taller and tangled.)
 */
const LAYERS: Record<string, string> = {
  network: 'Network (lib/network)',
};

/** The platform's parts, in drawing order, with what the picture calls them, their layer and colour. */
const PARTS: Array<{ id: string; label: string; layer?: string; fill: string }> = [
  { id: 'PrivateLink', label: 'Private path (PrivateLink)', layer: 'network', fill: '#e8f1fb' },
  { id: 'DirectConnect', label: 'Direct Connect path', layer: 'network', fill: '#e8f1fb' },
  { id: 'PublicPath', label: 'Public path', layer: 'network', fill: '#e8f1fb' },
  { id: 'Personas', label: 'Personas (IAM roles)', fill: '#fdecea' },
  { id: 'Enforcement', label: 'Enforcement', fill: '#fdecea' },
  { id: 'Guardrail', label: 'Guardrail', fill: '#fdecea' },
  { id: 'KnowledgeBase', label: 'Knowledge base', fill: '#f3ecfb' },
  { id: 'ModelAccessPreflight', label: 'Model access preflight', fill: '#f3ecfb' },
  { id: 'InvocationLogging', label: 'Model invocation logging', fill: '#fff4e5' },
  { id: 'Audit', label: 'Audit trail and high-risk alerts', fill: '#fff4e5' },
  { id: 'ConfigRules', label: 'AWS Config drift rules', fill: '#fff4e5' },
  { id: 'AccessLogs', label: 'S3 access logs', fill: '#fff4e5' },
  { id: 'Monitoring', label: 'Monitoring', fill: '#eaf7ea' },
  { id: 'HealthEvents', label: 'AWS Health events', fill: '#eaf7ea' },
  { id: 'OnCall', label: 'On-call incidents', fill: '#eaf7ea' },
  { id: 'Budget', label: 'Budget', fill: '#eaf7ea' },
  { id: 'Alerts', label: 'Alert topic', fill: '#eaf7ea' },
  { id: 'Key', label: 'Platform key (KMS)', fill: '#f3ecfb' },
];
const PART_FILL = '#f2f3f3';
/** The persona constructs, drawn as one cluster. */
const PERSONAS = new Set(['Invoker', 'Builder', 'Operator', 'Auditor']);
const PERSONAS_CLUSTER = 'Personas';
const KEY_CLUSTER = 'Key';

/** Resource types that are plumbing of another resource: not drawn, references pass through them. */
const PLUMBING = new Set([
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::Lambda::Permission',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::SNS::Subscription',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::QueuePolicy',
  'AWS::S3::BucketPolicy',
  'AWS::KMS::Alias',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::RouteTable',
  'AWS::EC2::Route',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::VPNGatewayRoutePropagation',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::DirectConnect::DirectConnectGatewayAssociation',
  'AWS::Bedrock::GuardrailVersion',
  'AWS::Logs::ResourcePolicy',
  'AWS::CDK::Metadata',
  'Custom::VpcRestrictDefaultSG',
]);

/** Resources that connect two others: drawn as an edge between them (from the first property's target to the second's). */
const CONNECTORS: Record<string, [string, string]> = {
  'AWS::DirectConnect::DirectConnectGatewayAssociation': ['DirectConnectGatewayId', 'AssociatedGatewayId'],
  'AWS::EC2::VPCGatewayAttachment': ['VpnGatewayId', 'VpcId'],
};

/** Types drawn as one node per part when a part has several: "14 alarms". */
const AGGREGATED: Record<string, [string, string]> = {
  'AWS::CloudWatch::Alarm': ['alarm', 'alarms'],
  'AWS::CloudWatch::Dashboard': ['dashboard', 'dashboards'],
  'AWS::Config::ConfigRule': ['Config rule', 'Config rules'],
  'AWS::Events::Rule': ['EventBridge rule', 'EventBridge rules'],
  'AWS::SQS::Queue': ['dead-letter queue', 'dead-letter queues'],
  'AWS::EC2::Subnet': ['subnet', 'subnets'],
};

/** What the picture calls a resource type. */
const TYPE_NAMES: Record<string, string> = {
  'AWS::KMS::Key': 'KMS key',
  'AWS::S3::Bucket': 'S3 bucket',
  'AWS::EC2::VPC': 'VPC',
  'AWS::EC2::Subnet': 'subnet',
  'AWS::EC2::FlowLog': 'VPC flow log',
  'AWS::EC2::VPNGateway': 'virtual private gateway',
  'AWS::DirectConnect::DirectConnectGateway': 'Direct Connect gateway',
  'AWS::Route53Resolver::ResolverEndpoint': 'Route 53 Resolver endpoint',
  'AWS::Logs::LogGroup': 'CloudWatch log group',
  'AWS::CloudTrail::Trail': 'CloudTrail trail',
  'AWS::SNS::Topic': 'SNS topic',
  'AWS::SQS::Queue': 'SQS queue',
  'AWS::Events::Rule': 'EventBridge rule',
  'AWS::CloudWatch::Alarm': 'CloudWatch alarm',
  'AWS::CloudWatch::Dashboard': 'CloudWatch dashboard',
  'AWS::Config::ConfigRule': 'AWS Config rule',
  'AWS::IAM::Role': 'IAM role',
  'AWS::IAM::ManagedPolicy': 'IAM managed policy',
  'AWS::Bedrock::Guardrail': 'Bedrock guardrail',
  'AWS::Bedrock::KnowledgeBase': 'Bedrock knowledge base',
  'AWS::Bedrock::DataSource': 'Bedrock data source',
  'AWS::Budgets::Budget': 'AWS Budgets budget',
  'AWS::Lambda::Function': 'Lambda function',
  'Custom::BedrockModelInvocationLogging': 'Bedrock account setting (custom resource)',
};

/** Construct ids that say only what the type says: left out of a node's name. */
const GENERIC_IDS = new Set(['Resource', 'Default', 'Bucket', 'Topic', 'Endpoint', 'Function', 'Rule', 'Role', 'Policy', 'LogGroup', 'Key']);

const ACRONYMS: Record<string, string> = { Vpc: 'VPC', Vpn: 'VPN', Kms: 'KMS', Dns: 'DNS', S3: 'S3', Tls: 'TLS', Sns: 'SNS', Sqs: 'SQS', P99: 'p99' };

/** `UndeliveredAlertsAlarm` -> `Undelivered alerts alarm`, `VpnGateway` -> `VPN gateway`. */
export function humanize(id: string): string {
  const words = id
    .replace(/([a-z])([A-Z0-9])/g, '$1 $2')
    .replace(/([0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/\s+/)
    .filter(Boolean);
  return words.map((w, i) => ACRONYMS[w] ?? (i === 0 ? w : w.toLowerCase())).join(' ');
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Logical ids a value references through Ref, Fn::GetAtt and Fn::Sub (pseudo parameters included; the caller filters). */
function referencesIn(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => referencesIn(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.Ref === 'string') out.add(o.Ref);
    const getAtt = o['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') out.add(getAtt[0]);
    else if (typeof getAtt === 'string') out.add(getAtt.split('.')[0]);
    const sub = o['Fn::Sub'];
    const subText = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
    if (subText) for (const m of subText.matchAll(/\$\{([^}!.]+)(\.[^}]*)?\}/g)) out.add(m[1]);
    Object.values(o).forEach((v) => referencesIn(v, out));
  }
  return out;
}

/** The service of a VPC endpoint's ServiceName: `com.amazonaws.us-east-1.bedrock-runtime` -> `bedrock-runtime`. */
function endpointService(serviceName: unknown): string {
  const text =
    typeof serviceName === 'string'
      ? serviceName
      : Array.isArray((serviceName as any)?.['Fn::Join']?.[1])
        ? ((serviceName as any)['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : '')).join((serviceName as any)['Fn::Join'][0])
        : '';
  return text.slice(text.lastIndexOf('.') + 1);
}

const EXTERNAL = {
  applications: 'ext:applications',
  onPremises: 'ext:on-premises',
  bedrock: 'ext:bedrock',
  email: 'ext:email',
};

interface Resource {
  /** `<stack>/<logical id>` */
  readonly key: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: any;
  /** Construct path relative to the stack. */
  readonly path: string;
  /** Platform part; undefined outside the platform. */
  readonly cluster?: string;
}

/** The picture of `input` as a graph: clusters, nodes and edges, in a stable order. */
export function architectureGraph(input: ArchitectureInput): ArchitectureGraph {
  const platformId = input.platformId ?? 'Platform';
  const multiStack = input.stacks.length > 1;
  const resources = new Map<string, Resource>();
  for (const stack of [...input.stacks].sort((a, b) => cmp(a.name, b.name))) {
    for (const logicalId of Object.keys(stack.template.Resources ?? {}).sort()) {
      const r = stack.template.Resources[logicalId];
      const full = stack.paths[logicalId] ?? '';
      const rel = full.startsWith(`${stack.name}/`) ? full.slice(stack.name.length + 1) : full;
      const segments = rel.split('/');
      const part = segments[0] === platformId && segments.length > 2 ? segments[1] : undefined;
      const cluster = part === undefined ? undefined : `${multiStack ? `${stack.name}:` : ''}${PERSONAS.has(part) ? PERSONAS_CLUSTER : part}`;
      const key = `${stack.name}/${logicalId}`;
      resources.set(key, { key, stack: stack.name, logicalId, type: r.Type, properties: r.Properties ?? {}, path: rel, cluster });
    }
  }
  const partOf = (cluster: string) => cluster.slice(cluster.indexOf(':') + 1);
  /** Construct path segments of a resource below its part (a persona keeps its own name: `Invoker/Role/Resource`). */
  const inner = (r: Resource) => {
    const segments = r.path.split('/').slice(2);
    return r.cluster && partOf(r.cluster) === PERSONAS_CLUSTER ? [r.path.split('/')[1], ...segments] : segments;
  };

  // A Lambda function and what it brings (log group, DLQ, role, policy, security group, permissions)
  // is one node: its parent construct's subtree, unless that is the part itself; then the function's
  // own subtree and the log groups and queues it names.
  const lambdaGroup = new Map<string, { id: string; prefix: string; fn: Resource }>();
  const functions = [...resources.values()].filter((r) => r.type === 'AWS::Lambda::Function' && r.cluster);
  const prefixOf = (fn: Resource) => {
    const construct = fn.path.split('/').slice(0, -1);
    return (construct.length > 3 ? construct.slice(0, -1) : construct).join('/');
  };
  for (const fn of functions.sort((a, b) => prefixOf(a).length - prefixOf(b).length || cmp(a.key, b.key))) {
    const prefix = prefixOf(fn);
    const group = { id: `${fn.stack}:${prefix}`, prefix, fn };
    const named = [...referencesIn(fn.properties, new Set())].map((id) => `${fn.stack}/${id}`);
    for (const r of resources.values()) {
      if (lambdaGroup.has(r.key) || r.stack !== fn.stack || r.cluster !== fn.cluster) continue;
      const inSubtree = r.path.startsWith(`${prefix}/`);
      const attached = named.includes(r.key) && (r.type === 'AWS::Logs::LogGroup' || r.type === 'AWS::SQS::Queue');
      if (inSubtree || attached) lambdaGroup.set(r.key, group);
    }
  }

  const nodes = new Map<string, { id: string; cluster?: string; label: string; sublabel: string; kind: ArchNode['kind']; members: string[] }>();
  const nodeOf = new Map<string, string>();
  const plumbing = new Set<string>();
  const join = (r: Resource, id: string, make: () => { label: string; sublabel: string; kind: ArchNode['kind'] }) => {
    const existing = nodes.get(id);
    if (existing) existing.members.push(r.key);
    else nodes.set(id, { id, cluster: r.cluster, ...make(), members: [r.key] });
    nodeOf.set(r.key, id);
  };

  // A part whose every resource is plumbing (the enforcement's policy) is drawn by them after all.
  const shownParts = new Set<string>();
  for (const r of resources.values()) if (r.cluster && (!PLUMBING.has(r.type) || (r.type === 'AWS::IAM::Role' && partOf(r.cluster) === PERSONAS_CLUSTER))) shownParts.add(r.cluster);
  const isPlumbing = (r: Resource) => {
    if (!r.cluster) return true;
    if (CONNECTORS[r.type]) return true;
    if (r.type === 'AWS::IAM::Role' && partOf(r.cluster) === PERSONAS_CLUSTER) return false;
    return PLUMBING.has(r.type) && shownParts.has(r.cluster);
  };
  // An EventBridge rule's dead-letter queue, and the alarm on that queue, are drawn as part of the rule.
  const hostOf = new Map<string, string>();
  const keysIn = (r: Resource, value: unknown) => [...referencesIn(value, new Set())].map((id) => `${r.stack}/${id}`).filter((k) => resources.has(k));
  for (const r of resources.values()) {
    if (r.type !== 'AWS::Events::Rule' || !r.cluster) continue;
    for (const target of r.properties.Targets ?? []) {
      for (const q of keysIn(r, target?.DeadLetterConfig)) if (resources.get(q)!.type === 'AWS::SQS::Queue' && !hostOf.has(q)) hostOf.set(q, r.key);
    }
  }
  for (const r of resources.values()) {
    if (r.type !== 'AWS::CloudWatch::Alarm' || !r.cluster) continue;
    const { AlarmActions: _a, OKActions: _o, InsufficientDataActions: _i, ...watched } = r.properties;
    const queues = keysIn(r, watched);
    if (queues.length && queues.every((q) => hostOf.has(q))) hostOf.set(r.key, hostOf.get(queues.sort()[0])!);
  }
  const counts = new Map<string, number>();
  for (const r of resources.values()) {
    if (r.cluster && AGGREGATED[r.type] && !hostOf.has(r.key) && !lambdaGroup.has(r.key) && !isPlumbing(r)) {
      counts.set(`${r.cluster}|${r.type}`, (counts.get(`${r.cluster}|${r.type}`) ?? 0) + 1);
    }
  }

  /** The last construct id that says more than the type: `Audit/LogFiles/Bucket/Resource` -> `Log files`; else the part's. */
  const nameOf = (segments: string[], part: string) => humanize(segments.filter((s) => !GENERIC_IDS.has(s)).pop() ?? part);

  for (const r of resources.values()) {
    if (!r.cluster) {
      plumbing.add(r.key);
      continue;
    }
    const lambda = lambdaGroup.get(r.key);
    if (lambda) {
      const inVpc = lambda.fn.properties.VpcConfig !== undefined;
      const rule = [...lambdaGroup.entries()].some(([k, g]) => g === lambda && resources.get(k)!.type === 'AWS::Config::ConfigRule');
      const last = lambda.prefix.split('/').pop()!;
      join(r, lambda.id, () => ({
        label: humanize(GENERIC_IDS.has(last) ? partOf(r.cluster!) : last),
        sublabel: rule ? 'custom Config rule (Lambda)' : `Lambda function${inVpc ? ' (in the VPC)' : ''}`,
        kind: 'resource',
      }));
      continue;
    }
    if (isPlumbing(r)) {
      plumbing.add(r.key);
      continue;
    }
    if (hostOf.has(r.key)) continue; // below, with its host
    const aggregated = AGGREGATED[r.type];
    const count = counts.get(`${r.cluster}|${r.type}`) ?? 0;
    if (aggregated && count > 1) {
      join(r, `${r.stack}:${platformId}/${partOf(r.cluster)}/*${aggregated[1]}`, () => ({ label: `${count} ${aggregated[1]}`, sublabel: TYPE_NAMES[r.type] ?? r.type, kind: 'aggregate' }));
      continue;
    }
    const owner = r.path.replace(/(\/(Resource|Default))+$/, '');
    let sublabel = TYPE_NAMES[r.type] ?? (r.type.startsWith('Custom::') ? 'custom resource' : humanize(r.type.split('::').pop()!));
    if (r.type === 'AWS::EC2::VPCEndpoint') sublabel = `${(r.properties.VpcEndpointType ?? 'Gateway').toLowerCase()} endpoint: ${endpointService(r.properties.ServiceName)}`;
    if (r.type === 'AWS::Route53Resolver::ResolverEndpoint' && typeof r.properties.Direction === 'string') sublabel = `${sublabel} (${r.properties.Direction.toLowerCase()})`;
    join(r, `${r.stack}:${owner}`, () => ({ label: nameOf(inner(r), partOf(r.cluster!)), sublabel, kind: 'resource' }));
  }

  const extras = new Map<string, Set<string>>();
  for (const [key, host] of [...hostOf.entries()].sort(([a], [b]) => cmp(a, b))) {
    const node = nodes.get(nodeOf.get(host) ?? '');
    if (!node) continue;
    node.members.push(key);
    nodeOf.set(key, node.id);
    (extras.get(node.id) ?? extras.set(node.id, new Set()).get(node.id)!).add(resources.get(key)!.type === 'AWS::SQS::Queue' ? 'DLQ' : 'alarm');
  }
  for (const [id, what] of extras) {
    const node = nodes.get(id)!;
    node.sublabel = `${node.sublabel} + ${['DLQ', 'alarm'].filter((w) => what.has(w)).join(', ')}`;
  }

  // Edges: every reference of a drawn resource to another, through plumbing (a role's policy's
  // references are the role's).
  const refsOf = (r: Resource, value: unknown = r.properties) =>
    [...referencesIn(value, new Set())]
      .map((id) => `${r.stack}/${id}`)
      .filter((k) => resources.has(k))
      .sort();
  const reach = (key: string, seen: Set<string>): string[] => {
    if (nodeOf.has(key)) return [nodeOf.get(key)!];
    if (!plumbing.has(key) || seen.has(key)) return [];
    seen.add(key);
    return refsOf(resources.get(key)!).flatMap((k) => reach(k, seen));
  };
  const raw = new Set<string>();
  const addRaw = (from: string, to: string) => {
    if (from !== to) raw.add(`${from}\u0000${to}`);
  };
  for (const r of resources.values()) {
    const from = nodeOf.get(r.key);
    if (from) for (const k of refsOf(r)) for (const to of reach(k, new Set([r.key]))) addRaw(from, to);
    const connector = CONNECTORS[r.type];
    if (connector && r.cluster) {
      const ends = connector.map((prop) => refsOf(r, r.properties[prop]).flatMap((k) => reach(k, new Set([r.key]))));
      for (const a of ends[0]) for (const b of ends[1]) addRaw(a, b);
    }
  }
  const pairs = [...raw].map((e) => e.split('\u0000') as [string, string]).sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  const clusterOf = (id: string) => nodes.get(id)?.cluster;

  // Inside a part, A -> C is implied by A -> B -> C (endpoint -> subnets -> VPC): left out.
  const out = new Map<string, Set<string>>();
  for (const [a, b] of pairs) (out.get(a) ?? out.set(a, new Set()).get(a)!).add(b);
  const implied = ([a, c]: [string, string]) =>
    clusterOf(a) === clusterOf(c) && [...(out.get(a) ?? [])].some((b) => b !== c && clusterOf(b) === clusterOf(a) && out.get(b)?.has(c));
  const edges: ArchEdge[] = [];
  const crossing = new Map<string, Array<[string, string]>>();
  for (const pair of pairs) {
    const [a, b] = pair;
    const ca = clusterOf(a)!;
    const cb = clusterOf(b)!;
    if (ca === cb) {
      if (!implied(pair)) edges.push({ from: a, to: b, style: 'ref' });
    } else {
      const k = `${ca}\u0000${cb}`;
      (crossing.get(k) ?? crossing.set(k, []).get(k)!).push(pair);
    }
  }
  // Between two parts, one edge: from (to) the part's border when it stands for several nodes.
  for (const k of [...crossing.keys()].sort()) {
    const group = crossing.get(k)!;
    const [ca, cb] = k.split('\u0000');
    const froms = [...new Set(group.map((p) => p[0]))].sort();
    const tos = [...new Set(group.map((p) => p[1]))].sort();
    edges.push({
      from: froms[0],
      to: tos[0],
      ltail: froms.length > 1 ? ca : undefined,
      lhead: tos.length > 1 ? cb : undefined,
      style: partOf(cb) === KEY_CLUSTER ? 'key' : 'ref',
    });
  }

  // The outside: Bedrock (and any other service) behind the endpoints, the applications in the VPC,
  // on-premises networks over Direct Connect, the people alerts are mailed to.
  const externals = new Map<string, { label: string; sublabel: string }>();
  const bedrockEndpoints: string[] = [];
  const actorEdges: ArchEdge[] = [];
  for (const r of resources.values()) {
    const node = nodeOf.get(r.key);
    if (!node) continue;
    if (r.type === 'AWS::EC2::VPCEndpoint') {
      const service = endpointService(r.properties.ServiceName);
      if (service.startsWith('bedrock')) {
        externals.set(EXTERNAL.bedrock, { label: 'Amazon Bedrock', sublabel: 'AWS service' });
        actorEdges.push({ from: node, to: EXTERNAL.bedrock, style: 'actor' });
        if ((r.properties.VpcEndpointType ?? 'Gateway') === 'Interface') bedrockEndpoints.push(node);
      } else {
        const id = `ext:${service}`;
        externals.set(id, { label: `Amazon ${service.length <= 3 ? service.toUpperCase() : humanize(service)}`, sublabel: 'AWS service' });
        actorEdges.push({ from: node, to: id, style: 'actor' });
      }
    }
    if (r.type === 'AWS::DirectConnect::DirectConnectGateway') {
      externals.set(EXTERNAL.onPremises, { label: 'On-premises networks', sublabel: 'over Direct Connect' });
      actorEdges.push({ from: EXTERNAL.onPremises, to: node, label: 'Direct Connect', style: 'actor' });
    }
    if (r.type === 'AWS::Route53Resolver::ResolverEndpoint' && r.properties.Direction === 'INBOUND') {
      externals.set(EXTERNAL.onPremises, { label: 'On-premises networks', sublabel: 'over Direct Connect' });
      actorEdges.push({ from: EXTERNAL.onPremises, to: node, label: 'DNS', style: 'actor' });
    }
    if (r.type === 'AWS::Budgets::Budget' && JSON.stringify(r.properties.NotificationsWithSubscribers ?? []).includes('"SubscriptionType":"EMAIL"')) {
      externals.set(EXTERNAL.email, { label: 'People on the alert list', sublabel: 'email' });
      actorEdges.push({ from: node, to: EXTERNAL.email, style: 'actor' });
    }
  }
  for (const r of resources.values()) {
    // A subscription is plumbing: its topic mails the people.
    if (r.type !== 'AWS::SNS::Subscription' || r.properties.Protocol !== 'email') continue;
    for (const topic of refsOf(r, r.properties.TopicArn).flatMap((k) => reach(k, new Set()))) {
      externals.set(EXTERNAL.email, { label: 'People on the alert list', sublabel: 'email' });
      actorEdges.push({ from: topic, to: EXTERNAL.email, label: 'email', style: 'actor' });
    }
  }
  if (externals.size || bedrockEndpoints.length) {
    externals.set(EXTERNAL.applications, { label: 'Applications', sublabel: bedrockEndpoints.length ? 'in the VPC' : 'callers of Bedrock' });
    const first = [...bedrockEndpoints].sort((a, b) => Number(b.endsWith('/Runtime/Endpoint')) - Number(a.endsWith('/Runtime/Endpoint')) || cmp(a, b))[0];
    if (first) actorEdges.push({ from: EXTERNAL.applications, to: first, lhead: bedrockEndpoints.length > 1 ? clusterOf(first) : undefined, label: 'HTTPS, private DNS', style: 'actor' });
    else if (externals.has(EXTERNAL.bedrock)) actorEdges.push({ from: EXTERNAL.applications, to: EXTERNAL.bedrock, style: 'actor' });
  }
  const seenActor = new Set<string>();
  for (const e of actorEdges.sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.label ?? '', b.label ?? ''))) {
    const k = `${e.from}\u0000${e.to}`;
    if (seenActor.has(k)) continue;
    seenActor.add(k);
    edges.push(e);
  }

  const allNodes: ArchNode[] = [
    ...[...externals.entries()].sort(([a], [b]) => cmp(a, b)).map(([id, e]) => ({ id, label: e.label, sublabel: e.sublabel, kind: 'external' as const, members: [] })),
    ...[...nodes.values()].sort((a, b) => cmp(a.id, b.id)).map((n) => ({ ...n, members: [...n.members].sort() })),
  ];
  const order = (c: string) => {
    const i = PARTS.findIndex((p) => p.id === partOf(c));
    return i < 0 ? PARTS.length : i;
  };
  const clusterIds = [...new Set(allNodes.flatMap((n) => (n.cluster ? [n.cluster] : [])))].sort((a, b) => order(a) - order(b) || cmp(a, b));
  const clusters = clusterIds.map((id) => {
    const label = PARTS.find((p) => p.id === partOf(id))?.label ?? humanize(partOf(id));
    return { id, label: multiStack ? `${id.slice(0, id.indexOf(':'))}: ${label}` : label };
  });
  const drawn = resources.size - [...resources.values()].filter((r) => !r.cluster).length;
  const caption = [
    input.title ?? `${input.stacks.map((s) => s.name).join(', ')}: the reference app (${ENTRY}) as synthesized`,
    `${drawn} platform resources in ${allNodes.filter((n) => n.kind !== 'external').length} boxes; policies, roles, security groups and routes folded into what they serve.`,
    'An arrow is a reference in the template (Ref / Fn::GetAtt); from or to a frame: several of its boxes; dashed: uses the platform key.',
    'Generated by scripts/architecture-picture.ts (npm run docs:architecture).',
  ];
  return { clusters, nodes: allNodes, edges, caption };
}

// ---------------------------------------------------------------------------------------------
// DOT and SVG

const FONT = 'Helvetica,Arial,sans-serif';
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const clusterName = (id: string) => quote(`cluster_${id}`);

export function toDot(graph: ArchitectureGraph): string {
  const lines = [
    'digraph architecture {',
    `  graph [rankdir=LR, compound=true, newrank=true, nodesep=0.25, ranksep=0.7, fontname=${quote(FONT)}, fontsize=11, labelloc=b, labeljust=l, pad=0.3,`,
    `    label=<${graph.caption.map((l, i) => (i === 0 ? `<b>${escapeHtml(l)}</b>` : escapeHtml(l))).join('<br align="left"/>')}<br align="left"/>>];`,
    `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#8d99a8", fontname=${quote(FONT)}, fontsize=11, margin="0.16,0.05"];`,
    `  edge [color="#545b64", arrowsize=0.7, fontname=${quote(FONT)}, fontsize=9, fontcolor="#545b64"];`,
  ];
  const nodeLine = (n: ArchNode, indent: string) => {
    const label = `<<b>${escapeHtml(n.label)}</b><br/><font point-size="9" color="#545b64">${escapeHtml(n.sublabel)}</font>>`;
    const look = n.kind === 'external' ? ', shape=box, style="filled", fillcolor="#232f3e", fontcolor="#ffffff", color="#232f3e", margin="0.3,0.08"' : n.kind === 'aggregate' ? ', style="rounded,filled", peripheries=2' : '';
    const fixed = n.kind === 'external' ? label.replace('color="#545b64"', 'color="#d5dbdb"') : label;
    return `${indent}${quote(n.id)} [label=${fixed}${look}];`;
  };
  for (const n of graph.nodes.filter((x) => !x.cluster)) lines.push(nodeLine(n, '  '));
  // Each part in its layer's frame (parts of no layer on their own), in the parts' order.
  const partOf = (c: ArchCluster) => PARTS.find((p) => p.id === c.id.slice(c.id.indexOf(':') + 1));
  const frameOf = (c: ArchCluster) => {
    const layer = partOf(c)?.layer;
    return layer ? `${c.id.includes(':') ? c.id.slice(0, c.id.indexOf(':') + 1) : ''}${layer}` : undefined;
  };
  const done = new Set<string>();
  for (const c of graph.clusters) {
    const frame = frameOf(c);
    if (frame !== undefined && done.has(frame)) continue;
    const members = frame === undefined ? [c] : graph.clusters.filter((x) => frameOf(x) === frame);
    const indent = frame === undefined ? '  ' : '    ';
    if (frame !== undefined) {
      done.add(frame);
      lines.push(`  subgraph ${clusterName(`layer_${frame}`)} {`, `    label=<${escapeHtml(LAYERS[partOf(c)!.layer!])}>; labeljust=l; style="rounded,dashed"; color="#879596"; fontsize=10; fontcolor="#545b64";`);
    }
    for (const m of members) {
      lines.push(`${indent}subgraph ${clusterName(m.id)} {`, `${indent}  label=<<b>${escapeHtml(m.label)}</b>>; labeljust=l; style="rounded,filled"; fillcolor=${quote(partOf(m)?.fill ?? PART_FILL)}; color="#aab7b8"; fontsize=12; fontcolor="#16191f";`);
      for (const n of graph.nodes.filter((x) => x.cluster === m.id)) lines.push(nodeLine(n, `${indent}  `));
      lines.push(`${indent}}`);
    }
    if (frame !== undefined) lines.push('  }');
  }
  // Outside actors on the sides: the callers left, the services right.
  const sources = graph.nodes.filter((n) => n.kind === 'external' && graph.edges.some((e) => e.from === n.id) && !graph.edges.some((e) => e.to === n.id));
  if (sources.length) lines.push(`  { rank=min; ${sources.map((n) => quote(n.id)).join('; ')}; }`);
  // The services and the key everything uses on the right.
  const sinks = graph.nodes.filter((n) => graph.edges.some((e) => e.to === n.id && (e.style === 'key' || n.kind === 'external')) && !graph.edges.some((e) => e.from === n.id));
  if (sinks.length) lines.push(`  { rank=max; ${sinks.map((n) => quote(n.id)).join('; ')}; }`);
  // Edges in the parts' order, the callers' first: dot's initial ordering follows the input, which
  // keeps the network paths next to each other.
  const position = new Map<string, number>(graph.nodes.map((n) => [n.id, n.cluster ? graph.clusters.findIndex((c) => c.id === n.cluster) : sources.includes(n) ? -1 : graph.clusters.length]));
  const edges = graph.edges.map((e, i) => ({ e, i })).sort((a, b) => position.get(a.e.from)! - position.get(b.e.from)! || a.i - b.i);
  for (const { e } of edges) {
    const attrs = [
      e.ltail ? `ltail=${clusterName(e.ltail)}` : '',
      e.lhead ? `lhead=${clusterName(e.lhead)}` : '',
      e.label ? `label=${quote(e.label)}` : '',
      e.style === 'key' ? 'style=dashed, color="#8e44ad", arrowhead=open, constraint=false' : e.style === 'actor' ? 'penwidth=1.6, color="#232f3e"' : '',
    ].filter(Boolean);
    lines.push(`  ${quote(e.from)} -> ${quote(e.to)}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

/** The DOT source of the architecture picture of an assembly's templates and paths. */
export function architectureDot(input: ArchitectureInput): string {
  return toDot(architectureGraph(input));
}

export const dotHash = (dot: string) => crypto.createHash('sha256').update(dot).digest('hex');

/** The hash of the DOT source the committed SVG was drawn from; undefined when it has none. */
export function svgDotHash(svg: string): string | undefined {
  return HASH_COMMENT.exec(svg)?.[1];
}

/** Renders with Graphviz compiled to WebAssembly (no binary, no network) and stamps the DOT hash. */
export async function renderSvg(dot: string): Promise<string> {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const gv = await Graphviz.load();
  const svg = gv.dot(dot);
  const stamp = `<!-- architecture-dot-sha256: ${dotHash(dot)} (scripts/architecture-picture.ts; regenerate with npm run docs:architecture) -->\n`;
  const at = svg.indexOf('<svg');
  return `${svg.slice(0, at)}${stamp}${svg.slice(at)}`;
}

// ---------------------------------------------------------------------------------------------
// The reference app's assembly, fresh

/** The reference app's assembly in cdk.out, synthesized first (scripts/synth.ts --if-stale) when it is stale or missing. */
export function referenceInput(): ArchitectureInput {
  const target = targetFor(ENTRY);
  const status = assemblyStatus(target);
  let synthesized = false;
  if (!status.fresh) {
    console.error(`${target.outdir}: ${status.reason}; synthesizing ${ENTRY}`);
    const child = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/synth.ts', '--app', ENTRY, '--if-stale'], {
      cwd: ROOT,
      stdio: ['ignore', 2, 2],
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    });
    if (child.error) throw child.error;
    synthesized = true;
  }
  return withAssemblyLock(target.outdir, () => {
    const again = assemblyStatus(target);
    if (!again.fresh) {
      // Sources edited while the synthesis ran (a shared working tree): draw what was just synthesized.
      if (!synthesized || !fs.existsSync(path.join(ROOT, target.outdir, 'manifest.json'))) {
        throw new Error(`${ENTRY}: no fresh assembly in ${target.outdir} (${again.reason}); run \`npx tsx scripts/synth.ts\``);
      }
      console.warn(`${ENTRY}: ${again.reason} while it was synthesized; drawing the assembly just synthesized`);
    } else if (again.stamp.exitCode !== 0) console.warn(`${ENTRY}: the last synth exited with ${again.stamp.exitCode} (findings?); drawing its assembly anyway`);
    return readArchitectureInput(path.join(ROOT, target.outdir));
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const check = process.argv.includes('--check');
  const graph = architectureGraph(referenceInput());
  const dot = toDot(graph);
  const committed = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
  const summary = `${graph.nodes.length} nodes (${graph.nodes.filter((n) => n.kind === 'external').length} outside), ${graph.clusters.length} clusters, ${graph.edges.length} edges`;
  if (check) {
    if (svgDotHash(committed) !== dotHash(dot)) {
      console.error(`${path.relative(ROOT, OUT)} is out of date with ${ENTRY}; run \`npm run docs:architecture\` and commit it.`);
      process.exitCode = 1;
    } else console.log(`${path.relative(ROOT, OUT)} matches the assembly (${summary})`);
    return;
  }
  if (process.argv.includes('--dot')) process.stdout.write(dot);
  const svg = await renderSvg(dot);
  if (svg !== committed) fs.writeFileSync(OUT, svg);
  console.log(`${path.relative(ROOT, OUT)} ${svg === committed ? 'already current' : 'written'}: ${summary} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
