import * as http from 'http';
import { AddressInfo } from 'net';
import {
  AccessDeniedException,
  BedrockClient,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  InternalServerException,
  LoggingConfig,
  PutModelInvocationLoggingConfigurationCommand,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { putResponse, responseBody } from '../../../lambda/invocation-logging/cfn-response';
import { createBedrockClient, createHandler, HandlerDependencies } from '../../../lambda/invocation-logging/index';
import { decodePhysicalId, NO_PREVIOUS_ID, NOT_APPLIED_ID } from '../../../lambda/invocation-logging/logic';
import { REAL_CLOCK } from '../../../lambda/invocation-logging/retry';
import { offlineClient, VirtualTime } from '../handler-kit';
import { useResponseServer } from './response-server';

// The real SDK client, its transport replaced by aws-sdk-client-mock; CloudFormation's response
// URL is a real HTTP server on the loopback interface. Time is virtual (sleeps advance a counter)
// except in the tests of hangs, which run on real timers of a few hundred milliseconds.

const client = offlineClient(BedrockClient);
// This instance only: the clients of the real-HTTP tests below keep their transport.
const bedrockMock = mockClient(client);

interface Received {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: any;
  readonly at: number;
}
let received: Received[] = [];
/** HTTP statuses the fake response endpoint answers with, in order; 200 when empty. */
let responseStatuses: number[] = [];
const responseUrl = useResponseServer((req, body, res) => {
  if (req.url?.startsWith('/never-answers/')) return; // holds the request open
  const status = responseStatuses.shift() ?? 200;
  if (status === 200) received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(body), at: Date.now() });
  res.writeHead(status).end();
});

const time = new VirtualTime();
const handler = createHandler({ bedrock: client, clock: time.clock, log: time.log });
/** A Lambda context with `remainingMs` left; the function's 3 minutes unless told. */
const context = (remainingMs = 180_000) => ({ getRemainingTimeInMillis: () => remainingMs });

/** Invocations that must get an answer: checked against what the response server received. */
let answerable = 0;
const run = (e: unknown, ctx = context(), h: ReturnType<typeof createHandler> = handler) => {
  answerable++;
  return h(e, ctx);
};

beforeEach(() => {
  bedrockMock.reset();
  received = [];
  responseStatuses = [];
  time.reset();
  answerable = 0;
});
afterEach(() => {
  // CloudFormation gets exactly one response per event.
  expect(received).toHaveLength(answerable);
  expect(new Set(received.map((r) => r.body.RequestId)).size).toBe(received.length);
});

const OUR_PROPERTIES = {
  cloudWatchConfig: {
    logGroupName: 'Platform-InvocationLogs-abc',
    roleArn: 'arn:aws:iam::123456789012:role/Platform-Delivery-abc',
    largeDataDeliveryS3Config: { bucketName: 'platform-logs-abc', keyPrefix: 'large-data' },
  },
  s3Config: { bucketName: 'platform-logs-abc', keyPrefix: 'invocation-logs' },
  // CloudFormation passes booleans to custom resources as strings.
  textDataDeliveryEnabled: 'true',
  imageDataDeliveryEnabled: 'true',
  embeddingDataDeliveryEnabled: 'true',
  videoDataDeliveryEnabled: 'false',
  audioDataDeliveryEnabled: 'false',
};
const OURS: LoggingConfig = {
  ...OUR_PROPERTIES,
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: true,
  embeddingDataDeliveryEnabled: true,
  videoDataDeliveryEnabled: false,
  audioDataDeliveryEnabled: false,
};
const THEIRS: LoggingConfig = {
  cloudWatchConfig: { logGroupName: '/security/bedrock', roleArn: 'arn:aws:iam::123456789012:role/SecurityTeamBedrockLogs' },
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: false,
  embeddingDataDeliveryEnabled: false,
  videoDataDeliveryEnabled: false,
};
const properties = (extra: Record<string, unknown> = {}, loggingConfig: unknown = OUR_PROPERTIES) => ({
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:handler',
  LoggingConfig: loggingConfig,
  ...extra,
});
const TAKE_OVER = properties({ TakeOverExistingConfiguration: 'true' });

