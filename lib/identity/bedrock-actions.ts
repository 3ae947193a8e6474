/*
 * Bedrock action groups shared by the personas and the enforcement policies. Names checked
 * against the Service Authorization Reference for Amazon Bedrock (there is no bedrock:Converse:
 * Converse and ConverseStream are authorized as InvokeModel and InvokeModelWithResponseStream).
 */

/** Model invocation, Converse included. */
export const INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

/** Every runtime action that sends prompts to a model or returns generated or retrieved data. */
export const DATA_PLANE_ACTIONS = [
  ...INVOKE_ACTIONS,
  'bedrock:ApplyGuardrail',
  'bedrock:Retrieve',
  'bedrock:RetrieveAndGenerate',
  'bedrock:InvokeAgent',
  'bedrock:InvokeInlineAgent',
  'bedrock:InvokeFlow',
  'bedrock:CreateModelInvocationJob',
  'bedrock:Rerank',
];

/** Actions that buy or change capacity, or switch invocation logging / account guardrails: operator only. */
export const GOVERNANCE_ACTIONS = [
  'bedrock:CreateProvisionedModelThroughput',
  'bedrock:UpdateProvisionedModelThroughput',
  'bedrock:DeleteProvisionedModelThroughput',
  'bedrock:PutModelInvocationLoggingConfiguration',
  'bedrock:DeleteModelInvocationLoggingConfiguration',
  'bedrock:PutEnforcedGuardrailConfiguration',
  'bedrock:DeleteEnforcedGuardrailConfiguration',
];
