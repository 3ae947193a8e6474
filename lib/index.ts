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
  InvocationLoggingDriftRule, ModelAccessPreflight, PlatformConfigRules,
  automationActivityPattern, highRiskAlertPattern,
} from './governance';
export type {
  AlertDestinationProps, AlertTopicAttributes, AlertTopicProps, BedrockAuditTrailAttributes, IAlertTopic, IBedrockAuditTrail,
  BedrockAuditTrailProps, HighRiskActivityAlertsProps, HighRiskEventSelector, InvocationLoggingHandlerProps, AutomationExemption,
  InvocationLogModalities, LogArchiveProps, ModelInvocationLoggingProps,
  InvocationLogCloudWatchDestination, InvocationLoggingConfiguration, InvocationLoggingDriftRuleProps, InvocationLogS3Destination, ModelAccessPreflightProps, PlatformConfigRulesProps,
} from './governance';

// Monitoring: lib/observability
export {
  AlarmSeverity, BedrockAlarms, BedrockDashboard, BedrockMetrics, BedrockMonitoring, DASHBOARD_LIMITS, DEFAULT_MODEL_PRICES,
  DEFAULT_MONITORING_THRESHOLDS, GuardrailMetrics, MAX_MONITORED_MODELS, metricModelIdOf, MODEL_PRICES_AS_OF, QuotaUsageSource,
  ALL_HEALTH_EVENT_CATEGORIES, AutomatedResponse, BEDROCK_HEALTH_SERVICE, BedrockHealthEvents, EVENTBRIDGE_RETRY_LIMITS, HealthEventCategory, INCIDENT_SCHEMA,
  IncidentSeverity, OnCallIncidentResponse, ResponseCondition, ResponseTarget,
  BEDROCK_SERVICE_NAME, BedrockBudget, BUDGET_CURRENCIES, DEFAULT_BUDGET_THRESHOLDS, MARKETPLACE_BILLING_ENTITY, MAX_BUDGET_EMAIL_SUBSCRIBERS, MAX_BUDGET_NOTIFICATIONS,
  BILLING_METRICS_REGION, BillingAlarm, BillingAlarmScope, BillingServiceName,
} from './observability';
export type {
  BedrockAlarmsProps, BedrockDashboardProps, BedrockMetricsOptions, BedrockMonitoringProps, ModelPrice, MonitoredGuardrail,
  MonitoringThresholds, ResolvedThresholds, SeverityThresholds,
  AutomatedResponseProps, BedrockHealthEventsProps, OnCallIncidentResponseProps, ResponseDeliveryOptions,
  ApplicationBudget, BedrockBudgetProps, BudgetThresholds, BillingAlarmProps,
} from './observability';

// Guardrails: lib/guardrails
export {
  AccountGuardrailEnforcement, ContentFilterType, ContextualGroundingType, FilterStrength, GUARDRAIL_LIMITS, GuardrailAction, GuardrailModality,
  GuardrailPresets, GuardrailTier, ManagedWordList, PiiEntityType, PolicyGuardrail, PolicyGuardrailBase, SelectiveGuardingMode,
  SensitiveInformationAction,
} from './guardrails';
export type {
  AccountGuardrailEnforcementProps, ContentFilter, ContextualGroundingFilter, DeniedTopic, DirectionalOptions, GuardrailPolicies,
  IPolicyGuardrail, ManagedWordListFilter, PiiEntity, PolicyGuardrailAttributes, PolicyGuardrailProps, RegexFilter,
  SensitiveInformationOptions, WordFilter,
} from './guardrails';

// Knowledge bases: lib/knowledge
export {
  ALL_DISTANCE_METRICS, BEDROCK_NON_FILTERABLE_METADATA_KEYS, ChunkingStrategy, ChunkingStrategyType, EmbeddingModel, KNOWLEDGE_BASE_METRICS_NAMESPACE,
  KNOWLEDGE_BASE_VECTOR_ACTIONS, S3VectorStore, S3VectorStoreBase, SecureKnowledgeBase, SecureKnowledgeBaseBase, VectorDistanceMetric,
} from './knowledge';
export type {
  CustomEmbeddingModelOptions, FixedSizeChunkingOptions, HierarchicalChunkingOptions, IS3VectorStore, ISecureKnowledgeBase, S3VectorStoreAttributes,
  S3VectorStoreProps, SecureKnowledgeBaseAttributes, SecureKnowledgeBaseProps, SemanticChunkingOptions, TitanTextV2Dimensions,
} from './knowledge';

// Provisioned throughput: lib/throughput
export { COMMITTED_THROUGHPUT_WARNING, MAX_MODEL_UNITS, PROVISIONED_THROUGHPUT_TOTAL_TIMEOUT, ProvisionedThroughput, ProvisionedThroughputProvider, ThroughputCommitment } from './throughput';
export type { IProvisionedThroughput, ProvisionedThroughputAttributes, ProvisionedThroughputNetwork, ProvisionedThroughputProps } from './throughput';
export { IdleProvisionedThroughputAlarm, MAX_POOL_THROUGHPUTS, THROUGHPUT_POOL_CHANGED, THROUGHPUT_POOL_EVENT_SOURCE, THROUGHPUT_POOL_TAG, THROUGHPUT_SCALER_NAMESPACE, ThroughputScaler } from './throughput';
export type { IdleProvisionedThroughputAlarmProps, ScheduledFloor, ThroughputScalerProps } from './throughput';

// Multi-account rollout: lib/rollout
export {
  BaselineStackSet, BedrockServiceControlPolicy, ORGANIZATION_TARGET_PATTERN, PlatformBaselineStack, RegionConcurrency, STACK_SET_TEMPLATE_BODY_MAX_BYTES,
  STACK_SET_TEMPLATE_URL_MAX_BYTES, StackSetCallAs, StackSetSynthesizer, StackSetTemplateDelivery,
} from './rollout';
export type {
  BaselineStackSetProps, BedrockServiceControlPolicyProps, PlatformBaselineStackProps, StackSetOperationPreferences, StackSetSynthesizerProps,
} from './rollout';

// The facade: lib/platform.ts
export { BedrockPlatform, DEFAULT_PRIVATE_FEATURES } from './platform';
export type { AuditedResources, BedrockPlatformProps, PlatformAccessProps, PlatformNetworkProps } from './platform';
