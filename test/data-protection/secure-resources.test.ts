import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { PlatformKey, SecureBucket, SecureLogGroup, SecureTopic } from '../../lib';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const synth = synthesize((app) => {
  const stack = new Stack(app, 'Data', { env: { account: '123456789012', region: 'us-east-1' } });
  const key = new PlatformKey(stack, 'Key').key;
  new SecureBucket(stack, 'Documents', { encryptionKey: key });
  new SecureLogGroup(stack, 'Logs', { encryptionKey: key });
  new SecureTopic(stack, 'Alerts', { encryptionKey: key });
});
const t = synth.template();

describe('data protection building blocks', () => {
  test('the data bucket is private, versioned, KMS-encrypted with the platform key, access-logged and kept', () => {
    t.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'Documents/' },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('every bucket denies plain HTTP and TLS below 1.2', () => {
    const policies = t.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const policy of Object.values(policies)) {
      const statements = policy.Properties.PolicyDocument.Statement as any[];
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      );
    }
  });

  test('log group and topic use the platform key; the log group keeps a year', () => {
    t.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365, KmsKeyId: Match.anyValue() }, DeletionPolicy: 'Retain' });
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('nag clean; the acknowledgements are per finding and explained', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
    const ids = new Set(synth.compliance.acknowledgements.map((a) => a.id));
    expect(ids).toEqual(
      new Set([
        'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
        'HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled',
        'PCI.DSS.321::PCI.DSS.321-S3BucketReplicationEnabled',
        'NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS',
        'HIPAA.Security::HIPAA.Security-S3DefaultEncryptionKMS',
        'PCI.DSS.321::PCI.DSS.321-S3DefaultEncryptionKMS',
        // Control Tower: what S3 server access logging cannot do with its target, and Object Lock left to the caller.
        'ControlTower::s3_bucket_default_encryption_kms_check',
        'ControlTower::s3_bucket_logging_enabled_check',
        'ControlTower::s3_bucket_object_lock_enabled_check',
        // No KMS2 acknowledgement: a bare SecureTopic has no publisher, so the key admits neither
        // EventBridge nor CloudWatch (the key policy is derived from what uses the key).
      ]),
    );
    // Only the access-log bucket carries the SSE-S3 and logging acknowledgements (the packs recognise it as a log target).
    const onDataBucket = synth.compliance.acknowledgements.filter((a) => a.path.startsWith('Data/Documents/Bucket/'));
    expect(onDataBucket.every((a) => /ReplicationEnabled|object_lock_enabled/.test(a.id))).toBe(true);
  });
});
