import { DATA_PLANE_ACTIONS, INVOKE_ACTIONS } from './bedrock-actions';
import { InferenceGeography } from '../core/inference-geographies';
import { platformServicePolicyArnPattern, platformServiceRoleArnPattern } from './platform-service-role';

/*
 * The enforcement switches as plain policy statements (JSON), shared by the identity policy and the
 * Service Control Policy so that both say exactly the same thing. All are Deny statements: an
 * explicit deny wins over any Allow, in any policy, and is the only effect an SCP needs here.
 */

/** A statement in IAM JSON form. */
export interface StatementJson {
  readonly Sid: string;
  readonly Effect: 'Deny';
  readonly Action: string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

const OUTSIDE_ENDPOINTS_SID = 'DenyBedrockOutsidePrivateEndpoints';
const OTHER_REGIONS_SID = 'DenyOtherRegionsUnlessRoutedFromPrivateEndpoints';
/** Sids of the private-path denies: the only statements platform service roles are exempt from. */
const PRIVATE_PATH_SIDS: readonly string[] = [OUTSIDE_ENDPOINTS_SID, OTHER_REGIONS_SID];

/**
 * Every IAM call that would let someone other than Bedrock use a role on the reserved service-role
 * path, or widen what Bedrock does with it: create one (its trust is the creator's choice); change
 * its trust; add or remove permissions (inline, attached, boundary; a removed Deny or boundary
 * widens too); change its tags (ABAC conditions may key on them); publish or restore a version of a
 * managed policy on the path (that re-permissions every role it is attached to). Plus
 * sts:AssumeRole: the trust of a platform service role already admits Bedrock only; this keeps the
 * roles out of reach of the organization's principals even if one were deployed with a broader
 * trust. Bedrock assuming the role is not affected: SCPs apply only to the IAM users and roles of
 * member accounts, not to service principals
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
 */
const SERVICE_ROLE_PROTECTED_ACTIONS = [
  'iam:CreateRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'sts:AssumeRole',
];

/** Which Bedrock calls must come through the private endpoints. */
export enum PrivatePathScope {
  /** Every Bedrock API call, control plane included (the console then works only through the endpoints). */
  ALL_BEDROCK = 'all',
  /** Only the calls that carry prompt data: invoke, Converse, guardrail, retrieval, agents, flows. */
  RUNTIME = 'runtime',
}

/** Concrete inputs of the statements (already validated). */
export interface EnforcementInputs {
  readonly partition: string;
  readonly guardrail?: { readonly identifier: string; readonly exemptModelIds: readonly string[] };
  readonly privatePath?: { readonly vpcEndpointIds: readonly string[]; readonly regions: readonly string[]; readonly scope: PrivatePathScope };
  readonly residency?: {
    readonly allowedRegions: readonly string[];
    /** Geography of each allowed Region whose profiles stay allowed. */
    readonly profileSources: ReadonlyArray<{ readonly region: string; readonly geography: InferenceGeography }>;
    readonly applicationInferenceProfileArns: readonly string[];
  };
}

/** The Deny statements the inputs ask for. */
export function enforcementStatements(inputs: EnforcementInputs): StatementJson[] {
  const p = inputs.partition;
  const statements: StatementJson[] = [];
  if (inputs.guardrail) {
    const exempt = inputs.guardrail.exemptModelIds.map((id) => `arn:${p}:bedrock:*::foundation-model/${id}`);
    statements.push({
      Sid: 'DenyInvokeWithoutPlatformGuardrail',
      Effect: 'Deny',
      Action: [...INVOKE_ACTIONS],
      ...(exempt.length > 0 ? { NotResource: exempt } : { Resource: '*' }),
      // Absent identifier: StringNotEquals is true, so a call naming no guardrail is denied too.
      Condition: { StringNotEquals: { 'bedrock:GuardrailIdentifier': inputs.guardrail.identifier } },
    });
  }
  if (inputs.privatePath) {
    const { vpcEndpointIds, regions, scope } = inputs.privatePath;
    const actions = scope === PrivatePathScope.ALL_BEDROCK ? ['bedrock:*'] : [...DATA_PLANE_ACTIONS];
    // Calls a service makes on the caller's behalf (aws:ViaAWSService, e.g. a knowledge base invoking
    // the model for RetrieveAndGenerate) carry no endpoint ID: the private path governs the caller's
    // own calls, which is where prompts leave the network.
    const outsideEndpoints = { 'aws:SourceVpce': [...vpcEndpointIds] };
    const notViaService = { 'aws:ViaAWSService': 'false' };
    statements.push({
      Sid: OUTSIDE_ENDPOINTS_SID,
      Effect: 'Deny',
      Action: actions,
      Resource: '*',
      Condition: { StringNotEqualsIfExists: outsideEndpoints, BoolIfExists: notViaService, StringEquals: { 'aws:RequestedRegion': [...regions] } },
    });
    // In another Region the only legitimate call is the hop of a cross-Region inference request
    // that entered through an endpoint: its profile ARN names the endpoint's Region.
    statements.push({
      Sid: OTHER_REGIONS_SID,
      Effect: 'Deny',
      Action: actions,
      Resource: '*',
      Condition: {
        StringNotEqualsIfExists: outsideEndpoints,
        BoolIfExists: notViaService,
        StringNotEquals: { 'aws:RequestedRegion': [...regions] },
        ArnNotLike: { 'bedrock:InferenceProfileArn': regions.flatMap((r) => [`arn:${p}:bedrock:${r}:*:inference-profile/*`, `arn:${p}:bedrock:${r}:*:application-inference-profile/*`]) },
      },
    });
  }
  if (inputs.residency) {
    const { allowedRegions, profileSources, applicationInferenceProfileArns } = inputs.residency;
    // A plain aws:RequestedRegion deny breaks cross-Region inference: each routed request is
    // authorized again in its destination Region. Requests routed by a geographic profile invoked
    // from an allowed Region carry that profile's ARN, which names the geography; those pass.
    const profiles = [...profileSources.map((s) => `arn:${p}:bedrock:${s.region}:*:inference-profile/${s.geography}.*`), ...applicationInferenceProfileArns];
    statements.push({
      Sid: 'DenyBedrockOutsideAllowedRegions',
      Effect: 'Deny',
      Action: ['bedrock:*'],
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:RequestedRegion': [...allowedRegions] },
        ...(profiles.length > 0 ? { ArnNotLike: { 'bedrock:InferenceProfileArn': profiles } } : {}),
      },
    });
  }
  return statements;
}

