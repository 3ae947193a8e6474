// Monitoring: metric factories (BedrockMetrics, GuardrailMetrics), the alarm factory (BedrockAlarms),
// the dashboards (BedrockDashboard) and the construct composing them (BedrockMonitoring). Public API
// only: the input validation and the metric-math helpers stay internal.
export { BedrockAlarms } from './bedrock-alarms';
export type { BedrockAlarmsProps } from './bedrock-alarms';
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
