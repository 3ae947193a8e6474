import { AccessDeniedException, BedrockClient, GetModelInvocationLoggingConfigurationCommand, InternalServerException, LoggingConfig, ThrottlingException } from '@aws-sdk/client-bedrock';
import { ConfigServiceClient, InvalidResultTokenException, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { createBedrockClient, createConfigClient, createHandler } from '../../../lambda/invocation-logging-drift/index';
import { MAX_ANNOTATION_LENGTH } from '../../../lambda/invocation-logging-drift/logic';
import { offlineClient, VirtualTime } from '../handler-kit';

// The real SDK clients, their transport replaced by aws-sdk-client-mock. Time is virtual: sleeps
// advance a counter, so retries and deadlines cost no wall-clock time.

const bedrock = offlineClient(BedrockClient);
const config = offlineClient(ConfigServiceClient);
const bedrockMock = mockClient(bedrock);
const configMock = mockClient(config);

const time = new VirtualTime();
const handler = createHandler({ bedrock, config, clock: time.clock, log: time.log });
const context = (remainingMs = 60_000) => ({ getRemainingTimeInMillis: () => remainingMs });

const ROLE = 'arn:aws:iam::123456789012:role/delivery';
const PARAMETERS = {
  logGroupName: 'platform-invocation-logs',
  roleArn: ROLE,
  s3BucketName: 'platform-logs',
  s3KeyPrefix: 'invocation-logs',
  textDataDeliveryEnabled: 'true',
  imageDataDeliveryEnabled: 'true',
  embeddingDataDeliveryEnabled: 'true',
  videoDataDeliveryEnabled: 'false',
  audioDataDeliveryEnabled: 'false',
};
const PLATFORM: LoggingConfig = {
  cloudWatchConfig: { logGroupName: 'platform-invocation-logs', roleArn: ROLE },
  s3Config: { bucketName: 'platform-logs', keyPrefix: 'invocation-logs' },
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: true,
  embeddingDataDeliveryEnabled: true,
  videoDataDeliveryEnabled: false,
  audioDataDeliveryEnabled: false,
};
const TRIGGERED_AT = '2026-12-01T10:00:00.000Z';
/** A periodic rule's event, as Config sends it to the function. */
const event = (parameters: unknown = PARAMETERS) => ({
  version: '1.0',
  invokingEvent: JSON.stringify({ awsAccountId: '123456789012', notificationCreationTime: TRIGGERED_AT, messageType: 'ScheduledNotification', recordVersion: '1.0' }),
  ruleParameters: JSON.stringify(parameters),
  resultToken: 'result-token',
  eventLeftScope: false,
  executionRoleArn: 'arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig',
  configRuleArn: 'arn:aws:config:us-east-1:123456789012:config-rule/config-rule-abc123',
  configRuleName: 'bedrock-invocation-logging-drift',
  configRuleId: 'config-rule-abc123',
  accountId: '123456789012',
});
const sdkError = <T extends Error>(E: new (o: any) => T, message: string): T => new E({ message, $metadata: {} });

/** The one evaluation each PutEvaluations call carried. */
const reported = () =>
  configMock.commandCalls(PutEvaluationsCommand).map((c) => {
    expect(c.args[0].input.ResultToken).toBe('result-token');
    expect(c.args[0].input.Evaluations).toHaveLength(1);
    return c.args[0].input.Evaluations![0];
  });

beforeEach(() => {
  bedrockMock.reset();
  configMock.reset();
  configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  time.reset();
});

test('the platform configuration: COMPLIANT on the account, timed as Config triggered it', async () => {
  bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: PLATFORM });
  await expect(handler(event(), context())).resolves.toEqual({ complianceType: 'COMPLIANT', annotation: expect.stringMatching(/matches/) });
  expect(reported()).toEqual([
    {
      ComplianceResourceType: 'AWS::::Account',
      ComplianceResourceId: '123456789012',
      ComplianceType: 'COMPLIANT',
      Annotation: 'Model invocation logging matches the configuration the platform set.',
      OrderingTimestamp: new Date(TRIGGERED_AT),
    },
  ]);
});

test('logging switched off: NON_COMPLIANT, and the invocation succeeds (the rule did its job)', async () => {
  bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).resolves({});
  await expect(handler(event(), context())).resolves.toEqual({ complianceType: 'NON_COMPLIANT', annotation: 'Invocation logging drifted: model invocation logging is off' });
  expect(reported().map((e) => e.ComplianceType)).toEqual(['NON_COMPLIANT']);
});

test('throttling, then success: retried with backoff within the deadline, one report', async () => {
  bedrockMock
    .on(GetModelInvocationLoggingConfigurationCommand)
    .rejectsOnce(sdkError(ThrottlingException, 'Rate exceeded'))
    .rejectsOnce(sdkError(ThrottlingException, 'Rate exceeded'))
    .resolves({ loggingConfig: PLATFORM });
  await expect(handler(event(), context())).resolves.toMatchObject({ complianceType: 'COMPLIANT' });
  expect(bedrockMock.commandCalls(GetModelInvocationLoggingConfigurationCommand)).toHaveLength(3);
  expect(time.sleeps).toEqual([375, 750]); // half the exponential step plus half of it times random 0.5
  expect(reported()).toHaveLength(1);
});