let requestCounter = 0;
function event(requestType: string | undefined, extra: Partial<Record<string, unknown>> = {}): CloudFormationCustomResourceEvent {
  requestCounter++;
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:handler',
    ResponseURL: `${responseUrl()}/cloudformation-response/${requestCounter}?X-Amz-Signature=abc`,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Platform/guid',
    RequestId: `request-${requestCounter}`,
    LogicalResourceId: 'InvocationLogging',
    ResourceType: 'Custom::BedrockModelInvocationLogging',
    ResourceProperties: properties(),
    ...extra,
  } as CloudFormationCustomResourceEvent;
}

/** Bedrock's one setting, held in memory: Get reads it, Put replaces it, Delete clears it. */
function simulateAccount(initial: LoggingConfig | undefined): { current: () => LoggingConfig | undefined; set: (config: LoggingConfig | undefined) => void } {
  let state = initial;
  bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).callsFake(async () => ({ loggingConfig: state }));
  bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).callsFake(async (input) => {
    state = input.loggingConfig;
    return {};
  });
  bedrockMock.on(DeleteModelInvocationLoggingConfigurationCommand).callsFake(async () => {
    state = undefined;
    return {};
  });
  return { current: () => state, set: (config) => (state = config) };
}

const calls = (command: any) => bedrockMock.commandCalls(command).length;
const changes = () => calls(PutModelInvocationLoggingConfigurationCommand) + calls(DeleteModelInvocationLoggingConfigurationCommand);
const lastResponse = () => received[received.length - 1].body;
/** The options the handler passed to `send` with the first `command`. */
const sendOptions = (command: any) => (bedrockMock.commandCalls(command)[0].args as unknown[])[1] as { requestTimeout: number; abortSignal: AbortSignal };
/** Creates the resource over `initial` (taking it over when there is one) and returns its physical id. */
async function created(initial: LoggingConfig | undefined) {
  const account = simulateAccount(initial);
  await run(event('Create', { ResourceProperties: TAKE_OVER }));
  expect(lastResponse().Status).toBe('SUCCESS');
  return { account, physicalId: lastResponse().PhysicalResourceId as string };
}

describe('Create', () => {
  test('with nothing configured before: applies ours and records "nothing before"', async () => {
    const account = simulateAccount(undefined);
    const outcome = await run(event('Create'));
    expect(outcome.status).toBe('SUCCESS');
    expect(account.current()).toEqual(OURS);
    expect(bedrockMock.commandCalls(PutModelInvocationLoggingConfigurationCommand)[0].args[0].input).toEqual({ loggingConfig: OURS });
    expect(received[0].path).toMatch(/^\/cloudformation-response\/\d+\?X-Amz-Signature=abc$/);
    expect(received[0].contentType).toBe('');
    expect(received[0].body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: NO_PREVIOUS_ID,
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Platform/guid',
      RequestId: expect.stringMatching(/^request-/),
      LogicalResourceId: 'InvocationLogging',
      NoEcho: false,
      Data: { PreviousConfiguration: 'none' },
    });
  });

  test.each([[undefined], ['false'], [false]])('over another owner\'s configuration (TakeOverExistingConfiguration %p): fails, names it, changes nothing', async (takeOver) => {
    const account = simulateAccount(THEIRS);
    await run(event('Create', { ResourceProperties: properties(takeOver === undefined ? {} : { TakeOverExistingConfiguration: takeOver }) }));
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NOT_APPLIED_ID });
    expect(lastResponse().Reason).toMatch(/already configured in this account and Region, and not by this stack: CloudWatch Logs log group \/security\/bedrock \(role arn:aws:iam::123456789012:role\/SecurityTeamBedrockLogs\)/);
    expect(lastResponse().Reason).toMatch(/Remove that configuration .* or set takeOverExistingConfiguration: true/);
    expect(changes()).toBe(0);
    expect(account.current()).toEqual(THEIRS);
    // The rollback's Delete then leaves it alone.
    await run(event('Delete', { PhysicalResourceId: lastResponse().PhysicalResourceId }));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(changes()).toBe(0);
  });

  test.each([['true'], [true]])('over another owner\'s configuration with TakeOverExistingConfiguration %p: applies ours and records theirs', async (takeOver) => {
    const account = simulateAccount(THEIRS);
    await run(event('Create', { ResourceProperties: properties({ TakeOverExistingConfiguration: takeOver }) }));
    expect(lastResponse()).toMatchObject({ Status: 'SUCCESS', Data: { PreviousConfiguration: 'recorded' } });
    expect(decodePhysicalId(lastResponse().PhysicalResourceId)).toEqual({ kind: 'applied', previous: THEIRS });
    expect(account.current()).toEqual(OURS);
  });

  test('a repeated Create does not record our own configuration as the previous one', async () => {
    simulateAccount(OURS);
    await run(event('Create'));
    expect(lastResponse()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: NO_PREVIOUS_ID });
  });

  test('invalid properties fail with a readable reason and change nothing', async () => {
    simulateAccount(THEIRS);
    await run(event('Create', { ResourceProperties: properties({}, { textDataDeliveryEnabled: 'true' }) }));
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NOT_APPLIED_ID, Reason: 'InvalidPropertiesError: LoggingConfig needs cloudWatchConfig, s3Config or both' });
    expect(changes()).toBe(0);
  });

  test('an invalid TakeOverExistingConfiguration fails before Bedrock is called', async () => {
    simulateAccount(undefined);
    await run(event('Create', { ResourceProperties: properties({ TakeOverExistingConfiguration: 'yes' }) }));
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', Reason: 'InvalidPropertiesError: TakeOverExistingConfiguration must be true or false, got "yes"' });
    expect(calls(GetModelInvocationLoggingConfigurationCommand)).toBe(0);
  });
});

