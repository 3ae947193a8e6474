import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * A Bedrock API family reachable through its own interface VPC endpoint. A feature that is not
 * selected gets no endpoint, so from a VPC without an internet route it cannot be reached at all,
 * whatever IAM allows.
 */
export enum BedrockFeature {
  /** Control plane (`bedrock`): models, guardrails, provisioned throughput, jobs, logging settings. */
  CONTROL_PLANE = 'bedrock',
  /** Inference (`bedrock-runtime`): InvokeModel, Converse, ApplyGuardrail, CountTokens. */
  RUNTIME = 'bedrock-runtime',
  /** Agents, knowledge bases, flows and prompts, build time (`bedrock-agent`). */
  AGENTS_BUILD = 'bedrock-agent',
  /** Agents, knowledge bases and flows at run time (`bedrock-agent-runtime`): InvokeAgent, Retrieve, RetrieveAndGenerate. */
  AGENTS_RUNTIME = 'bedrock-agent-runtime',
  /** Data Automation projects and blueprints (`bedrock-data-automation`). */
  DATA_AUTOMATION = 'bedrock-data-automation',
  /** Data Automation invocations (`bedrock-data-automation-runtime`). */
  DATA_AUTOMATION_RUNTIME = 'bedrock-data-automation-runtime',
  /** AgentCore data plane (`bedrock-agentcore`): runtime, memory, built-in tools, identity. */
  AGENTCORE = 'bedrock-agentcore',
  /** OpenAI-compatible inference (`bedrock-mantle`): Responses and Chat Completions APIs. */
  MANTLE = 'bedrock-mantle',
}

/** Every feature, in catalog order. */
export const ALL_BEDROCK_FEATURES: readonly BedrockFeature[] = Object.values(BedrockFeature);

/** What one feature's endpoint serves and which IAM actions its endpoint policy lets through. */
export interface BedrockFeatureDefinition {
  /** The feature. */
  readonly feature: BedrockFeature;
  /** Stable construct id of the feature's endpoint (changing it would replace the endpoint). */
  readonly constructId: string;
  /** Short name of the endpoint service, e.g. `bedrock-runtime` (the endpoint's private DNS name starts with it). */
  readonly serviceShortName: string;
  /** Short name of the FIPS endpoint service, when AWS offers one. */
  readonly fipsServiceShortName?: string;
  /** IAM service prefix of the actions (`bedrock`, `bedrock-agentcore`, `bedrock-mantle`). */
  readonly iamPrefix: string;
  /** Actions allowed on any resource (the endpoint policy still admits only the allowed principals). */
  readonly actions: readonly string[];
  /** Actions allowed only on the allowed models (the `models` prop, `BedrockModel`). */
  readonly modelActions: readonly string[];
  /** Actions allowed only on this account's guardrails in this Region. */
  readonly guardrailActions: readonly string[];
  /** Whether the endpoint accepts Bedrock API keys (`<prefix>:CallWithBearerToken`), when allowed. */
  readonly acceptsBearerTokens: boolean;
}

// Shared by every Bedrock endpoint that manages taggable resources.
const TAGGING = ['TagResource', 'UntagResource', 'ListTagsForResource'];

/*
 * Action lists follow the operations each endpoint serves (Bedrock API reference, per endpoint) and
 * the Service Authorization Reference names. test/network/bedrock-features.test.ts checks every name
 * against the IAM action data and the control plane against the Bedrock SDK's operations.
 * Converse / ConverseStream / InvokeModelWithBidirectionalStream are authorized as InvokeModel /
 * InvokeModelWithResponseStream, and RetrieveAndGenerateStream as RetrieveAndGenerate.
 */
