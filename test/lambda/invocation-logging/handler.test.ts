import * as http from 'http';
import { AddressInfo } from 'net';
import {
  AccessDeniedException,
  BedrockClient,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  LoggingConfig,
  PutModelInvocationLoggingConfigurationCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { putResponse, responseBody } from '../../../lambda/invocation-logging/cfn-response';
import { createHandler } from '../../../lambda/invocation-logging/index';
import { decodePhysicalId, NO_PREVIOUS_ID, NOT_APPLIED_ID } from '../../../lambda/invocation-logging/logic';

// The real SDK client, its transport replaced by aws-sdk-client-mock; CloudFormation's response
// URL is a real HTTP server on the loopback interface.

const bedrockMock = mockClient(BedrockClient);
const client = new BedrockClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 });

interface Received {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: any;
}
let server: http.Server;
let baseUrl: string;
let received: Received[] = [];
/** HTTP statuses the fake response endpoint answers with, in order; 200 when empty. */
let responseStatuses: number[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => {
      const status = responseStatuses.shift() ?? 200;
      if (status === 200) received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(data) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let sleeps: number[] = [];
let logs: Array<Record<string, unknown>> = [];
const handler = createHandler({
  bedrock: client,
  clock: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
  log: (entry) => logs.push(entry),
});

beforeEach(() => {
  bedrockMock.reset();
  received = [];
  responseStatuses = [];
  sleeps = [];
  logs = [];
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

let requestCounter = 0;
function event(requestType: 'Create' | 'Update' | 'Delete', extra: Partial<Record<string, unknown>> = {}): CloudFormationCustomResourceEvent {
  requestCounter++;
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:handler',
    ResponseURL: `${baseUrl}/cloudformation-response/${requestCounter}?X-Amz-Signature=abc`,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Platform/guid',
    RequestId: `request-${requestCounter}`,
    LogicalResourceId: 'InvocationLogging',
    ResourceType: 'Custom::BedrockModelInvocationLogging',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:handler', LoggingConfig: OUR_PROPERTIES },
    ...extra,
  } as CloudFormationCustomResourceEvent;
}

/** Bedrock's one setting, held in memory: Get reads it, Put replaces it, Delete clears it. */
function simulateAccount(initial: LoggingConfig | undefined): { current: () => LoggingConfig | undefined } {
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
  return { current: () => state };
}

const calls = (command: any) => bedrockMock.commandCalls(command).length;
const lastResponse = () => received[received.length - 1].body;

describe('Create', () => {
  test('with nothing configured before: applies ours and records "nothing before"', async () => {
    const account = simulateAccount(undefined);
    const outcome = await handler(event('Create'));
    expect(outcome.status).toBe('SUCCESS');
    expect(account.current()).toEqual(OURS);
    expect(bedrockMock.commandCalls(PutModelInvocationLoggingConfigurationCommand)[0].args[0].input).toEqual({ loggingConfig: OURS });
    expect(received).toHaveLength(1);
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

  test('over another team\'s configuration: records it in the physical id', async () => {
    simulateAccount(THEIRS);
    await handler(event('Create'));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(lastResponse().Data).toEqual({ PreviousConfiguration: 'recorded' });
    expect(decodePhysicalId(lastResponse().PhysicalResourceId)).toEqual({ kind: 'applied', previous: THEIRS });
  });

  test('a repeated Create does not record our own configuration as the previous one', async () => {
    simulateAccount(OURS);
    await handler(event('Create'));
    expect(lastResponse().PhysicalResourceId).toBe(NO_PREVIOUS_ID);
  });

  test('invalid properties fail with a readable reason and change nothing', async () => {
    simulateAccount(THEIRS);
    await handler(event('Create', { ResourceProperties: { ServiceToken: 'x', LoggingConfig: { textDataDeliveryEnabled: 'true' } } }));
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NOT_APPLIED_ID, Reason: 'InvalidPropertiesError: LoggingConfig needs cloudWatchConfig, s3Config or both' });
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(0);
  });
});

describe('Update', () => {
  test('applies the new configuration and keeps the physical id (it carries what Delete restores)', async () => {
    const account = simulateAccount(THEIRS);
    await handler(event('Create'));
    const physicalId = lastResponse().PhysicalResourceId;
    const updated = { ...OUR_PROPERTIES, imageDataDeliveryEnabled: 'false' };
    await handler(event('Update', { PhysicalResourceId: physicalId, ResourceProperties: { ServiceToken: 'x', LoggingConfig: updated }, OldResourceProperties: { ServiceToken: 'x', LoggingConfig: OUR_PROPERTIES } }));
    expect(lastResponse()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(account.current()?.imageDataDeliveryEnabled).toBe(false);
    expect(calls(GetModelInvocationLoggingConfigurationCommand)).toBe(1); // only the Create read
    // The Delete after the update still restores what was there before the Create.
    await handler(event('Delete', { PhysicalResourceId: physicalId, ResourceProperties: { ServiceToken: 'x', LoggingConfig: updated } }));
    expect(account.current()).toEqual(THEIRS);
  });
});

describe('Delete', () => {
  test('restores the configuration that was there before this stack', async () => {
    const account = simulateAccount(THEIRS);
    await handler(event('Create'));
    const physicalId = lastResponse().PhysicalResourceId;
    expect(account.current()).toEqual(OURS);

    await handler(event('Delete', { PhysicalResourceId: physicalId }));
    expect(lastResponse()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(account.current()).toEqual(THEIRS);
    expect(calls(DeleteModelInvocationLoggingConfigurationCommand)).toBe(0);
  });

  test('removes the configuration when there was none before', async () => {
    const account = simulateAccount(undefined);
    await handler(event('Create'));
    await handler(event('Delete', { PhysicalResourceId: lastResponse().PhysicalResourceId }));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(account.current()).toBeUndefined();
    expect(calls(DeleteModelInvocationLoggingConfigurationCommand)).toBe(1);
  });

  test('a duplicate Delete is a no-op: it neither wipes nor re-restores', async () => {
    const account = simulateAccount(THEIRS);
    await handler(event('Create'));
    const physicalId = lastResponse().PhysicalResourceId;
    const deleteEvent = event('Delete', { PhysicalResourceId: physicalId });
    await handler(deleteEvent);
    const putsAfterFirst = calls(PutModelInvocationLoggingConfigurationCommand);
    await handler(deleteEvent);
    expect(received.slice(-2).map((r) => r.body.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(putsAfterFirst);
    expect(calls(DeleteModelInvocationLoggingConfigurationCommand)).toBe(0);
    expect(account.current()).toEqual(THEIRS);
  });

  test('leaves alone a configuration someone else set after this stack', async () => {
    const account = simulateAccount(undefined);
    await handler(event('Create'));
    const physicalId = lastResponse().PhysicalResourceId;
    await client.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig: THEIRS })); // another team takes over
    await handler(event('Delete', { PhysicalResourceId: physicalId }));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(account.current()).toEqual(THEIRS);
    expect(calls(DeleteModelInvocationLoggingConfigurationCommand)).toBe(0);
  });

  test('after a Create that failed before changing anything, changes nothing', async () => {
    const account = simulateAccount(THEIRS);
    await handler(event('Delete', { PhysicalResourceId: NOT_APPLIED_ID }));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(account.current()).toEqual(THEIRS);
    expect(calls(PutModelInvocationLoggingConfigurationCommand) + calls(DeleteModelInvocationLoggingConfigurationCommand)).toBe(0);
  });

  test('a restore the service refuses fails the Delete with both the cause and the way out', async () => {
    simulateAccount(THEIRS);
    await handler(event('Create'));
    const physicalId = lastResponse().PhysicalResourceId;
    bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).rejects(
      new ValidationException({ message: 'The log group /security/bedrock does not exist', $metadata: { httpStatusCode: 400 } }),
    );
    await handler(event('Delete', { PhysicalResourceId: physicalId }));
    expect(lastResponse().Status).toBe('FAILED');
    expect(lastResponse().PhysicalResourceId).toBe(physicalId);
    expect(lastResponse().Reason).toMatch(/could not restore .* \(ValidationException: The log group \/security\/bedrock does not exist\)\. .*retain this resource/);
  });
});

describe('throttling and errors', () => {
  test('throttling, then success: retried with growing, bounded waits', async () => {
    simulateAccount(undefined);
    const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
    bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});
    await handler(event('Create'));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(3);
    expect(sleeps).toEqual([750, 1500]); // 1 s then 2 s steps, jitter drawn at 0.5
    expect(logs.filter((l) => l.level === 'WARN').map((l) => l.error)).toEqual(['ThrottlingException', 'ThrottlingException']);
  });

  test('throttling that never stops: fails after the bounded attempts with the service\'s message', async () => {
    simulateAccount(undefined);
    bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));
    await handler(event('Create'));
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(8);
    expect(sleeps).toHaveLength(7);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60000);
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', Reason: 'ThrottlingException: Rate exceeded' });
  });

  test('access denied: not retried, and CloudFormation gets the SDK\'s message', async () => {
    const account = simulateAccount(THEIRS);
    const message = 'User: arn:aws:sts::123456789012:assumed-role/Handler/fn is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/Platform-Delivery-abc';
    bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).rejects(new AccessDeniedException({ message, $metadata: { httpStatusCode: 403 } }));
    await handler(event('Create'));
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(1);
    expect(sleeps).toEqual([]);
    expect(lastResponse().Status).toBe('FAILED');
    expect(lastResponse().Reason).toBe(`AccessDeniedException: ${message}`);
    // The failure reports the id that records the previous configuration, so the rollback's Delete
    // could restore it had the Put taken effect; here it did not, and the Delete leaves THEIRS alone.
    expect(decodePhysicalId(lastResponse().PhysicalResourceId)).toEqual({ kind: 'applied', previous: THEIRS });
    bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).resolves({});
    await handler(event('Delete', { PhysicalResourceId: lastResponse().PhysicalResourceId }));
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
    await handler(event('Create'));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(calls(PutModelInvocationLoggingConfigurationCommand)).toBe(2);
  });
});

