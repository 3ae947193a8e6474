import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { PlatformKey, PlatformValidationError, SecureBucket, SecureLogGroup, SecureTopic } from '../../lib';

// Issue 11, data protection: a JavaScript caller who omits the key never gets an unencrypted
// store, and every value a store cannot take is the library's error, before aws-cdk-lib's.

const ENV = { account: '123456789012', region: 'us-east-1' };
const stack = (env: { account?: string; region?: string } = ENV) => new Stack(new App(), 'S', { env });
const OTHER_REGION_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('no key given (JavaScript callers): the stack default key, never unencrypted', () => {
  test.each<[string, (s: Stack, props: any) => unknown, string, string]>([
    ['SecureLogGroup', (s, p) => new SecureLogGroup(s, 'Store', p), 'AWS::Logs::LogGroup', 'KmsKeyId'],
    ['SecureTopic', (s, p) => new SecureTopic(s, 'Store', p), 'AWS::SNS::Topic', 'KmsMasterKeyId'],
  ])('%s', (_name, build, type, keyProperty) => {
    for (const props of [undefined, {}, { encryptionKey: undefined }]) {
      const s = stack();
      build(s, props);
      const defaultKey = s.getLogicalId(PlatformKey.of(s).key.node.defaultChild as kms.CfnKey);
      const stores = Object.values(Template.fromStack(s).findResources(type));
      expect(stores).toHaveLength(1);
      expect(JSON.stringify(stores[0].Properties[keyProperty])).toContain(defaultKey);
    }
  });

  test('SecureBucket', () => {
    const s = stack();
    new SecureBucket(s, 'Store', { encryptionKey: undefined });
    const defaultKey = s.getLogicalId(PlatformKey.of(s).key.node.defaultChild as kms.CfnKey);
    Template.fromStack(s).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [defaultKey, 'Arn'] } }, BucketKeyEnabled: true }] },
    });
  });
});

describe('values a store cannot take: the library error names construct, prop and value', () => {
  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['a key ARN string for a log group', (s) => new SecureLogGroup(s, 'L', { encryptionKey: OTHER_REGION_KEY as never }), /^S\/L: invalid encryptionKey "arn:aws:kms:eu-west-1:.*"\. Must be a kms.IKey .*not an ARN string/],
    ['a PlatformKey for a topic', (s) => new SecureTopic(s, 'T', { encryptionKey: PlatformKey.of(s) as never }), /^S\/T: invalid encryptionKey "\(PlatformKey\)"\. Must be a kms.IKey: pass the key of the PlatformKey/],
    ['an object for a bucket key', (s) => new SecureBucket(s, 'B', { encryptionKey: {} as never }), /^S\/B: invalid encryptionKey "\(Object\)"\. Must be a kms.IKey/],
    ['a key of another Region for a bucket', (s) => new SecureBucket(s, 'B', { encryptionKey: kms.Key.fromKeyArn(s, 'K', OTHER_REGION_KEY) }), /^S\/B: invalid encryptionKey "arn:aws:kms:eu-west-1:.*"\. KMS keys are regional: this key is in eu-west-1 \(partition aws\), the stack in us-east-1/],
    ['a key of another Region for a log group', (s) => new SecureLogGroup(s, 'L', { encryptionKey: kms.Key.fromKeyArn(s, 'K', OTHER_REGION_KEY) }), /^S\/L: invalid encryptionKey .*KMS keys are regional: this key is in eu-west-1/],
    [
      'a key of a stack in another Region',
      (s) => new SecureLogGroup(s, 'L', { encryptionKey: new PlatformKey(new Stack(s.node.root as App, 'West', { env: { ...ENV, region: 'us-west-2' } }), 'Key').key }),
      /^S\/L: invalid encryptionKey "West\/Key\/Key"\. KMS keys are regional: this key is in us-west-2 \(partition aws\), the stack in us-east-1/,
    ],
    ['a key of the China partition', (s) => new SecureTopic(s, 'T', { encryptionKey: kms.Key.fromKeyArn(s, 'K', 'arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab') }), /KMS keys are regional: this key is in cn-north-1 \(partition aws-cn\), the stack in us-east-1 \(partition aws\)/],
    ['a retention outside logs.RetentionDays', (s) => new SecureLogGroup(s, 'L', { retention: 366 as logs.RetentionDays }), /^S\/L: invalid retention 366\. CloudWatch Logs keeps events only for these periods/],
    ['a non-integer retention', (s) => new SecureLogGroup(s, 'L', { retention: 0.5 as logs.RetentionDays }), /^S\/L: invalid retention 0\.5/],
    ['a log group name with a space', (s) => new SecureLogGroup(s, 'L', { logGroupName: 'bad name*' }), /^S\/L: invalid logGroupName "bad name\*"\. Must be 1 to 512 letters, digits/],
    ['a fixed name on a kept log group', (s) => new SecureLogGroup(s, 'L', { logGroupName: '/app/audit' }), /^S\/L: invalid logGroupName "\/app\/audit"\. A kept \(RETAIN\) log group with a fixed name stays after cdk destroy/],
    ['RemovalPolicy.SNAPSHOT on a log group', (s) => new SecureLogGroup(s, 'L', { removalPolicy: RemovalPolicy.SNAPSHOT }), /^S\/L: invalid removalPolicy "snapshot"\. A log group cannot be snapshotted/],
    ['RemovalPolicy.SNAPSHOT on a bucket', (s) => new SecureBucket(s, 'B', { removalPolicy: RemovalPolicy.SNAPSHOT }), /^S\/B: invalid removalPolicy "snapshot"\. An S3 bucket cannot be snapshotted/],
    ['a topic display name over 100 characters', (s) => new SecureTopic(s, 'T', { displayName: 'x'.repeat(101) }), /^S\/T: invalid displayName "x{40}\.\.\. \(101 characters\)"\. Must be at most 100 characters/],
    ['a display name that is not a string', (s) => new SecureTopic(s, 'T', { displayName: {} as never }), /^S\/T: invalid displayName \{\}\. Must be a string/],
    ['an access-log bucket given as a name', (s) => new SecureBucket(s, 'B', { accessLogsBucket: 'logs' as never }), /^S\/B: invalid accessLogsBucket "logs"\. Must be an s3.IBucket: import the bucket first/],
    ['a hole in the lifecycle rules', (s) => new SecureBucket(s, 'B', { lifecycleRules: [null as never] }), /^S\/B: invalid lifecycleRules\[0\] null\. The list has a hole/],
    ['an Object Lock retention that is a number', (s) => new SecureBucket(s, 'B', { objectLockRetention: 365 as never }), /^S\/B: invalid objectLockRetention 365\. Must be an s3.ObjectLockRetention/],
    ['props that are null', (s) => new SecureLogGroup(s, 'L', null as never), /^S\/L: invalid props null/],
  ])('%s', (_name, build, message) => {
    expect(() => build(stack())).toThrow(PlatformValidationError);
    expect(() => build(stack())).toThrow(message);
  });

  test('an environment-agnostic stack cannot compare Regions: a key ARN is accepted as given', () => {
    const s = new Stack(new App(), 'S');
    expect(() => new SecureLogGroup(s, 'L', { encryptionKey: kms.Key.fromKeyArn(s, 'K', OTHER_REGION_KEY) })).not.toThrow();
  });

  test('a retention that is a CfnParameter reaches the template unchanged', () => {
    const s = stack();
    new SecureLogGroup(s, 'L', { retention: new CfnParameter(s, 'Retention', { type: 'Number' }).valueAsNumber });
    Template.fromStack(s).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: { Ref: 'Retention' } });
  });
});
