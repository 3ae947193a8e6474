import {
  BedrockClient,
  CreateProvisionedModelThroughputCommand,
  DeleteProvisionedModelThroughputCommand,
  InternalServerException,
  ListProvisionedModelThroughputsCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-bedrock';
import { CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, GetMetricDataCommand, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler, RunResult } from '../../../lambda/throughput-scaler/index';
import { ScalerSettings, ScalerState } from '../../../lambda/throughput-scaler/reconcile';

// The real SDK clients with their transport replaced by aws-sdk-client-mock, in front of a small
// in-memory world (throughputs, parameters, alarms) so that several runs see each other's effects.
// Time is virtual: sleeps advance a counter.
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const clients = {
  bedrock: new BedrockClient({ region: 'us-east-1', credentials, maxAttempts: 1 }),
  cloudwatch: new CloudWatchClient({ region: 'us-east-1', credentials, maxAttempts: 1 }),
  ssm: new SSMClient({ region: 'us-east-1', credentials, maxAttempts: 1 }),
  events: new EventBridgeClient({ region: 'us-east-1', credentials, maxAttempts: 1 }),
};
const bedrock = mockClient(clients.bedrock);
const cloudwatch = mockClient(clients.cloudwatch);
const ssm = mockClient(clients.ssm);
const events = mockClient(clients.events);

const MINUTE = 60_000;
const WALL = Date.parse('2026-12-10T10:00:00Z');
const POOL = 'pool1';
const TAG = 'bedrock-platform:throughput-pool';
const SETTINGS: ScalerSettings = {
  poolName: POOL,
  modelId: 'amazon.nova-lite-v1:0:24k',
  ownerTagKey: TAG,
  poolParameterName: '/scaler/pool',
  stateParameterName: '/scaler/state',
  metricNamespace: 'BedrockPlatform/ThroughputScaler',
  eventSource: 'bedrock-secure-platform.throughput-scaler',
  eventDetailType: 'Bedrock Throughput Pool Changed',
  alarmPrefix: 'pool1-throttles-',
  overflow: { modelId: 'us.amazon.nova-lite-v1:0', kind: 'inference-profile' },
  config: { minModelUnits: 1, maxModelUnits: 4 },
};
const arn = (id: string) => `arn:aws:bedrock:us-east-1:123456789012:provisioned-model/${id.padEnd(12, '0')}`;

interface Throughput {
  name: string;
  status: string;
  modelUnits: number;
  creationTime: Date;
  tags: Record<string, string>;
  commitmentDuration?: string;
}
let world: { throughputs: Map<string, Throughput>; params: Map<string, string>; alarms: Set<string>; tokens: Map<string, string>; demand: number; throttles: number };
let now = 0;
let wall = WALL;
let logs: Array<Record<string, unknown>> = [];
let responses: Array<Record<string, any>> = [];
const clock = { now: () => now, sleep: async (ms: number) => void (now += ms), random: () => 0.5 };
const handler = createHandler({
  ...clients,
  settings: SETTINGS,
  clock,
  wallClock: () => wall,
  log: (e) => logs.push(e),
  respond: async (_url, body) => void responses.push(JSON.parse(body)),
});
const context = { getRemainingTimeInMillis: () => 120_000 };
const tick = { scalerEvent: 'tick', scheduledTime: '2026-12-10T10:00:00Z' };
const run = (event: unknown = tick) => handler(event, context) as Promise<RunResult>;

const add = (id: string, t: Partial<Throughput> = {}) =>
  world.throughputs.set(arn(id), { name: `${POOL}-${id}`, status: 'InService', modelUnits: 1, creationTime: new Date(WALL - 120 * MINUTE), tags: { [TAG]: POOL }, ...t });
const setState = (s: Partial<ScalerState>) => world.params.set(SETTINGS.stateParameterName, JSON.stringify({ version: 1, ...s }));
const state = (): ScalerState => JSON.parse(world.params.get(SETTINGS.stateParameterName)!);
const poolDoc = () => JSON.parse(world.params.get(SETTINGS.poolParameterName) ?? 'null');
const publishInitial = () =>
  world.params.set(
    SETTINGS.poolParameterName,
    JSON.stringify({ version: 1, pool: POOL, model: SETTINGS.modelId, throughputArns: [...world.throughputs.entries()].filter(([, t]) => t.status === 'InService').map(([a]) => a).sort(), modelUnits: [...world.throughputs.values()].filter((t) => t.status === 'InService').reduce((a, t) => a + t.modelUnits, 0), overflow: SETTINGS.overflow }),
  );

const fakes = {
  list: (input: any) => ({
    provisionedModelSummaries: [...world.throughputs.entries()]
      .filter(([, t]) => t.name.includes(input.nameContains ?? ''))
      .map(([a, t]) => ({ provisionedModelArn: a, provisionedModelName: t.name, status: t.status, modelUnits: t.modelUnits, creationTime: t.creationTime, commitmentDuration: t.commitmentDuration })),
  }),
  tags: (input: any) => ({ tags: Object.entries(world.throughputs.get(input.resourceARN)?.tags ?? {}).map(([key, value]) => ({ key, value })) }),
  create: (input: any) => {
    // Bedrock ignores a repeated client request token: the same request buys nothing more.
    const known = world.tokens.get(input.clientRequestToken);
    if (known) return { provisionedModelArn: known };
    const a = arn(`n${world.tokens.size}`);
    world.tokens.set(input.clientRequestToken, a);
    world.throughputs.set(a, { name: input.provisionedModelName, status: 'Creating', modelUnits: input.modelUnits, creationTime: new Date(wall), tags: Object.fromEntries(input.tags.map((t: any) => [t.key, t.value])) });
    return { provisionedModelArn: a };
  },
  remove: (input: any) => {
    if (!world.throughputs.delete(input.provisionedModelId)) throw new ResourceNotFoundException({ message: 'not found', $metadata: { httpStatusCode: 404 } });
    return {};
  },
  metrics: (input: any) => {
    const start = input.StartTime.getTime();
    const end = input.EndTime.getTime();
    const minutes: Date[] = [];
    for (let m = start; m < end; m += MINUTE) minutes.push(new Date(m));
    // All demand reported on the first in-service throughput's input tokens; throttles on its throttle series.
    return {
      MetricDataResults: input.MetricDataQueries.map((q: any) => ({
        Id: q.Id,
        Timestamps: q.Id === 'i0' || (q.Id === 't0' && world.throttles > 0) ? minutes : [],
        Values: q.Id === 'i0' ? minutes.map(() => world.demand) : q.Id === 't0' && world.throttles > 0 ? minutes.map(() => world.throttles) : [],
      })),
    };
  },
  getParameter: (input: any) => {
    const v = world.params.get(input.Name);
    if (v === undefined) throw new ParameterNotFound({ message: 'ParameterNotFound', $metadata: { httpStatusCode: 400 } });
    return { Parameter: { Name: input.Name, Value: v } };
  },
  putParameter: (input: any) => {
    world.params.set(input.Name, input.Value);
    return { Version: 2 };
  },
  describeAlarms: (input: any) => ({ MetricAlarms: [...world.alarms].filter((n) => n.startsWith(input.AlarmNamePrefix)).map((AlarmName) => ({ AlarmName })) }),
  putAlarm: (input: any) => (world.alarms.add(input.AlarmName), {}),
  deleteAlarms: (input: any) => (input.AlarmNames.forEach((n: string) => world.alarms.delete(n)), {}),
};

function install() {
  bedrock.on(ListProvisionedModelThroughputsCommand).callsFake(fakes.list);
  bedrock.on(ListTagsForResourceCommand).callsFake(fakes.tags);
  bedrock.on(CreateProvisionedModelThroughputCommand).callsFake(fakes.create);
  bedrock.on(DeleteProvisionedModelThroughputCommand).callsFake(fakes.remove);
  cloudwatch.on(GetMetricDataCommand).callsFake(fakes.metrics);
  cloudwatch.on(DescribeAlarmsCommand).callsFake(fakes.describeAlarms);
  cloudwatch.on(PutMetricAlarmCommand).callsFake(fakes.putAlarm);
  cloudwatch.on(DeleteAlarmsCommand).callsFake(fakes.deleteAlarms);
  cloudwatch.on(PutMetricDataCommand).resolves({});
  ssm.on(GetParameterCommand).callsFake(fakes.getParameter);
  ssm.on(PutParameterCommand).callsFake(fakes.putParameter);
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
}

beforeEach(() => {
  for (const m of [bedrock, cloudwatch, ssm, events]) m.reset();
  world = { throughputs: new Map(), params: new Map(), alarms: new Set(), tokens: new Map(), demand: 0, throttles: 0 };
  now = 0;
  wall = WALL;
  logs = [];
  responses = [];
  install();
  setState({});
});

const creates = () => bedrock.commandCalls(CreateProvisionedModelThroughputCommand).map((c) => c.args[0].input);
const deletes = () => bedrock.commandCalls(DeleteProvisionedModelThroughputCommand).map((c) => c.args[0].input.provisionedModelId);
const decisionLog = () => logs.filter((l) => l.message === 'scaler decision');

describe('scale out and in', () => {
  test('sustained demand over capacity buys one no-commitment throughput, tagged and named as the pool\'s, with decide\'s token', async () => {
    add('a');
    publishInitial();
    world.demand = 150_000; // 1.5 MU on 1 MU
    const r = await run();
    expect(r.decision?.action).toBe('add');
    expect(creates()).toEqual([
      { clientRequestToken: r.decision!.requestTokens[0], provisionedModelName: `${POOL}-${r.decision!.requestTokens[0].replace(/^scaler-/, '')}`, modelId: 'amazon.nova-lite-v1:0:24k', modelUnits: 1, tags: [{ key: TAG, value: POOL }] },
    ]);
    expect(creates()[0]).not.toHaveProperty('commitmentDuration');
    // The new one is Creating: clients are not sent there yet, so nothing is published.
    expect(r.published).toBeUndefined();
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(state()).toMatchObject({ lastScaleOutAt: WALL, live: { [arn('a')]: { modelUnits: 1 }, [r.created[0]]: { createdAt: WALL, modelUnits: 1 } } });
    // One alarm per throughput, the new one included.
    expect([...world.alarms].sort()).toEqual([`pool1-throttles-${arn('a').split('/')[1]}`, `pool1-throttles-${r.created[0].split('/')[1]}`].sort());
    // One structured line, and the metrics in our namespace.
    expect(decisionLog()).toHaveLength(1);
    expect(decisionLog()[0]).toMatchObject({ level: 'INFO', action: 'add', count: 1, created: r.created, deleted: [], errors: [] });
    const metrics = cloudwatch.commandCalls(PutMetricDataCommand)[0].args[0].input;
    expect(metrics.Namespace).toBe('BedrockPlatform/ThroughputScaler');
    expect(Object.fromEntries(metrics.MetricData!.map((m) => [m.MetricName, m.Value]))).toMatchObject({ InServiceModelUnits: 1, TargetModelUnits: 2, ThroughputsCreated: 1, ThroughputsDeleted: 0 });
  });

  test('sustained low use at the end of a paid hour deletes one throughput and publishes the smaller pool (event, then parameter)', async () => {
    add('a', { creationTime: new Date(WALL - 57 * MINUTE) });
    add('b', { creationTime: new Date(WALL - 57 * MINUTE) });
    publishInitial();
    world.demand = 50_000; // 0.5 MU on 2 MU
    const r = await run();
    expect(r.decision?.action).toBe('remove');
    expect(deletes()).toHaveLength(1);
    const kept = [arn('a'), arn('b')].filter((a) => a !== deletes()[0]);
    expect(poolDoc()).toEqual({ version: 1, pool: POOL, model: SETTINGS.modelId, throughputArns: kept, modelUnits: 1, overflow: SETTINGS.overflow });
    const event = events.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0];
    expect(event).toMatchObject({ Source: SETTINGS.eventSource, DetailType: 'Bedrock Throughput Pool Changed' });
    expect(JSON.parse(event.Detail!)).toEqual(poolDoc());
    expect(state()).toMatchObject({ lastScaleInAt: WALL });
    // The deleted one's paid hour stays counted against the monthly cap.
    expect(state().closedModelUnitHours).toBe(1);
    expect(world.alarms.size).toBe(1);
  });

  test('a second identical run changes nothing: no purchase, no publication, no state write', async () => {
    add('a');
    publishInitial();
    world.demand = 60_000;
    await run();
    const writes = ssm.commandCalls(PutParameterCommand).length;
    await run();
    expect(creates()).toHaveLength(0);
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(writes);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});

describe('every state of the pool', () => {
  test('Creating counts as pending capacity (no second purchase); Failed is deleted', async () => {
    add('a');
    add('c', { status: 'Creating', creationTime: new Date(WALL - 5 * MINUTE) });
    add('f', { status: 'Failed', creationTime: new Date(WALL - 30 * MINUTE) });
    publishInitial();
    world.demand = 150_000;
    const r = await run();
    expect(creates()).toHaveLength(0);
    expect(deletes()).toEqual([arn('f')]);
    expect(r.decision?.deleteFailed).toEqual([arn('f')]);
  });

  test('never touches a throughput it does not own: another tag, no tag, or a commitment, whatever its name', async () => {
    add('a');
    add('x', { status: 'Failed', tags: { [TAG]: 'other-pool' } });
    add('y', { status: 'Failed', tags: {} });
    add('z', { status: 'Failed', commitmentDuration: 'OneMonth' });
    publishInitial();
    world.demand = 60_000;
    await run();
    expect(deletes()).toEqual([]);
    expect(logs.filter((l) => l.message?.toString().startsWith('a throughput named like the pool')).map((l) => l.arn)).toEqual([arn('x'), arn('y')]);
  });

  test('a throughput deleted by hand: its hours stay counted, clients are told, its alarm goes, and the floor is restored', async () => {
    add('a');
    publishInitial();
    world.demand = 60_000;
    await run();
    expect(world.alarms.size).toBe(1);
    world.throughputs.delete(arn('a')); // someone deletes it in the console
    wall += MINUTE;
    const r = await run();
    expect(r.published?.throughputArns).toEqual([]);
    expect(poolDoc().throughputArns).toEqual([]);
    expect(state().live).not.toHaveProperty(arn('a'));
    // Created two hours before, gone a minute past the hour: three paid hours this month.
    expect(state().closedModelUnitHours).toBe(3);
    // Below minModelUnits (1): buys again; its alarm replaces the gone one's.
    expect(r.decision?.action).toBe('add');
    expect([...world.alarms]).toEqual([`pool1-throttles-${r.created[0].split('/')[1]}`]);
  });
});

describe('duplicates, retries and failures', () => {
  test('the same event twice buys once (the second run sees the purchase Creating)', async () => {
    add('a');
    publishInitial();
    world.demand = 150_000;
    await run();
    await run();
    expect(creates()).toHaveLength(1);
  });

  test('the same event twice while the list does not show the purchase yet still buys once (the state remembers it)', async () => {
    add('a');
    publishInitial();
    world.demand = 150_000;
    await run();
    const bought = [...world.throughputs.keys()].find((a) => a !== arn('a'))!;
    bedrock.on(ListProvisionedModelThroughputsCommand).callsFake((input: any) => ({
      provisionedModelSummaries: fakes.list(input).provisionedModelSummaries.filter((s) => s.provisionedModelArn !== bought),
    }));
    wall += MINUTE;
    const r = await run();
    expect(r.decision?.metrics.pendingUnits).toBe(1);
    expect(creates()).toHaveLength(1);
  });

  test('throttling, then success: the list is retried with backoff and the run completes', async () => {
    add('a');
    publishInitial();
    bedrock
      .on(ListProvisionedModelThroughputsCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }))
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }))
      .callsFake(fakes.list);
    const r = await run();
    expect(r.decision?.action).toBe('none');
    expect(bedrock.commandCalls(ListProvisionedModelThroughputsCommand)).toHaveLength(3);
    expect(logs.filter((l) => l.message === 'ListProvisionedModelThroughputs failed, retrying')).toHaveLength(2);
  });

  test('5xx on every purchase attempt: retried, then the run fails (Lambda error and retry) but the rest of the run is done', async () => {
    add('a');
    publishInitial();
    world.demand = 150_000;
    bedrock.on(CreateProvisionedModelThroughputCommand).rejects(new InternalServerException({ message: 'Internal failure', $metadata: { httpStatusCode: 500 } }));
    await expect(run()).rejects.toThrow(/create pool1-.*InternalServerException: Internal failure/);
    expect(bedrock.commandCalls(CreateProvisionedModelThroughputCommand)).toHaveLength(5);
    // Every retry reused the same token: at most one purchase however many attempts landed.
    expect(new Set(creates().map((c) => c.clientRequestToken)).size).toBe(1);
    expect(decisionLog()[0]).toMatchObject({ level: 'ERROR', created: [] });
    expect(cloudwatch.commandCalls(PutMetricDataCommand)[0].args[0].input.MetricData!.find((m) => m.MetricName === 'ReconcileErrors')?.Value).toBe(1);
  });

  test('partial failure: the purchase succeeds, saving the state fails; the next run buys nothing more and saves it', async () => {
    add('a');
    publishInitial();
    world.demand = 150_000;
    ssm.on(PutParameterCommand).rejectsOnce(new InternalServerException({ message: 'boom', $metadata: { httpStatusCode: 500 } }) as any).callsFake(fakes.putParameter);
    // One 500 then success would be retried inside the call: make every attempt of this run fail.
    ssm.on(PutParameterCommand).rejects(Object.assign(new Error('Internal error'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }));
    await expect(run()).rejects.toThrow(/save state: InternalServerError/);
    expect(creates()).toHaveLength(1);
    expect(state().live).toBeUndefined();
    ssm.on(PutParameterCommand).callsFake(fakes.putParameter);
    wall += MINUTE;
    await run();
    expect(creates()).toHaveLength(1);
    expect(Object.keys(state().live!)).toHaveLength(2);
  });

  test('a failed publication is repeated on the next run (event and parameter)', async () => {
    add('a');
    world.demand = 60_000;
    events.on(PutEventsCommand).resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] }).resolves({ FailedEntryCount: 0, Entries: [{}] });
    await expect(run()).rejects.toThrow(/publish: PutEventsFailed/);
    expect(world.params.has(SETTINGS.poolParameterName)).toBe(false);
    await run();
    expect(poolDoc().throughputArns).toEqual([arn('a')]);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  test('no state parameter (stack being deleted): nothing is bought', async () => {
    world.params.delete(SETTINGS.stateParameterName);
    world.demand = 500_000;
    const r = await run();
    expect(r.skipped).toBe('no state parameter');
    expect(creates()).toHaveLength(0);
  });
});