describe('the response to CloudFormation', () => {
  test('a failed PUT of the response is retried', async () => {
    simulateAccount(undefined);
    responseStatuses = [500, 503];
    await handler(event('Create'));
    expect(received).toHaveLength(1);
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(sleeps).toHaveLength(2);
  });

  test('a response URL that keeps refusing makes the invocation fail (for the dead-letter queue)', async () => {
    simulateAccount(undefined);
    responseStatuses = [403, 403];
    await expect(handler(event('Create'))).rejects.toThrow(/HTTP 403/);
  });

  test('never over plain HTTP to anything but the loopback interface', async () => {
    await expect(putResponse('http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x', '{}')).rejects.toThrow(/refusing to send the CloudFormation response over http:/);
  });

  test('the body stays within CloudFormation\'s 4 KB limit, however long the reason', () => {
    const body = responseBody(event('Create'), { status: 'FAILED', physicalId: NOT_APPLIED_ID, reason: 'x'.repeat(10000) });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(4096);
    expect(JSON.parse(body).Reason).toMatch(/^x+\.\.\.$/);
  });

  test('the pre-signed URL is never logged', async () => {
    simulateAccount(undefined);
    await handler(event('Create'));
    expect(JSON.stringify(logs)).not.toContain('X-Amz-Signature');
  });
});
