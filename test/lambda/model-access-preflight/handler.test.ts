import {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  InternalServerException,
  ListFoundationModelAgreementOffersCommand,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-bedrock';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler, HandlerDependencies } from '../../../lambda/model-access-preflight/index';
import { PHYSICAL_ID } from '../../../lambda/model-access-preflight/logic';
import { REAL_CLOCK } from '../../../lambda/invocation-logging/retry';
import { useResponseServer } from '../invocation-logging/response-server';

// The real SDK client, its transport replaced by aws-sdk-client-mock; CloudFormation's response URL
// is a real HTTP server on the loopback interface. Virtual time, except for the hang (real timers,
// a few hundred milliseconds).

const REGION = 'eu-west-1';
const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const client = new BedrockClient({ region: REGION, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 });
const bedrock = mockClient(client);

let received: Array<{ path: string; contentType: string | undefined; body: any }> = [];
let responseStatuses: number[] = [];
const responseUrl = useResponseServer((req, body, res) => {
  const status = responseStatuses.shift() ?? 200;
  if (status === 200) received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(body) });
  res.writeHead(status).end();
});

let now = 0;
let sleeps: number[] = [];
let logs: Array<Record<string, unknown>> = [];
const virtualClock = { now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)), random: () => 0.5 };
const log = (entry: Record<string, unknown>) => logs.push(entry);
const handler = createHandler({ bedrock: client, region: REGION, clock: virtualClock, log });
const context = (remainingMs = 180_000) => ({ getRemainingTimeInMillis: () => remainingMs });

let answerable = 0;
const run = (e: unknown, ctx = context(), h: ReturnType<typeof createHandler> = handler) => {
  answerable++;
  return h(e, ctx);
};
const lastResponse = () => received[received.length - 1].body;

beforeEach(() => {
  bedrock.reset();
  received = [];
  responseStatuses = [];
  now = 0;
  sleeps = [];
  logs = [];
  answerable = 0;
});
afterEach(() => {
  // CloudFormation gets exactly one response per event.
  expect(received).toHaveLength(answerable);
});

const MODELS = [
  { Kind: 'foundation-model', Id: NOVA },
  { Kind: 'inference-profile', Id: `eu.${CLAUDE}` },
];
const event = (type: 'Create' | 'Update' | 'Delete', extra: Record<string, unknown> = {}) => ({
  RequestType: type,
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:preflight',
  ResponseURL: `${responseUrl()}/cfn-response/abc?X-Amz-Signature=secret`,
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Platform/guid',
  RequestId: `req-${type}`,
  LogicalResourceId: 'Preflight',
  ResourceType: 'Custom::BedrockModelAccessPreflight',
  ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:preflight', Models: MODELS },
  ...(type === 'Create' ? {} : { PhysicalResourceId: PHYSICAL_ID, OldResourceProperties: { Models: MODELS } }),
  ...extra,
});
const READY = { regionAvailability: 'AVAILABLE', authorizationStatus: 'AUTHORIZED', entitlementAvailability: 'AVAILABLE', agreementAvailability: { status: 'AVAILABLE' } } as const;

/** An account where both models are ready. */
function readyAccount() {
  bedrock.on(GetFoundationModelCommand, { modelIdentifier: NOVA }).resolves({ modelDetails: { modelArn: 'arn', modelId: NOVA, inferenceTypesSupported: ['ON_DEMAND'] } });
  bedrock.on(GetInferenceProfileCommand, { inferenceProfileIdentifier: `eu.${CLAUDE}` }).resolves({
    inferenceProfileName: 'EU Claude',
    inferenceProfileArn: `arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.${CLAUDE}`,
    inferenceProfileId: `eu.${CLAUDE}`,
    status: 'ACTIVE',
    type: 'SYSTEM_DEFINED',
    models: [{ modelArn: `arn:aws:bedrock:eu-west-1::foundation-model/${CLAUDE}` }],
  });
  bedrock.on(GetFoundationModelAvailabilityCommand).callsFake((input: { modelId: string }) => ({ modelId: input.modelId, ...READY }));
}

