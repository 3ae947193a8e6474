import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { requireNonEmpty } from '../core/validate';
import { INVOKE_ACTIONS } from './bedrock-actions';
import { KNOWLEDGE_BASE_ARN_PATTERN, requireEach } from './bedrock-arns';
import { GuardrailReference, validateGuardrail } from './guardrail-reference';
import { kmsViaService } from './kms-via-service';
import { ModelTarget } from './model-target';
import { AttachablePolicy } from './attachable-policy';

/** Properties of a {@link BedrockInvokerPolicy}. */
export interface BedrockInvokerPolicyProps {
  /** The models the application may invoke: foundation models, cross-Region profiles, application profiles, provisioned models. */
  readonly models: ModelTarget[];

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
    const models = requireNonEmpty(this, 'models', props.models ?? [], 'List at least one ModelTarget the application may invoke.');
    const targets = models.map((m, i) => m.bind(this, `models[${i}]`));
    const guardrail = props.guardrail && validateGuardrail(this, 'guardrail', props.guardrail);
    const knowledgeBases = requireEach(this, 'knowledgeBaseArns', props.knowledgeBaseArns, KNOWLEDGE_BASE_ARN_PATTERN, 'a knowledge base ARN such as arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ');

    const unique = (xs: string[]) => [...new Set(xs)];
    this.allow({ sid: 'InvokeAllowedModels', actions: INVOKE_ACTIONS, resources: unique(targets.flatMap((t) => t.direct)) });
    const viaProfiles = unique(targets.flatMap((t) => t.viaProfiles));
    this.allow({
      sid: 'InvokeModelsOnlyThroughAllowedProfiles',
      actions: INVOKE_ACTIONS,
      resources: unique(targets.flatMap((t) => t.throughProfile)),
      conditions: { StringEquals: { 'bedrock:InferenceProfileArn': viaProfiles } },
    });
    this.allow({ sid: 'DescribeAllowedProfiles', actions: ['bedrock:GetInferenceProfile'], resources: unique(targets.flatMap((t) => t.profiles)) });
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
