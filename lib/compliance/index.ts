/**
 * Compliance tooling: the cdk-nag packs and Control Tower rules, report parsing, pre-deploy checks
 * and the fixed-cost estimate. Import from `bedrock-secure-platform/compliance`; it needs cdk-nag
 * (and `@cdklabs/cdk-validator-cfnguard` for the Control Tower rules), which the constructs do not.
 * Public API only: the individual pre-deploy checks and the policy-document readers stay internal.
 *
 * @packageDocumentation
 * @module bedrock-secure-platform/compliance
 */
export { BedrockPlatformChecks } from './bedrock-platform-checks';
export { COMPLIANCE_PACK_NAMES, addCompliancePacks, compliancePacks } from './packs';
export type { CompliancePackOptions } from './packs';
export { ControlTowerChecks } from './control-tower-checks';
export type { ControlTowerChecksProps } from './control-tower-checks';
export { deployProblems } from './deploy-checks';
export type { DeployProblem, TemplateJson, TemplateResource } from './deploy-checks';
export { readComplianceSummary } from './report';
export type { ComplianceAcknowledgement, ComplianceFinding, ComplianceSummary } from './report';
export { kmsKeyPolicyNoPublicPrincipal } from './rules/kms-key-policy-no-public-principal';
export { kmsKeyPolicyServicePrincipalScoped } from './rules/kms-key-policy-service-principal-scoped';
export { iamNoBedrockWildcardAction } from './rules/iam-no-bedrock-wildcard-action';
export { estimateFixedMonthlyCost } from './cost-estimate';
export type { CostEstimate, CostLine } from './cost-estimate';