const CONTROL_PLANE_ACTIONS = [
  'BatchDeleteAdvancedPromptOptimizationJob', 'BatchDeleteEvaluationJob', 'CancelAutomatedReasoningPolicyBuildWorkflow',
  'CreateAdvancedPromptOptimizationJob', 'CreateAutomatedReasoningPolicy', 'CreateAutomatedReasoningPolicyTestCase',
  'CreateAutomatedReasoningPolicyVersion', 'CreateCustomModel', 'CreateCustomModelDeployment', 'CreateEvaluationJob',
  'CreateFoundationModelAgreement', 'CreateGuardrail', 'CreateGuardrailVersion', 'CreateInferenceProfile',
  'CreateMarketplaceModelEndpoint', 'CreateModelCopyJob', 'CreateModelCustomizationJob', 'CreateModelImportJob',
  'CreateModelInvocationJob', 'CreatePromptRouter', 'CreateProvisionedModelThroughput',
  'DeleteAutomatedReasoningPolicy', 'DeleteAutomatedReasoningPolicyBuildWorkflow', 'DeleteAutomatedReasoningPolicyTestCase',
  'DeleteCustomModel', 'DeleteCustomModelDeployment', 'DeleteEnforcedGuardrailConfiguration', 'DeleteFoundationModelAgreement',
  'DeleteGuardrail', 'DeleteImportedModel', 'DeleteInferenceProfile', 'DeleteMarketplaceModelEndpoint',
  'DeleteModelInvocationLoggingConfiguration', 'DeletePromptRouter', 'DeleteProvisionedModelThroughput', 'DeleteResourcePolicy',
  'DeregisterMarketplaceModelEndpoint', 'ExportAutomatedReasoningPolicyVersion', 'GetAccountDataRetention',
  'GetAdvancedPromptOptimizationJob', 'GetAutomatedReasoningPolicy', 'GetAutomatedReasoningPolicyAnnotations',
  'GetAutomatedReasoningPolicyBuildWorkflow', 'GetAutomatedReasoningPolicyBuildWorkflowResultAssets',
  'GetAutomatedReasoningPolicyNextScenario', 'GetAutomatedReasoningPolicyTestCase', 'GetAutomatedReasoningPolicyTestResult',
  'GetCustomModel', 'GetCustomModelDeployment', 'GetEvaluationJob', 'GetFoundationModel', 'GetFoundationModelAvailability',
  'GetGuardrail', 'GetImportedModel', 'GetInferenceProfile', 'GetMarketplaceModelEndpoint', 'GetModelCopyJob',
  'GetModelCustomizationJob', 'GetModelImportJob', 'GetModelInvocationJob', 'GetModelInvocationLoggingConfiguration',
  'GetPromptRouter', 'GetProvisionedModelThroughput', 'GetResourcePolicy', 'GetUseCaseForModelAccess',
  'ListAdvancedPromptOptimizationJobs', 'ListAutomatedReasoningPolicies', 'ListAutomatedReasoningPolicyBuildWorkflows',
  'ListAutomatedReasoningPolicyTestCases', 'ListAutomatedReasoningPolicyTestResults', 'ListCustomModelDeployments',
  'ListCustomModels', 'ListEnforcedGuardrailsConfiguration', 'ListEvaluationJobs', 'ListFoundationModelAgreementOffers',
  'ListFoundationModels', 'ListGuardrails', 'ListImportedModels', 'ListInferenceProfiles', 'ListMarketplaceModelEndpoints',
  'ListModelCopyJobs', 'ListModelCustomizationJobs', 'ListModelImportJobs', 'ListModelInvocationJobs', 'ListPromptRouters',
  'ListProvisionedModelThroughputs', 'PutAccountDataRetention', 'PutEnforcedGuardrailConfiguration',
  'PutModelInvocationLoggingConfiguration', 'PutResourcePolicy', 'PutUseCaseForModelAccess', 'RegisterMarketplaceModelEndpoint',
  'StartAutomatedReasoningPolicyBuildWorkflow', 'StartAutomatedReasoningPolicyTestWorkflow', 'StopAdvancedPromptOptimizationJob',
  'StopEvaluationJob', 'StopModelCustomizationJob', 'StopModelInvocationJob', 'UpdateAutomatedReasoningPolicy',
  'UpdateAutomatedReasoningPolicyAnnotations', 'UpdateAutomatedReasoningPolicyTestCase', 'UpdateCustomModelDeployment',
  'UpdateGuardrail', 'UpdateMarketplaceModelEndpoint', 'UpdateProvisionedModelThroughput',
  ...TAGGING,
];

