/**
 * Property: whatever CloudFormation (or anything else) sends the invocation-logging handler, it
 * never leaves a stack waiting: with a URL to answer to, exactly one well-formed answer (SUCCESS,
 * or FAILED with a reason), never a throw or a hang; without one, a loud failure that changed
 * nothing. And it never replaces a configuration it does not own unless told to take it over.
 *
 * Seeded and small by default (about a second); FUZZ_RUNS runs more, FUZZ_SEED picks the seed.
 */
import {
  BedrockClient,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  LoggingConfig,
  PutModelInvocationLoggingConfigurationCommand,
  ThrottlingException,
} from '@aws-sdk/client-bedrock';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import { createHandler } from '../../../lambda/invocation-logging/index';
import { useResponseServer } from './response-server';
import { decodePhysicalId, desiredConfiguration, inspectEvent, InvalidPropertiesError, MAX_PHYSICAL_ID_LENGTH, NOT_APPLIED_ID, planDelete } from '../../../lambda/invocation-logging/logic';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20261211);
const options = (runs = RUNS) => ({ seed: SEED, numRuns: runs, endOnFailure: true });

const client = new BedrockClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 });
const bedrockMock = mockClient(client);

let received: any[] = [];
const responseUrl = useResponseServer((_req, body, res) => {
  received.push(JSON.parse(body));
  res.writeHead(200).end();
});

let now = 0;
const clock = { now: () => now, sleep: async (ms: number) => void (now += ms), random: () => 0.5 };
const handler = createHandler({ bedrock: client, clock, log: () => undefined });

const OURS_PROPERTIES = {
  cloudWatchConfig: { logGroupName: 'Platform-InvocationLogs-abc', roleArn: 'arn:aws:iam::123456789012:role/Platform-Delivery-abc' },
  s3Config: { bucketName: 'platform-logs-abc', keyPrefix: 'invocation-logs' },
  textDataDeliveryEnabled: 'true',
};
const OURS: LoggingConfig = {
  cloudWatchConfig: OURS_PROPERTIES.cloudWatchConfig,
  s3Config: OURS_PROPERTIES.s3Config,
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: false,
  embeddingDataDeliveryEnabled: false,
  videoDataDeliveryEnabled: false,
  audioDataDeliveryEnabled: false,
};
const THEIRS: LoggingConfig = { cloudWatchConfig: { logGroupName: '/security/bedrock', roleArn: 'arn:aws:iam::123456789012:role/Security' }, textDataDeliveryEnabled: true };

/** JSON values of every shape: what a malformed event can hold (events arrive as JSON). */
const json = fc.jsonValue({ maxDepth: 3 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const requestType = fc.oneof(fc.constantFrom('Create', 'Update', 'Delete'), fc.constantFrom('create', 'Replace', '', undefined), json);
const physicalId = fc.oneof(fc.constantFrom('BedrockInvocationLogging/v1/previous=none', NOT_APPLIED_ID, 'BedrockInvocationLogging/v1/previous=AAAA', 'InvocationLogging-1A2B3C', ''), fc.string(), json);
const loggingConfig = fc.oneof({ arbitrary: fc.constant(OURS_PROPERTIES), weight: 3 }, { arbitrary: json, weight: 1 }, {
  arbitrary: fc.record({ cloudWatchConfig: maybe(json), s3Config: maybe(fc.oneof(json, fc.record({ bucketName: fc.oneof(fc.string(), json), keyPrefix: maybe(fc.string()) }))), textDataDeliveryEnabled: maybe(fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'yes'))) }),
  weight: 2,
});
const properties = fc.oneof(
  { arbitrary: fc.record({ LoggingConfig: loggingConfig, TakeOverExistingConfiguration: maybe(fc.oneof(fc.constantFrom('true', 'false', true, false, 'TRUE'), json)) }), weight: 4 },
  { arbitrary: json, weight: 1 },
);
const event = fc.record({
  RequestType: requestType,
  PhysicalResourceId: maybe(physicalId),
  ResourceProperties: maybe(properties),
  OldResourceProperties: maybe(properties),
  StackId: fc.oneof(fc.constant('arn:aws:cloudformation:us-east-1:123456789012:stack/Platform/guid'), json),
  RequestId: fc.oneof(fc.uuid(), json),
  LogicalResourceId: fc.oneof(fc.constant('InvocationLogging'), json),
});
/** What Bedrock does: answers, throttles once, refuses, or answers something that is not a configuration. */
const bedrockBehaviour = fc.constantFrom('answers', 'throttles-once', 'denies-put', 'garbage');
const initial = fc.constantFrom<LoggingConfig | undefined>(undefined, OURS, THEIRS);

function simulate(start: LoggingConfig | undefined, behaviour: string): () => LoggingConfig | undefined {
  let state = start;
  let throttled = false;
  bedrockMock.reset();
  bedrockMock.on(GetModelInvocationLoggingConfigurationCommand).callsFake(async () => {
    if (behaviour === 'throttles-once' && !throttled) {
      throttled = true;
      throw new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
    }
    return behaviour === 'garbage' ? ({ loggingConfig: 'not a configuration' } as never) : { loggingConfig: state };
  });
  bedrockMock.on(PutModelInvocationLoggingConfigurationCommand).callsFake(async (input) => {
    if (behaviour === 'denies-put') throw Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    state = input.loggingConfig;
    return {};
  });
  bedrockMock.on(DeleteModelInvocationLoggingConfigurationCommand).callsFake(async () => {
    state = undefined;
    return {};
  });
  return () => state;
}

