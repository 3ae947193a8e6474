// Rolling the platform out to many accounts and Regions: CloudFormation StackSets for the account-wide
// baseline, an Organizations SCP for the enforcement. (The CDK Pipelines path is an example app:
// examples/multi-account-pipeline.)
export {
  BaselineStackSet, ORGANIZATION_TARGET_PATTERN, RegionConcurrency, STACK_SET_TEMPLATE_BODY_MAX_BYTES, STACK_SET_TEMPLATE_URL_MAX_BYTES, StackSetCallAs,
  StackSetTemplateDelivery,
} from './baseline-stack-set';
export type { BaselineStackSetProps, StackSetOperationPreferences } from './baseline-stack-set';
export { BedrockServiceControlPolicy } from './bedrock-service-control-policy';
export type { BedrockServiceControlPolicyProps } from './bedrock-service-control-policy';
export { PlatformBaselineStack } from './platform-baseline-stack';
export type { PlatformBaselineStackProps } from './platform-baseline-stack';
export { StackSetSynthesizer } from './stack-set-synthesizer';
export type { StackSetSynthesizerProps } from './stack-set-synthesizer';