const AGENTS_BUILD_ACTIONS = [
  'AssociateAgentCollaborator', 'AssociateAgentKnowledgeBase', 'CreateAgent', 'CreateAgentActionGroup', 'CreateAgentAlias',
  'CreateDataSource', 'CreateFlow', 'CreateFlowAlias', 'CreateFlowVersion', 'CreateKnowledgeBase', 'CreatePrompt',
  'CreatePromptVersion', 'DeleteAgent', 'DeleteAgentActionGroup', 'DeleteAgentAlias', 'DeleteAgentVersion', 'DeleteDataSource',
  'DeleteFlow', 'DeleteFlowAlias', 'DeleteFlowVersion', 'DeleteKnowledgeBase', 'DeleteKnowledgeBaseDocuments', 'DeletePrompt',
  'DisassociateAgentCollaborator', 'DisassociateAgentKnowledgeBase', 'GetAgent', 'GetAgentActionGroup', 'GetAgentAlias',
  'GetAgentCollaborator', 'GetAgentKnowledgeBase', 'GetAgentVersion', 'GetDataSource', 'GetFlow', 'GetFlowAlias',
  'GetFlowVersion', 'GetIngestionJob', 'GetKnowledgeBase', 'GetKnowledgeBaseDocuments', 'GetPrompt',
  'IngestKnowledgeBaseDocuments', 'ListAgentActionGroups', 'ListAgentAliases', 'ListAgentCollaborators',
  'ListAgentKnowledgeBases', 'ListAgents', 'ListAgentVersions', 'ListDataSources', 'ListFlowAliases', 'ListFlows',
  'ListFlowVersions', 'ListIngestionJobs', 'ListKnowledgeBaseDocuments', 'ListKnowledgeBases', 'ListPrompts', 'PrepareAgent',
  'PrepareFlow', 'StartIngestionJob', 'StopIngestionJob', 'UpdateAgent', 'UpdateAgentActionGroup', 'UpdateAgentAlias',
  'UpdateAgentCollaborator', 'UpdateAgentKnowledgeBase', 'UpdateDataSource', 'UpdateFlow', 'UpdateFlowAlias',
  'UpdateKnowledgeBase', 'UpdatePrompt', 'ValidateFlowDefinition',
  ...TAGGING,
];

const AGENTS_RUNTIME_ACTIONS = [
  'AgenticRetrieveStream', 'CheckIngestedDocumentAcl', 'CreateInvocation', 'CreateSession', 'DeleteAgentMemory',
  'DeleteSession', 'EndSession', 'GenerateQuery', 'GetAgentMemory', 'GetDocumentContent', 'GetExecutionFlowSnapshot',
  'GetFlowExecution', 'GetIngestedDocumentAcl', 'GetInvocationStep', 'GetSession', 'InvokeAgent', 'InvokeFlow',
  'InvokeInlineAgent', 'ListFlowExecutionEvents', 'ListFlowExecutions', 'ListInvocations', 'ListInvocationSteps',
  'ListSessions', 'OptimizePrompt', 'PutInvocationStep', 'Rerank', 'Retrieve', 'RetrieveAndGenerate', 'StartFlowExecution',
  'StopFlowExecution', 'UpdateSession',
  ...TAGGING,
];

const DATA_AUTOMATION_ACTIONS = [
  'CopyBlueprintStage', 'CreateBlueprint', 'CreateBlueprintVersion', 'CreateDataAutomationLibrary',
  'CreateDataAutomationProject', 'DeleteBlueprint', 'DeleteDataAutomationLibrary', 'DeleteDataAutomationProject',
  'GetBlueprint', 'GetBlueprintOptimizationStatus', 'GetBlueprintRecommendation', 'GetDataAutomationLibrary',
  'GetDataAutomationLibraryEntity', 'GetDataAutomationLibraryIngestionJob', 'GetDataAutomationProject',
  'InvokeBlueprintOptimizationAsync', 'InvokeBlueprintRecommendationAsync', 'InvokeDataAutomationLibraryIngestionJob',
  'ListBlueprints', 'ListDataAutomationLibraries', 'ListDataAutomationLibraryEntities',
  'ListDataAutomationLibraryIngestionJobs', 'ListDataAutomationProjects', 'UpdateBlueprint', 'UpdateDataAutomationLibrary',
  'UpdateDataAutomationProject',
  ...TAGGING,
];

