// Audit: CloudTrail with Bedrock data events, high-risk alerts, the alert topic, model invocation
// logging. Public API only: the log-archive rules and the alarm-name helper stay internal.
export { AlertTopic, AlertTopicBase, IMPORTED_ALERT_TOPIC_WARNING } from './alert-topic';
export type { AlertDestinationProps, AlertTopicAttributes, AlertTopicProps, IAlertTopic } from './alert-topic';
export { BedrockAuditTrail, BedrockAuditTrailBase, DEFAULT_AUDIT_OBJECT_LOCK_DAYS } from './bedrock-audit-trail';
export type { BedrockAuditTrailAttributes, BedrockAuditTrailProps, IBedrockAuditTrail } from './bedrock-audit-trail';
export { ALL_BEDROCK_DATA_EVENTS, BedrockDataEvents, DEFAULT_BEDROCK_DATA_EVENTS } from './bedrock-data-events';
export { ALL_HIGH_RISK_ACTIVITIES, automationActivityPattern, HIGH_RISK_EVENTS, HighRiskActivity, highRiskAlertPattern } from './high-risk-activity';
export type { AutomationExemption, HighRiskEventSelector } from './high-risk-activity';
export { HighRiskActivityAlerts } from './high-risk-activity-alerts';
export type { HighRiskActivityAlertsProps } from './high-risk-activity-alerts';
export { InvocationLoggingHandler } from './invocation-logging-handler';
export type { InvocationLoggingHandlerProps } from './invocation-logging-handler';
export type { LogArchiveProps } from './log-archive';
export { InvocationLogDestination, ModelInvocationLogging } from './model-invocation-logging';
export type { InvocationLogCloudWatchDestination, InvocationLoggingConfiguration, InvocationLogModalities, InvocationLogS3Destination, ModelInvocationLoggingProps } from './model-invocation-logging';
export { InvocationLoggingDriftRule } from './invocation-logging-drift-rule';
export type { InvocationLoggingDriftRuleProps } from './invocation-logging-drift-rule';
export { ModelAccessPreflight } from './model-access-preflight';
export type { ModelAccessPreflightProps } from './model-access-preflight';
export { PlatformConfigRules } from './platform-config-rules';
export type { PlatformConfigRulesProps } from './platform-config-rules';
