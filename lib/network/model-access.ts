import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { requirePattern } from '../core/validate';

/**
 * The models an endpoint lets callers invoke. Everything else, image and video generation
 * included, is refused at the endpoint whatever the caller's IAM policy says.
 */
export interface BedrockModelAccess {
  /**
   * Foundation models invoked on demand in this Region, by model ID, e.g. `amazon.nova-lite-v1:0`.
   * A `*` inside an ID (e.g. `anthropic.claude-*`) is allowed; a bare `*` is not.
   * @default none
   */
  readonly foundationModelIds?: readonly string[];
  /**
   * System-defined cross-Region inference profiles, e.g. `us.amazon.nova-lite-v1:0`. The profile of
   * this account is allowed, and so is its foundation model in every Region the profile routes to
   * (IAM authorizes the request in each destination Region).
   * @default none
   */
  readonly inferenceProfileIds?: readonly string[];
  /**
   * ARNs of this account's own model resources: application inference profiles, provisioned
   * models, custom or imported models, custom model deployments. An application inference profile
   * also needs its underlying foundation model (or system profile) in the lists above.
   * @default none
   */
  readonly modelArns?: readonly string[];
  /**
   * Model identifiers callers may use through the `bedrock-mantle` endpoint (matched with the
   * `bedrock-mantle:Model` condition key), e.g. `openai.gpt-oss-120b`. Required when the MANTLE
   * feature is selected.
   * @default none
   */
  readonly mantleModelIds?: readonly string[];
}

/**
 * The documented default: Amazon Nova text-generation models (Micro, Lite, Pro) and Titan Text
 * Embeddings V2, invoked on demand in the stack's Region. No image, video or speech model.
 */
export const DEFAULT_TEXT_MODEL_ACCESS: BedrockModelAccess = Object.freeze({
  foundationModelIds: Object.freeze(['amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0', 'amazon.nova-pro-v1:0', 'amazon.titan-embed-text-v2:0']),
});

// Provider prefix, then the model name; `*` allowed inside.
const MODEL_ID = /^[a-z0-9-]+\.[A-Za-z0-9._:*-]+$/;
// Geographic prefixes of system-defined inference profiles.
const PROFILE_ID = /^(us|us-gov|eu|apac|jp|au|ca|global)\.([a-z0-9-]+\.[A-Za-z0-9._:*-]+)$/;
const MODEL_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:(application-inference-profile|provisioned-model|custom-model|imported-model|custom-model-deployment)\/.+$/;
const MANTLE_MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;

/** Checks every entry of `access`; throws a PlatformValidationError naming the entry. */
export function validateModelAccess(scope: IConstruct, prop: string, access: BedrockModelAccess): void {
  (access.foundationModelIds ?? []).forEach((id, i) =>
    requirePattern(scope, `${prop}.foundationModelIds[${i}]`, id, MODEL_ID, "a model ID such as 'amazon.nova-lite-v1:0' (provider prefix required; a bare '*' would allow every model)"),
  );
  (access.inferenceProfileIds ?? []).forEach((id, i) =>
    requirePattern(scope, `${prop}.inferenceProfileIds[${i}]`, id, PROFILE_ID, "a system-defined inference profile ID such as 'us.amazon.nova-lite-v1:0' (prefix us, us-gov, eu, apac, jp, au, ca or global)"),
  );
  (access.modelArns ?? []).forEach((arn, i) =>
    requirePattern(scope, `${prop}.modelArns[${i}]`, arn, MODEL_ARN, 'the ARN of an application inference profile, provisioned model, custom or imported model, or custom model deployment of an account'),
  );
  (access.mantleModelIds ?? []).forEach((id, i) =>
    requirePattern(scope, `${prop}.mantleModelIds[${i}]`, id, MANTLE_MODEL_ID, "a Mantle model identifier such as 'openai.gpt-oss-120b'"),
  );
}

/** The resource ARNs an invoke statement must name to let callers use the models of `access`. */
export function modelResourceArns(scope: IConstruct, access: BedrockModelAccess): string[] {
  const { partition, region, account } = Stack.of(scope);
  const arns = new Set<string>();
  for (const id of access.foundationModelIds ?? []) arns.add(`arn:${partition}:bedrock:${region}::foundation-model/${id}`);
  for (const id of access.inferenceProfileIds ?? []) {
    arns.add(`arn:${partition}:bedrock:${region}:${account}:inference-profile/${id}`);
    const model = PROFILE_ID.exec(id)?.[2];
    // Cross-Region inference is authorized on the foundation model in each destination Region.
    if (model) arns.add(`arn:${partition}:bedrock:*::foundation-model/${model}`);
  }
  for (const arn of access.modelArns ?? []) arns.add(arn);
  return [...arns];
}
