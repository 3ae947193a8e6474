import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { isToken, requireIntegerInRange, requireOneOf } from '../core/validate';

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
/** What {@link logArchive} returns: the settings of a new bucket, and what to finish on it once created. */
export interface LogArchive {
  readonly lifecycleRules: s3.LifecycleRule[];
  readonly objectLockRetention?: s3.ObjectLockRetention;
  /**
   * Sets on the created bucket what `s3.ObjectLockRetention` cannot carry: a retention that is a
   * token (a CfnParameter), which aws-cdk-lib's own check would read as about -1.888e+289 days.
   */
  finish(bucket: s3.IBucket): void;
}

export function logArchive(scope: IConstruct, props: LogArchiveProps, defaultObjectLockDays = 0): LogArchive {
  const archiveAfterDays = requireIntegerInRange(scope, 'archiveAfterDays', props.archiveAfterDays ?? 90, 1, 36500);
  const expireAfterDays = props.expireAfterDays === undefined ? undefined : requireIntegerInRange(scope, 'expireAfterDays', props.expireAfterDays, 1, 36500);
  const days = requireIntegerInRange(scope, 'objectLockDays', props.objectLockDays ?? defaultObjectLockDays, 0, 36500);
  const lockDays = days === 0 ? undefined : days;
  const mode = requireOneOf(scope, 'objectLockMode', props.objectLockMode ?? 'GOVERNANCE', ['GOVERNANCE', 'COMPLIANCE'] as const);
  // Comparisons need both numbers: a token is compared by CloudFormation and S3 at deploy time.
  const known = (n: number | undefined): n is number => n !== undefined && !isToken(n);
  if (known(expireAfterDays) && known(archiveAfterDays) && expireAfterDays <= archiveAfterDays) {
    throw new PlatformValidationError(scope, 'expireAfterDays', expireAfterDays, `Must be later than archiveAfterDays (${archiveAfterDays}), or unset to keep logs for good.`);
  }
  if (known(expireAfterDays) && known(lockDays) && expireAfterDays < lockDays) {
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
  // A token retention: a 1-day placeholder that `finish` replaces with the token in the template.
  const retentionDays = lockDays === undefined ? undefined : isToken(lockDays) ? 1 : lockDays;
  const objectLockRetention =
    retentionDays === undefined ? undefined : mode === 'COMPLIANCE' ? s3.ObjectLockRetention.compliance(Duration.days(retentionDays)) : s3.ObjectLockRetention.governance(Duration.days(retentionDays));
  const finish = (bucket: s3.IBucket) => {
    const cfn = bucket.node.defaultChild;
    if (lockDays !== undefined && isToken(lockDays) && cfn instanceof s3.CfnBucket) cfn.addPropertyOverride('ObjectLockConfiguration.Rule.DefaultRetention.Days', lockDays);
  };
  return { lifecycleRules: [rule], objectLockRetention, finish };
}

/** Read access to a log bucket's objects (the actions of CDK's `grantRead`, without its unconditioned key statement). */
export function grantReadObjects(grantee: iam.IGrantable, bucket: s3.IBucket): iam.Grant {
  return iam.Grant.addToPrincipalOrResource({
    grantee,
    actions: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
    resourceArns: [bucket.bucketArn, bucket.arnForObjects('*')],
    resource: bucket,
  });
}

/**
 * kms:Decrypt on `keys` (each once), usable only when `services` call KMS for the grantee
 * (`kms:ViaService`): the reader decrypts what S3 or CloudWatch Logs hands it, never calls KMS
 * with the key directly. Undefined when no key is known.
 */
export function grantDecryptThrough(scope: IConstruct, grantee: iam.IGrantable, keys: readonly (kms.IKey | undefined)[], services: readonly ('s3' | 'logs')[]): iam.Grant | undefined {
  const arns = [...new Set(keys.filter((k): k is kms.IKey => k !== undefined).map((k) => k.keyArn))];
  if (arns.length === 0 || services.length === 0) return undefined;
  const region = Stack.of(scope).region;
  const via = [...new Set(services)].map((service) => `${service}.${region}.amazonaws.com`);
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['kms:Decrypt'],
    resourceArns: arns,
    conditions: { StringEquals: { 'kms:ViaService': via.length === 1 ? via[0] : via } },
  });
}
