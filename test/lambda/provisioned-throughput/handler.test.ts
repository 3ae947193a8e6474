import {
  BedrockClient,
  CreateProvisionedModelThroughputCommand,
  DeleteProvisionedModelThroughputCommand,
  GetProvisionedModelThroughputCommand,
  InternalServerException,
  ListProvisionedModelThroughputsCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  ThrottlingException,
  UntagResourceCommand,
  UpdateProvisionedModelThroughputCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import { mockClient } from 'aws-sdk-client-mock';
import { createBedrockClient, createHandlers, DeadlineError } from '../../../lambda/provisioned-throughput/index';
import { clientRequestToken, generatedName } from '../../../lambda/provisioned-throughput/logic';
import { REAL_CLOCK } from '../../../lambda/invocation-logging/retry';
import { offlineClient, VirtualTime } from '../handler-kit';

// Time is virtual except in the hang tests, which run on real timers of a few hundred milliseconds.
const client = offlineClient(BedrockClient);
const bedrock = mockClient(client);

const time = new VirtualTime();
const WALL = Date.parse('2026-12-01T00:00:00Z');
const { onEvent, isComplete } = createHandlers({ bedrock: client, clock: time.clock, wallClock: () => WALL, log: time.log });
const context = (remainingMs = 120_000) => ({ getRemainingTimeInMillis: () => remainingMs });

const ARN = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456';
const NEW_ARN = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/new456new456';
const NOVA_ARN = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:24k';
const PROPS = { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x', ModelId: 'amazon.nova-lite-v1:0:24k', ModelUnits: '1' };
const base = { ServiceToken: PROPS.ServiceToken, ResponseURL: 'https://example.invalid/response', StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Platform/guid', RequestId: 'req-1', LogicalResourceId: 'Nova', ResourceType: 'Custom::BedrockProvisionedThroughput' };
const create = (props: Record<string, unknown> = PROPS): any => ({ ...base, RequestType: 'Create', ResourceProperties: props });
const update = (props: Record<string, unknown>, old: Record<string, unknown> = PROPS): any => ({ ...base, RequestId: 'req-2', RequestType: 'Update', PhysicalResourceId: ARN, ResourceProperties: props, OldResourceProperties: old });
const del = (props: Record<string, unknown> = PROPS): any => ({ ...base, RequestId: 'req-3', RequestType: 'Delete', PhysicalResourceId: ARN, ResourceProperties: props });
const got = (extra: Record<string, unknown> = {}): any => ({
  provisionedModelArn: ARN, provisionedModelName: 'nova', status: 'InService', modelArn: NOVA_ARN, desiredModelArn: NOVA_ARN, foundationModelArn: NOVA_ARN,
  modelUnits: 1, desiredModelUnits: 1, creationTime: new Date(WALL), lastModifiedTime: new Date(WALL), ...extra,
});
const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
const notFound = () => new ResourceNotFoundException({ message: 'Provisioned model not found', $metadata: { httpStatusCode: 404 } });
const calls = (command: any) => bedrock.commandCalls(command);

beforeEach(() => {
  bedrock.reset();
  time.reset();
});

describe('Create', () => {
  test('buys with a token derived from the request; a repeated invocation sends the same token (idempotent)', async () => {
    bedrock.on(CreateProvisionedModelThroughputCommand).resolves({ provisionedModelArn: ARN });
    const first = await onEvent(create(), context());
    const again = await onEvent(create(), context());
    expect(first).toEqual({ PhysicalResourceId: ARN, ThroughputAction: 'create' });
    expect(again).toEqual(first);
    const inputs = calls(CreateProvisionedModelThroughputCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual({ clientRequestToken: clientRequestToken(base), modelUnits: 1, provisionedModelName: generatedName(base), modelId: 'amazon.nova-lite-v1:0:24k' });
    expect(inputs[1]).toEqual(inputs[0]);
  });

  test('commitment, name and tags reach the purchase', async () => {
    bedrock.on(CreateProvisionedModelThroughputCommand).resolves({ provisionedModelArn: ARN });
    await onEvent(create({ ...PROPS, CommitmentDuration: 'SixMonths', ProvisionedModelName: 'nova', Tags: { team: 'ml' } }), context());
    expect(calls(CreateProvisionedModelThroughputCommand)[0].args[0].input).toMatchObject({ commitmentDuration: 'SixMonths', provisionedModelName: 'nova', tags: [{ key: 'team', value: 'ml' }] });
  });

  test('throttling, then success: retried with backoff, the same token every time', async () => {
    bedrock.on(CreateProvisionedModelThroughputCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({ provisionedModelArn: ARN });
    await expect(onEvent(create(), context())).resolves.toMatchObject({ PhysicalResourceId: ARN });
    expect(time.sleeps).toHaveLength(2);
    expect(new Set(calls(CreateProvisionedModelThroughputCommand).map((c) => c.args[0].input.clientRequestToken)).size).toBe(1);
  });

  test('a lost answer (no ARN) is resolved by the exact name', async () => {
    bedrock.on(CreateProvisionedModelThroughputCommand).resolves({} as any);
    bedrock.on(ListProvisionedModelThroughputsCommand).resolves({ provisionedModelSummaries: [{ provisionedModelName: `${generatedName(base)}x`, provisionedModelArn: NEW_ARN } as any, { provisionedModelName: generatedName(base), provisionedModelArn: ARN } as any] });
    await expect(onEvent(create(), context())).resolves.toMatchObject({ PhysicalResourceId: ARN });
  });

  test('5xx until the retries run out: fails with the service\'s error, and removes a throughput the lost answers may have bought', async () => {
    bedrock.on(CreateProvisionedModelThroughputCommand).rejects(new InternalServerException({ message: 'Internal failure', $metadata: { httpStatusCode: 500 } }));
    bedrock.on(ListProvisionedModelThroughputsCommand).resolves({ provisionedModelSummaries: [{ provisionedModelName: generatedName(base), provisionedModelArn: ARN } as any] });
    bedrock.on(DeleteProvisionedModelThroughputCommand).resolves({});
    await expect(onEvent(create(), context())).rejects.toThrow(/InternalServerException: Internal failure.*not confirmed.*tried to delete it/);
    expect(calls(CreateProvisionedModelThroughputCommand)).toHaveLength(6);
    expect(calls(DeleteProvisionedModelThroughputCommand)[0].args[0].input).toEqual({ provisionedModelId: ARN });
  });

  test('a refusal (ValidationException) fails at once with its message; nothing to clean up', async () => {
    bedrock.on(CreateProvisionedModelThroughputCommand).rejects(new ValidationException({ message: 'Model units exceed the quota', $metadata: { httpStatusCode: 400 } }));
    await expect(onEvent(create(), context())).rejects.toThrow('ValidationException: Model units exceed the quota');
    expect(calls(CreateProvisionedModelThroughputCommand)).toHaveLength(1);
    expect(calls(ListProvisionedModelThroughputsCommand)).toHaveLength(0);
  });

  test('invalid properties fail before any call', async () => {
    await expect(onEvent(create({ ...PROPS, ModelUnits: '0' }), context())).rejects.toThrow(/ModelUnits must be a positive integer/);
    expect(bedrock.calls()).toHaveLength(0);
  });
});

describe('isComplete', () => {
  const waiting = (action = 'create', extra: Record<string, unknown> = {}): any => ({ ...create(), PhysicalResourceId: ARN, ThroughputAction: action, ...extra });

  test('Creating, then InService: false, then true with the attributes', async () => {
    bedrock.on(GetProvisionedModelThroughputCommand).resolvesOnce(got({ status: 'Creating' })).resolves(got());
    await expect(isComplete(waiting(), context())).resolves.toEqual({ IsComplete: false });
    await expect(isComplete(waiting(), context())).resolves.toEqual({
      IsComplete: true,
      Data: { ProvisionedModelArn: ARN, ProvisionedModelName: 'nova', ModelArn: NOVA_ARN, FoundationModelArn: NOVA_ARN },
    });
  });

  test('Failed: the failed throughput is deleted and the deployment fails with Bedrock\'s reason', async () => {
    bedrock.on(GetProvisionedModelThroughputCommand).resolves(got({ status: 'Failed', failureMessage: 'Insufficient capacity in us-east-1' }));
    bedrock.on(DeleteProvisionedModelThroughputCommand).resolves({});
    await expect(isComplete(waiting(), context())).rejects.toThrow(`Provisioned throughput ${ARN} ended Failed: Insufficient capacity in us-east-1. The failed throughput was deleted.`);
    expect(calls(DeleteProvisionedModelThroughputCommand)).toHaveLength(1);
  });

  test('Failed and the delete fails too: says so, with the ARN to delete', async () => {
    bedrock.on(GetProvisionedModelThroughputCommand).resolves(got({ status: 'Failed', failureMessage: 'boom' }));
    bedrock.on(DeleteProvisionedModelThroughputCommand).rejects(new ValidationException({ message: 'cannot delete', $metadata: { httpStatusCode: 400 } }));
    await expect(isComplete(waiting(), context())).rejects.toThrow(/ended Failed: boom\. Deleting the failed throughput failed too \(ValidationException: cannot delete\): delete arn:aws:bedrock/);
  });

  test('throttled while reading: not an error, asks again at the next interval', async () => {
    bedrock.on(GetProvisionedModelThroughputCommand).rejects(throttled());
    await expect(isComplete(waiting(), context())).resolves.toEqual({ IsComplete: false });
  });

  test('a delete completes once the throughput is gone', async () => {
    bedrock.on(GetProvisionedModelThroughputCommand).resolvesOnce(got({ status: 'InService' })).rejects(notFound());
    bedrock.on(DeleteProvisionedModelThroughputCommand).resolves({});
    await expect(isComplete(waiting('delete'), context())).resolves.toEqual({ IsComplete: false });
    await expect(isComplete(waiting('delete'), context())).resolves.toEqual({ IsComplete: true });
  });

  test('retain and none complete without a call', async () => {
    await expect(isComplete(waiting('retain'), context())).resolves.toEqual({ IsComplete: true });
    await expect(isComplete(waiting('none'), context())).resolves.toEqual({ IsComplete: true });
    expect(bedrock.calls()).toHaveLength(0);
  });
});

describe('Update', () => {
  test('a change of model units buys a new throughput (new physical id); the old one is CloudFormation\'s to delete', async () => {
    bedrock.on(GetProvisionedModelThroughputCommand).resolves(got());
    bedrock.on(CreateProvisionedModelThroughputCommand).resolves({ provisionedModelArn: NEW_ARN });
    await expect(onEvent(update({ ...PROPS, ModelUnits: '2' }), context())).resolves.toEqual({ PhysicalResourceId: NEW_ARN, ThroughputAction: 'create' });
    expect(calls(CreateProvisionedModelThroughputCommand)[0].args[0].input).toMatchObject({ modelUnits: 2, clientRequestToken: clientRequestToken({ ...base, RequestId: 'req-2' }) });
    expect(calls(DeleteProvisionedModelThroughputCommand)).toHaveLength(0);
  });

  test('a change of model replaces too', async () => {
    bedrock.on(GetProvisionedModelThroughputCommand).resolves(got());
    bedrock.on(CreateProvisionedModelThroughputCommand).resolves({ provisionedModelArn: NEW_ARN });
    await expect(onEvent(update({ ...PROPS, ModelId: 'amazon.nova-pro-v1:0:24k' }), context())).resolves.toMatchObject({ PhysicalResourceId: NEW_ARN });
  });

  test('a replacement that keeps a fixed name is refused; nothing is bought', async () => {
    bedrock.on(GetProvisionedModelThroughputCommand).resolves(got());
    await expect(onEvent(update({ ...PROPS, ModelUnits: '2', ProvisionedModelName: 'nova' }, { ...PROPS, ProvisionedModelName: 'nova' }), context())).rejects.toThrow(/names are unique/);
    expect(calls(CreateProvisionedModelThroughputCommand)).toHaveLength(0);
  });

  test('rename and retag in place: same physical id, isComplete waits for the new name', async () => {
    bedrock.on(GetProvisionedModelThroughputCommand).resolves(got());
    bedrock.on(UpdateProvisionedModelThroughputCommand).resolves({});
    bedrock.on(TagResourceCommand).resolves({});
    bedrock.on(UntagResourceCommand).resolves({});
    const result = await onEvent(update({ ...PROPS, ProvisionedModelName: 'nova-prod', Tags: { team: 'ml' } }, { ...PROPS, ProvisionedModelName: 'nova', Tags: { old: 'x' } }), context());
    expect(result).toEqual({ PhysicalResourceId: ARN, ThroughputAction: 'update', ExpectedName: 'nova-prod' });
    expect(calls(UpdateProvisionedModelThroughputCommand)[0].args[0].input).toEqual({ provisionedModelId: ARN, desiredProvisionedModelName: 'nova-prod' });
    expect(calls(TagResourceCommand)[0].args[0].input).toEqual({ resourceARN: ARN, tags: [{ key: 'team', value: 'ml' }] });
    expect(calls(UntagResourceCommand)[0].args[0].input).toEqual({ resourceARN: ARN, tagKeys: ['old'] });
    expect(calls(CreateProvisionedModelThroughputCommand)).toHaveLength(0);
  });
});

describe('Delete', () => {
  test('no commitment: deleted', async () => {
    bedrock.on(GetProvisionedModelThroughputCommand).resolves(got());
    bedrock.on(DeleteProvisionedModelThroughputCommand).resolves({});
    await expect(onEvent(del(), context())).resolves.toEqual({ PhysicalResourceId: ARN, ThroughputAction: 'delete' });
  });

  test('not found (on read or on delete): done', async () => {
    bedrock.on(GetProvisionedModelThroughputCommand).rejectsOnce(notFound()).resolves(got());
    bedrock.on(DeleteProvisionedModelThroughputCommand).rejects(notFound());
    await expect(onEvent(del(), context())).resolves.toMatchObject({ ThroughputAction: 'none' });
    await expect(onEvent(del(), context())).resolves.toMatchObject({ ThroughputAction: 'none' });
  });

  test('committed, in its term: not deleted, retained with a warning, and the Delete succeeds', async () => {
    bedrock.on(GetProvisionedModelThroughputCommand).resolves(got({ commitmentDuration: 'OneMonth', commitmentExpirationTime: new Date(WALL + 10 * 86_400_000) }));
    await expect(onEvent(del(), context())).resolves.toEqual({ PhysicalResourceId: ARN, ThroughputAction: 'retain' });
    expect(calls(DeleteProvisionedModelThroughputCommand)).toHaveLength(0);
    expect(time.logs).toContainEqual(expect.objectContaining({ level: 'WARN', note: expect.stringMatching(/RETAINED, and it bills until then/) }));
  });

  test('a physical id that is not a provisioned model ARN (a failed Create\'s placeholder): nothing is called', async () => {
    await expect(onEvent({ ...del(), PhysicalResourceId: 'req-1' }, context())).resolves.toMatchObject({ ThroughputAction: 'none' });
    expect(bedrock.calls()).toHaveLength(0);
  });
});

describe('hangs: the deadline answers, on real timers of a few hundred milliseconds', () => {
  const realHandlers = createHandlers({
    bedrock: client,
    clock: REAL_CLOCK,
    reserveMs: 100,
    graceMs: 50,
    retryPolicy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20, attemptTimeoutMs: 15_000, minAttemptMs: 10 },
    log: () => undefined,
  });

  test('a Create that never answers is abandoned at the deadline (and its call aborted)', async () => {
    bedrock.on(CreateProvisionedModelThroughputCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    await expect(realHandlers.onEvent(create({ ...PROPS, ProvisionedModelName: 'nova' }), context(400))).rejects.toThrow(DeadlineError);
    expect(Date.now() - started).toBeLessThan(1_000);
    const options = (calls(CreateProvisionedModelThroughputCommand)[0].args as unknown[])[1] as { abortSignal: AbortSignal; requestTimeout: number };
    expect(options.abortSignal.aborted).toBe(true);
    expect(options.requestTimeout).toBeLessThanOrEqual(250);
  });

  test('an isComplete whose read never answers returns "not yet" at the deadline instead of hanging until Lambda kills it', async () => {
    bedrock.on(GetProvisionedModelThroughputCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    await expect(realHandlers.isComplete({ ...create(), PhysicalResourceId: ARN, ThroughputAction: 'create' } as any, context(300))).resolves.toEqual({ IsComplete: false });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('the production client has SDK timeouts and no SDK retries (ours retry within the deadline)', async () => {
    const real = createBedrockClient({ connectionTimeoutMs: 50, requestTimeoutMs: 100 }, { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    expect(await real.config.maxAttempts()).toBe(1);
  });
});
