import { createHash } from 'crypto';
import {
  backoffDelay,
  decodePhysicalId,
  DEFAULT_RETRY_POLICY,
  desiredConfiguration,
  encodePhysicalId,
  failureReason,
  isOurs,
  isRetryable,
  LoggingConfig,
  MAX_PHYSICAL_ID_LENGTH,
  NO_PREVIOUS_ID,
  NOT_APPLIED_ID,
  planCreate,
  planDelete,
} from '../../../lambda/invocation-logging/logic';

const OURS: LoggingConfig = {
  cloudWatchConfig: {
    logGroupName: 'Platform-InvocationLogs-abc',
    roleArn: 'arn:aws:iam::123456789012:role/Platform-Delivery-abc',
    largeDataDeliveryS3Config: { bucketName: 'platform-invocation-logs-abc', keyPrefix: 'large-data' },
  },
  s3Config: { bucketName: 'platform-invocation-logs-abc', keyPrefix: 'invocation-logs' },
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: true,
  embeddingDataDeliveryEnabled: false,
  videoDataDeliveryEnabled: false,
  audioDataDeliveryEnabled: false,
};
const THEIRS: LoggingConfig = {
  s3Config: { bucketName: 'security-team-logs', keyPrefix: 'bedrock' },
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: false,
  embeddingDataDeliveryEnabled: false,
  videoDataDeliveryEnabled: false,
};

describe('desiredConfiguration', () => {
  test('reads the property CloudFormation passes (booleans arrive as strings)', () => {
    const config = desiredConfiguration({
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x',
      LoggingConfig: {
        cloudWatchConfig: { logGroupName: 'g', roleArn: 'arn:aws:iam::123456789012:role/r', largeDataDeliveryS3Config: { bucketName: 'b', keyPrefix: 'large' } },
        s3Config: { bucketName: 'b', keyPrefix: 'logs' },
        textDataDeliveryEnabled: 'true',
        imageDataDeliveryEnabled: 'false',
        embeddingDataDeliveryEnabled: true,
        videoDataDeliveryEnabled: false,
      },
    });
    expect(config).toEqual({
      cloudWatchConfig: { logGroupName: 'g', roleArn: 'arn:aws:iam::123456789012:role/r', largeDataDeliveryS3Config: { bucketName: 'b', keyPrefix: 'large' } },
      s3Config: { bucketName: 'b', keyPrefix: 'logs' },
      textDataDeliveryEnabled: true,
      imageDataDeliveryEnabled: false,
      embeddingDataDeliveryEnabled: true,
      videoDataDeliveryEnabled: false,
      audioDataDeliveryEnabled: false,
    });
  });

  test.each([
    [undefined, /LoggingConfig property is missing/],
    [{ LoggingConfig: { textDataDeliveryEnabled: 'true' } }, /needs cloudWatchConfig, s3Config or both/],
    [{ LoggingConfig: { s3Config: { bucketName: '' } } }, /s3Config\.bucketName must be a non-empty string/],
    [{ LoggingConfig: { cloudWatchConfig: { logGroupName: 'g' } } }, /cloudWatchConfig\.roleArn must be a non-empty string/],
    [{ LoggingConfig: { s3Config: { bucketName: 'b' }, textDataDeliveryEnabled: 'yes' } }, /textDataDeliveryEnabled must be true or false, got "yes"/],
  ])('rejects %j with a readable reason', (properties, message) => {
    expect(() => desiredConfiguration(properties as Record<string, unknown> | undefined)).toThrow(message);
  });
});

describe('physical id', () => {
  test('records the previous configuration and gives it back exactly', () => {
    const id = encodePhysicalId(THEIRS);
    expect(id.length).toBeLessThanOrEqual(MAX_PHYSICAL_ID_LENGTH);
    expect(decodePhysicalId(id)).toEqual({ kind: 'applied', previous: THEIRS });
  });

  test('no previous configuration, a failed Create, and ids of other origins', () => {
    expect(encodePhysicalId(undefined)).toBe(NO_PREVIOUS_ID);
    expect(encodePhysicalId({})).toBe(NO_PREVIOUS_ID);
    expect(decodePhysicalId(NO_PREVIOUS_ID)).toEqual({ kind: 'applied' });
    expect(decodePhysicalId(NOT_APPLIED_ID)).toEqual({ kind: 'not-applied' });
    expect(decodePhysicalId('Logging')).toEqual({ kind: 'unknown' });
    expect(decodePhysicalId(`${NO_PREVIOUS_ID.replace('none', '')}!!not-base64-deflate!!`)).toEqual({ kind: 'unknown' });
    expect(decodePhysicalId(undefined)).toEqual({ kind: 'unknown' });
  });

  test('a configuration too large to record fails the Create before anything changes', () => {
    // Hash-chain hex: deterministic and barely compressible, like long real names.
    const noise = Array.from({ length: 32 }, (_, i) => createHash('sha256').update(String(i)).digest('hex')).join('');
    const huge: LoggingConfig = { s3Config: { bucketName: 'b', keyPrefix: noise } };
    expect(() => encodePhysicalId(huge)).toThrow(/too large to record for restoration .* nothing was changed/);
  });
});

