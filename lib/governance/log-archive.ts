import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { requireIntegerInRange, requireOneOf } from '../core/validate';

/** How a log bucket ages its objects: colder storage, optional expiry, optional WORM lock. */
export interface LogArchiveProps {
  /**
   * Days after which log files move to S3 Glacier Flexible Retrieval (S3 requires at least 1).
   * @default 90
   */
  readonly archiveAfterDays?: number;
  /**
   * Days after which log files are deleted. Leave unset to keep them for good; when set, it must be
   * later than the archive transition and, with Object Lock, no shorter than the lock.
   * @default never expire
   */
  readonly expireAfterDays?: number;
  /**
   * Object Lock default retention in days (WORM); 0 for no Object Lock. Once on, Object Lock cannot
   * be turned off, and in COMPLIANCE mode nobody, root included, can delete a locked object early.
   * Decide before the first deployment: CloudFormation can only turn Object Lock on by creating a
   * new bucket (`ObjectLockEnabled` is create-only).
   * @default the construct's: 365 for the audit trail, 0 for invocation logs
   */
  readonly objectLockDays?: number;
  /**
   * Object Lock mode: GOVERNANCE lets principals with s3:BypassGovernanceRetention delete early;
   * COMPLIANCE lets nobody.
   * @default 'GOVERNANCE'
   */
  readonly objectLockMode?: 'GOVERNANCE' | 'COMPLIANCE';
}

/** The lifecycle rules and Object Lock retention that {@link LogArchiveProps} describe, validated. */
export function logArchive(
  scope: IConstruct,
  props: LogArchiveProps,
  defaultObjectLockDays = 0,
): { lifecycleRules: s3.LifecycleRule[]; objectLockRetention?: s3.ObjectLockRetention } {
  const archiveAfterDays = requireIntegerInRange(scope, 'archiveAfterDays', props.archiveAfterDays ?? 90, 1, 36500);
  const expireAfterDays = props.expireAfterDays === undefined ? undefined : requireIntegerInRange(scope, 'expireAfterDays', props.expireAfterDays, 1, 36500);
  const days = requireIntegerInRange(scope, 'objectLockDays', props.objectLockDays ?? defaultObjectLockDays, 0, 36500);
  const lockDays = days === 0 ? undefined : days;
  const mode = requireOneOf(scope, 'objectLockMode', props.objectLockMode ?? 'GOVERNANCE', ['GOVERNANCE', 'COMPLIANCE'] as const);
  if (expireAfterDays !== undefined && expireAfterDays <= archiveAfterDays) {
    throw new PlatformValidationError(scope, 'expireAfterDays', expireAfterDays, `Must be later than archiveAfterDays (${archiveAfterDays}), or unset to keep logs for good.`);
  }
  if (expireAfterDays !== undefined && lockDays !== undefined && expireAfterDays < lockDays) {
    throw new PlatformValidationError(scope, 'expireAfterDays', expireAfterDays, `Must be at least objectLockDays (${lockDays}): S3 cannot expire an object that is still locked.`);
  }
  const rule: s3.LifecycleRule = {
    id: 'ArchiveLogs',
    transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(archiveAfterDays) }],
    noncurrentVersionTransitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(archiveAfterDays) }],
    expiration: expireAfterDays === undefined ? undefined : Duration.days(expireAfterDays),
    noncurrentVersionExpiration: expireAfterDays === undefined ? undefined : Duration.days(expireAfterDays),
    abortIncompleteMultipartUploadAfter: Duration.days(7),
  };
  const objectLockRetention =
    lockDays === undefined ? undefined : mode === 'COMPLIANCE' ? s3.ObjectLockRetention.compliance(Duration.days(lockDays)) : s3.ObjectLockRetention.governance(Duration.days(lockDays));
  return { lifecycleRules: [rule], objectLockRetention };
}
