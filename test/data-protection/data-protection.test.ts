import { App, CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { PlatformKey, SecureBucket, SecureLogGroup, SecureTopic } from '../../lib';
import { cdkJsonContext } from '../kit/synth';
import { dataProtectionViolations, expectDataProtected } from './data-protection';

const ENV = { account: '123456789012', region: 'us-east-1' };
const template = (build: (stack: Stack) => void) => {
  const stack = new Stack(new App({ context: cdkJsonContext() }), 'Data', { env: ENV });
  build(stack);
  return Template.fromStack(stack).toJSON();
};

describe('data-protection assertions', () => {
  test('the library building blocks pass: KMS everywhere, TLS 1.2+, private, versioned, logged, retained', () => {
    expectDataProtected(
      template((stack) => {
        const key = new PlatformKey(stack, 'Key').key;
        new SecureBucket(stack, 'Documents', { encryptionKey: key });
        new SecureLogGroup(stack, 'Logs', { encryptionKey: key });
        new SecureTopic(stack, 'Alerts', { encryptionKey: key });
      }),
    );
  });

  test('plain resources are reported, one line per gap', () => {
    const violations = dataProtectionViolations(
      template((stack) => {
        new s3.Bucket(stack, 'Plain');
        new s3.Bucket(stack, 'Disposable', { removalPolicy: RemovalPolicy.DESTROY });
        new logs.LogGroup(stack, 'PlainLogs');
        new sns.Topic(stack, 'PlainTopic');
      }),
    );
    const gaps = (id: string) => violations.filter((v) => new RegExp(`^${id}[0-9A-F]{8}: `).test(v)).map((v) => v.slice(v.indexOf(':') + 2));
    // (A plain bucket is retained by default in CDK, so retention is not among its gaps.)
    expect(gaps('Plain')).toEqual(['public access not fully blocked', 'not versioned', 'not encrypted with a KMS key', 'no server access logging', 'plain HTTP not denied', 'TLS below 1.2 not denied']);
    expect(gaps('Disposable')).toContain('not retained on stack deletion');
    expect(gaps('PlainLogs')).toEqual(['log group not encrypted with a KMS key']);
    expect(gaps('PlainTopic')).toEqual(['topic not encrypted with a KMS key', 'topic accepts plain HTTP']);
  });

  test('with the platform key named, a resource encrypted with another key is reported', () => {
    let keyId = '';
    const json = template((stack) => {
      const platformKey = new PlatformKey(stack, 'Key').key;
      keyId = stack.getLogicalId(platformKey.node.defaultChild as CfnElement);
      new SecureBucket(stack, 'Documents', { encryptionKey: platformKey });
      new SecureLogGroup(stack, 'Other', { encryptionKey: new kms.Key(stack, 'OtherKey', { enableKeyRotation: true }) });
    });
    expect(dataProtectionViolations(json, { keyLogicalId: keyId })).toEqual([expect.stringMatching(/^Other[0-9A-F]{8}: encrypted with another key than the platform key$/)]);
  });

  test('public access that is not fully blocked is reported', () => {
    const violations = dataProtectionViolations(
      template((stack) => {
        new s3.Bucket(stack, 'Open', { blockPublicAccess: new s3.BlockPublicAccess({ blockPublicPolicy: false, blockPublicAcls: true, ignorePublicAcls: true, restrictPublicBuckets: true }) });
      }),
    );
    expect(violations.some((v) => /^Open[0-9A-F]+: public access not fully blocked$/.test(v))).toBe(true);
  });
});
