/** What "encrypted" must mean for a template. */
export interface DataProtectionOptions {
  /** Logical ID of the platform key: every KMS-encrypted resource must use this key. @default any KMS key */
  readonly keyLogicalId?: string;
}

/**
 * Data-protection assertions over a synthesized template, reusable by any test of the library:
 * every bucket blocks public access, refuses plain HTTP and TLS below 1.2, is KMS-encrypted (an
 * S3 access-log target may use SSE-S3, the only encryption S3 log delivery supports), versioned,
 * access-logged (except the log target itself) and retained; every log group and topic uses a
 * KMS key; every topic refuses plain HTTP.
 *
 * Returns the violations as readable lines (empty when compliant) so that a failing test shows them.
 */
export function dataProtectionViolations(template: any, options: DataProtectionOptions = {}): string[] {
  const resources = template.Resources as Record<string, any>;
  const entries = Object.entries(resources);
  const refTo = (v: any): string | undefined => v?.Ref ?? (Array.isArray(v?.['Fn::GetAtt']) ? v['Fn::GetAtt'][0] : undefined);
  const logTargets = new Set(entries.filter(([, r]) => r.Type === 'AWS::S3::Bucket').map(([, r]) => refTo(r.Properties?.LoggingConfiguration?.DestinationBucketName)).filter(Boolean));
  const policyStatements = (type: string, key: string, id: string): any[] =>
    entries
      .filter(([, r]) => r.Type === type && [r.Properties[key]].flat().some((t: any) => refTo(t) === id))
      .flatMap(([, r]) => r.Properties.PolicyDocument.Statement as any[]);
  const denies = (statements: any[], condition: (c: any) => boolean) => statements.some((s) => s.Effect === 'Deny' && s.Condition && condition(s.Condition));
  const plainHttpDenied = (statements: any[]) => denies(statements, (c) => String(c.Bool?.['aws:SecureTransport']) === 'false');
  const violations: string[] = [];
  const wrongKey = (id: string, key: unknown) => {
    if (options.keyLogicalId && key !== undefined && refTo(key) !== options.keyLogicalId) violations.push(`${id}: encrypted with another key than the platform key`);
  };

  for (const [id, r] of entries) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::S3::Bucket') {
      const block = p.PublicAccessBlockConfiguration ?? {};
      if (!['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every((k) => block[k] === true)) violations.push(`${id}: public access not fully blocked`);
      if (p.VersioningConfiguration?.Status !== 'Enabled') violations.push(`${id}: not versioned`);
      const sse = p.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault ?? {};
      const isLogTarget = logTargets.has(id);
      const kms = sse.SSEAlgorithm === 'aws:kms' && sse.KMSMasterKeyID !== undefined;
      if (!kms && !(isLogTarget && sse.SSEAlgorithm === 'AES256')) violations.push(`${id}: not encrypted with a KMS key`);
      wrongKey(id, sse.KMSMasterKeyID);
      if (!isLogTarget && !p.LoggingConfiguration?.DestinationBucketName) violations.push(`${id}: no server access logging`);
      if (r.DeletionPolicy !== 'Retain') violations.push(`${id}: not retained on stack deletion`);
      const statements = policyStatements('AWS::S3::BucketPolicy', 'Bucket', id);
      if (!plainHttpDenied(statements)) violations.push(`${id}: plain HTTP not denied`);
      if (!denies(statements, (c) => Number(c.NumericLessThan?.['s3:TlsVersion']) === 1.2)) violations.push(`${id}: TLS below 1.2 not denied`);
    }
    if (r.Type === 'AWS::Logs::LogGroup') {
      if (p.KmsKeyId === undefined) violations.push(`${id}: log group not encrypted with a KMS key`);
      wrongKey(id, p.KmsKeyId);
    }
    if (r.Type === 'AWS::SNS::Topic') {
      if (p.KmsMasterKeyId === undefined) violations.push(`${id}: topic not encrypted with a KMS key`);
      wrongKey(id, p.KmsMasterKeyId);
      if (!plainHttpDenied(policyStatements('AWS::SNS::TopicPolicy', 'Topics', id))) violations.push(`${id}: topic accepts plain HTTP`);
    }
  }
  return violations;
}

/** Jest assertion form of {@link dataProtectionViolations}. */
export function expectDataProtected(template: any, options: DataProtectionOptions = {}): void {
  expect(dataProtectionViolations(template, options)).toEqual([]);
}
