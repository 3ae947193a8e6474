import type { LoggingConfig } from '@aws-sdk/client-bedrock';
import {
  annotation,
  differences,
  evaluate,
  ExpectedConfiguration,
  inspectEvent,
  InvalidEventError,
  InvalidParametersError,
  MAX_ANNOTATION_LENGTH,
  parseRuleParameters,
  unverifiable,
} from '../../../lambda/invocation-logging-drift/logic';

const ROLE = 'arn:aws:iam::123456789012:role/delivery';
const ALL_ON = { text: 'true', image: 'true', embedding: 'true', video: 'true', audio: 'true' };
const flags = (f: Record<'text' | 'image' | 'embedding' | 'video' | 'audio', string>) => ({
  textDataDeliveryEnabled: f.text,
  imageDataDeliveryEnabled: f.image,
  embeddingDataDeliveryEnabled: f.embedding,
  videoDataDeliveryEnabled: f.video,
  audioDataDeliveryEnabled: f.audio,
});
/** The parameters the construct renders for the platform's default logging (both destinations, large data, all modalities). */
const PARAMETERS = {
  logGroupName: 'platform-invocation-logs',
  roleArn: ROLE,
  largeDataBucketName: 'platform-logs',
  largeDataKeyPrefix: 'invocation-logs-large-data',
  s3BucketName: 'platform-logs',
  s3KeyPrefix: 'invocation-logs',
  ...flags(ALL_ON),
};
const expected = parseRuleParameters(JSON.stringify(PARAMETERS));
const CW = {
  logGroupName: 'platform-invocation-logs',
  roleArn: ROLE,
  largeDataDeliveryS3Config: { bucketName: 'platform-logs', keyPrefix: 'invocation-logs-large-data' },
};
/** What Bedrock returns for the platform's configuration. */
const PLATFORM: LoggingConfig = {
  cloudWatchConfig: CW,
  s3Config: { bucketName: 'platform-logs', keyPrefix: 'invocation-logs' },
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: true,
  embeddingDataDeliveryEnabled: true,
  videoDataDeliveryEnabled: true,
  audioDataDeliveryEnabled: true,
};

describe('parseRuleParameters', () => {
  test('reads both destinations, the large-data bucket and every flag', () => {
    expect(expected).toEqual({
      cloudWatch: { logGroupName: 'platform-invocation-logs', roleArn: ROLE, largeData: { bucketName: 'platform-logs', keyPrefix: 'invocation-logs-large-data' } },
      s3: { bucketName: 'platform-logs', keyPrefix: 'invocation-logs' },
      modalities: { textDataDeliveryEnabled: true, imageDataDeliveryEnabled: true, embeddingDataDeliveryEnabled: true, videoDataDeliveryEnabled: true, audioDataDeliveryEnabled: true },
    });
  });

  test('one destination only; a missing prefix is the bucket root', () => {
    const parsed: ExpectedConfiguration = parseRuleParameters(JSON.stringify({ s3BucketName: 'b', ...flags({ ...ALL_ON, image: 'false' }) }));
    expect(parsed.cloudWatch).toBeUndefined();
    expect(parsed.s3).toEqual({ bucketName: 'b', keyPrefix: '' });
    expect(parsed.modalities.imageDataDeliveryEnabled).toBe(false);
  });

  test.each([
    ['not a string', { a: 1 }, /must be a JSON string/],
    ['not JSON', '{', /not valid JSON/],
    ['an array', '[]', /JSON object/],
    ['no destination', JSON.stringify(flags(ALL_ON)), /name no destination/],
    ['a log group without role', JSON.stringify({ logGroupName: 'g', ...flags(ALL_ON) }), /roleArn must be a non-empty string/],
    ['large data without log group', JSON.stringify({ s3BucketName: 'b', largeDataBucketName: 'b', ...flags(ALL_ON) }), /largeDataBucketName needs logGroupName/],
    ['a flag that is not a boolean', JSON.stringify({ s3BucketName: 'b', ...flags({ ...ALL_ON, video: 'yes' }) }), /videoDataDeliveryEnabled must be "true" or "false"/],
    ['a flag missing', JSON.stringify({ s3BucketName: 'b' }), /textDataDeliveryEnabled/],
  ])('refuses %s', (_what, raw, message) => {
    expect(() => parseRuleParameters(raw)).toThrow(InvalidParametersError);
    expect(() => parseRuleParameters(raw)).toThrow(message);
  });
});

