import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BedrockModel, INVOCABLE_MODEL_KINDS, ModelRequirements, modelInvocationResources, requireModels } from '../core/bedrock-model';
import { requireNonEmpty } from '../core/validate';
import { INVOKE_ACTIONS } from './bedrock-actions';
import { KNOWLEDGE_BASE_ARN_PATTERN } from './bedrock-arns';
import { requireList, requireObject, requireProps, requireStrings } from './input-checks';
import { GuardrailReference, validateGuardrail } from './guardrail-reference';
import { kmsViaService } from './kms-via-service';
import { AttachablePolicy } from './attachable-policy';

/**
 * The models an IAM grant of `bedrock:InvokeModel*` can name: exact models (no `*` pattern), of the
 * kinds InvokeModel authorizes, application profiles with their source (whose models IAM
 * authorizes too).
 */
export const INVOKER_MODEL_REQUIREMENTS: ModelRequirements = {
  kinds: INVOCABLE_MODEL_KINDS,
  reason: 'what bedrock:InvokeModel is authorized against',
  requireApplicationProfileSource: true,
};

/** What makes two model references the same grant: kind, identifier, Region, destinations, source. */
function modelKey(m: BedrockModel): string {
  return JSON.stringify([m.kind, m.identifier, m.region, m.destinationRegions, m.source && modelKey(m.source)]);
}

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
 *
 * Models, guardrails and knowledge bases can be added after construction ({@link addModel},
 * {@link allowGuardrail}, {@link allowKnowledgeBase}), as often as needed: each extends the one
 * statement of its purpose, with the same validation as the props; what is already allowed is
 * skipped.
 */
export class BedrockInvokerPolicy extends AttachablePolicy {
  private readonly models: BedrockModel[] = [];
  private readonly modelIds = new Set<string>();

  constructor(scope: Construct, id: string, props: BedrockInvokerPolicyProps) {
    super(scope, id, 'Bedrock invoker: invoke the allowed models, apply the platform guardrail, query the platform knowledge bases');
    requireProps(this, props, 'Pass at least { models }: the models the application may invoke.');
    requireNonEmpty(this, 'models', requireList(this, 'models', props.models), 'List at least one BedrockModel the application may invoke.');
    if (props.encryptionKey !== undefined) requireObject(this, 'encryptionKey', props.encryptionKey, 'keyArn', 'a KMS key (kms.IKey, e.g. kms.Key.fromKeyArn)');
    this.addModelsAs('models', props.models);
    const guardrails = props.guardrail ? [props.guardrail] : [];
    this.applyGuardrails(guardrails, () => 'guardrail');
    this.allowKnowledgeBasesAs('knowledgeBaseArns', props.knowledgeBaseArns ?? []);
    this.decryptGuardrails(guardrails);
    this.allow(kmsViaService(this, 'UsePlatformKeyThroughBedrock', [props.encryptionKey], ['kms:Decrypt', 'kms:GenerateDataKey'], 'bedrock'));
  }

  /** The models the persona may invoke, in the order they were allowed. */
  public get allowedModels(): readonly BedrockModel[] {
    return [...this.models];
  }

  /**
   * Lets the persona invoke more models (same rules as the `models` prop: exact models of the kinds
   * InvokeModel authorizes, application profiles with their source). Models already allowed are skipped.
   */
  public addModel(...models: BedrockModel[]): void {
    this.addModelsAs('addModel', models);
  }

  /**
   * Lets the persona apply more guardrails (`bedrock:ApplyGuardrail`, and `kms:Decrypt` through
   * Bedrock on each guardrail's key). Same rules as the `guardrail` prop; guardrails already
   * allowed are skipped.
   */
  public allowGuardrail(...guardrails: GuardrailReference[]): void {
    this.applyGuardrails(guardrails, (i) => `allowGuardrail[${i}]`);
    this.decryptGuardrails(guardrails);
  }