const takeOverAsked = (e: { ResourceProperties?: unknown }) => {
  const p = e.ResourceProperties as Record<string, unknown> | undefined;
  return typeof p === 'object' && p !== null && (p.TakeOverExistingConfiguration === true || p.TakeOverExistingConfiguration === 'true');
};

describe('the pure event parsing never throws', () => {
  test('inspectEvent: any value is valid or invalid with a reason and a physical id', () => {
    fc.assert(
      fc.property(fc.oneof(json, event.map((e) => ({ ...e, ResponseURL: `${responseUrl()}/r` })), fc.anything()), (raw) => {
        const checked = inspectEvent(raw);
        if (checked.kind === 'invalid') {
          expect(checked.reason.length).toBeGreaterThan(0);
          expect(typeof checked.physicalId).toBe('string');
          expect(checked.physicalId.length).toBeGreaterThan(0);
        } else {
          expect(['Create', 'Update', 'Delete']).toContain(checked.event.RequestType);
        }
      }),
      options(RUNS * 5),
    );
  });

  test('desiredConfiguration: a configuration, or an InvalidPropertiesError (never a TypeError)', () => {
    fc.assert(
      fc.property(fc.oneof(properties, fc.anything()), (p) => {
        try {
          const config = desiredConfiguration(p as Record<string, unknown>);
          expect(config.cloudWatchConfig ?? config.s3Config).not.toBeUndefined();
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidPropertiesError);
        }
      }),
      options(RUNS * 5),
    );
  });

  test('decodePhysicalId / planDelete: any id decodes to a state; an id it did not issue never restores', () => {
    fc.assert(
      fc.property(fc.oneof(physicalId, fc.string().map((s) => `BedrockInvocationLogging/v1/previous=${s}`)), (id) => {
        const state = decodePhysicalId(id as string);
        expect(['applied', 'not-applied', 'unknown']).toContain(state.kind);
        const plan = planDelete(id as string, THEIRS, OURS);
        expect(plan.action).toBe('none'); // someone else's configuration is never touched
      }),
      options(RUNS * 5),
    );
  });

  test('a recorded "previous" that is not a configuration is not ours to restore', () => {
    const { deflateRawSync } = require('zlib');
    for (const value of ['null', '5', '[]', '"x"', '{}']) {
      const id = `BedrockInvocationLogging/v1/previous=${deflateRawSync(Buffer.from(value)).toString('base64url')}`;
      expect(decodePhysicalId(id)).toEqual({ kind: 'unknown' });
    }
  });
});

describe('the handler answers every event, once, and keeps its hands off what it does not own', () => {
  test('random and hostile events: one well-formed answer, never a throw or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(event, initial, bedrockBehaviour, async (e, start, behaviour) => {
        received = [];
        now = 0;
        const current = simulate(start, behaviour);
        const outcome = await handler({ ...e, ResponseURL: `${responseUrl()}/cloudformation-response?X-Amz-Signature=abc` }, { getRemainingTimeInMillis: () => 180_000 });
        expect(received).toHaveLength(1);
        const answer = received[0];
        expect(['SUCCESS', 'FAILED']).toContain(answer.Status);
        if (answer.Status === 'FAILED') expect(typeof answer.Reason === 'string' && answer.Reason.length > 0).toBe(true);
        expect(typeof answer.PhysicalResourceId).toBe('string');
        expect(answer.PhysicalResourceId.length).toBeGreaterThan(0);
        expect(answer.PhysicalResourceId.length).toBeLessThanOrEqual(Math.max(MAX_PHYSICAL_ID_LENGTH, typeof e.PhysicalResourceId === 'string' ? e.PhysicalResourceId.length : 0));
        expect(answer.RequestId).toBe(typeof e.RequestId === 'string' ? e.RequestId : '');
        expect(outcome.status).toBe(answer.Status);
        // Ownership: another owner's configuration survives anything but an explicit take-over.
        if (start === THEIRS && !(takeOverAsked(e) && (e.RequestType === 'Create' || e.RequestType === 'Update'))) expect(current()).toEqual(THEIRS);
      }),
      { ...options(), timeout: 5000 },
    );
  });

  test('events with nowhere to answer: a loud failure (for the dead-letter queue) that changed nothing', async () => {
    await fc.assert(
      fc.asyncProperty(event, fc.oneof(fc.constantFrom(undefined, '', 'not a url', 'http://169.254.169.254/latest', 'ftp://127.0.0.1/x', 'file:///etc/passwd'), json), async (e, url) => {
        received = [];
        simulate(OURS, 'answers');
        await expect(handler({ ...e, ResponseURL: url }, { getRemainingTimeInMillis: () => 180_000 })).rejects.toThrow(/cannot answer this event/);
        expect(bedrockMock.calls()).toHaveLength(0);
        expect(received).toHaveLength(0);
      }),
      options(Math.max(10, Math.floor(RUNS / 2))),
    );
  });
});
