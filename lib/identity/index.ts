// Identity constructs of the platform: persona policies and roles, federation trust,
// enforcement switches and their Service Control Policy. Public API only: action lists, ARN
// patterns, statement builders and guardrail validation stay internal (imported by path).
export { AttachablePolicy } from './attachable-policy';
export type { PersonaAllow } from './attachable-policy';
export { BedrockAuditorPolicy } from './auditor-policy';
export type { BedrockAuditorPolicyProps } from './auditor-policy';
export { BedrockAuditorRole } from './auditor-role';
export type { BedrockAuditorRoleProps } from './auditor-role';
export { BedrockEnforcement, BedrockEnforcementBase } from './bedrock-enforcement';
export type { BedrockEnforcementAttributes, BedrockEnforcementProps, DataResidencyOptions, IBedrockEnforcement, PrivatePathOptions } from './bedrock-enforcement';
export { BedrockBuilderPolicy } from './builder-policy';
export type { BedrockBuilderPolicyProps } from './builder-policy';
export { BedrockBuilderRole } from './builder-role';
export type { BedrockBuilderRoleProps } from './builder-role';
export { PrivatePathScope } from './enforcement-statements';
export type { StatementJson } from './enforcement-statements';
export type { GuardrailReference } from './guardrail-reference';
export { BedrockInvokerPolicy } from './invoker-policy';
export type { BedrockInvokerPolicyProps } from './invoker-policy';
export { BedrockInvokerRole } from './invoker-role';
export type { BedrockInvokerRoleProps } from './invoker-role';
export { BedrockOperatorPolicy, PLATFORM_ALARM_NAME_PREFIX, PLATFORM_AUDIT_ALARM_NAME_PREFIX } from './operator-policy';
export type { BedrockOperatorPolicyProps } from './operator-policy';
export { BedrockOperatorRole } from './operator-role';
export type { BedrockOperatorRoleProps } from './operator-role';
export { PersonaRole } from './persona-role';
export type { PersonaRoleProps } from './persona-role';
export { PersonaTrust } from './persona-trust';
export type { AccountTrustOptions, OidcTrustOptions, SamlTrustOptions } from './persona-trust';
export { PLATFORM_SERVICE_ROLE_PATH, PlatformServiceRole } from './platform-service-role';
export type { PlatformServiceRoleProps } from './platform-service-role';
