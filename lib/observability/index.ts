// Monitoring: metric factories (BedrockMetrics, GuardrailMetrics), the alarm factory (BedrockAlarms),
// the dashboards (BedrockDashboard) and the construct composing them (BedrockMonitoring). Public API
// only: the input validation and the metric-math helpers stay internal.
export { BedrockAlarms } from './bedrock-alarms';
export type { BedrockAlarmsProps } from './bedrock-alarms';
// EventBridge responses: the hook (AutomatedResponse), AWS Health events, the on-call response.
export { AutomatedResponse, EVENTBRIDGE_RETRY_LIMITS, ResponseCondition, ResponseTarget } from './automated-response';
export type { AutomatedResponseProps, ResponseDeliveryOptions } from './automated-response';
export { ALL_HEALTH_EVENT_CATEGORIES, BEDROCK_HEALTH_SERVICE, BedrockHealthEvents, HealthEventCategory } from './bedrock-health-events';
export type { BedrockHealthEventsProps } from './bedrock-health-events';
export { INCIDENT_SCHEMA, IncidentSeverity, OnCallIncidentResponse } from './on-call-incident-response';
export type { OnCallIncidentResponseProps } from './on-call-incident-response';
export {
  BEDROCK_SERVICE_NAME, BedrockBudget, BUDGET_CURRENCIES, DEFAULT_BUDGET_THRESHOLDS, MARKETPLACE_BILLING_ENTITY, MAX_BUDGET_EMAIL_SUBSCRIBERS, MAX_BUDGET_NOTIFICATIONS,
} from './bedrock-budget';
export type { ApplicationBudget, BedrockBudgetProps, BudgetThresholds } from './bedrock-budget';
export { BILLING_METRICS_REGION, BillingAlarm, BillingAlarmScope, BillingServiceName } from './billing-alarm';
export type { BillingAlarmProps } from './billing-alarm';
export { BedrockDashboard, DASHBOARD_LIMITS } from './bedrock-dashboard';
export type { BedrockDashboardProps } from './bedrock-dashboard';
export { BedrockMetrics, metricModelIdOf, QuotaUsageSource } from './bedrock-metrics';
export type { BedrockMetricsOptions } from './bedrock-metrics';
export { BedrockMonitoring } from './bedrock-monitoring';
export type { BedrockMonitoringProps } from './bedrock-monitoring';
export { GuardrailMetrics } from './guardrail-metrics';
export type { MonitoredGuardrail } from './guardrail-metrics';
export { DEFAULT_MODEL_PRICES, MODEL_PRICES_AS_OF } from './model-prices';
export type { ModelPrice } from './model-prices';
export { MAX_MONITORED_MODELS } from './monitoring-inputs';
export { AlarmSeverity, DEFAULT_MONITORING_THRESHOLDS } from './monitoring-thresholds';
export type { MonitoringThresholds, ResolvedThresholds, SeverityThresholds } from './monitoring-thresholds';
