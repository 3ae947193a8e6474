// Guardrails: the policy guardrail with its pinned version, its presets, and the opt-in account-wide
// enforcement. Validation helpers and renderers stay internal (imported by path).
export { AccountGuardrailEnforcement, SelectiveGuardingMode } from './account-guardrail-enforcement';
export type { AccountGuardrailEnforcementProps } from './account-guardrail-enforcement';
export {
  ContentFilterType, ContextualGroundingType, FilterStrength, GUARDRAIL_LIMITS, GuardrailAction, GuardrailModality, GuardrailTier,
  ManagedWordList, PiiEntityType, SensitiveInformationAction,
} from './guardrail-policies';
export type {
  ContentFilter, ContextualGroundingFilter, DeniedTopic, DirectionalOptions, GuardrailPolicies, ManagedWordListFilter, PiiEntity,
  RegexFilter, SensitiveInformationOptions, WordFilter,
} from './guardrail-policies';
export { GuardrailPresets } from './guardrail-presets';
export { PolicyGuardrail, PolicyGuardrailBase } from './policy-guardrail';
export type { IPolicyGuardrail, PolicyGuardrailAttributes, PolicyGuardrailProps } from './policy-guardrail';
