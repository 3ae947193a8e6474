/**
 * Control-plane calls that weaken the platform's audit or safety posture, or commit money: each
 * one deserves a human look. They arrive in EventBridge as "AWS API Call via CloudTrail" events
 * (management, write), which needs a trail logging management events in the account and Region:
 * a {@link BedrockAuditTrail} or an organization trail.
 */
export enum HighRiskActivity {
  /** Model invocation logging configuration replaced or deleted: prompts may stop being recorded. */
  INVOCATION_LOGGING_CHANGES = 'invocation-logging',
  /** Provisioned throughput bought or deleted: commitments cost thousands per month. */
  PROVISIONED_THROUGHPUT_CHANGES = 'provisioned-throughput',
  /** Guardrail updated or deleted, or the account's enforced guardrail changed: safety filters weakened. */
  GUARDRAIL_CHANGES = 'guardrails',
  /** A KMS key disabled or scheduled for deletion: everything it encrypts becomes unreadable. */
  KEY_DISABLEMENT = 'key-disablement',
  /** CloudTrail stopped, deleted or reconfigured: the audit record itself is at stake. */
  AUDIT_TRAIL_TAMPERING = 'audit-trail',
}

/** Every activity: the default of {@link HighRiskActivityAlerts}. */
export const ALL_HIGH_RISK_ACTIVITIES: readonly HighRiskActivity[] = Object.values(HighRiskActivity);

/** The CloudTrail events of one activity. */
export interface HighRiskEventSelector {
  /** EventBridge `source`, e.g. `aws.bedrock`. */
  readonly source: string;
  /** CloudTrail `eventSource`, e.g. `bedrock.amazonaws.com`. */
  readonly eventSource: string;
  /** CloudTrail `eventName` values (API operation names). */
  readonly eventNames: readonly string[];
  /** One line for the alert: what happened and why it matters. */
  readonly summary: string;
}

/**
 * What each activity matches. Operation names are those of the services' API references; sources
 * and event sources are those of the EventBridge events reference for CloudTrail-delivered events
 * (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-bedrock.html, and the kms and
 * cloudtrail pages beside it).
 */
export const HIGH_RISK_EVENTS: Readonly<Record<HighRiskActivity, HighRiskEventSelector>> = {
  [HighRiskActivity.INVOCATION_LOGGING_CHANGES]: {
    source: 'aws.bedrock',
    eventSource: 'bedrock.amazonaws.com',
    eventNames: ['PutModelInvocationLoggingConfiguration', 'DeleteModelInvocationLoggingConfiguration'],
    summary:
      'Bedrock model invocation logging was changed or deleted: the audit of prompts and responses may be off in this account and Region. ' +
      'Check the configuration now (GetModelInvocationLoggingConfiguration) against requestParameters; a failed attempt shows an errorCode.',
  },
  [HighRiskActivity.PROVISIONED_THROUGHPUT_CHANGES]: {
    source: 'aws.bedrock',
    eventSource: 'bedrock.amazonaws.com',
    eventNames: ['CreateProvisionedModelThroughput', 'DeleteProvisionedModelThroughput'],
    summary: 'Bedrock provisioned throughput was bought or deleted: check the commitment and its cost.',
  },
  [HighRiskActivity.GUARDRAIL_CHANGES]: {
    source: 'aws.bedrock',
    eventSource: 'bedrock.amazonaws.com',
    eventNames: ['UpdateGuardrail', 'DeleteGuardrail', 'PutEnforcedGuardrailConfiguration', 'DeleteEnforcedGuardrailConfiguration'],
    summary: 'A Bedrock guardrail or the account\'s enforced guardrail was changed or deleted: safety filtering may be weaker.',
  },
  [HighRiskActivity.KEY_DISABLEMENT]: {
    source: 'aws.kms',
    eventSource: 'kms.amazonaws.com',
    eventNames: ['DisableKey', 'ScheduleKeyDeletion'],
    summary: 'A KMS key was disabled or scheduled for deletion: data it encrypts will become unreadable (cancel within the waiting period).',
  },
  [HighRiskActivity.AUDIT_TRAIL_TAMPERING]: {
    source: 'aws.cloudtrail',
    eventSource: 'cloudtrail.amazonaws.com',
    eventNames: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'],
    summary: 'A CloudTrail trail was stopped, deleted or reconfigured: the audit record may have gaps.',
  },
};