describe('ownership', () => {
  test('ours while it still delivers to one of our destinations, even with toggled modalities', () => {
    expect(isOurs(OURS, OURS)).toBe(true);
    expect(isOurs({ ...OURS, imageDataDeliveryEnabled: false }, OURS)).toBe(true);
    expect(isOurs({ s3Config: { bucketName: 'platform-invocation-logs-abc', keyPrefix: '/invocation-logs/' } }, OURS)).toBe(true);
  });
  test('not ours when it points elsewhere, or when nothing is set', () => {
    expect(isOurs(THEIRS, OURS)).toBe(false);
    expect(isOurs({ s3Config: { bucketName: 'platform-invocation-logs-abc', keyPrefix: 'other-team' } }, OURS)).toBe(false);
    expect(isOurs(undefined, OURS)).toBe(false);
  });
});

describe('planCreate', () => {
  test('records another owner\'s configuration', () => {
    const plan = planCreate(THEIRS, OURS);
    expect(plan.previous).toEqual(THEIRS);
    expect(decodePhysicalId(plan.physicalId)).toEqual({ kind: 'applied', previous: THEIRS });
  });
  test('nothing before', () => {
    const plan = planCreate(undefined, OURS);
    expect(plan.physicalId).toBe(NO_PREVIOUS_ID);
    expect(plan.previous).toBeUndefined();
  });
  test('a repeated Create never records our own configuration as the one to restore', () => {
    const plan = planCreate({ ...OURS, imageDataDeliveryEnabled: false }, OURS);
    expect(plan.physicalId).toBe(NO_PREVIOUS_ID);
    expect(plan.previous).toBeUndefined();
  });
});

describe('planDelete', () => {
  const recorded = encodePhysicalId(THEIRS);
  test('restores what was there before', () => {
    expect(planDelete(recorded, OURS, OURS)).toMatchObject({ action: 'restore', previous: THEIRS });
  });
  test('deletes when there was nothing before', () => {
    expect(planDelete(NO_PREVIOUS_ID, OURS, OURS)).toMatchObject({ action: 'delete' });
  });
  test('leaves another owner\'s configuration alone (also what makes a repeated Delete a no-op)', () => {
    expect(planDelete(recorded, THEIRS, OURS)).toMatchObject({ action: 'none' });
    expect(planDelete(NO_PREVIOUS_ID, undefined, OURS)).toMatchObject({ action: 'none' });
  });
  test('a failed Create changed nothing', () => {
    expect(planDelete(NOT_APPLIED_ID, OURS, OURS)).toMatchObject({ action: 'none' });
  });
  test('an id it did not issue: removes only its own configuration', () => {
    expect(planDelete('Logging', OURS, OURS)).toMatchObject({ action: 'delete' });
    expect(planDelete('Logging', THEIRS, OURS)).toMatchObject({ action: 'none' });
  });
  test('properties that never parsed: nothing of ours can be in place', () => {
    expect(planDelete(NO_PREVIOUS_ID, THEIRS, undefined)).toMatchObject({ action: 'none' });
  });
});

describe('retry decisions', () => {
  const sdkError = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${name} message`), { name, ...extra });
  test.each([
    ['ThrottlingException', sdkError('ThrottlingException'), true],
    ['429', sdkError('SomethingElse', { $metadata: { httpStatusCode: 429 } }), true],
    ['503', sdkError('ServiceUnavailableException', { $metadata: { httpStatusCode: 503 } }), true],
    ['server fault', sdkError('InternalServerException', { $fault: 'server' }), true],
    ['connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['role not yet propagated', sdkError('ValidationException', { message: 'Failed to validate permissions for log group: g, with role: r. Verify the IAM role permissions are correct.' }), true],
    ['other validation error', sdkError('ValidationException', { message: '1 validation error detected: bucketName' }), false],
    ['access denied', sdkError('AccessDeniedException', { $metadata: { httpStatusCode: 403 } }), false],
    ['a 403 from the response URL', Object.assign(new Error('HTTP 403'), { $metadata: { httpStatusCode: 403 } }), false],
    ['no error object', undefined, false],
  ])('%s', (_name, error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });

  test('delays grow, stay capped, and jitter within the upper half of each step', () => {
    const policy = DEFAULT_RETRY_POLICY;
    const low = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, policy, 0));
    const high = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, policy, 1));
    expect(low).toEqual([500, 1000, 2000, 4000, 7500, 7500, 7500]);
    expect(high).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect(backoffDelay(3, policy, 7)).toBe(4000); // out-of-range randomness is clamped
    // The whole loop is bounded: at most about a minute of waiting.
    expect(high.slice(0, policy.maxAttempts - 1).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60000);
  });

  test('failure reasons carry the service\'s error name and message, shortened', () => {
    expect(failureReason(sdkError('AccessDeniedException', { message: 'User: x is not authorized' }))).toBe('AccessDeniedException: User: x is not authorized');
    expect(failureReason('plain')).toBe('plain');
    expect(failureReason(new Error('a'.repeat(2000)), 100)).toHaveLength(100);
  });
});
