// Identity and data-protection constructs of the platform: persona policies and roles, federation
// trust, model targets, enforcement switches and their Service Control Policy.
export * from './attachable-policy';
export * from './auditor-policy';
export * from './auditor-role';
export * from './bedrock-actions';
export * from './bedrock-enforcement';
export * from './builder-policy';
export * from './builder-role';
export { PrivatePathScope } from './enforcement-statements';
export * from './guardrail-reference';
export * from './inference-geographies';
export * from './invoker-policy';
export * from './invoker-role';
export * from './model-target';
export * from './operator-policy';
export * from './operator-role';
export * from './persona-role';
export * from './persona-trust';
export * from './platform-service-role';
