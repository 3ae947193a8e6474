// Compliance tooling: cdk-nag packs and report parsing. Import from 'bedrock-secure-platform/compliance';
// it needs cdk-nag, which the constructs themselves do not.
export * from './bedrock-platform-checks';
export * from './packs';
export * from './control-tower-checks';
export * from './deploy-checks';
export * from './report';
export * from './policy-document';
export { kmsKeyPolicyNoPublicPrincipal } from './rules/kms-key-policy-no-public-principal';
export { kmsKeyPolicyServicePrincipalScoped } from './rules/kms-key-policy-service-principal-scoped';
export { iamNoBedrockWildcardAction } from './rules/iam-no-bedrock-wildcard-action';
export * from './cost-estimate';