describe('Update', () => {
  const updatedProperties = { ...OUR_PROPERTIES, imageDataDeliveryEnabled: 'false' };
  const update = (physicalId: string, newProperties: Record<string, unknown> = properties({}, updatedProperties)) =>
    event('Update', { PhysicalResourceId: physicalId, ResourceProperties: newProperties, OldResourceProperties: properties() });

  test('while the configuration is ours: applies the new one and keeps the physical id (it carries what Delete restores)', async () => {
    const { account, physicalId } = await created(THEIRS);
    await run(update(physicalId));
    expect(lastResponse()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(account.current()?.imageDataDeliveryEnabled).toBe(false);
    // The Delete after the update still restores what was there before the Create.
    await run(event('Delete', { PhysicalResourceId: physicalId, ResourceProperties: properties({}, updatedProperties) }));
    expect(account.current()).toEqual(THEIRS);
  });

  test('when someone else has taken the setting over since: fails, names it, changes nothing', async () => {
    const { account, physicalId } = await created(undefined);
    account.set(THEIRS);
    const puts = calls(PutModelInvocationLoggingConfigurationCommand);
    await run(update(physicalId));
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: physicalId });
    expect(lastResponse().Reason).toMatch(/no longer this stack's: someone else has since set CloudWatch Logs log group \/security\/bedrock .*takeOverExistingConfiguration: true/);
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(puts);
    expect(account.current()).toEqual(THEIRS);
  });

  test('when someone else has taken it over, with TakeOverExistingConfiguration: applies ours', async () => {
    const { account, physicalId } = await created(undefined);
    account.set(THEIRS);
    await run(update(physicalId, { ...properties({}, updatedProperties), TakeOverExistingConfiguration: 'true' }));
    expect(lastResponse()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(account.current()?.cloudWatchConfig?.logGroupName).toBe('Platform-InvocationLogs-abc');
  });

  test('when nothing is set any more: applies ours', async () => {
    const { account, physicalId } = await created(undefined);
    account.set(undefined);
    await run(update(physicalId));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(account.current()?.s3Config).toEqual(OURS.s3Config);
  });
});

describe('Delete', () => {
  test('restores the configuration that was there before this stack', async () => {
    const { account, physicalId } = await created(THEIRS);
    expect(account.current()).toEqual(OURS);
    await run(event('Delete', { PhysicalResourceId: physicalId }));
    expect(lastResponse()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(account.current()).toEqual(THEIRS);
    expect(calls(DeleteModelInvocationLoggingConfigurationCommand)).toBe(0);
  });

  test('removes the configuration when there was none before', async () => {
    const { account, physicalId } = await created(undefined);
    await run(event('Delete', { PhysicalResourceId: physicalId }));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(account.current()).toBeUndefined();
    expect(calls(DeleteModelInvocationLoggingConfigurationCommand)).toBe(1);
  });

  test('a duplicate Delete is a no-op: it neither wipes nor re-restores', async () => {
    const { account, physicalId } = await created(THEIRS);
    await run(event('Delete', { PhysicalResourceId: physicalId }));
    const putsAfterFirst = calls(PutModelInvocationLoggingConfigurationCommand);
    await run(event('Delete', { PhysicalResourceId: physicalId }));
    expect(received.slice(-2).map((r) => r.body.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(putsAfterFirst);
    expect(calls(DeleteModelInvocationLoggingConfigurationCommand)).toBe(0);
    expect(account.current()).toEqual(THEIRS);
  });

  test('leaves alone a configuration someone else set after this stack, and says so in the log', async () => {
    const { account, physicalId } = await created(undefined);
    account.set(THEIRS);
    const before = changes();
    await run(event('Delete', { PhysicalResourceId: physicalId }));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(account.current()).toEqual(THEIRS);
    expect(changes()).toBe(before);
    expect(time.logs).toContainEqual(expect.objectContaining({ message: 'deleted the invocation logging resource', action: 'none', note: expect.stringMatching(/not this resource's/) }));
  });

  test('leaves alone a configuration of which only one destination is ours', async () => {
    const { account, physicalId } = await created(THEIRS);
    const mixed: LoggingConfig = { ...OURS, s3Config: { bucketName: 'security-team-logs', keyPrefix: 'bedrock' } };
    account.set(mixed);
    const before = changes();
    await run(event('Delete', { PhysicalResourceId: physicalId }));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(changes()).toBe(before);
    expect(account.current()).toEqual(mixed);
  });

  test('after a Create that failed before changing anything, changes nothing', async () => {
    const account = simulateAccount(THEIRS);
    await run(event('Delete', { PhysicalResourceId: NOT_APPLIED_ID }));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(account.current()).toEqual(THEIRS);
    expect(changes()).toBe(0);
  });

  describe('after a Create whose response was lost (a physical id it did not issue)', () => {
    test('never touches a configuration it does not own', async () => {
      const account = simulateAccount(THEIRS);
      await run(event('Delete', { PhysicalResourceId: 'InvocationLogging-1A2B3C' }));
      expect(lastResponse().Status).toBe('SUCCESS');
      expect(changes()).toBe(0);
      expect(account.current()).toEqual(THEIRS);
    });
    test('removes its own, and restores nothing it did not record', async () => {
      const account = simulateAccount(OURS);
      await run(event('Delete', { PhysicalResourceId: 'InvocationLogging-1A2B3C' }));
      expect(lastResponse().Status).toBe('SUCCESS');
      expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(0);
      expect(calls(DeleteModelInvocationLoggingConfigurationCommand)).toBe(1);
      expect(account.current()).toBeUndefined();
    });
  });

  test('with properties that never parsed (a rejected Create): changes nothing', async () => {
    simulateAccount(OURS);
    await run(event('Delete', { PhysicalResourceId: NO_PREVIOUS_ID, ResourceProperties: properties({}, 'not an object') }));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(changes()).toBe(0);
  });

  test('a restore the service refuses fails the Delete with both the cause and the way out', async () => {
    const { physicalId } = await created(THEIRS);
    bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).rejects(
      new ValidationException({ message: 'The log group /security/bedrock does not exist', $metadata: { httpStatusCode: 400 } }),
    );
    await run(event('Delete', { PhysicalResourceId: physicalId }));
    expect(lastResponse().Status).toBe('FAILED');
    expect(lastResponse().PhysicalResourceId).toBe(physicalId);
    expect(lastResponse().Reason).toMatch(/could not restore .* \(ValidationException: The log group \/security\/bedrock does not exist\)\. .*retain this resource/);
  });
});

describe('retries', () => {
  const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });

  test('throttling, then success: retried with growing, bounded waits', async () => {
    simulateAccount(undefined);
    bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});
    await run(event('Create'));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(3);
    expect(time.sleeps).toEqual([750, 1500]); // 1 s then 2 s steps, jitter drawn at 0.5
    expect(time.logs.filter((l) => l.level === 'WARN').map((l) => l.error)).toEqual(['ThrottlingException', 'ThrottlingException']);
  });

  test.each([
    ['503', () => new ServiceUnavailableException({ message: 'Service unavailable', $metadata: { httpStatusCode: 503 } })],
    ['500', () => new InternalServerException({ message: 'Internal error', $metadata: { httpStatusCode: 500 } })],
  ])('a %s, then success: retried', async (_status, error) => {
    const account = simulateAccount(undefined);
    bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).rejectsOnce(error()).resolves({});
    await run(event('Create'));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(calls(GetModelInvocationLoggingConfigurationCommand)).toBe(2);
    expect(time.sleeps).toEqual([750]);
    expect(account.current()).toEqual(OURS);
  });

  test('throttling that never stops: fails after the bounded attempts with the service\'s message', async () => {
    simulateAccount(undefined);
    bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).rejects(throttled());
    await run(event('Create'));
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(8);
    expect(time.sleeps).toHaveLength(7);
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60000);
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', Reason: 'ThrottlingException: Rate exceeded' });
  });

  test('retries stop at the deadline: no attempt, and no wait, that could not finish before it', async () => {
    simulateAccount(undefined);
    bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).rejects(throttled());
    // 40 s left, 30 s kept for the reply and 2 s of grace for the watchdog: 8 s of calls. Attempts at
    // 0, 0.75 and 2.25 s; the next would start at 5.25 s with less than its 5 s minimum before 8 s.
    await run(event('Create'), context(40_000));
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(3);
    expect(time.sleeps).toEqual([750, 1500]);
    expect(lastResponse().Status).toBe('FAILED');
    expect(lastResponse().Reason).toMatch(/^PutModelInvocationLoggingConfiguration still failed when the deadline was reached, after 3 attempt\(s\) in 2\.3 s .*: ThrottlingException: Rate exceeded$/);
    // The failure reports the id that lets the rollback's Delete clean up, had a Put taken effect.
    expect(lastResponse().PhysicalResourceId).toBe(NO_PREVIOUS_ID);
  });

  test('no Bedrock call starts without the time to finish: a slow read leaves no time for the Put', async () => {
    simulateAccount(undefined);
    bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).callsFake(async () => {
      time.now += 7_000; // answered, but slowly: 1 s left before the calls' deadline
      return {};
    });
    await run(event('Create'), context(40_000));
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(0);
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/^Stopped before calling PutModelInvocationLoggingConfiguration: the deadline was reached/) });
  });

  test('each call\'s SDK request timeout is shortened to the deadline, and the call can be aborted', async () => {
    simulateAccount(undefined);
    await run(event('Create'), context(40_000));
    const options = sendOptions(GetModelInvocationLoggingConfigurationCommand);
    expect(options.requestTimeout).toBe(8_000); // the SDK's 20 s, cut to the 8 s left before the calls' deadline
    expect(options.abortSignal).toBeInstanceOf(AbortSignal);
  });

  test('access denied: not retried, and CloudFormation gets the SDK\'s message', async () => {
    const account = simulateAccount(THEIRS);
    const message = 'User: arn:aws:sts::123456789012:assumed-role/Handler/fn is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/Platform-Delivery-abc';
    bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).rejects(new AccessDeniedException({ message, $metadata: { httpStatusCode: 403 } }));
    await run(event('Create', { ResourceProperties: TAKE_OVER }));
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(1);
    expect(time.sleeps).toEqual([]);
    expect(lastResponse().Status).toBe('FAILED');
    expect(lastResponse().Reason).toBe(`AccessDeniedException: ${message}`);
    // The failure reports the id that records the previous configuration, so the rollback's Delete
    // could restore it had the Put taken effect; here it did not, and the Delete leaves THEIRS alone.
    expect(decodePhysicalId(lastResponse().PhysicalResourceId)).toEqual({ kind: 'applied', previous: THEIRS });
    bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).resolves({});
    await run(event('Delete', { PhysicalResourceId: lastResponse().PhysicalResourceId }));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(account.current()).toEqual(THEIRS);
  });

  test('a delivery role IAM has not propagated yet is retried until Bedrock accepts it', async () => {
    simulateAccount(undefined);
    bedrockMock
      .on(PutModelInvocationLoggingConfigurationCommand)
      .rejectsOnce(
        new ValidationException({
          message: 'Failed to validate permissions for log group: Platform-InvocationLogs-abc, with role: arn:aws:iam::123456789012:role/Platform-Delivery-abc. Verify the IAM role permissions are correct.',
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .resolves({});
    await run(event('Create'));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(2);
  });
});

describe('no hangs (real timers, a few hundred milliseconds)', () => {
  /** A handler on real time whose function has `remainingMs` left, `reserveMs` of it kept for the reply. */
  const realTimeHandler = (bedrock: BedrockClient, overrides: Partial<HandlerDependencies> = {}) =>
    createHandler({
      bedrock,
      clock: REAL_CLOCK,
      log: time.log,
      retryPolicy: { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 50, attemptTimeoutMs: 250, minAttemptMs: 100 },
      responsePolicy: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 50, attemptTimeoutMs: 10_000, minAttemptMs: 100 },
      timeBudget: { responseReserveMs: 400, watchdogGraceMs: 200, finalMarginMs: 50 },
      ...overrides,
    });

  test('a Bedrock endpoint that accepts connections and never answers: FAILED, with where to look, before the deadline', async () => {
    // A real client, real HTTP: the local server stands for an endpoint nothing answers behind.
    const requests: string[] = [];
    const silent = http.createServer((req) => void requests.push(`${req.method} ${req.url}`));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const realClient = createBedrockClient(
      { connectionTimeoutMs: 200, requestTimeoutMs: 250 },
      { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } },
    );
    try {
      const started = Date.now();
      // 1.5 s left: calls until 0.9 s, the watchdog at 1.1 s (it must not be needed), the reply after.
      await run(event('Create'), context(1_500), realTimeHandler(realClient));
      const answeredAfter = received[0].at - started;
      expect(answeredAfter).toBeLessThan(1_500); // before Lambda would stop the function
      expect(answeredAfter).toBeGreaterThanOrEqual(500); // the SDK's timeouts cut each attempt, then retries ran up to the deadline
      expect(lastResponse()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NOT_APPLIED_ID });
      expect(lastResponse().Reason).toMatch(
        /^Bedrock did not answer GetModelInvocationLoggingConfiguration within [\d.]+ s \(\d attempt\(s\), the last: TimeoutError: .*\); retries stopped at the deadline .*reachable from the function's subnets\?/,
      );
      // Each attempt reached the server and was cut by the SDK's own timeout: more than one attempt.
      expect(requests.length).toBeGreaterThanOrEqual(2);
      expect(requests.every((r) => r.startsWith('GET /logging/modelinvocations'))).toBe(true);
    } finally {
      realClient.destroy();
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('a call that hangs past every SDK timeout is cut by the watchdog at the deadline', async () => {
    bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).callsFake(() => new Promise(() => undefined)); // never settles
    const started = Date.now();
    // 800 ms left, 400 kept for the reply: calls end by 200 ms, the watchdog fires at 400.
    await run(event('Create'), context(800), realTimeHandler(client));
    expect(received[0].at - started).toBeGreaterThanOrEqual(390);
    expect(received[0].at - started).toBeLessThan(800);
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NOT_APPLIED_ID });
    expect(lastResponse().Reason).toMatch(/^Bedrock did not answer GetModelInvocationLoggingConfiguration before the deadline, [\d.]+ s into the request, so the call was abandoned .*reachable/);
    // The pending call is aborted (its socket torn down), and nothing else answers later.
    expect(sendOptions(GetModelInvocationLoggingConfigurationCommand).abortSignal.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(time.logs).toContainEqual(expect.objectContaining({ level: 'ERROR', step: 'GetModelInvocationLoggingConfiguration' }));
  });

  test('a Put cut by the watchdog reports the id that records the previous configuration', async () => {
    simulateAccount(THEIRS);
    bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).callsFake(() => new Promise(() => undefined));
    await run(event('Create', { ResourceProperties: TAKE_OVER }), context(800), realTimeHandler(client));
    expect(lastResponse().Status).toBe('FAILED');
    expect(lastResponse().Reason).toMatch(/did not answer PutModelInvocationLoggingConfiguration before the deadline/);
    // Had the Put taken effect, the rollback's Delete can restore what was there.
    expect(decodePhysicalId(lastResponse().PhysicalResourceId)).toEqual({ kind: 'applied', previous: THEIRS });
  });

  test('the reply to CloudFormation is bounded by the remaining time too', async () => {
    simulateAccount(undefined);
    answerable--; // this response endpoint never answers: nothing is received
    const started = Date.now();
    const h = realTimeHandler(client, { timeBudget: { responseReserveMs: 400, watchdogGraceMs: 200, finalMarginMs: 150 } });
    await expect(run(event('Create', { ResponseURL: `${responseUrl()}/never-answers/1?X-Amz-Signature=abc` }), context(600), h)).rejects.toThrow(/PUT timed out after 4\d\d ms/);
    expect(Date.now() - started).toBeLessThan(600);
  });
});