const DATA_AUTOMATION_RUNTIME_ACTIONS = ['InvokeDataAutomation', 'InvokeDataAutomationAsync', 'GetDataAutomationStatus', ...TAGGING];

// The data plane only: control-plane calls use `bedrock-agentcore-control`, gateways their own endpoint.
// InvokeAgentRuntimeCommandShell (an interactive shell into a runtime) is left out on purpose.
const AGENTCORE_ACTIONS = [
  'InvokeAgentRuntime', 'InvokeAgentRuntimeForUser', 'InvokeAgentRuntimeWithWebSocketStream',
  'InvokeAgentRuntimeWithWebSocketStreamForUser', 'InvokeAgentRuntimeCommand', 'StopRuntimeSession', 'GetAgentCard',
  'CreateEvent', 'GetEvent', 'ListEvents', 'DeleteEvent', 'ListActors', 'ListSessions', 'RetrieveMemoryRecords',
  'GetMemoryRecord', 'ListMemoryRecords', 'DeleteMemoryRecord', 'BatchCreateMemoryRecords', 'BatchUpdateMemoryRecords',
  'BatchDeleteMemoryRecords', 'StartMemoryExtractionJob', 'ListMemoryExtractionJobs',
  'StartCodeInterpreterSession', 'StopCodeInterpreterSession', 'GetCodeInterpreterSession', 'ListCodeInterpreterSessions',
  'InvokeCodeInterpreter', 'StartBrowserSession', 'StopBrowserSession', 'GetBrowserSession', 'ListBrowserSessions',
  'UpdateBrowserStream', 'ConnectBrowserAutomationStream', 'ConnectBrowserLiveViewStream', 'SaveBrowserSessionProfile',
  'GetWorkloadAccessToken', 'GetWorkloadAccessTokenForJWT', 'GetWorkloadAccessTokenForUserId', 'GetResourceOauth2Token',
  'GetResourceApiKey', 'CompleteResourceTokenAuth', 'Evaluate',
];

