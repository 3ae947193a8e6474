import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/*
 * What the connection paths put into one VPC, across the whole app: a second private link, Direct
 * Connect path or support endpoint on the same VPC must reuse what exists or be refused at synth,
 * since AWS refuses the duplicate at deploy (Private DNS: one endpoint per service and VPC; one
 * virtual private gateway per VPC; one route per destination and route table; one gateway endpoint
 * per service and route table).
 */

/** An endpoint of one service in a VPC, and who put it there. */
export interface RegisteredEndpoint {
  /** Construct path of the construct that created it or was given it. */
  readonly owner: string;
  readonly endpoint: ec2.IVpcEndpoint;
  /** True when this library created it; false when a construct was given an existing endpoint. */
  readonly created: boolean;
}

/** What this library placed in one VPC. */
export interface VpcRecord {
  /** Interface endpoints with Private DNS and gateway endpoints, by service short name (`bedrock-runtime`, `s3`). */
  readonly endpoints: Map<string, RegisteredEndpoint>;
  /** The virtual private gateway a Direct Connect path created and attached. */
  vpnGateway?: { readonly owner: string; readonly id: string };
  /** Routes added, `<route table>|<destination>` -> owner path. */
  readonly routes: Map<string, string>;
}

const RECORDS = new WeakMap<IConstruct, Map<string, VpcRecord>>();

/**
 * The record of `vpc` in its app. A VPC with a literal ID (imported) is keyed by account, Region and
 * ID, so two imports of it are one VPC; a VPC of this app by its construct path.
 */
export function vpcRecord(vpc: ec2.IVpc): VpcRecord {
  const root = vpc.node.root;
  let records = RECORDS.get(root);
  if (!records) RECORDS.set(root, (records = new Map()));
  const key = vpcKey(vpc);
  let record = records.get(key);
  if (!record) records.set(key, (record = { endpoints: new Map(), routes: new Map() }));
  return record;
}

function vpcKey(vpc: ec2.IVpc): string {
  const id = vpc.vpcId;
  if (Token.isUnresolved(id)) return `path:${vpc.node.path}`;
  const { account, region } = Stack.of(vpc);
  return `id:${account}/${region}/${id}`;
}

/**
 * Endpoints in the app (any origin) on `vpc` for `service` (short name) that collide with one of
 * ours: gateway endpoints (one per service and route table), or interface endpoints with Private DNS.
 */
export function endpointsInApp(vpc: ec2.IVpc, service: string, gateway: boolean, except: readonly IConstruct[]): ec2.CfnVPCEndpoint[] {
  const excluded = new Set(except.map((e) => (e.node.defaultChild ?? e) as IConstruct));
  return vpc.node.root.node
    .findAll()
    .filter((c): c is ec2.CfnVPCEndpoint => c instanceof ec2.CfnVPCEndpoint && !excluded.has(c))
    .filter((c) => c.vpcId === vpc.vpcId && serviceShortName(c) === service)
    .filter((c) => (gateway ? c.vpcEndpointType === 'Gateway' || c.vpcEndpointType === undefined : c.vpcEndpointType === 'Interface' && c.privateDnsEnabled === true));
}

/** `bedrock-runtime` of `com.amazonaws.us-east-1.bedrock-runtime` (Region a token or not). */
function serviceShortName(cfn: ec2.CfnVPCEndpoint): string | undefined {
  const resolved = Stack.of(cfn).resolve(cfn.serviceName) as unknown;
  let name: string | undefined;
  if (typeof resolved === 'string') name = resolved;
  else if (resolved && typeof resolved === 'object' && 'Fn::Join' in resolved) {
    const [sep, parts] = (resolved as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    name = parts.map((p) => (typeof p === 'string' ? p : 'region')).join(sep);
  }
  return name?.split('.').pop();
}
