/**
 * Bedrock resource types whose data-plane calls CloudTrail logs as data events (not logged by
 * default, billed per event). Values are the `resources.type` names of CloudTrail's data-event
 * table. InvokeModel, Converse and their streaming forms are management events and need none
 * of these.
 */
export enum BedrockDataEvents {
  /** InvokeAgent on an agent alias. */
  AGENT_ALIAS = 'AWS::Bedrock::AgentAlias',
  /** InvokeInlineAgent. */
  INLINE_AGENT = 'AWS::Bedrock::InlineAgent',
  /** Retrieve and RetrieveAndGenerate on a knowledge base. */
  KNOWLEDGE_BASE = 'AWS::Bedrock::KnowledgeBase',
  /** InvokeFlow on a flow alias. */
  FLOW_ALIAS = 'AWS::Bedrock::FlowAlias',
  /** Flow execution calls. */
  FLOW_EXECUTION = 'AWS::Bedrock::FlowExecution',
  /** ApplyGuardrail on a guardrail. */
  GUARDRAIL = 'AWS::Bedrock::Guardrail',
  /** RenderPrompt on a prompt version. */
  PROMPT_VERSION = 'AWS::Bedrock::PromptVersion',
  /** Calls on models that are data events, e.g. InvokeModelWithBidirectionalStream. */
  MODEL = 'AWS::Bedrock::Model',
  /** StartAsyncInvoke and GetAsyncInvoke on asynchronous invocations. */
  ASYNC_INVOKE = 'AWS::Bedrock::AsyncInvoke',
  /** Session management calls (agent sessions). */
  SESSION = 'AWS::Bedrock::Session',
  /** Bedrock Tool calls. */
  TOOL = 'AWS::Bedrock::Tool',
  /** Automated Reasoning policy calls. */
  AUTOMATED_REASONING_POLICY = 'AWS::Bedrock::AutomatedReasoningPolicy',
  /** Automated Reasoning policy version calls. */
  AUTOMATED_REASONING_POLICY_VERSION = 'AWS::Bedrock::AutomatedReasoningPolicyVersion',
  /** Bedrock Data Automation project calls. */
  DATA_AUTOMATION_PROJECT = 'AWS::Bedrock::DataAutomationProject',
  /** Bedrock Data Automation invocations. */
  DATA_AUTOMATION_INVOCATION = 'AWS::Bedrock::DataAutomationInvocation',
  /** Bedrock Data Automation profile calls. */
  DATA_AUTOMATION_PROFILE = 'AWS::Bedrock::DataAutomationProfile',
  /** Bedrock Data Automation blueprint calls. */
  BLUEPRINT = 'AWS::Bedrock::Blueprint',
}

/**
 * The inference paths of the platform: agents, flows, knowledge bases, guardrails, prompts and
 * the model calls that are data events. The default of {@link BedrockAuditTrail}.
 */
export const DEFAULT_BEDROCK_DATA_EVENTS: readonly BedrockDataEvents[] = [
  BedrockDataEvents.AGENT_ALIAS,
  BedrockDataEvents.INLINE_AGENT,
  BedrockDataEvents.KNOWLEDGE_BASE,
  BedrockDataEvents.FLOW_ALIAS,
  BedrockDataEvents.FLOW_EXECUTION,
  BedrockDataEvents.GUARDRAIL,
  BedrockDataEvents.PROMPT_VERSION,
  BedrockDataEvents.MODEL,
  BedrockDataEvents.ASYNC_INVOKE,
  BedrockDataEvents.SESSION,
];

/** Every Bedrock data-event resource type CloudTrail documents. */
export const ALL_BEDROCK_DATA_EVENTS: readonly BedrockDataEvents[] = Object.values(BedrockDataEvents);