const definitions: BedrockFeatureDefinition[] = [
  {
    feature: BedrockFeature.CONTROL_PLANE, constructId: 'ControlPlane', serviceShortName: 'bedrock', fipsServiceShortName: 'bedrock-fips',
    iamPrefix: 'bedrock', actions: CONTROL_PLANE_ACTIONS, modelActions: [], guardrailActions: [], acceptsBearerTokens: false,
  },
  {
    feature: BedrockFeature.RUNTIME, constructId: 'Runtime', serviceShortName: 'bedrock-runtime', fipsServiceShortName: 'bedrock-runtime-fips',
    iamPrefix: 'bedrock',
    // RenderPrompt: invoking a managed prompt by its ARN renders it first.
    actions: ['RenderPrompt'],
    modelActions: ['InvokeModel', 'InvokeModelWithResponseStream', 'CountTokens'],
    guardrailActions: ['ApplyGuardrail'],
    // Bedrock API keys, e.g. for the OpenAI-compatible paths of the endpoint.
    acceptsBearerTokens: true,
  },
  {
    feature: BedrockFeature.AGENTS_BUILD, constructId: 'AgentsBuild', serviceShortName: 'bedrock-agent',
    iamPrefix: 'bedrock', actions: AGENTS_BUILD_ACTIONS, modelActions: [], guardrailActions: [], acceptsBearerTokens: false,
  },
  {
    feature: BedrockFeature.AGENTS_RUNTIME, constructId: 'AgentsRuntime', serviceShortName: 'bedrock-agent-runtime',
    iamPrefix: 'bedrock', actions: AGENTS_RUNTIME_ACTIONS,
    // RetrieveAndGenerate, Rerank, InvokeInlineAgent and GenerateQuery invoke a model with the caller's
    // permissions: the same model allow-list applies to them.
    modelActions: ['InvokeModel', 'InvokeModelWithResponseStream'],
    guardrailActions: ['ApplyGuardrail'],
    acceptsBearerTokens: false,
  },
  {
    feature: BedrockFeature.DATA_AUTOMATION, constructId: 'DataAutomation', serviceShortName: 'bedrock-data-automation',
    fipsServiceShortName: 'bedrock-data-automation-fips', iamPrefix: 'bedrock', actions: DATA_AUTOMATION_ACTIONS, modelActions: [], guardrailActions: [],
    acceptsBearerTokens: false,
  },
  {
    feature: BedrockFeature.DATA_AUTOMATION_RUNTIME, constructId: 'DataAutomationRuntime', serviceShortName: 'bedrock-data-automation-runtime',
    fipsServiceShortName: 'bedrock-data-automation-runtime-fips', iamPrefix: 'bedrock', actions: DATA_AUTOMATION_RUNTIME_ACTIONS,
    modelActions: [], guardrailActions: [], acceptsBearerTokens: false,
  },
  {
    feature: BedrockFeature.AGENTCORE, constructId: 'AgentCore', serviceShortName: 'bedrock-agentcore',
    iamPrefix: 'bedrock-agentcore', actions: AGENTCORE_ACTIONS, modelActions: [], guardrailActions: [], acceptsBearerTokens: false,
  },
  {
    feature: BedrockFeature.MANTLE, constructId: 'Mantle', serviceShortName: 'bedrock-mantle', iamPrefix: 'bedrock-mantle',
    actions: ['GetInference', 'CancelInference', 'DeleteInference', 'GetModel', 'ListModels', 'GetProject', 'ListProjects'],
    // Scoped with the bedrock-mantle:Model condition (Mantle models are not ARN resources).
    modelActions: ['CreateInference', 'CountTokens'],
    guardrailActions: [],
    // OpenAI SDK clients authenticate with Bedrock API keys.
    acceptsBearerTokens: true,
  },
];

/** The catalog: each feature's endpoint service and the IAM actions its endpoint policy allows. */
export const BEDROCK_FEATURE_CATALOG: Readonly<Record<BedrockFeature, BedrockFeatureDefinition>> = Object.fromEntries(
  definitions.map((d) => [d.feature, Object.freeze({ ...d, actions: Object.freeze([...d.actions]), modelActions: Object.freeze([...d.modelActions]), guardrailActions: Object.freeze([...d.guardrailActions]) })]),
) as Record<BedrockFeature, BedrockFeatureDefinition>;

/** The catalog entry of `feature`. */
export function bedrockFeature(feature: BedrockFeature): BedrockFeatureDefinition {
  return BEDROCK_FEATURE_CATALOG[feature];
}

/** Every IAM action `feature`'s endpoint lets through, prefixed (`bedrock:InvokeModel`), sorted. */
export function featureActions(feature: BedrockFeature): string[] {
  const d = bedrockFeature(feature);
  return [...d.actions, ...d.modelActions, ...d.guardrailActions].map((a) => `${d.iamPrefix}:${a}`).sort();
}

/**
 * The interface endpoint service of `feature` in the stack's Region (`com.amazonaws.<region>.<name>`).
 * `bedrock-mantle` has no aws-cdk-lib constant, so every service is built from its name the same way.
 */
export function endpointServiceOf(feature: BedrockFeature, fips = false): ec2.InterfaceVpcEndpointAwsService {
  const d = bedrockFeature(feature);
  const name = fips ? d.fipsServiceShortName : d.serviceShortName;
  if (!name) throw new Error(`${feature} has no FIPS endpoint`);
  return new ec2.InterfaceVpcEndpointAwsService(name);
}
