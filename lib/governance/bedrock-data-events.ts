/**
 * Bedrock resource types whose data-plane calls CloudTrail logs as data events (not logged by
 * default, billed per event). Values are the `resources.type` names of CloudTrail's data-event
 * table; CloudTrail rejects a selector naming a type the table does not list, so nothing is added
 * here from other sources. InvokeModel, Converse and their streaming forms on `bedrock-runtime`
 * are management events and need none of these.
 *
 * Source: "Data events supported by AWS CloudTrail",
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
 * (every `AWS::Bedrock::*`, `AWS::BedrockAgentCore::*`, `AWS::BedrockMantle::*` and
 * `AWS::BedrockWebSearch::*` row), checked 2026-12-03.
 */
export enum BedrockDataEvents {
  /** Advanced prompt optimization jobs. */
  ADVANCED_OPTIMIZE_PROMPT_JOB = 'AWS::Bedrock::AdvancedOptimizePromptJob',
  /** InvokeAgent on an agent alias. */
  AGENT_ALIAS = 'AWS::Bedrock::AgentAlias',
  /** Asynchronous invocations (StartAsyncInvoke, GetAsyncInvoke). */
  ASYNC_INVOKE = 'AWS::Bedrock::AsyncInvoke',
  /** Calls on an Automated Reasoning policy. */
  AUTOMATED_REASONING_POLICY = 'AWS::Bedrock::AutomatedReasoningPolicy',
  /** Calls on an Automated Reasoning policy version. */
  AUTOMATED_REASONING_POLICY_VERSION = 'AWS::Bedrock::AutomatedReasoningPolicyVersion',
  /** Bedrock Data Automation blueprint calls. */
  BLUEPRINT = 'AWS::Bedrock::Blueprint',
  /** Bedrock Data Automation invocations. */
  DATA_AUTOMATION_INVOCATION = 'AWS::Bedrock::DataAutomationInvocation',
  /** Bedrock Data Automation profile calls. */
  DATA_AUTOMATION_PROFILE = 'AWS::Bedrock::DataAutomationProfile',
  /** Bedrock Data Automation project calls. */
  DATA_AUTOMATION_PROJECT = 'AWS::Bedrock::DataAutomationProject',
  /** InvokeFlow on a flow alias. */
  FLOW_ALIAS = 'AWS::Bedrock::FlowAlias',
  /** Calls on flow executions. */
  FLOW_EXECUTION = 'AWS::Bedrock::FlowExecution',
  /** ApplyGuardrail on a guardrail. */
  GUARDRAIL = 'AWS::Bedrock::Guardrail',
  /** InvokeInlineAgent. */
  INLINE_AGENT = 'AWS::Bedrock::InlineAgent',
  /** Retrieve and RetrieveAndGenerate on a knowledge base. */
  KNOWLEDGE_BASE = 'AWS::Bedrock::KnowledgeBase',
  /** Calls on models that are data events, e.g. InvokeModelWithBidirectionalStream. */
  MODEL = 'AWS::Bedrock::Model',
  /** Calls on a prompt version (the table's "Bedrock prompt"). */
  PROMPT_VERSION = 'AWS::Bedrock::PromptVersion',
  /** Calls on agent sessions. */
  SESSION = 'AWS::Bedrock::Session',
  /** Bedrock Tool calls. */
  TOOL = 'AWS::Bedrock::Tool',

