import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { requirePattern } from '../core/validate';

/*
 * Bedrock ARN shapes (Service Authorization Reference, "Resource types defined by Amazon Bedrock"):
 * a foundation model has no account (`arn:aws:bedrock:REGION::foundation-model/ID`); inference
 * profiles, provisioned models, guardrails and knowledge bases carry the account.
 */

/** A Region code such as `us-east-1` or `us-gov-west-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
/** A base model ID such as `anthropic.claude-3-haiku-20240307-v1:0` or `amazon.titan-embed-text-v2:0`. */
export const MODEL_ID_PATTERN = /^[a-z0-9-]+\.[a-zA-Z0-9][a-zA-Z0-9._:-]*$/;
/** `arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123` (no version). */
export const GUARDRAIL_ARN_PATTERN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:guardrail\/[a-z0-9]+$/;
/** A guardrail version as Bedrock's condition key wants it: a number (`DRAFT` cannot be enforced). */
export const GUARDRAIL_VERSION_PATTERN = /^[1-9]\d{0,7}$/;
/** `arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ`. */
export const KNOWLEDGE_BASE_ARN_PATTERN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:knowledge-base\/[0-9a-zA-Z]{10}$/;
/** `arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123`. */
export const PROVISIONED_MODEL_ARN_PATTERN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:provisioned-model\/[a-z0-9]+$/;
/** `arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123`. */
export const APPLICATION_PROFILE_ARN_PATTERN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile\/[a-z0-9]+$/;
/** An IAM role ARN. */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
/** A VPC endpoint ID. */
export const VPC_ENDPOINT_ID_PATTERN = /^vpce-[0-9a-f]{8,17}$/;

/** Builds a Bedrock ARN in `scope`'s partition; `account` '' for foundation models. */
export function bedrockArn(scope: IConstruct, region: string, account: string, resource: string): string {
  return `arn:${Stack.of(scope).partition}:bedrock:${region}:${account}:${resource}`;
}

/** ARN of a foundation model in `region` (a foundation-model ARN has no account). */
export function foundationModelArn(scope: IConstruct, modelId: string, region: string): string {
  return bedrockArn(scope, region, '', `foundation-model/${modelId}`);
}

/** ARN pattern of every resource of one Bedrock type in `scope`'s account and Region, e.g. `knowledge-base/*`. */
export function accountResourcesArn(scope: IConstruct, resourceType: string): string {
  const stack = Stack.of(scope);
  return bedrockArn(scope, stack.region, stack.account, `${resourceType}/*`);
}

/** Throws unless every entry of `values` matches `pattern`; names each bad entry `prop[i]`. */
export function requireEach(scope: IConstruct, prop: string, values: readonly string[] | undefined, pattern: RegExp, description: string): readonly string[] {
  // A list token (e.g. Lazy.list) stands for values known only at synth or deploy time: skip it.
  if (values !== undefined && Token.isUnresolved(values)) return values;
  (values ?? []).forEach((v, i) => requirePattern(scope, `${prop}[${i}]`, v, pattern, description));
  return values ?? [];
}
