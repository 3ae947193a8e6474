export * from './alert-topic';
export * from './bedrock-audit-trail';
export * from './bedrock-data-events';
export * from './high-risk-activity';
export * from './high-risk-activity-alerts';
export * from './invocation-logging-handler';
export * from './log-archive';
export * from './model-invocation-logging';