test('a 5xx that persists: NON_COMPLIANT with the service\'s error, then the invocation fails', async () => {
  bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).rejects(sdkError(InternalServerException, 'Internal failure'));
  await expect(handler(event(), context())).rejects.toThrow('Internal failure');
  expect(bedrockMock.commandCalls(GetModelInvocationLoggingConfigurationCommand)).toHaveLength(5); // the policy's attempts
  const [evaluation] = reported();
  expect(evaluation.ComplianceType).toBe('NON_COMPLIANT');
  expect(evaluation.Annotation).toBe('Could not verify invocation logging: InternalServerException: Internal failure');
});

test('a 5xx until the deadline: stops in time to report, the annotation says so', async () => {
  bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).rejects(sdkError(InternalServerException, 'Internal failure'));
  // 24 s left: 4 s to read (the report keeps 20 s), so only one backoff fits.
  await expect(handler(event(), context(24_000))).rejects.toThrow(/still failing at the deadline/);
  expect(time.now).toBeLessThanOrEqual(4_000);
  const [evaluation] = reported();
  expect(evaluation.ComplianceType).toBe('NON_COMPLIANT');
  expect(evaluation.Annotation).toMatch(/^Could not verify invocation logging: GetModelInvocationLoggingConfiguration still failing at the deadline/);
  expect(evaluation.Annotation!.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
});

test('access denied: not retried, NON_COMPLIANT (never COMPLIANT, never silent), the invocation fails', async () => {
  bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).rejects(sdkError(AccessDeniedException, 'User is not authorized to perform: bedrock:GetModelInvocationLoggingConfiguration'));
  await expect(handler(event(), context())).rejects.toThrow(AccessDeniedException);
  expect(bedrockMock.commandCalls(GetModelInvocationLoggingConfigurationCommand)).toHaveLength(1);
  expect(reported().map((e) => [e.ComplianceType, e.Annotation])).toEqual([
    ['NON_COMPLIANT', 'Could not verify invocation logging: AccessDeniedException: User is not authorized to perform: bedrock:GetModelInvocationLoggingConfiguration'],
  ]);
});

test('broken rule parameters: reported NON_COMPLIANT without reading anything, the invocation fails', async () => {
  await expect(handler(event({ s3BucketName: 'b' }), context())).rejects.toThrow(/textDataDeliveryEnabled/);
  expect(bedrockMock.commandCalls(GetModelInvocationLoggingConfigurationCommand)).toHaveLength(0);
  expect(reported()[0]).toMatchObject({ ComplianceType: 'NON_COMPLIANT', Annotation: expect.stringMatching(/^Could not verify invocation logging: InvalidParametersError/) });
});

test('PutEvaluations throttled, then accepted: retried', async () => {
  bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: PLATFORM });
  configMock.reset();
  configMock
    .on(PutEvaluationsCommand)
    .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }))
    .resolves({ FailedEvaluations: [] });
  await expect(handler(event(), context())).resolves.toMatchObject({ complianceType: 'COMPLIANT' });
  expect(configMock.commandCalls(PutEvaluationsCommand)).toHaveLength(2);
});

test('PutEvaluations refused: the invocation fails with Config\'s error, not retried', async () => {
  bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: PLATFORM });
  configMock.reset();
  configMock.on(PutEvaluationsCommand).rejects(sdkError(InvalidResultTokenException, 'The result token is invalid'));
  await expect(handler(event(), context())).rejects.toThrow('The result token is invalid');
  expect(configMock.commandCalls(PutEvaluationsCommand)).toHaveLength(1);
  expect(time.logs).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'could not report the evaluation to AWS Config', complianceType: 'COMPLIANT' }));
});

test('an evaluation Config lists as failed fails the invocation', async () => {
  bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: PLATFORM });
  configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [{ ComplianceResourceType: 'AWS::::Account', ComplianceResourceId: '123456789012', ComplianceType: 'COMPLIANT', OrderingTimestamp: new Date(TRIGGERED_AT) }] });
  await expect(handler(event(), context())).rejects.toThrow(/Config refused the evaluation of account 123456789012/);
});

test('annotation truncation: drift in every field with long names still reports within 256 characters', async () => {
  const long = 'g'.repeat(500);
  bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).resolves({
    loggingConfig: { cloudWatchConfig: { logGroupName: long, roleArn: `arn:aws:iam::123456789012:role/${long}` }, s3Config: { bucketName: 'exfil-bucket', keyPrefix: long }, videoDataDeliveryEnabled: true },
  });
  await handler(event(), context());
  const [evaluation] = reported();
  expect(evaluation.ComplianceType).toBe('NON_COMPLIANT');
  expect(evaluation.Annotation!.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
  expect(evaluation.Annotation).toMatch(/^Invocation logging drifted: log group is 'g+\.\.\.; \+7 more$/);
});

test('an event that is not from Config: nothing to report to, the invocation fails', async () => {
  await expect(handler({ hello: 'world' }, context())).rejects.toThrow(/no resultToken/);
  expect(configMock.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
  expect(bedrockMock.commandCalls(GetModelInvocationLoggingConfigurationCommand)).toHaveLength(0);
});

test('the production clients: no SDK retries (the handler retries within its deadline), connection and request timeouts', async () => {
  for (const client of [createBedrockClient({ region: 'us-east-1' }), createConfigClient({ region: 'us-east-1' })]) {
    expect(await client.config.maxAttempts()).toBe(1);
    const handlerConfig = await (client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> }).configProvider;
    expect(handlerConfig).toMatchObject({ connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true });
    client.destroy();
  }
});
