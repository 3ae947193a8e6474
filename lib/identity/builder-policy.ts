import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { GOVERNANCE_ACTIONS } from './bedrock-actions';
import { accountResourcesArn, foundationModelArn } from './bedrock-arns';
import { requireObject, requireObjects, requireProps } from './input-checks';
import { kmsViaService } from './kms-via-service';
import { AttachablePolicy } from './attachable-policy';

/** Properties of a {@link BedrockBuilderPolicy}. */
export interface BedrockBuilderPolicyProps {
  /**
   * Service roles the builder may hand to Bedrock when it creates knowledge bases and agents
   * (`iam:PassRole`, only to `bedrock.amazonaws.com`).
   * @default none: the builder cannot create resources that need a service role
   */
  readonly serviceRoles?: iam.IRole[];

  /**
   * Platform key the builder encrypts knowledge bases, guardrails and agents with: `kms:Decrypt`,
   * `kms:GenerateDataKey`, `kms:DescribeKey` and `kms:CreateGrant` (for AWS resources only), all
   * only through Bedrock.
   * @default no KMS permission
   */
  readonly encryptionKey?: kms.IKey;
}

const ACCOUNT_SCOPE_REASON = (type: string) =>
  `The builder manages every ${type} of this account and Region, including ones created after deployment whose IDs cannot be known at synth; the pattern is limited to this account, Region and resource type.`;

/**
 * Builder persona: creates and manages knowledge bases (and their data sources and ingestion),
 * guardrails, prompts and agents. Explicitly denied buying or changing provisioned throughput,
 * invocation logging and account-level guardrail enforcement, even if another policy allows them.
 */