describe('surprising events are answered', () => {
  test.each([
    ['an unknown RequestType', { RequestType: 'Replace' }, /^unknown RequestType "Replace": expected Create, Update or Delete; nothing was changed$/],
    ['no RequestType', { RequestType: undefined }, /^unknown RequestType nothing/],
    ['an Update without PhysicalResourceId', { RequestType: 'Update' }, /^Update events need a PhysicalResourceId string, got nothing/],
    ['a Delete with a numeric PhysicalResourceId', { RequestType: 'Delete', PhysicalResourceId: 42 }, /^Delete events need a PhysicalResourceId string, got 42/],
    ['a Delete with an empty PhysicalResourceId', { RequestType: 'Delete', PhysicalResourceId: '' }, /^Delete events need a PhysicalResourceId string, got ""/],
    ['properties that are not an object', { RequestType: 'Create', ResourceProperties: 'LoggingConfig' }, /^ResourceProperties must be an object/],
  ])('%s: FAILED, nothing called', async (_name, fields, reason) => {
    simulateAccount(OURS);
    await run({ ...event('Create'), PhysicalResourceId: undefined, ...fields });
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NOT_APPLIED_ID, RequestId: expect.stringMatching(/^request-/) });
    expect(lastResponse().Reason).toMatch(reason);
    expect(bedrockMock.calls()).toHaveLength(0);
  });

  test('an Update with unknown RequestType echoes a string physical id it got', async () => {
    await run(event('Upsert', { PhysicalResourceId: NO_PREVIOUS_ID }));
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NO_PREVIOUS_ID });
  });

  test.each([
    ['no ResponseURL', { ...event('Create'), ResponseURL: undefined }],
    ['a ResponseURL that is not a URL', { ...event('Create'), ResponseURL: 'not a url' }],
    ['no event at all', undefined],
  ])('%s: nowhere to answer, so the invocation fails (to the dead-letter queue), loudly, having changed nothing', async (_name, e) => {
    simulateAccount(undefined);
    await expect(handler(e, context())).rejects.toThrow(/cannot answer this event/);
    expect(bedrockMock.calls()).toHaveLength(0);
    expect(time.logs).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'cannot answer this event' }));
  });

  test('a failure of the context still gets an answer', async () => {
    simulateAccount(undefined);
    const broken = {
      getRemainingTimeInMillis: () => {
        throw new Error('no clock');
      },
    };
    await run(event('Create'), broken);
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', Reason: 'internal error of the handler: Error: no clock' });
  });
});