describe('evaluate', () => {
  test('the platform configuration is COMPLIANT', () => {
    expect(evaluate(PLATFORM, expected)).toEqual({ complianceType: 'COMPLIANT', annotation: 'Model invocation logging matches the configuration the platform set.' });
  });

  test('fields the API adds later are ignored; slashes around prefixes do not matter', () => {
    const withExtras = {
      ...PLATFORM,
      s3Config: { bucketName: 'platform-logs', keyPrefix: '/invocation-logs/' },
      someFutureFlag: true,
      cloudWatchConfig: { ...CW, newField: 'x' },
    } as LoggingConfig;
    expect(evaluate(withExtras, expected).complianceType).toBe('COMPLIANT');
  });

  test.each([
    ['nothing at all', undefined],
    ['an empty configuration', {}],
    ['only flags', { textDataDeliveryEnabled: true }],
  ])('logging off (%s) is NON_COMPLIANT', (_what, current) => {
    expect(evaluate(current as LoggingConfig | undefined, expected)).toEqual({ complianceType: 'NON_COMPLIANT', annotation: 'Invocation logging drifted: model invocation logging is off' });
  });

  test.each<[string, LoggingConfig, string]>([
    ['the log group', { ...PLATFORM, cloudWatchConfig: { ...CW, logGroupName: 'elsewhere' } }, "log group is 'elsewhere' (expected 'platform-invocation-logs')"],
    ['the delivery role', { ...PLATFORM, cloudWatchConfig: { ...CW, roleArn: 'arn:aws:iam::123456789012:role/other' } }, `delivery role is 'arn:aws:iam::123456789012:role/other' (expected '${ROLE}')`],
    [
      'the large-data bucket',
      { ...PLATFORM, cloudWatchConfig: { ...CW, largeDataDeliveryS3Config: { bucketName: 'exfil', keyPrefix: 'invocation-logs-large-data' } } },
      "large-data delivery bucket is 'exfil' (expected 'platform-logs')",
    ],
    [
      'the large-data prefix',
      { ...PLATFORM, cloudWatchConfig: { ...CW, largeDataDeliveryS3Config: { bucketName: 'platform-logs', keyPrefix: 'x' } } },
      "large-data delivery prefix is 'x' (expected 'invocation-logs-large-data')",
    ],
    ['large-data delivery removed', { ...PLATFORM, cloudWatchConfig: { logGroupName: 'platform-invocation-logs', roleArn: ROLE } }, 'large-data delivery is off (expected s3://platform-logs/invocation-logs-large-data)'],
    ['the S3 bucket', { ...PLATFORM, s3Config: { bucketName: 'exfil', keyPrefix: 'invocation-logs' } }, "S3 delivery bucket is 'exfil' (expected 'platform-logs')"],
    ['the S3 prefix', { ...PLATFORM, s3Config: { bucketName: 'platform-logs', keyPrefix: 'other' } }, "S3 delivery prefix is 'other' (expected 'invocation-logs')"],
    ['S3 delivery removed', { ...PLATFORM, s3Config: undefined }, 'S3 delivery is off (expected s3://platform-logs/invocation-logs)'],
    ['CloudWatch delivery removed', { ...PLATFORM, cloudWatchConfig: undefined }, "CloudWatch Logs delivery is off (expected log group 'platform-invocation-logs')"],
    ['a modality turned off', { ...PLATFORM, imageDataDeliveryEnabled: false }, 'image delivery is off (expected on)'],
    ['a modality flag missing', { ...PLATFORM, audioDataDeliveryEnabled: undefined }, 'audio delivery is off (expected on)'],
  ])('%s differs: NON_COMPLIANT, and named', (_what, current, difference) => {
    expect(differences(current, expected)).toEqual([difference]);
    expect(evaluate(current, expected)).toEqual({ complianceType: 'NON_COMPLIANT', annotation: `Invocation logging drifted: ${difference}` });
  });

  test('a destination or a modality the platform did not set is drift too', () => {
    const cwOnly = parseRuleParameters(JSON.stringify({ logGroupName: 'g', roleArn: ROLE, ...flags({ ...ALL_ON, video: 'false' }) }));
    const current: LoggingConfig = {
      cloudWatchConfig: { logGroupName: 'g', roleArn: ROLE, largeDataDeliveryS3Config: { bucketName: 'theirs' } },
      s3Config: { bucketName: 'theirs', keyPrefix: 'p/' },
      textDataDeliveryEnabled: true,
      imageDataDeliveryEnabled: true,
      embeddingDataDeliveryEnabled: true,
      videoDataDeliveryEnabled: true,
      audioDataDeliveryEnabled: true,
    };
    expect(differences(current, cwOnly)).toEqual([
      'large-data delivery to s3://theirs/ was not set by the platform',
      'S3 delivery to s3://theirs/p was not set by the platform',
      'video delivery is on (expected off)',
    ]);
    const s3Only = parseRuleParameters(JSON.stringify({ s3BucketName: 'theirs', s3KeyPrefix: 'p', ...flags({ ...ALL_ON, video: 'false' }) }));
    expect(differences(current, s3Only)[0]).toBe("CloudWatch Logs delivery to log group 'g' was not set by the platform");
  });
});