/**
 * The same statements for an SCP. Principals matching `exemptPrincipalArns` (break-glass,
 * deployment roles) are left out of every statement; `privatePathExemptPrincipalArns` (narrow
 * automation) only out of the private-path denies. With the private path on, roles on the
 * reserved service-role path are left out of the private-path denies too (Bedrock's sessions with
 * them start in AWS's network, not the VPC), and a further statement denies everyone but the exempt
 * principals the IAM calls that could put a role on that path into other hands. The exemption keys on
 * `aws:PrincipalArn`, which for a role session is the role's ARN with its path, not the session's
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
 */
export function serviceControlStatements(statements: StatementJson[], exemptPrincipalArns: readonly string[], partition: string, privatePathExemptPrincipalArns: readonly string[] = []): StatementJson[] {
  const privatePath = statements.some((s) => PRIVATE_PATH_SIDS.includes(s.Sid));
  const exempting = (s: StatementJson, principals: readonly string[]): StatementJson => {
    if (principals.length === 0) return s;
    const condition = s.Condition ?? {};
    return { ...s, Condition: { ...condition, ArnNotLike: { ...(condition.ArnNotLike ?? {}), 'aws:PrincipalArn': [...principals] } } };
  };
  const scp = statements.map((s) =>
    exempting(s, PRIVATE_PATH_SIDS.includes(s.Sid) ? [...exemptPrincipalArns, ...privatePathExemptPrincipalArns, platformServiceRoleArnPattern(partition)] : exemptPrincipalArns),
  );
  if (!privatePath) return scp;
  const protect: StatementJson = {
    Sid: 'DenyChangesToPlatformServiceRoles',
    Effect: 'Deny',
    Action: [...SERVICE_ROLE_PROTECTED_ACTIONS],
    Resource: [platformServiceRoleArnPattern(partition), platformServicePolicyArnPattern(partition)],
  };
  return [...scp, exempting(protect, exemptPrincipalArns)];
}