describe('the response to CloudFormation', () => {
  test('a failed PUT of the response is retried', async () => {
    simulateAccount(undefined);
    responseStatuses = [500, 503];
    await run(event('Create'));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(time.sleeps).toHaveLength(2);
  });

  test('a response URL that keeps refusing makes the invocation fail (for the dead-letter queue)', async () => {
    simulateAccount(undefined);
    responseStatuses = [403, 403];
    await expect(handler(event('Create'), context())).rejects.toThrow(/HTTP 403/);
    expect(time.logs).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'could not send the response to CloudFormation' }));
  });

  test('never over plain HTTP to anything but the loopback interface', async () => {
    await expect(putResponse('http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x', '{}')).rejects.toThrow(/refusing to send the CloudFormation response over http:/);
  });

  test('the body stays within CloudFormation\'s 4 KB limit, however long the reason', () => {
    const body = responseBody(event('Create'), { status: 'FAILED', physicalId: NOT_APPLIED_ID, reason: 'x'.repeat(10000) });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(4096);
    expect(JSON.parse(body).Reason).toMatch(/^x+\.\.\.$/);
  });

  test('the pre-signed URL is never logged, and every log line is JSON-ready', async () => {
    simulateAccount(THEIRS);
    await run(event('Create'));
    await run(event('Replace'));
    await expect(handler({ ...event('Create'), ResponseURL: 'not a URL ?X-Amz-Signature=abc' }, context())).rejects.toThrow();
    const text = JSON.stringify(time.logs);
    expect(text).not.toContain('X-Amz-Signature');
    expect(JSON.parse(text)).toEqual(time.logs);
  });
});

