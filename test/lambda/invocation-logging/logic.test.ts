import { createHash } from 'crypto';
import {
  attemptTimeout,
  backoffDelay,
  DeadlineReachedError,
  deadlines,
  decodePhysicalId,
  DEFAULT_RETRY_POLICY,
  DEFAULT_TIME_BUDGET,
  describeConfiguration,
  desiredConfiguration,
  encodePhysicalId,
  explainFailure,
  failureReason,
  inspectEvent,
  isNoAnswer,
  isOurs,
  isRetryable,
  LoggingConfig,
  MAX_PHYSICAL_ID_LENGTH,
  NO_PREVIOUS_ID,
  NOT_APPLIED_ID,
  planCreate,
  planDelete,
  planUpdate,
  RESPONSE_RETRY_POLICY,
  retryDecision,
  takeOverAllowed,
  watchdogReason,
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

describe('ownership: every destination set is the one this resource wrote', () => {
  test('ours, whatever the modality flags say', () => {
    expect(isOurs(OURS, OURS)).toBe(true);
    expect(isOurs({ ...OURS, imageDataDeliveryEnabled: false, audioDataDeliveryEnabled: true }, OURS)).toBe(true);
  });
  test('ours when some of our destinations were removed, but nothing else added; slashes around prefixes do not count', () => {
    expect(isOurs({ s3Config: { bucketName: 'platform-invocation-logs-abc', keyPrefix: '/invocation-logs/' } }, OURS)).toBe(true);
    expect(isOurs({ ...OURS, cloudWatchConfig: { logGroupName: 'Platform-InvocationLogs-abc', roleArn: 'arn:aws:iam::123456789012:role/Platform-Delivery-abc' } }, OURS)).toBe(true);
  });
  test('not ours when only one of two destinations matches', () => {
    expect(isOurs({ ...OURS, s3Config: { bucketName: 'security-team-logs', keyPrefix: 'bedrock' } }, OURS)).toBe(false);
    expect(isOurs({ ...OURS, cloudWatchConfig: { ...OURS.cloudWatchConfig!, logGroupName: '/security/bedrock' } }, OURS)).toBe(false);
  });
  test('not ours when the log group is ours but the role, or the large-data prefix, is not', () => {
    expect(isOurs({ cloudWatchConfig: { ...OURS.cloudWatchConfig!, roleArn: 'arn:aws:iam::123456789012:role/Other' } }, OURS)).toBe(false);
    expect(isOurs({ cloudWatchConfig: { ...OURS.cloudWatchConfig!, largeDataDeliveryS3Config: { bucketName: 'platform-invocation-logs-abc', keyPrefix: 'other' } } }, OURS)).toBe(false);
  });
  test('a destination in another place is not ours: our bucket and prefix as large-data target when we wrote it as the S3 one', () => {
    const ours: LoggingConfig = { s3Config: { bucketName: 'b', keyPrefix: 'p' } };
    expect(isOurs({ cloudWatchConfig: { logGroupName: 'g', roleArn: 'r', largeDataDeliveryS3Config: { bucketName: 'b', keyPrefix: 'p' } } }, ours)).toBe(false);
  });
  test('not ours when it points elsewhere, when nothing is set, or when we cannot say what ours is', () => {
    expect(isOurs(THEIRS, OURS)).toBe(false);
    expect(isOurs({ s3Config: { bucketName: 'platform-invocation-logs-abc', keyPrefix: 'other-team' } }, OURS)).toBe(false);
    expect(isOurs(undefined, OURS)).toBe(false);
    expect(isOurs({ textDataDeliveryEnabled: true }, OURS)).toBe(false);
    expect(isOurs(OURS, undefined)).toBe(false);
  });
  test('a configuration in words', () => {
    expect(describeConfiguration(OURS)).toBe(
      'CloudWatch Logs log group Platform-InvocationLogs-abc (role arn:aws:iam::123456789012:role/Platform-Delivery-abc), ' +
        'large data to s3://platform-invocation-logs-abc/large-data, S3 bucket s3://platform-invocation-logs-abc/invocation-logs',
    );
    expect(describeConfiguration(undefined)).toBe('nothing');
  });
});

describe('TakeOverExistingConfiguration', () => {
  test.each([
    [{}, false],
    [undefined, false],
    [{ TakeOverExistingConfiguration: 'false' }, false],
    [{ TakeOverExistingConfiguration: false }, false],
    [{ TakeOverExistingConfiguration: 'true' }, true],
    [{ TakeOverExistingConfiguration: true }, true],
  ])('%j: %p', (properties, expected) => {
    expect(takeOverAllowed(properties)).toBe(expected);
  });
  test('anything else is a readable error', () => {
    expect(() => takeOverAllowed({ TakeOverExistingConfiguration: 'TRUE' })).toThrow(/TakeOverExistingConfiguration must be true or false, got "TRUE"/);
  });
});

describe('planCreate', () => {
  test('refuses another owner\'s configuration, naming it and the ways out', () => {
    const plan = planCreate(THEIRS, OURS, false);
    expect(plan.action).toBe('refuse');
    expect(plan.action === 'refuse' && plan.reason).toMatch(/not by this stack: S3 bucket s3:\/\/security-team-logs\/bedrock\. Nothing was changed\. Remove that configuration .*takeOverExistingConfiguration: true/);
  });
  test('refuses a configuration of which only part is ours', () => {
    expect(planCreate({ ...OURS, s3Config: THEIRS.s3Config }, OURS, false).action).toBe('refuse');
  });
  test('with take-over allowed, records another owner\'s configuration', () => {
    const plan = planCreate(THEIRS, OURS, true);
    expect(plan).toMatchObject({ action: 'put', previous: THEIRS });
    expect(plan.action === 'put' && decodePhysicalId(plan.physicalId)).toEqual({ kind: 'applied', previous: THEIRS });
  });
  test('nothing before', () => {
    expect(planCreate(undefined, OURS, false)).toEqual({ action: 'put', physicalId: NO_PREVIOUS_ID, note: expect.any(String) });
  });
  test('a repeated Create never records our own configuration as the one to restore', () => {
    const plan = planCreate({ ...OURS, imageDataDeliveryEnabled: false }, OURS, true);
    expect(plan).toMatchObject({ action: 'put', physicalId: NO_PREVIOUS_ID });
    expect(plan.action === 'put' && plan.previous).toBeUndefined();
  });
});

describe('planUpdate', () => {
  const NEW: LoggingConfig = { ...OURS, s3Config: { bucketName: 'platform-invocation-logs-abc', keyPrefix: 'moved' } };
  test('applies while the configuration is ours by the old properties, or already the new one (a retried update)', () => {
    expect(planUpdate(OURS, NEW, OURS, false).action).toBe('put');
    expect(planUpdate(NEW, NEW, OURS, false).action).toBe('put');
  });
  test('applies when nothing is set', () => {
    expect(planUpdate(undefined, NEW, OURS, false).action).toBe('put');
  });
  test('refuses someone else\'s, unless take-over is allowed', () => {
    const plan = planUpdate(THEIRS, NEW, OURS, false);
    expect(plan.action === 'refuse' && plan.reason).toMatch(/no longer this stack's: someone else has since set S3 bucket s3:\/\/security-team-logs\/bedrock\. Nothing was changed/);
    expect(planUpdate(THEIRS, NEW, OURS, true).action).toBe('put');
  });
  test('old properties that never parsed only leave the new ones to compare with', () => {
    expect(planUpdate(OURS, NEW, undefined, false).action).toBe('refuse');
    expect(planUpdate(NEW, NEW, undefined, false).action).toBe('put');
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
  test('leaves alone a configuration of which only one destination is ours', () => {
    expect(planDelete(recorded, { ...OURS, s3Config: THEIRS.s3Config }, OURS)).toMatchObject({ action: 'none' });
    expect(planDelete(NO_PREVIOUS_ID, { ...OURS, s3Config: THEIRS.s3Config }, OURS)).toMatchObject({ action: 'none' });
  });
  test('a failed Create changed nothing', () => {
    expect(planDelete(NOT_APPLIED_ID, OURS, OURS)).toMatchObject({ action: 'none' });
  });
  test('an id it did not issue: removes only its own configuration, restores nothing', () => {
    expect(planDelete('Logging', OURS, OURS)).toMatchObject({ action: 'delete' });
    expect(planDelete('Logging', THEIRS, OURS)).toMatchObject({ action: 'none' });
  });
  test('properties that never parsed: nothing of ours can be in place', () => {
    expect(planDelete(NO_PREVIOUS_ID, THEIRS, undefined)).toMatchObject({ action: 'none' });
  });
});

describe('inspectEvent', () => {
  const base = { RequestType: 'Create', ResponseURL: 'https://example.invalid/response?X-Amz-Signature=abc', ResourceProperties: {} };
  test('a well-formed event', () => {
    expect(inspectEvent(base).kind).toBe('valid');
    expect(inspectEvent({ ...base, RequestType: 'Delete', PhysicalResourceId: NO_PREVIOUS_ID }).kind).toBe('valid');
  });
  test.each([
    [{ ...base, RequestType: 'Replace' }, /^unknown RequestType "Replace"/],
    [{ ...base, RequestType: 7 }, /^unknown RequestType 7/],
    [{ ...base, RequestType: 'Update' }, /^Update events need a PhysicalResourceId string, got nothing/],
    [{ ...base, RequestType: 'Delete', PhysicalResourceId: { id: 'x' } }, /^Delete events need a PhysicalResourceId string, got \{"id":"x"\}/],
    [{ ...base, OldResourceProperties: [1] }, /^OldResourceProperties must be an object, got \[1\]/],
  ])('%j: answered FAILED', (e, reason) => {
    const checked = inspectEvent(e);
    expect(checked).toMatchObject({ kind: 'invalid', responseUrl: base.ResponseURL, reason: expect.stringMatching(reason) });
  });
  test('a string physical id is echoed; anything else becomes the "nothing applied" id', () => {
    expect(inspectEvent({ ...base, RequestType: 'Replace', PhysicalResourceId: 'abc' })).toMatchObject({ physicalId: 'abc' });
    expect(inspectEvent({ ...base, RequestType: 'Delete', PhysicalResourceId: 42 })).toMatchObject({ physicalId: NOT_APPLIED_ID });
  });
  test.each([[undefined], [null], ['text'], [{ ...base, ResponseURL: undefined }], [{ ...base, ResponseURL: 'no url' }], [{ ...base, ResponseURL: 5 }]])(
    '%j: nowhere to answer',
    (e) => {
      const checked = inspectEvent(e);
      expect(checked.kind).toBe('invalid');
      expect(checked.kind === 'invalid' && checked.responseUrl).toBeUndefined();
    },
  );
  test('a long value is shortened in the reason', () => {
    const checked = inspectEvent({ ...base, RequestType: 'x'.repeat(500) });
    expect(checked.kind === 'invalid' && checked.reason.length).toBeLessThan(200);
  });
});

describe('time budget', () => {
  test('the 3-minute function: Bedrock calls until 148 s, the watchdog at 150 s, the reply until 178 s', () => {
    expect(deadlines(1_000, 180_000, DEFAULT_TIME_BUDGET)).toEqual({ calls: 149_000, watchdog: 151_000, response: 179_000 });
  });
  test('without a context, the function\'s timeout is assumed; a remaining time below zero counts as none', () => {
    expect(deadlines(0, undefined, DEFAULT_TIME_BUDGET)).toEqual(deadlines(0, 180_000, DEFAULT_TIME_BUDGET));
    expect(deadlines(0, -5, DEFAULT_TIME_BUDGET).response).toBe(-2_000);
  });
  test('an attempt gets the policy\'s time, shortened to the deadline, and none below its minimum', () => {
    expect(attemptTimeout(0, 100_000, DEFAULT_RETRY_POLICY)).toBe(20_000);
    expect(attemptTimeout(0, 7_500.6, DEFAULT_RETRY_POLICY)).toBe(7_500);
    expect(attemptTimeout(0, 4_999, DEFAULT_RETRY_POLICY)).toBeUndefined();
    expect(attemptTimeout(0, 4_000, RESPONSE_RETRY_POLICY)).toBe(4_000);
  });
  test('the reserve holds two full reply attempts and their backoff', () => {
    const wait = backoffDelay(1, RESPONSE_RETRY_POLICY, 1);
    expect(2 * RESPONSE_RETRY_POLICY.attemptTimeoutMs + wait).toBeLessThanOrEqual(DEFAULT_TIME_BUDGET.responseReserveMs - DEFAULT_TIME_BUDGET.finalMarginMs);
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

  test('retry, or stop: not retryable, out of attempts, or no time for the attempt after the wait', () => {
    const throttled = sdkError('ThrottlingException');
    expect(retryDecision(1, throttled, 0, 100_000, DEFAULT_RETRY_POLICY, 0.5)).toEqual({ action: 'retry', delayMs: 750 });
    expect(retryDecision(1, sdkError('AccessDeniedException'), 0, 100_000, DEFAULT_RETRY_POLICY, 0.5)).toEqual({ action: 'stop', why: 'not-retryable' });
    expect(retryDecision(8, throttled, 0, 100_000, DEFAULT_RETRY_POLICY, 0.5)).toEqual({ action: 'stop', why: 'attempts' });
    // 750 ms of wait and the 5 s minimum attempt: 5.75 s needed.
    expect(retryDecision(1, throttled, 0, 5_750, DEFAULT_RETRY_POLICY, 0.5)).toEqual({ action: 'retry', delayMs: 750 });
    expect(retryDecision(1, throttled, 0, 5_749, DEFAULT_RETRY_POLICY, 0.5)).toEqual({ action: 'stop', why: 'deadline' });
  });

  test.each([
    ['SDK request timeout', Object.assign(new Error('a request has exceeded the configured 20000 ms requestTimeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' }), true],
    ['refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), true],
    ['no DNS', Object.assign(new Error('getaddrinfo ENOTFOUND bedrock.us-east-1.amazonaws.com'), { code: 'ENOTFOUND' }), true],
    ['throttled', sdkError('ThrottlingException'), false],
    ['nothing', undefined, false],
  ])('no answer at all: %s -> %p', (_name, error, expected) => {
    expect(isNoAnswer(error)).toBe(expected);
  });

  test('reasons for a failure with no answer say where to look', () => {
    const timeout = Object.assign(new Error('a request has exceeded the configured 20000 ms requestTimeout'), { name: 'TimeoutError' });
    expect(explainFailure(new DeadlineReachedError('GetModelInvocationLoggingConfiguration', timeout, 6, 141_530))).toBe(
      'Bedrock did not answer GetModelInvocationLoggingConfiguration within 141.5 s (6 attempt(s), the last: TimeoutError: a request has exceeded the configured 20000 ms requestTimeout); ' +
        'retries stopped at the deadline (the rest of the function\'s time is kept for the reply to CloudFormation). ' +
        'Is the Bedrock control-plane endpoint reachable from the function\'s subnets? In a VPC without internet access the function needs an interface endpoint for com.amazonaws.<region>.bedrock.',
    );
    expect(explainFailure(new DeadlineReachedError('PutModelInvocationLoggingConfiguration', sdkError('ThrottlingException', { message: 'Rate exceeded' }), 3, 2_250))).toMatch(
      /^PutModelInvocationLoggingConfiguration still failed when the deadline was reached, after 3 attempt\(s\) in 2\.3 s .*: ThrottlingException: Rate exceeded$/,
    );
    expect(explainFailure(new DeadlineReachedError('PutModelInvocationLoggingConfiguration', undefined, 0, 9_000))).toMatch(/^Stopped before calling PutModelInvocationLoggingConfiguration: the deadline was reached/);
    expect(explainFailure(Object.assign(new Error('getaddrinfo ENOTFOUND bedrock.us-east-1.amazonaws.com'), { code: 'ENOTFOUND' }))).toMatch(/ENOTFOUND .*\. Is the Bedrock control-plane endpoint reachable/);
    expect(explainFailure(sdkError('AccessDeniedException', { message: 'denied' }))).toBe('AccessDeniedException: denied');
    expect(watchdogReason('PutModelInvocationLoggingConfiguration', 150_040)).toMatch(/^Bedrock did not answer PutModelInvocationLoggingConfiguration before the deadline, 150 s into the request, so the call was abandoned .*reachable/);
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
