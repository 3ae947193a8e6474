// Foundation used by every layer: the platform key, the validation error, and what in-VPC functions
// need to reach. Public API only: validation helpers, prebuilt-bundle helpers, endpoint metadata and
// the wildcard acknowledgement stay internal (the library's own files import them by path).
export { ALL_KEY_CONSUMERS, KeyConsumer, PlatformKey, PlatformKeyBase } from './platform-key';
export type { IPlatformKey, PlatformKeyAttributes, PlatformKeyProps } from './platform-key';
export { PlatformValidationError } from './errors';
export { SupportEndpoint } from './endpoint-needs';
export type { IVpcEndpointConsumer } from './endpoint-needs';
// The one model reference: what endpoint policies, persona and enforcement policies and the facade
// take, and the geography table of cross-Region inference profiles both sides read.
export { BedrockModel, BedrockModelKind, DEFAULT_TEXT_MODELS, INVOCABLE_MODEL_KINDS, modelInvocationResources } from './bedrock-model';
export type { CrossRegionProfileOptions, FoundationModelOptions, ModelInvocationResources, ModelRequirements } from './bedrock-model';
export { ALL_GEOGRAPHIES, GEOGRAPHY_REGIONS, GLOBAL_PROFILE_PREFIX, InferenceGeography, geographyOfProfileId, narrowestGeographyOf } from './inference-geographies';
// What each construct needs a key's policy to admit, declared like its endpoint needs.
export { declareKeyNeeds, keyNeedsOf, KEY_POLICY_WARNING } from './key-needs';
export type { KeyNeed } from './key-needs';
