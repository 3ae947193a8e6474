/*
 * Pre-deploy checks: defects that synth, cdk-nag and the CloudFormation schema all accept, but that
 * make a deployment fail, or make a stack impossible to destroy and deploy again. Pure functions
 * over a synthesized template (plain JSON), run on every template the repository synthesizes.
 */
import { EXTERNAL_ENDPOINTS_METADATA, REQUIRED_ENDPOINTS_METADATA } from '../core/endpoint-needs';
import { ASSOCIATED_GATEWAY_ASN_METADATA, AWS_DEFAULT_GATEWAY_ASN } from '../core/gateway-asn';

/** One problem in one template. */
export interface DeployProblem {
  /** Short id of the check, e.g. `duplicate-sid`. */
  readonly check: string;
  /** Logical id of the resource concerned. */
  readonly resource: string;
  /** What CloudFormation or the service will do, and how to fix it. */
  readonly message: string;
}

/** One resource of a CloudFormation template, as the checks read it. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly DeletionPolicy?: string;
  readonly Metadata?: Record<string, unknown>;
}

/** The part of a CloudFormation template the checks read. */
export interface TemplateJson {
  readonly Resources?: Record<string, TemplateResource>;
}


/**
 * Name property of resource types whose physical name must be unique in the account (and Region):
 * a RETAINed one with a literal name survives `cdk destroy`, and the next deploy fails with
 * "already exists".
 */
const PHYSICAL_NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::CloudTrail::Trail': 'TrailName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3Vectors::VectorBucket': 'VectorBucketName',
  'AWS::Bedrock::KnowledgeBase': 'Name',
  'AWS::Bedrock::Guardrail': 'Name',
};

/** Resource policies of which a target may have only one: a second one silently replaces the first. */
const SINGLE_POLICY_TARGETS: Readonly<Record<string, string>> = {
  'AWS::SNS::TopicPolicy': 'Topics',
  'AWS::SQS::QueuePolicy': 'Queues',
  'AWS::S3::BucketPolicy': 'Bucket',
};


/** Every check, over one template. */
export function deployProblems(template: TemplateJson): DeployProblem[] {
  return [
    ...duplicateStatementIds(template),
    ...retainedLiteralNames(template),
    ...competingResourcePolicies(template),
    ...customResourcesWithoutEndpoints(template),
    ...clashingGatewayAsns(template),
  ];
}

