import { App, Stack, Validations } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PlatformKey } from '../../lib/core';
import { BedrockAuditTrail, ModelInvocationLogging } from '../../lib/governance';
import { AccessLogsBucket } from '../../lib/data-protection';

/** Account and Regions of the example (AZ context for both is in cdk.json, so synth needs no credentials). */
const ACCOUNT = '123456789012';

/**
 * The audit records of a Bedrock platform account:
 * - `BedrockAudit` (us-east-1): a multi-Region trail with Bedrock data events, its log files
 *   locked for a year and kept seven, high-risk alerts by email, and model invocation logging
 *   (text, image, embedding) to CloudWatch Logs for three months and S3 for 400 days, with
 *   delivery-failure alarms on the same alert topic.
 * - `BedrockAuditAlertsOnly` (eu-west-1): a second Region of an account whose organization trail
 *   already records it; only the high-risk alerts are added there (EventBridge rules are regional).
 */
export function buildAuditExample(app: App): Stack[] {
  const primary = new Stack(app, 'BedrockAudit', {
    env: { account: ACCOUNT, region: 'us-east-1' },
    description: 'Bedrock platform audit: CloudTrail, high-risk alerts, model invocation logging',
  });
  const key = new PlatformKey(primary, 'Key');
  // One bucket for the server access logs of both log buckets.
  const accessLogs = new AccessLogsBucket(primary, 'AccessLogs').bucket;
  const audit = new BedrockAuditTrail(primary, 'AuditTrail', {
    encryptionKey: key.key,
    accessLogsBucket: accessLogs,
    alertEmails: ['security-team@example.com'],
    objectLockDays: 365,
    expireAfterDays: 2557,
  });
  const invocationLogging = new ModelInvocationLogging(primary, 'InvocationLogging', {
    encryptionKey: key.key,
    accessLogsBucket: accessLogs,
    alertTopic: audit.alerts?.alertTopic,
    modalities: { video: false, audio: false },
    logRetention: RetentionDays.THREE_MONTHS,
    expireAfterDays: 400,
  });
  if (invocationLogging.logGroup) {
    Validations.of(invocationLogging.logGroup).acknowledge({
      id: 'ControlTower::cloudwatch_log_group_retention_period_check',
      reason:
        'The log group is the searchable copy of prompts and responses: it is kept three months to limit who can read personal data for how long, while the full record is kept 400 days in the S3 bucket.',
    });
  }

  const secondRegion = new Stack(app, 'BedrockAuditAlertsOnly', {
    env: { account: ACCOUNT, region: 'eu-west-1' },
    description: 'Bedrock platform audit: high-risk alerts in a Region an organization trail already records',
  });
  new BedrockAuditTrail(secondRegion, 'Alerts', { createTrail: false, alertEmails: ['security-team@example.com'] });
  return [primary, secondRegion];
}
