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

/**
 * Calls an automation makes on purpose (e.g. the ThroughputScaler buying and deleting no-commitment
 * throughput): reported as information, not as a high-risk alert. Matched on the IAM role the
 * automation runs as: CloudTrail's `userIdentity.sessionContext.sessionIssuer.arn`.
 */
export interface AutomationExemption {
  /** ARN of the role (`arn:aws:iam::<account>:role/<path><name>`), as CloudTrail records the session issuer. */
  readonly roleArn: string;
  /** CloudTrail `eventName` values exempted for that role. */
  readonly eventNames: readonly string[];
}

/** The CloudTrail path of the role a call was made with. */
const SESSION_ISSUER = (value: unknown) => ({ userIdentity: { sessionContext: { sessionIssuer: { arn: value } } } });

/** Event names of `selector` grouped by the exempted roles that made them (no role: not exempted). */
function exemptionGroups(selector: HighRiskEventSelector, exemptions: readonly AutomationExemption[]): Array<{ roles: string[]; names: string[] }> {
  const groups = new Map<string, { roles: string[]; names: string[] }>();
  for (const name of selector.eventNames) {
    const roles = [...new Set(exemptions.filter((e) => e.eventNames.includes(name)).map((e) => e.roleArn))];
    const key = JSON.stringify(roles);
    const group = groups.get(key) ?? { roles, names: [] };
    group.names.push(name);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** A `detail` pattern: one branch inline, several in `$or`. */
function detailOf(eventSource: string, branches: Array<Record<string, unknown>>): Record<string, unknown> {
  return branches.length === 1 ? { eventSource: [eventSource], ...branches[0] } : { eventSource: [eventSource], $or: branches };
}

/**
 * The EventBridge pattern (CloudFormation JSON) of the alert rule of `selector`: every call, except
 * the exempted event names made by an exempted role. A call with no session issuer at all (an IAM
 * user, the root user) still alerts: `anything-but` alone matches only events that have the field,
 * so a second branch matches those where it does not exist.
 */
export function highRiskAlertPattern(selector: HighRiskEventSelector, exemptions: readonly AutomationExemption[] = []): Record<string, unknown> {
  const branches = exemptionGroups(selector, exemptions).flatMap(({ roles, names }) =>
    roles.length === 0
      ? [{ eventName: names }]
      : [{ eventName: names, ...SESSION_ISSUER([{ 'anything-but': roles }]) }, { eventName: names, ...SESSION_ISSUER([{ exists: false }]) }],
  );
  return { 'source': [selector.source], 'detail-type': ['AWS API Call via CloudTrail'], 'detail': detailOf(selector.eventSource, branches) };
}

/** The pattern of the exempted calls themselves (reported as information), or undefined when none of `selector`'s calls is exempted. */
export function automationActivityPattern(selector: HighRiskEventSelector, exemptions: readonly AutomationExemption[]): Record<string, unknown> | undefined {
  const branches = exemptionGroups(selector, exemptions)
    .filter((g) => g.roles.length > 0)
    .map(({ roles, names }) => ({ eventName: names, ...SESSION_ISSUER(roles) }));
  if (branches.length === 0) return undefined;
  return { 'source': [selector.source], 'detail-type': ['AWS API Call via CloudTrail'], 'detail': detailOf(selector.eventSource, branches) };
}
