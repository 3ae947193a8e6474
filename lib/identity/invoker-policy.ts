import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BedrockModel, BedrockModelKind, ModelRequirements, modelInvocationResources, requireModels } from '../core/bedrock-model';
import { requireNonEmpty } from '../core/validate';
import { INVOKE_ACTIONS } from './bedrock-actions';
import { KNOWLEDGE_BASE_ARN_PATTERN, requireEach } from './bedrock-arns';
import { GuardrailReference, validateGuardrail } from './guardrail-reference';
import { kmsViaService } from './kms-via-service';
import { AttachablePolicy } from './attachable-policy';

/**
 * The models an IAM grant of `bedrock:InvokeModel*` can name: exact models (no `*` pattern), of the
 * kinds InvokeModel authorizes, application profiles with their source (whose models IAM
 * authorizes too).
 */
export const INVOKER_MODEL_REQUIREMENTS: ModelRequirements = {
  kinds: [
    BedrockModelKind.FOUNDATION_MODEL,
    BedrockModelKind.CROSS_REGION_PROFILE,
    BedrockModelKind.APPLICATION_INFERENCE_PROFILE,
    BedrockModelKind.PROVISIONED_MODEL,
    BedrockModelKind.IMPORTED_MODEL,
    BedrockModelKind.CUSTOM_MODEL_DEPLOYMENT,
  ],
  reason: 'what bedrock:InvokeModel is authorized against',
  requireApplicationProfileSource: true,
};

/** Properties of a {@link BedrockInvokerPolicy}. */
export interface BedrockInvokerPolicyProps {
  /**
   * The models the application may invoke: foundation models, cross-Region profiles (geographic or
   * global), application inference profiles (with their source), provisioned and imported models,
   * custom model deployments. Exact models only: no `*` pattern.
   */
  readonly models: readonly BedrockModel[];

  /**
   * The platform guardrail: `bedrock:ApplyGuardrail` on it, and `kms:Decrypt` through Bedrock on its
   * key when it has one. To make naming it mandatory, use a `BedrockEnforcement`.
   * @default no guardrail permission
   */
  readonly guardrail?: GuardrailReference;

  /**
   * Knowledge bases the application may query (`bedrock:Retrieve`, `bedrock:RetrieveAndGenerate`).
   * @default none
   */
  readonly knowledgeBaseArns?: string[];

  /**
   * Platform key that encrypts data Bedrock returns to the application (knowledge-base sessions,
   * encrypted agent or flow resources): `kms:Decrypt` and `kms:GenerateDataKey`, only through Bedrock.
   * @default no KMS permission
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Invoker persona (the application runtime): invoke the allowed models only, apply the platform
 * guardrail, query the platform knowledge bases. Nothing else: no configuration, no provisioned
 * throughput, no logging settings.
 */
export class BedrockInvokerPolicy extends AttachablePolicy {
  constructor(scope: Construct, id: string, props: BedrockInvokerPolicyProps) {
    super(scope, id, 'Bedrock invoker: invoke the allowed models, apply the platform guardrail, query the platform knowledge bases');
    const models = requireNonEmpty(this, 'models', props.models ?? [], 'List at least one BedrockModel the application may invoke.');
    const resources = modelInvocationResources(this, requireModels(this, 'models', models, INVOKER_MODEL_REQUIREMENTS));
    const guardrail = props.guardrail && validateGuardrail(this, 'guardrail', props.guardrail);
    const knowledgeBases = requireEach(this, 'knowledgeBaseArns', props.knowledgeBaseArns, KNOWLEDGE_BASE_ARN_PATTERN, 'a knowledge base ARN such as arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ');

    this.allow({ sid: 'InvokeAllowedModels', actions: INVOKE_ACTIONS, resources: resources.direct });
    this.allow({
      sid: 'InvokeModelsOnlyThroughAllowedProfiles',
      actions: INVOKE_ACTIONS,
      resources: resources.throughProfile,
      conditions: { StringEquals: { 'bedrock:InferenceProfileArn': resources.viaProfiles } },
    });
    this.allow({ sid: 'DescribeAllowedProfiles', actions: ['bedrock:GetInferenceProfile'], resources: resources.profiles });
    if (guardrail) {
      this.allow({ sid: 'ApplyPlatformGuardrail', actions: ['bedrock:ApplyGuardrail'], resources: [guardrail.guardrailArn] });
    }
    if (knowledgeBases.length > 0) {
      this.allow({ sid: 'RetrieveFromPlatformKnowledgeBases', actions: ['bedrock:Retrieve'], resources: [...knowledgeBases] });
      this.allow({
        sid: 'RetrieveAndGenerate',
        actions: ['bedrock:RetrieveAndGenerate'],
        resources: ['*'],
        wildcardReason:
          'bedrock:RetrieveAndGenerate has no resource type in the Service Authorization Reference; it only works with bedrock:Retrieve on the knowledge base and InvokeModel on the model, both scoped to ARNs here.',
      });
    }
    this.allow(kmsViaService(this, 'DecryptGuardrailThroughBedrock', [guardrail?.encryptionKey], ['kms:Decrypt'], 'bedrock'));
    this.allow(kmsViaService(this, 'UsePlatformKeyThroughBedrock', [props.encryptionKey], ['kms:Decrypt', 'kms:GenerateDataKey'], 'bedrock'));
  }

  /** Gives `grantee` (an existing role, user, group or Lambda function) the invoker permissions. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.attachTo(grantee);
  }
}
