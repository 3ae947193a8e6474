import { Names } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PLATFORM_AUDIT_ALARM_NAME_PREFIX } from '../identity/operator-policy';

/**
 * A unique name under the audit-alarm prefix for an alarm of `scope`: the operator persona's
 * policy denies changing or silencing alarms with that prefix. Alarms are not retained, so a
 * name derived from the construct path is safe to redeploy.
 */
export function auditAlarmName(scope: IConstruct, suffix: string): string {
  return `${PLATFORM_AUDIT_ALARM_NAME_PREFIX}${Names.uniqueResourceName(scope, { maxLength: 200, separator: '-' })}-${suffix}`;
}