describe('scheduled floors and alarms', () => {
  const floor = (units: number, at: string) => ({ scalerEvent: 'floor', floorModelUnits: units, scheduledTime: at });

  test('a floor raises the pool at once; a late delivery of an older floor changes nothing', async () => {
    add('a');
    publishInitial();
    world.demand = 60_000;
    const r = await run(floor(3, '2026-12-10T09:59:00Z'));
    expect(r.decision?.count).toBe(2);
    expect(state().floor).toEqual({ modelUnits: 3, scheduledAt: Date.parse('2026-12-10T09:59:00Z') });
    await run(floor(0, '2026-12-09T18:00:00Z'));
    expect(state().floor?.modelUnits).toBe(3);
  });

  test('an alarm state change is just another reconcile', async () => {
    add('a');
    publishInitial();
    world.demand = 60_000;
    await run({ 'detail-type': 'CloudWatch Alarm State Change', source: 'aws.cloudwatch', detail: { state: { value: 'ALARM' } } });
    expect(decisionLog()[0]).toMatchObject({ trigger: 'alarm', action: 'none' });
  });
});

describe('stack deletion drains the pool', () => {
  const cfn = (requestType: string) => ({
    RequestType: requestType,
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/guid',
    RequestId: 'r1',
    LogicalResourceId: 'Drain',
    ResourceType: 'Custom::BedrockThroughputPool',
    ServiceToken: 'x',
    PhysicalResourceId: POOL,
    ResourceProperties: { ServiceToken: 'x', PoolName: POOL },
  });

  test('Create answers SUCCESS with the pool name as physical id and touches nothing', async () => {
    await handler(cfn('Create'), context);
    expect(responses).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: POOL, LogicalResourceId: 'Drain' })]);
    expect(bedrock.calls()).toHaveLength(0);
  });

  test('Delete deletes every owned throughput and alarm, marks the pool drained; later runs buy nothing', async () => {
    add('a');
    add('f', { status: 'Failed' });
    add('x', { tags: { [TAG]: 'other-pool' } });
    world.alarms.add('pool1-throttles-a00000000000');
    await handler(cfn('Delete'), context);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS' });
    expect(deletes().sort()).toEqual([arn('a'), arn('f')]);
    expect(world.throughputs.has(arn('x'))).toBe(true);
    expect(world.alarms.size).toBe(0);
    expect(state().drained).toBe(POOL);
    world.demand = 500_000;
    expect((await run()).skipped).toBe('pool drained');
  });

  test('Delete with a throughput still Creating answers FAILED naming it (a retried deletion drains again)', async () => {
    add('c', { status: 'Creating' });
    await handler(cfn('Delete'), context);
    expect(responses[0].Status).toBe('FAILED');
    expect(responses[0].Reason).toMatch(new RegExp(`${arn('c')} is Creating and cannot be deleted yet`));
  });
});