export class BedrockBuilderPolicy extends AttachablePolicy {
  constructor(scope: Construct, id: string, props: BedrockBuilderPolicyProps = {}) {
    super(scope, id, 'Bedrock builder: manage knowledge bases, data sources, guardrails, prompts and agents; no throughput, no logging changes');
    requireProps(this, props, 'Pass an object (it may be empty: {}).');
    if (props.encryptionKey !== undefined) requireObject(this, 'encryptionKey', props.encryptionKey, 'keyArn', 'a KMS key (kms.IKey, e.g. kms.Key.fromKeyArn)');
    const kb = accountResourcesArn(this, 'knowledge-base');
    const guardrail = accountResourcesArn(this, 'guardrail');
    const prompt = accountResourcesArn(this, 'prompt');
    const agent = accountResourcesArn(this, 'agent');
    const agentAlias = accountResourcesArn(this, 'agent-alias');

    this.allow({
      sid: 'ListAndCreateBuilderResources',
      actions: [
        'bedrock:ListFoundationModels',
        'bedrock:ListInferenceProfiles',
        'bedrock:ListKnowledgeBases',
        'bedrock:CreateKnowledgeBase',
        'bedrock:ListGuardrails',
        'bedrock:CreateGuardrail',
        'bedrock:ListPrompts',
        'bedrock:CreatePrompt',
        'bedrock:ListAgents',
        'bedrock:CreateAgent',
      ],
      resources: ['*'],
      wildcardReason: 'List and Create calls for knowledge bases, guardrails, prompts and agents have no resource type (a resource has no ARN before it exists), so the Service Authorization Reference only allows *.',
    });
    this.allow({ sid: 'ReadFoundationModels', actions: ['bedrock:GetFoundationModel'], resources: [foundationModelArn(this, '*', Stack.of(this).region)], wildcardReason: 'The builder chooses among all foundation models of this Region when it configures knowledge bases and agents; reading a model description exposes no data.' });
    this.allow({
      sid: 'ManageKnowledgeBases',
      actions: [
        'bedrock:GetKnowledgeBase',
        'bedrock:UpdateKnowledgeBase',
        'bedrock:DeleteKnowledgeBase',
        'bedrock:CreateDataSource',
        'bedrock:GetDataSource',
        'bedrock:UpdateDataSource',
        'bedrock:DeleteDataSource',
        'bedrock:ListDataSources',
        'bedrock:StartIngestionJob',
        'bedrock:StopIngestionJob',
        'bedrock:GetIngestionJob',
        'bedrock:ListIngestionJobs',
        'bedrock:IngestKnowledgeBaseDocuments',
        'bedrock:DeleteKnowledgeBaseDocuments',
        'bedrock:GetKnowledgeBaseDocuments',
        'bedrock:ListKnowledgeBaseDocuments',
        'bedrock:Retrieve',
      ],
      resources: [kb],
      wildcardReason: ACCOUNT_SCOPE_REASON('knowledge base'),
    });
    this.allow({
      sid: 'ManageGuardrails',
      actions: ['bedrock:GetGuardrail', 'bedrock:UpdateGuardrail', 'bedrock:DeleteGuardrail', 'bedrock:CreateGuardrailVersion', 'bedrock:ApplyGuardrail'],
      resources: [guardrail],
      wildcardReason: ACCOUNT_SCOPE_REASON('guardrail'),
    });
    this.allow({
      sid: 'ManagePrompts',
      actions: ['bedrock:GetPrompt', 'bedrock:UpdatePrompt', 'bedrock:DeletePrompt', 'bedrock:CreatePromptVersion'],
      resources: [prompt],
      wildcardReason: ACCOUNT_SCOPE_REASON('prompt'),
    });
    this.allow({
      sid: 'ManageAgents',
      actions: [
        'bedrock:GetAgent',
        'bedrock:UpdateAgent',
        'bedrock:DeleteAgent',
        'bedrock:PrepareAgent',
        'bedrock:ListAgentVersions',
        'bedrock:GetAgentVersion',
        'bedrock:DeleteAgentVersion',
        'bedrock:CreateAgentAlias',
        'bedrock:ListAgentAliases',
        'bedrock:GetAgentAlias',
        'bedrock:UpdateAgentAlias',
        'bedrock:DeleteAgentAlias',
        'bedrock:CreateAgentActionGroup',
        'bedrock:GetAgentActionGroup',
        'bedrock:UpdateAgentActionGroup',
        'bedrock:DeleteAgentActionGroup',
        'bedrock:ListAgentActionGroups',
        'bedrock:AssociateAgentKnowledgeBase',
        'bedrock:DisassociateAgentKnowledgeBase',
        'bedrock:GetAgentKnowledgeBase',
        'bedrock:UpdateAgentKnowledgeBase',
        'bedrock:ListAgentKnowledgeBases',
      ],
      resources: [agent, agentAlias, kb],
      wildcardReason: ACCOUNT_SCOPE_REASON('agent (and agent alias, and the knowledge bases agents are associated with)'),
    });
    this.allow({
      sid: 'TagBuilderResources',
      actions: ['bedrock:TagResource', 'bedrock:UntagResource', 'bedrock:ListTagsForResource'],
      resources: [kb, guardrail, prompt, agent, agentAlias],
      wildcardReason: ACCOUNT_SCOPE_REASON('knowledge base, guardrail, prompt and agent'),
    });
    this.addServiceRolesAs('serviceRoles', props.serviceRoles);
    this.allow(kmsViaService(this, 'UsePlatformKeyThroughBedrock', [props.encryptionKey], ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], 'bedrock'));
    const grant = kmsViaService(this, 'LetBedrockHoldGrantsOnPlatformKey', [props.encryptionKey], ['kms:CreateGrant'], 'bedrock');
    this.allow({ ...grant, conditions: { ...grant.conditions, Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
    this.deny('DenyThroughputLoggingAndEnforcementChanges', GOVERNANCE_ACTIONS, ['*']);
  }

  /**
   * Lets the builder hand more service roles to Bedrock (`iam:PassRole`, only to
   * `bedrock.amazonaws.com`), e.g. the role of a knowledge base created later. Roles already
   * allowed are skipped.
   */
  public addServiceRole(...roles: iam.IRole[]): void {
    this.addServiceRolesAs('addServiceRole', roles);
  }

  /** Gives `grantee` the builder permissions (and its explicit denies). */
  public grantBuild(grantee: iam.IGrantable): iam.Grant {
    return this.attachTo(grantee);
  }

  private addServiceRolesAs(prop: string, given: readonly iam.IRole[] | undefined): void {
    const roles = requireObjects(this, prop, given, 'roleArn', 'an IAM role (iam.IRole, e.g. iam.Role.fromRoleArn)');
    this.allow({
      sid: 'PassServiceRolesToBedrockOnly',
      actions: ['iam:PassRole'],
      resources: roles.map((r) => r.roleArn),
      conditions: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
    });
  }
}