describe('annotation', () => {
  test('stays within Config\'s 256 characters, keeping whole differences and counting the rest', () => {
    const long = 'x'.repeat(120);
    const text = annotation('Drift: ', [`a ${long}`, `b ${long}`, `c ${long}`]);
    expect(text).toBe(`Drift: a ${long}; +2 more`);
    expect(text.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
  });

  test('a first difference longer than the limit is cut, the count kept', () => {
    const text = annotation('Drift: ', ['y'.repeat(600), 'z']);
    expect(text.length).toBe(MAX_ANNOTATION_LENGTH);
    expect(text.endsWith('...; +1 more')).toBe(true);
    expect(annotation('Drift: ', ['y'.repeat(600)]).length).toBe(MAX_ANNOTATION_LENGTH);
  });

  test('every difference at once, with names at CloudWatch\'s 512-character limit, still fits', () => {
    const name = 'n'.repeat(512);
    const verdict = evaluate({ cloudWatchConfig: { logGroupName: name, roleArn: name }, s3Config: { bucketName: name } }, expected);
    expect(verdict.complianceType).toBe('NON_COMPLIANT');
    expect(verdict.annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
    expect(verdict.annotation).toMatch(/^Invocation logging drifted: log group is 'n+\.\.\.; \+\d+ more$/);
  });

  test('unverifiable is NON_COMPLIANT with the reason, never COMPLIANT', () => {
    expect(unverifiable('AccessDeniedException: no')).toEqual({ complianceType: 'NON_COMPLIANT', annotation: 'Could not verify invocation logging: AccessDeniedException: no' });
  });
});

describe('inspectEvent', () => {
  const invokingEvent = JSON.stringify({ awsAccountId: '123456789012', notificationCreationTime: '2026-12-01T10:00:00.000Z', messageType: 'ScheduledNotification', recordVersion: '1.0' });
  const event = { invokingEvent, ruleParameters: '{}', resultToken: 'token', eventLeftScope: false, accountId: '123456789012', configRuleName: 'drift', version: '1.0' };

  test('reads the token, the account and the trigger time', () => {
    expect(inspectEvent(event)).toEqual({ resultToken: 'token', accountId: '123456789012', orderingTimestamp: new Date('2026-12-01T10:00:00.000Z'), ruleParameters: '{}', configRuleName: 'drift' });
  });

  test.each([
    ['not an object', 'x', /not an object/],
    ['no result token', { ...event, resultToken: '' }, /no resultToken/],
    ['an invoking event that is not JSON', { ...event, invokingEvent: '{' }, /not a JSON object/],
    ['no trigger time', { ...event, invokingEvent: JSON.stringify({ messageType: 'ScheduledNotification' }) }, /notificationCreationTime/],
    ['a bad trigger time', { ...event, invokingEvent: JSON.stringify({ notificationCreationTime: 'yesterday' }) }, /notificationCreationTime/],
    ['no account', { ...event, accountId: 'x', invokingEvent: JSON.stringify({ notificationCreationTime: '2026-12-01T10:00:00Z' }) }, /12-digit account/],
  ])('refuses %s', (_what, raw, message) => {
    expect(() => inspectEvent(raw)).toThrow(InvalidEventError);
    expect(() => inspectEvent(raw)).toThrow(message);
  });
});
