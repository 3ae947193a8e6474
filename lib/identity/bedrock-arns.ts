import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { bedrockArn } from '../core/bedrock-model';

/*
 * Bedrock ARNs of the identity layer (guardrails, knowledge bases, roles, endpoints). Model IDs and
 * ARNs, the Region pattern and the ARN builder are lib/core's (`bedrock-model.ts`): the endpoint
 * policies use the same ones.
 */

export { bedrockArn, foundationModelArn, REGION_PATTERN } from '../core/bedrock-model';

/** `arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123` (no version). */
export const GUARDRAIL_ARN_PATTERN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:guardrail\/[a-z0-9]+$/;
/** A guardrail version as Bedrock's condition key wants it: a number (`DRAFT` cannot be enforced). */
export const GUARDRAIL_VERSION_PATTERN = /^[1-9]\d{0,7}$/;
/** `arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ`. */
export const KNOWLEDGE_BASE_ARN_PATTERN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:knowledge-base\/[0-9a-zA-Z]{10}$/;
/** `arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123`. */
export const APPLICATION_PROFILE_ARN_PATTERN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile\/[a-z0-9]+$/;
/** An IAM role ARN. */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
/** A customer-managed IAM policy ARN (path allowed). */
export const MANAGED_POLICY_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:policy\/[\w+=,.@/-]+$/;
/** A VPC endpoint ID. */
export const VPC_ENDPOINT_ID_PATTERN = /^vpce-[0-9a-f]{8,17}$/;

/** ARN pattern of every resource of one Bedrock type in `scope`'s account and Region, e.g. `knowledge-base/*`. */
export function accountResourcesArn(scope: IConstruct, resourceType: string): string {
  const stack = Stack.of(scope);
  return bedrockArn(scope, stack.region, stack.account, `${resourceType}/*`);
}
