/**
 * Public API of the construct library, named one by one: what is not listed here is internal, even
 * when its file exports it for the library's own use. Compliance tooling (cdk-nag packs, report
 * parsing, pre-deploy checks) is the separate entry point `bedrock-secure-platform/compliance`.
 * Each group below re-exports exactly what its folder's index exports (`npm run api:check` verifies
 * it); `api/bedrock-secure-platform.api.md` records this API, and `npm run api` updates it.
 *
 * @packageDocumentation
 * @module bedrock-secure-platform
 */

// Foundation: lib/core
export {
  ALL_GEOGRAPHIES, ALL_KEY_CONSUMERS, BedrockModel, BedrockModelKind, declareKeyNeeds, DEFAULT_TEXT_MODELS, INVOCABLE_MODEL_KINDS,
  GEOGRAPHY_REGIONS, geographyOfProfileId, GLOBAL_PROFILE_PREFIX, InferenceGeography, KEY_POLICY_WARNING, KeyConsumer,
  keyNeedsOf, modelInvocationResources, narrowestGeographyOf, PlatformKey, PlatformKeyBase, PlatformValidationError, SupportEndpoint,
} from './core';
export type {
  CrossRegionProfileOptions, FoundationModelOptions, IPlatformKey, IVpcEndpointConsumer, KeyNeed, ModelInvocationResources,
  ModelRequirements, PlatformKeyAttributes, PlatformKeyProps,
} from './core';

// Data protection: lib/data-protection
export { AccessLogsBucket, SecureBucket, SecureLogGroup, SecureTopic } from './data-protection';
export type { SecureBucketProps, SecureLogGroupProps, SecureTopicProps } from './data-protection';

// Identity: lib/identity
export {
  AttachablePolicy, BedrockAuditorPolicy, BedrockAuditorRole, BedrockBuilderPolicy, BedrockBuilderRole,
  BedrockEnforcement, BedrockEnforcementBase, BedrockInvokerPolicy, BedrockInvokerRole, BedrockOperatorPolicy, BedrockOperatorRole,
  PersonaRole, PersonaTrust, PLATFORM_ALARM_NAME_PREFIX, PLATFORM_AUDIT_ALARM_NAME_PREFIX, PLATFORM_SERVICE_ROLE_PATH,
  PlatformServiceRole, PrivatePathScope,
} from './identity';
export type {
  AccountTrustOptions, BedrockAuditorPolicyProps, BedrockAuditorRoleProps, BedrockBuilderPolicyProps,
  BedrockBuilderRoleProps, BedrockEnforcementAttributes, BedrockEnforcementProps, BedrockInvokerPolicyProps, BedrockInvokerRoleProps,
  BedrockOperatorPolicyProps, BedrockOperatorRoleProps, DataResidencyOptions, GuardrailReference, IBedrockEnforcement, OidcTrustOptions,
  PersonaAllow, PersonaRoleProps, PlatformServiceRoleProps, PrivatePathOptions, SamlTrustOptions, StatementJson,
} from './identity';

// Connection paths: lib/network
export {
  ALL_BEDROCK_FEATURES, BearerTokenAccess, BEDROCK_FEATURE_CATALOG, BedrockFeature, bedrockFeature,
  BedrockPrivateLink, BedrockPrivateLinkBase, DEFAULT_DIRECT_CONNECT_GATEWAY_ASN, DirectConnectPath, endpointServiceOf, featureActions,
  InboundDnsResolver, PublicPath, VpcFlowLog,
} from './network';
export type {
  BedrockFeatureDefinition, BedrockPrivateLinkAttributes, BedrockPrivateLinkProps, DirectConnectPathProps, DirectConnectVirtualInterfaceOptions,
  EndpointPrincipals, IBedrockPrivateLink, InboundDnsResolverProps, NewVpcProps, PublicPathProps, VpcFlowLogProps,
} from './network';

// Audit: lib/governance
export {
  AlertTopic, AlertTopicBase, BedrockAuditTrailBase, IMPORTED_ALERT_TOPIC_WARNING,
  ALL_BEDROCK_DATA_EVENTS, ALL_HIGH_RISK_ACTIVITIES, BedrockAuditTrail, BedrockDataEvents,
  DEFAULT_AUDIT_OBJECT_LOCK_DAYS, DEFAULT_BEDROCK_DATA_EVENTS, HIGH_RISK_EVENTS, HighRiskActivity,
  HighRiskActivityAlerts, InvocationLogDestination, InvocationLoggingHandler, ModelInvocationLogging,
} from './governance';
export type {
  AlertDestinationProps, AlertTopicAttributes, AlertTopicProps, BedrockAuditTrailAttributes, IAlertTopic, IBedrockAuditTrail,
  BedrockAuditTrailProps, HighRiskActivityAlertsProps, HighRiskEventSelector, InvocationLoggingHandlerProps,
  InvocationLogModalities, LogArchiveProps, ModelInvocationLoggingProps,
} from './governance';

// Monitoring: lib/observability
export {
  AlarmSeverity, BedrockAlarms, BedrockDashboard, BedrockMetrics, BedrockMonitoring, DASHBOARD_LIMITS, DEFAULT_MODEL_PRICES,
  DEFAULT_MONITORING_THRESHOLDS, GuardrailMetrics, MAX_MONITORED_MODELS, metricModelIdOf, MODEL_PRICES_AS_OF, QuotaUsageSource,
} from './observability';
export type {
  BedrockAlarmsProps, BedrockDashboardProps, BedrockMetricsOptions, BedrockMonitoringProps, ModelPrice, MonitoredGuardrail,
  MonitoringThresholds, ResolvedThresholds, SeverityThresholds,
} from './observability';

// The facade: lib/platform.ts
export { BedrockPlatform, DEFAULT_PRIVATE_FEATURES } from './platform';
export type { AuditedResources, BedrockPlatformProps, PlatformAccessProps, PlatformNetworkProps } from './platform';
