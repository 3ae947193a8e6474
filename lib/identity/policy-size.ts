import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';

/*
 * Size quotas of the documents the identity layer renders, checked at synth on the rendered JSON
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html,
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
 */

/** IAM: characters of one customer-managed policy, white space not counted. Not adjustable. */
export const MANAGED_POLICY_MAX_CHARACTERS = 6144;
/** IAM: characters of a role trust policy, white space not counted (default quota; adjustable up to 8,192). */
export const TRUST_POLICY_MAX_CHARACTERS = 2048;
/** IAM: the most a trust-policy quota increase grants. */
export const TRUST_POLICY_QUOTA_CEILING = 8192;
/** IAM: managed policies attached to one role or user by default (adjustable up to 20). */
export const MANAGED_POLICIES_PER_IDENTITY = 10;
/** IAM: the most a quota increase allows. */
export const MANAGED_POLICIES_PER_IDENTITY_CEILING = 20;

/**
 * A value known only at deploy time (a resource's ARN, an imported value) counts as this many
 * characters: longer than the ARNs the personas name (keys, buckets, log groups, roles are well
 * under it), so a document that passes here passes in IAM.
 */
export const UNKNOWN_VALUE_CHARACTERS = 128;

/** Length of what `Ref` returns for resource types whose value is short and fixed (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html). */
const REF_LENGTH: Record<string, number> = {
  'AWS::EC2::VPCEndpoint': 'vpce-0123456789abcdef0'.length,
  'AWS::KMS::Key': '1234abcd-12ab-34cd-56ef-1234567890ab'.length,
  'AWS::IAM::Role': 64,
  'AWS::S3::Bucket': 63,
};

/** Resource type of each logical ID of a stack, built on first need (and again when an ID is new). */
const TYPES = new WeakMap<Stack, Map<string, string>>();

function resourceType(stack: Stack, logicalId: string): string | undefined {
  let types = TYPES.get(stack);
  if (!types?.has(logicalId)) {
    types = new Map();
    for (const c of stack.node.findAll()) {
      if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) types.set(stack.resolve(c.logicalId) as string, c.cfnResourceType);
    }
    TYPES.set(stack, types);
  }
  return types.get(logicalId);
}

/** The literal a pseudo parameter becomes at deploy time, or its longest form when the stack's environment is unknown. */
function pseudoParameter(scope: IConstruct, name: string): string | undefined {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
  switch (name) {
    case 'AWS::Partition':
      return (region && RegionInfo.get(region).partition) || 'aws-us-gov';
    case 'AWS::Region':
      return region ?? 'ap-southeast-5';
    case 'AWS::AccountId':
      return '123456789012';
    case 'AWS::URLSuffix':
      return (region && RegionInfo.get(region).domainSuffix) || 'amazonaws.com.cn';
    default:
      return undefined;
  }
}

/** The deploy-time literal of a resolved value, intrinsics replaced by their value or an estimate of it. */
function literal(scope: IConstruct, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => literal(scope, v));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    const arg = obj[keys[0]];
    if (keys[0] === 'Ref' && typeof arg === 'string') {
      const pseudo = pseudoParameter(scope, arg);
      if (pseudo !== undefined) return pseudo;
      return 'x'.repeat(REF_LENGTH[resourceType(Stack.of(scope), arg) ?? ''] ?? UNKNOWN_VALUE_CHARACTERS);
    }
    if (keys[0] === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
      return (arg[1] as unknown[]).map((part) => String(literal(scope, part))).join(arg[0]);
    }
    return 'x'.repeat(UNKNOWN_VALUE_CHARACTERS);
  }
  return Object.fromEntries(keys.map((k) => [k, literal(scope, obj[k])]));
}

/**
 * Characters of `document` as the service will count them: resolved in `scope`'s stack, intrinsics
 * replaced by their deploy-time value (pseudo parameters, joins) or {@link UNKNOWN_VALUE_CHARACTERS},
 * minified, white space left out when `countWhiteSpace` is false (IAM does not count it).
 */
export function renderedCharacters(scope: IConstruct, document: unknown, countWhiteSpace = false): number {
  // Fast path for literal strings (most resources): nothing to resolve.
  const json = typeof document === 'string' && !Token.isUnresolved(document) ? JSON.stringify(document) : JSON.stringify(literal(scope, Stack.of(scope).resolve(document)));
  return countWhiteSpace ? Buffer.byteLength(json, 'utf8') : json.replace(/\s/g, '').length;
}