/** Every policy document in `value` (any object with a `Statement` list), with where it was found. */
function policyDocuments(value: unknown, path: string, out: Array<{ path: string; statements: unknown[] }> = []): Array<{ path: string; statements: unknown[] }> {
  if (Array.isArray(value)) {
    value.forEach((v, i) => policyDocuments(v, `${path}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (Array.isArray(record.Statement)) out.push({ path, statements: record.Statement });
    for (const [k, v] of Object.entries(record)) policyDocuments(v, path ? `${path}.${k}` : k, out);
  }
  return out;
}

/** IAM, S3, SNS, SQS and KMS reject a policy document whose statement ids repeat. */
export function duplicateStatementIds(template: TemplateJson): DeployProblem[] {
  const problems: DeployProblem[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    for (const doc of policyDocuments(r.Properties, '')) {
      const seen = new Set<string>();
      for (const s of doc.statements) {
        const sid = (s as { Sid?: unknown }).Sid;
        if (typeof sid !== 'string') continue;
        if (seen.has(sid)) {
          problems.push({ check: 'duplicate-sid', resource: id, message: `${doc.path || 'policy'} repeats Sid "${sid}": the service rejects the policy. Merge the statements or give each a unique Sid.` });
        }
        seen.add(sid);
      }
    }
  }
  return problems;
}

/** A RETAINed resource with a literal name blocks the next deployment after `cdk destroy`. */
export function retainedLiteralNames(template: TemplateJson): DeployProblem[] {
  return Object.entries(template.Resources ?? {}).flatMap(([id, r]) => {
    const prop = PHYSICAL_NAME_PROPERTIES[r.Type];
    const name = prop ? r.Properties?.[prop] : undefined;
    if (r.DeletionPolicy !== 'Retain' || typeof name !== 'string') return [];
    return [
      {
        check: 'retained-literal-name',
        resource: id,
        message: `${r.Type} is RETAINed with the literal ${prop} "${name}": after cdk destroy it stays, and the next deploy fails with "already exists". Let CloudFormation name it, or derive the name from the stack id.`,
      },
    ];
  });
}

/** Two policy resources on one topic, queue or bucket: whichever CloudFormation applies last wins. */
export function competingResourcePolicies(template: TemplateJson): DeployProblem[] {
  const owners = new Map<string, string>();
  const problems: DeployProblem[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const prop = SINGLE_POLICY_TARGETS[r.Type];
    if (!prop) continue;
    const targets = r.Properties?.[prop];
    for (const target of Array.isArray(targets) ? targets : [targets]) {
      const key = `${r.Type}:${JSON.stringify(target)}`;
      const other = owners.get(key);
      if (other) problems.push({ check: 'competing-resource-policy', resource: id, message: `${r.Type} ${id} and ${other} both set the policy of ${JSON.stringify(target)}: one silently replaces the other.` });
      else owners.set(key, id);
    }
  }
  return problems;
}

/** Logical ids a resource refers to: DependsOn, Ref and Fn::GetAtt. */
function directDependencies(r: TemplateResource): string[] {
  const out = new Set<string>(r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn]);
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string') out.add(o.Ref);
    const getAtt = o['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') out.add(getAtt[0]);
    if (typeof getAtt === 'string') out.add(getAtt.split('.')[0]);
    Object.values(o).forEach(walk);
  };
  walk(r.Properties);
  return [...out];
}

function transitiveDependencies(resources: Record<string, TemplateResource>, start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length) {
    const id = queue.pop()!;
    for (const d of directDependencies(resources[id] ?? { Type: '' })) {
      if (!seen.has(d) && resources[d]) {
        seen.add(d);
        queue.push(d);
      }
    }
  }
  return seen;
}

/** The Lambda function a custom resource's ServiceToken points at, when it is in this template. */
function serviceFunction(resources: Record<string, TemplateResource>, r: TemplateResource): string | undefined {
  const token = r.Properties?.ServiceToken as Record<string, unknown> | undefined;
  const getAtt = token?.['Fn::GetAtt'];
  const id = Array.isArray(getAtt) ? getAtt[0] : undefined;
  return typeof id === 'string' && resources[id]?.Type === 'AWS::Lambda::Function' ? id : undefined;
}

/**
 * A custom resource whose function runs in a VPC must be created after, and deleted before, the
 * endpoints it calls; otherwise it can run while they are missing, and CloudFormation waits an hour.
 */
export function customResourcesWithoutEndpoints(template: TemplateJson): DeployProblem[] {
  const resources = template.Resources ?? {};
  const endpointServices = (ids: Set<string>) =>
    [...ids].filter((d) => resources[d].Type === 'AWS::EC2::VPCEndpoint').map((d) => JSON.stringify(resources[d].Properties?.ServiceName ?? ''));
  const problems: DeployProblem[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (!(r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource')) continue;
    const fn = serviceFunction(resources, r);
    if (!fn || resources[fn].Properties?.VpcConfig === undefined) continue;
    const required = r.Metadata?.[REQUIRED_ENDPOINTS_METADATA];
    if (!Array.isArray(required)) {
      problems.push({ check: 'custom-resource-endpoints', resource: id, message: `its function ${fn} runs in a VPC, but the resource does not say which endpoints it calls (metadata ${REQUIRED_ENDPOINTS_METADATA}), so nothing orders it after them.` });
      continue;
    }
    const reachable = endpointServices(transitiveDependencies(resources, id));
    // Service names render as "com.amazonaws.<region>.<service>" (or a Join ending in ".<service>").
    const endsWith = (service: unknown) => new RegExp(`\\.${String(service).replace(/[.-]/g, '\\$&')}"[\\]}]*$`);
    const external = (r.Metadata?.[EXTERNAL_ENDPOINTS_METADATA] as unknown[] | undefined) ?? [];
    const missing = required.filter((service) => !external.includes(service) && !reachable.some((name) => endsWith(service).test(name)));
    if (missing.length) {
      problems.push({
        check: 'custom-resource-endpoints',
        resource: id,
        message: `its function ${fn} runs in a VPC and calls ${missing.join(', ')}, but the resource does not depend on ${missing.length === 1 ? 'that endpoint' : 'those endpoints'}: it can run before they exist, or after they are deleted.`,
      });
    }
  }
  return problems;
}

/** A Direct Connect gateway and the transit or virtual private gateway it is associated with need different ASNs. */
export function clashingGatewayAsns(template: TemplateJson): DeployProblem[] {
  const resources = template.Resources ?? {};
  const asnOf = (r: TemplateResource | undefined) => {
    const v = r?.Properties?.AmazonSideAsn;
    return v === undefined ? AWS_DEFAULT_GATEWAY_ASN : typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)) ? Number(v) : undefined;
  };
  const problems: DeployProblem[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::DirectConnect::DirectConnectGatewayAssociation') continue;
    const dxRef = (r.Properties?.DirectConnectGatewayId as { Ref?: string } | undefined)?.Ref;
    const dxAsn = dxRef ? asnOf(resources[dxRef]) : undefined;
    if (dxAsn === undefined) continue; // an existing gateway: its ASN is not in the template
    const associated = r.Properties?.AssociatedGatewayId;
    const ref = (associated as { Ref?: string } | undefined)?.Ref;
    // A gateway outside the template (a literal tgw-/vgw- id) has the ASN its owner declared, else AWS's default.
    const declared = r.Metadata?.[ASSOCIATED_GATEWAY_ASN_METADATA];
    const external = typeof declared === 'number' ? declared : AWS_DEFAULT_GATEWAY_ASN;
    const otherAsn = ref ? (resources[ref] ? asnOf(resources[ref]) : undefined) : typeof associated === 'string' ? external : undefined;
    if (otherAsn !== undefined && otherAsn === dxAsn) {
      problems.push({
        check: 'gateway-asn-clash',
        resource: id,
        message: `the Direct Connect gateway and ${ref ?? String(associated)} would both use ASN ${dxAsn}: the association fails. Give the Direct Connect gateway another private ASN.`,
      });
    }
  }
  return problems;
}