  /**
   * Lets the persona query more knowledge bases (`bedrock:Retrieve`, `bedrock:RetrieveAndGenerate`).
   * Same rules as the `knowledgeBaseArns` prop; knowledge bases already allowed are skipped.
   */
  public allowKnowledgeBase(...knowledgeBaseArns: string[]): void {
    this.allowKnowledgeBasesAs('allowKnowledgeBase', knowledgeBaseArns);
  }

  /** Gives `grantee` (an existing role, user, group or Lambda function) the invoker permissions. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.attachTo(grantee);
  }

  private addModelsAs(prop: string, given: readonly BedrockModel[]): void {
    const models = requireModels(this, prop, requireList(this, prop, given), INVOKER_MODEL_REQUIREMENTS);
    const fresh = models.filter((m) => !this.modelIds.has(modelKey(m)));
    if (fresh.length === 0) return;
    for (const m of fresh) {
      this.modelIds.add(modelKey(m));
      this.models.push(m);
    }
    // Every statement takes the resources of the whole list: the profile condition must name every
    // allowed profile, whichever call added it.
    const resources = modelInvocationResources(this, this.models);
    this.allow({ sid: 'InvokeAllowedModels', actions: INVOKE_ACTIONS, resources: resources.direct });
    this.allow({
      sid: 'InvokeModelsOnlyThroughAllowedProfiles',
      actions: INVOKE_ACTIONS,
      resources: resources.throughProfile,
      conditions: { StringEquals: { 'bedrock:InferenceProfileArn': resources.viaProfiles } },
    });
    this.allow({ sid: 'DescribeAllowedProfiles', actions: ['bedrock:GetInferenceProfile'], resources: resources.profiles });
    // Too large for one managed policy: one narrowing per model, the foundation models its profile
    // routes to with that profile's ARNs only (together they allow every routed call the list does).
    this.cutWith('InvokeModelsOnlyThroughAllowedProfiles', () =>
      this.models.flatMap((m) => {
        const own = modelInvocationResources(this, [m]);
        if (own.throughProfile.length === 0) return [];
        return [new iam.PolicyStatement({ sid: 'InvokeModelsOnlyThroughAllowedProfiles', actions: INVOKE_ACTIONS, resources: own.throughProfile, conditions: { StringEquals: { 'bedrock:InferenceProfileArn': own.viaProfiles } } })];
      }),
    );
  }

  private applyGuardrails(given: readonly GuardrailReference[], prop: (i: number) => string): void {
    const guardrails = requireList(this, prop(0).replace(/\[0\]$/, ''), given);
    guardrails.forEach((g, i) => validateGuardrail(this, prop(i), g));
    this.allow({ sid: 'ApplyPlatformGuardrail', actions: ['bedrock:ApplyGuardrail'], resources: guardrails.map((g) => g.guardrailArn) });
  }

  private decryptGuardrails(guardrails: readonly GuardrailReference[]): void {
    this.allow(kmsViaService(this, 'DecryptGuardrailThroughBedrock', guardrails.filter((g) => g !== null && g !== undefined).map((g) => g.encryptionKey), ['kms:Decrypt'], 'bedrock'));
  }

  private allowKnowledgeBasesAs(prop: string, arns: readonly string[]): void {
    const knowledgeBases = requireStrings(this, prop, arns, KNOWLEDGE_BASE_ARN_PATTERN, 'a knowledge base ARN such as arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ');
    if (knowledgeBases.length === 0) return;
    this.allow({ sid: 'RetrieveFromPlatformKnowledgeBases', actions: ['bedrock:Retrieve'], resources: [...knowledgeBases] });
    this.allow({
      sid: 'RetrieveAndGenerate',
      actions: ['bedrock:RetrieveAndGenerate'],
      resources: ['*'],
      wildcardReason:
        'bedrock:RetrieveAndGenerate has no resource type in the Service Authorization Reference; it only works with bedrock:Retrieve on the knowledge base and InvokeModel on the model, both scoped to ARNs here.',
    });
  }
}