  /** AgentCore A/B tests. */
  AGENTCORE_AB_TEST = 'AWS::BedrockAgentCore::ABTest',
  /** AgentCore Identity API-key credential providers. */
  AGENTCORE_API_KEY_CREDENTIAL_PROVIDER = 'AWS::BedrockAgentCore::APIKeyCredentialProvider',
  /** AgentCore batch evaluations. */
  AGENTCORE_BATCH_EVALUATE = 'AWS::BedrockAgentCore::BatchEvaluate',
  /** AgentCore's built-in Browser. */
  AGENTCORE_BROWSER = 'AWS::BedrockAgentCore::Browser',
  /** AgentCore custom browsers. */
  AGENTCORE_BROWSER_CUSTOM = 'AWS::BedrockAgentCore::BrowserCustom',
  /** AgentCore browser profiles. */
  AGENTCORE_BROWSER_PROFILE = 'AWS::BedrockAgentCore::BrowserProfile',
  /** AgentCore capacity providers. */
  AGENTCORE_CAPACITY_PROVIDER = 'AWS::BedrockAgentCore::CapacityProvider',
  /** AgentCore's built-in Code Interpreter. */
  AGENTCORE_CODE_INTERPRETER = 'AWS::BedrockAgentCore::CodeInterpreter',
  /** AgentCore custom code interpreters. */
  AGENTCORE_CODE_INTERPRETER_CUSTOM = 'AWS::BedrockAgentCore::CodeInterpreterCustom',
  /** AgentCore evaluators. */
  AGENTCORE_EVALUATOR = 'AWS::BedrockAgentCore::Evaluator',
  /** AgentCore gateways (tool calls through a gateway). */
  AGENTCORE_GATEWAY = 'AWS::BedrockAgentCore::Gateway',
  /** AgentCore memory. */
  AGENTCORE_MEMORY = 'AWS::BedrockAgentCore::Memory',
  /** AgentCore Identity OAuth2 credential providers. */
  AGENTCORE_OAUTH2_CREDENTIAL_PROVIDER = 'AWS::BedrockAgentCore::OAuth2CredentialProvider',
  /** AgentCore payments. */
  AGENTCORE_PAYMENTS = 'AWS::BedrockAgentCore::Payments',
  /** AgentCore policies. */
  AGENTCORE_POLICY = 'AWS::BedrockAgentCore::Policy',
  /** AgentCore policy engines. */
  AGENTCORE_POLICY_ENGINE = 'AWS::BedrockAgentCore::PolicyEngine',
  /** AgentCore recommendations. */
  AGENTCORE_RECOMMENDATION = 'AWS::BedrockAgentCore::Recommendation',
  /** AgentCore registries. */
  AGENTCORE_REGISTRY = 'AWS::BedrockAgentCore::Registry',
  /** AgentCore runtimes (agent invocations). */
  AGENTCORE_RUNTIME = 'AWS::BedrockAgentCore::Runtime',
  /** AgentCore runtime endpoints. */
  AGENTCORE_RUNTIME_ENDPOINT = 'AWS::BedrockAgentCore::RuntimeEndpoint',
  /** AgentCore Identity token vaults. */
  AGENTCORE_TOKEN_VAULT = 'AWS::BedrockAgentCore::TokenVault',
  /** AgentCore workload identities. */
  AGENTCORE_WORKLOAD_IDENTITY = 'AWS::BedrockAgentCore::WorkloadIdentity',
  /** AgentCore workload identity directories. */
  AGENTCORE_WORKLOAD_IDENTITY_DIRECTORY = 'AWS::BedrockAgentCore::WorkloadIdentityDirectory',

  /** Projects of the OpenAI-compatible `bedrock-mantle` endpoint, where inference itself is a data event. */
  MANTLE_PROJECT = 'AWS::BedrockMantle::Project',
  /** The Bedrock web search tool. */
  WEB_SEARCH_TOOL = 'AWS::BedrockWebSearch::Tool',
}

/** Every Bedrock data-event resource type CloudTrail documents. */
export const ALL_BEDROCK_DATA_EVENTS: readonly BedrockDataEvents[] = Object.values(BedrockDataEvents);

/**
 * The default of {@link BedrockAuditTrail}: every type, so no Bedrock data plane (agents, flows,
 * knowledge bases, guardrails, AgentCore, the `bedrock-mantle` endpoint) escapes the audit.
 * Choose a subset with `bedrockDataEvents` to cut the per-event cost.
 */
export const DEFAULT_BEDROCK_DATA_EVENTS: readonly BedrockDataEvents[] = ALL_BEDROCK_DATA_EVENTS;