describe('checks', () => {
  test('all ok: SUCCESS, the summary in Data, each question asked once', async () => {
    readyAccount();
    const outcome = await run(event('Create'));
    expect(outcome).toEqual({
      status: 'SUCCESS',
      physicalId: PHYSICAL_ID,
      data: { Summary: `Bedrock model access in ${REGION}: 2 of 2 model(s) ready`, Warnings: '0' },
    });
    expect(lastResponse()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, RequestId: 'req-Create', LogicalResourceId: 'Preflight' });
    expect(bedrock.commandCalls(GetFoundationModelAvailabilityCommand).map((c) => c.args[0].input.modelId)).toEqual([NOVA, CLAUDE]);
    expect(bedrock.commandCalls(ListFoundationModelAgreementOffersCommand)).toHaveLength(0);
  });

  test('agreement missing: FAILED on Update too, the same physical id, the reason says what and how', async () => {
    readyAccount();
    bedrock.on(GetFoundationModelAvailabilityCommand, { modelId: CLAUDE }).resolves({ modelId: CLAUDE, ...READY, agreementAvailability: { status: 'NOT_AVAILABLE' } });
    bedrock.on(ListFoundationModelAgreementOffersCommand).resolves({ modelId: CLAUDE, offers: [{ offerId: 'offer-1', offerToken: 'secret-token', termDetails: undefined }] });
    await run(event('Update'));
    const response = lastResponse();
    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe(PHYSICAL_ID);
    expect(response.Reason).toBe(
      `Model access preflight failed. Bedrock model access in ${REGION}: 1 of 2 model(s) ready, 1 with missing access. ` +
        `eu.${CLAUDE}: no accepted agreement for ${CLAUDE} in ${REGION} (agreementAvailability NOT_AVAILABLE). 1 offer(s). ` +
        'Fix: accept the offer in the Bedrock console (model catalog / Model access page), or CreateFoundationModelAgreement with the offer token from ListFoundationModelAgreementOffers: ' +
        `aws bedrock list-foundation-model-agreement-offers --region ${REGION} --model-id ${CLAUDE}, then aws bedrock create-foundation-model-agreement --region ${REGION} --model-id ${CLAUDE} --offer-token <offerToken>.`,
    );
    expect(response.Reason).not.toContain('secret-token');
  });

  test('not in the Region: FAILED with the cross-Region profile to use', async () => {
    readyAccount();
    bedrock.on(GetFoundationModelCommand, { modelIdentifier: NOVA }).rejects(new ResourceNotFoundException({ message: 'Model not found', $metadata: { httpStatusCode: 404 } }));
    await run(event('Create'));
    expect(lastResponse().Status).toBe('FAILED');
    expect(lastResponse().Reason).toContain(`${NOVA}: ${NOVA} is not offered in ${REGION} (GetFoundationModel: ResourceNotFoundException). Fix: model not offered in ${REGION}: use a cross-Region profile such as eu.${NOVA}`);
  });

  test('throttling, then success: retried with backoff', async () => {
    readyAccount();
    bedrock
      .on(GetFoundationModelCommand, { modelIdentifier: NOVA })
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }))
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }))
      .resolves({ modelDetails: { modelArn: 'arn', modelId: NOVA, inferenceTypesSupported: ['ON_DEMAND'] } });
    await run(event('Create'));
    expect(lastResponse().Status).toBe('SUCCESS');
    expect(sleeps).toEqual([750, 1500]);
    expect(bedrock.commandCalls(GetFoundationModelCommand)).toHaveLength(3);
  });

  test('a persistent 5xx: FAILED at the attempt limit with the service\'s error, not a verdict on the models', async () => {
    readyAccount();
    bedrock.on(GetFoundationModelAvailabilityCommand).rejects(new InternalServerException({ message: 'Internal failure', $metadata: { httpStatusCode: 500 } }));
    await run(event('Create'));
    expect(lastResponse().Status).toBe('FAILED');
    expect(lastResponse().Reason).toBe('The model access preflight could not complete: InternalServerException: Internal failure');
    expect(bedrock.commandCalls(GetFoundationModelAvailabilityCommand)).toHaveLength(8);
  });

  test('Delete calls nothing and succeeds', async () => {
    await run(event('Delete'));
    expect(lastResponse()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(bedrock.calls()).toHaveLength(0);
  });

  test('invalid properties: FAILED, nothing called', async () => {
    await run(event('Create', { ResourceProperties: { Models: [] } }));
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(lastResponse().Reason).toBe('The model access preflight could not complete: InvalidPropertiesError: the Models property must be a non-empty list of { Kind, Id }');
    expect(bedrock.calls()).toHaveLength(0);
  });
});

describe('the reply', () => {
  test('a PUT of the JSON document with an empty content type to the pre-signed URL, retried on 5xx; the URL is never logged', async () => {
    readyAccount();
    responseStatuses = [503];
    await run(event('Create'));
    expect(received).toHaveLength(1);
    expect(received[0].path).toBe('/cfn-response/abc?X-Amz-Signature=secret');
    expect(received[0].contentType).toBe('');
    expect(Object.keys(received[0].body).sort()).toEqual(['Data', 'LogicalResourceId', 'NoEcho', 'PhysicalResourceId', 'RequestId', 'StackId', 'Status']);
    expect(JSON.stringify(logs)).not.toContain('X-Amz-Signature');
  });

  test('an event without a response URL fails the invocation (dead-letter queue)', async () => {
    await expect(handler({ ...event('Create'), ResponseURL: undefined }, context())).rejects.toThrow(/^cannot answer this event/);
  });
});

describe('no hangs (real timers, a few hundred milliseconds)', () => {
  const realTime: Partial<HandlerDependencies> = {
    clock: REAL_CLOCK,
    retryPolicy: { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 50, attemptTimeoutMs: 250, minAttemptMs: 100 },
    responsePolicy: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 50, attemptTimeoutMs: 10_000, minAttemptMs: 100 },
    timeBudget: { responseReserveMs: 400, watchdogGraceMs: 200, finalMarginMs: 50 },
  };

  test('a call that never settles is abandoned by the watchdog, and CloudFormation still gets its answer in time', async () => {
    readyAccount();
    bedrock.on(GetInferenceProfileCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    // 800 ms left, 400 kept for the reply: calls end by 200 ms, the watchdog fires at 400.
    await run(event('Create'), context(800), createHandler({ bedrock: client, region: REGION, log, ...realTime }));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(800);
    expect(lastResponse()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(lastResponse().Reason).toMatch(/^Bedrock did not answer GetInferenceProfile before the deadline, [\d.]+ s into the request, so the call was abandoned/);
    const options = (bedrock.commandCalls(GetInferenceProfileCommand)[0].args as unknown[])[1] as { abortSignal: AbortSignal };
    expect(options.abortSignal.aborted).toBe(true);
  });
});