describe('the production client', () => {
  test('has connection and request timeouts that throw, and no SDK retries', async () => {
    const production = createBedrockClient(undefined, { region: 'us-east-1' });
    try {
      // The handler's options are resolved lazily; the promise is the SDK's own, read here to prove the wiring.
      const handlerConfig = await (production.config.requestHandler as any).configProvider;
      expect(handlerConfig).toMatchObject({ connectionTimeout: 5_000, requestTimeout: 20_000, throwOnRequestTimeout: true, socketTimeout: 20_000 });
      expect(await production.config.maxAttempts()).toBe(1);
    } finally {
      production.destroy();
    }
  });
});

describe('ownership needs every destination (issue 11)', () => {
  /** Our log group, someone else's S3 destination: not ours. */
  const MIXED: LoggingConfig = { ...OURS, s3Config: { bucketName: 'security-team-logs', keyPrefix: 'bedrock' } };

  test('Update over a configuration of which only one destination is ours: FAILED, names theirs, changes nothing', async () => {
    const account = simulateAccount(MIXED);
    await run(event('Update', { PhysicalResourceId: NO_PREVIOUS_ID, OldResourceProperties: properties() }));
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NO_PREVIOUS_ID });
    expect(lastResponse().Reason).toMatch(/no longer this stack's: someone else has since set .*S3 bucket s3:\/\/security-team-logs\/bedrock.*Nothing was changed/);
    expect(changes()).toBe(0);
    expect(account.current()).toEqual(MIXED);
  });

  test('Update whose old properties never parsed cannot claim someone else\'s configuration', async () => {
    const account = simulateAccount(THEIRS);
    await run(event('Update', { PhysicalResourceId: NO_PREVIOUS_ID, OldResourceProperties: { LoggingConfig: 'garbage' } }));
    expect(lastResponse().Status).toBe('FAILED');
    expect(changes()).toBe(0);
    expect(account.current()).toEqual(THEIRS);
  });

  test.each([
    ['a physical id it did not issue (lost Create response)', 'InvocationLogging-1A2B3C'],
    ['the failed-Create marker', NOT_APPLIED_ID],
    ['an id that records "nothing before"', NO_PREVIOUS_ID],
  ])('Delete with %s over a partly-ours configuration: neither deletes nor restores', async (_name, physicalId) => {
    const account = simulateAccount(MIXED);
    await run(event('Delete', { PhysicalResourceId: physicalId }));
    expect(lastResponse()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(changes()).toBe(0);
    expect(account.current()).toEqual(MIXED);
  });

  test('a Bedrock answer that is not a configuration: FAILED with a reason, nothing changed', async () => {
    bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).resolves(undefined as never);
    await run(event('Create'));
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NOT_APPLIED_ID });
    expect(lastResponse().Reason).toMatch(/TypeError/);
    expect(changes()).toBe(0);
  });

  test('a response URL over plain HTTP to another host: refused before Bedrock is called', async () => {
    simulateAccount(THEIRS);
    await expect(handler(event('Create', { ResponseURL: 'http://169.254.169.254/latest/meta-data', ResourceProperties: TAKE_OVER }), context())).rejects.toThrow(
      /cannot answer this event: refusing to send the CloudFormation response over http: to 169\.254\.169\.254/,
    );
    expect(bedrockMock.calls()).toHaveLength(0);
  });
});
