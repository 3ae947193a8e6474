/*
 * The ThroughputScaler's function: a thin I/O shell around decide.ts and reconcile.ts.
 *
 * Every invocation (EventBridge Scheduler every minute, a scheduled floor, an InvocationThrottles
 * alarm state change, anything else) runs the same reconcile: read the state, list the pool as it
 * really is (a lost event or a manual change is seen on the next run), read the last minutes of
 * Bedrock metrics, decide, act, publish the in-service ARNs, save the state, log and emit the
 * decision. Reserved concurrency 1 serializes runs; a duplicate or late event only reconciles again,
 * and purchases carry decide's deterministic client request tokens (a repeated one buys nothing).
 *
 * CloudFormation invokes the same function as a custom resource: on Delete it drains the pool, so
 * that no throughput the scaler bought bills after the stack is gone.
 */
import {
  BedrockClient,
  CreateProvisionedModelThroughputCommand,
  DeleteProvisionedModelThroughputCommand,
  ListProvisionedModelThroughputsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-bedrock';
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  MetricDataQuery,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { putResponse, responseBody } from '../invocation-logging/cfn-response';
import { isRetryable, RESPONSE_RETRY_POLICY, RetryPolicy } from '../invocation-logging/logic';
import { Attempt, REAL_CLOCK, RetryClock, withRetries } from '../invocation-logging/retry';
import { HandlerContext, jsonLog, raceWatchdog, remainingTimeMs } from '../shared/handler-shell';
import { decide, PoolThroughput, resolveConfig, ScalingDecision } from './decide';
import {
  advanceState,
  alarmName,
  alarmPlan,
  applyFloor,
  asOfNow,
  classifyEvent,
  decisionMetrics,
  demandSamples,
  metricWindow,
  modelUnitHoursUsed,
  parseSettings,
  parseState,
  poolCandidates,
  poolDocument,
  PoolDocument,
  RunOutcome,
  samePool,
  ScalerSettings,
  ScalerState,
  Series,
  throughputName,
  ThroughputSummary,
} from './reconcile';

/** SDK timeouts of every client: the calls answer in well under a second. */
export const SDK_TIMEOUTS = { connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000 } as const;

/** Retries of throttling, 5xx and network faults, cut short by the deadline. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 8_000, attemptTimeoutMs: SDK_TIMEOUTS.requestTimeoutMs, minAttemptMs: 1_000 };

/** Time kept back from the function's timeout: the watchdog fires this long before Lambda would end the function. */
export const DEFAULT_RESERVE_MS = 5_000;
const FALLBACK_REMAINING_MS = 60_000;
/** A purchase the list does not show yet (eventually consistent) still counts as Creating this long. */
const LIST_GRACE_MS = 5 * 60_000;

export interface HandlerDependencies {
  readonly bedrock: BedrockClient;
  readonly cloudwatch: CloudWatchClient;
  readonly ssm: SSMClient;
  readonly events: EventBridgeClient;
  readonly settings: ScalerSettings;
  readonly clock?: RetryClock;
  /** Wall-clock time (ms since the epoch). */
  readonly wallClock?: () => number;
  readonly retryPolicy?: RetryPolicy;
  readonly reserveMs?: number;
  readonly log?: (entry: Record<string, unknown>) => void;
  /** Sends the reply to CloudFormation (PUT to the pre-signed URL). */
  readonly respond?: (url: string, body: string, timeoutMs: number) => Promise<void>;
}

export type { HandlerContext };

/** What one run did (returned for tests and logs). */
export interface RunResult extends RunOutcome {
  readonly skipped?: string;
  readonly decision?: ScalingDecision;
  readonly published?: PoolDocument;
}

export class DeadlineError extends Error {
  constructor(step: string | undefined) {
    super(`the scaler's deadline passed during ${step ?? 'the run'}; the call was abandoned (the next run reconciles)`);
    this.name = 'DeadlineError';
  }
}

const describe = (e: unknown) => {
  const err = e as { name?: string; message?: string; lastError?: { name?: string; message?: string } };
  const inner = err?.name === 'DeadlineReachedError' && err.lastError ? err.lastError : err;
  return `${inner?.name ?? 'Error'}: ${inner?.message ?? String(e)}`;
};
const isNotFound = (e: unknown) => ['ResourceNotFoundException', 'ParameterNotFound'].includes((e as { name?: string })?.name ?? '');

/** Clients with SDK timeouts and no SDK retries (withRetries retries within the deadline; the two would multiply). */
export function createClients(region?: string) {
  const config = {
    ...(region ? { region } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: SDK_TIMEOUTS.connectionTimeoutMs, requestTimeout: SDK_TIMEOUTS.requestTimeoutMs, throwOnRequestTimeout: true },
  };
  return { bedrock: new BedrockClient(config), cloudwatch: new CloudWatchClient(config), ssm: new SSMClient(config), events: new EventBridgeClient(config) };
}

export function createHandler(deps: HandlerDependencies) {
  const clock = deps.clock ?? REAL_CLOCK;
  const wallClock = deps.wallClock ?? Date.now;
  const policy = deps.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const reserveMs = deps.reserveMs ?? DEFAULT_RESERVE_MS;
  const log = deps.log ?? jsonLog;
  const settings = deps.settings;
  const respond = deps.respond ?? ((url: string, body: string, timeoutMs: number) => putResponse(url, body, timeoutMs));

  /** Runs `work` with every call retried until a deadline under the function's timeout, and a watchdog that abandons a hung one. */
  async function withinDeadline<T>(context: HandlerContext | undefined, work: (c: Calls) => Promise<T>): Promise<T> {
    const remaining = Math.max(0, remainingTimeMs(context) ?? FALLBACK_REMAINING_MS);
    const watchdogMs = Math.max(0, remaining - reserveMs);
    const progress: { step?: string } = {};
    return raceWatchdog(
      watchdogMs,
      (signal) => work(calls(clock.now() + watchdogMs - 1_000, signal, progress)),
      () => {
        throw new DeadlineError(progress.step);
      },
    );
  }

  type Calls = ReturnType<typeof calls>;
  function calls(deadline: number, signal: AbortSignal, progress: { step?: string }) {
    const call = <T>(what: string, send: (o: { abortSignal: AbortSignal; requestTimeout: number }) => Promise<T>) => {
      progress.step = what;
      return withRetries(what, (a: Attempt) => send({ abortSignal: signal, requestTimeout: a.timeoutMs }), { policy, deadline, clock, log, signal });
    };
    return {
      /** The parameter's value, or undefined when it does not exist. */
      getParameter: async (name: string): Promise<string | undefined> => {
        try {
          return (await call('GetParameter', (o) => deps.ssm.send(new GetParameterCommand({ Name: name }), o))).Parameter?.Value;
        } catch (e) {
          if (isNotFound(e)) return undefined;
          throw e;
        }
      },
      putParameter: (name: string, value: string) => call('PutParameter', (o) => deps.ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }), o)),
      /** Every throughput whose name contains the pool name (the pool's are filtered by the caller). */
      listByName: async (poolName: string): Promise<ThroughputSummary[]> => {
        const out: ThroughputSummary[] = [];
        let nextToken: string | undefined;
        do {
          const page = await call('ListProvisionedModelThroughputs', (o) =>
            deps.bedrock.send(new ListProvisionedModelThroughputsCommand({ nameContains: poolName, maxResults: 100, ...(nextToken ? { nextToken } : {}) }), o),
          );
          out.push(...(page.provisionedModelSummaries ?? []));
          nextToken = page.nextToken;
        } while (nextToken);
        return out;
      },
      ownerTag: async (arn: string): Promise<string | undefined> => {
        const r = await call('ListTagsForResource', (o) => deps.bedrock.send(new ListTagsForResourceCommand({ resourceARN: arn }), o));
        return r.tags?.find((t) => t.key === settings.ownerTagKey)?.value;
      },
      create: async (token: string, poolName: string, unitSize: number): Promise<string> => {
        const name = throughputName(poolName, token);
        const r = await call('CreateProvisionedModelThroughput', (o) =>
          deps.bedrock.send(
            new CreateProvisionedModelThroughputCommand({
              clientRequestToken: token,
              provisionedModelName: name,
              modelId: settings.modelId,
              modelUnits: unitSize,
              // No commitmentDuration: no commitment, deletable at any time.
              tags: [{ key: settings.ownerTagKey, value: poolName }],
            }),
            o,
          ),
        );
        if (!r.provisionedModelArn) throw new Error(`CreateProvisionedModelThroughput answered without an ARN for ${name}`);
        return r.provisionedModelArn;
      },
      /** Deletes; false when it was gone already. */
      remove: async (arn: string): Promise<boolean> => {
        try {
          await call('DeleteProvisionedModelThroughput', (o) => deps.bedrock.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: arn }), o));
          return true;
        } catch (e) {
          if (isNotFound(e)) return false;
          throw e;
        }
      },
      metrics: async (queries: MetricDataQuery[], kinds: Map<string, Series['kind']>, window: { start: number; end: number }): Promise<Series[]> => {
        const out: Series[] = [];
        let nextToken: string | undefined;
        do {
          const page = await call('GetMetricData', (o) =>
            deps.cloudwatch.send(
              new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(window.start), EndTime: new Date(window.end), ScanBy: 'TimestampAscending', ...(nextToken ? { NextToken: nextToken } : {}) }),
              o,
            ),
          );
          for (const r of page.MetricDataResults ?? []) {
            const kind = r.Id ? kinds.get(r.Id) : undefined;
            if (kind) out.push({ kind, timestamps: (r.Timestamps ?? []).map((t) => new Date(t).getTime()), values: r.Values ?? [] });
          }
          nextToken = page.NextToken;
        } while (nextToken);
        return out;
      },
      alarmNames: async (prefix: string): Promise<string[]> => {
        const names: string[] = [];
        let nextToken: string | undefined;
        do {
          const page = await call('DescribeAlarms', (o) => deps.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, AlarmTypes: ['MetricAlarm'], ...(nextToken ? { NextToken: nextToken } : {}) }), o));
          names.push(...(page.MetricAlarms ?? []).map((a) => a.AlarmName ?? '').filter((n) => n.startsWith(prefix)));
          nextToken = page.NextToken;
        } while (nextToken);
        return names;
      },
      putThrottleAlarm: (arn: string) =>
        call('PutMetricAlarm', (o) =>
          deps.cloudwatch.send(
            new PutMetricAlarmCommand({
              AlarmName: alarmName(settings.alarmPrefix, arn),
              AlarmDescription: `Throttling on ${arn} of throughput pool ${settings.poolName}: its state changes trigger the scaler (no actions).`,
              Namespace: 'AWS/Bedrock',
              MetricName: 'InvocationThrottles',
              Dimensions: [{ Name: 'ModelId', Value: arn }],
              Statistic: 'Sum',
              Period: 60,
              EvaluationPeriods: 1,
              Threshold: 1,
              ComparisonOperator: 'GreaterThanOrEqualToThreshold',
              TreatMissingData: 'notBreaching',
            }),
            o,
          ),
        ),
      deleteAlarms: (names: string[]) => call('DeleteAlarms', (o) => deps.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: names }), o)),
      putEvent: async (doc: PoolDocument) => {
        const r = await call('PutEvents', (o) =>
          deps.events.send(new PutEventsCommand({ Entries: [{ Source: settings.eventSource, DetailType: settings.eventDetailType, Detail: JSON.stringify(doc) }] }), o),
        );
        if ((r.FailedEntryCount ?? 0) > 0) throw Object.assign(new Error(`PutEvents refused the entry: ${r.Entries?.[0]?.ErrorCode} ${r.Entries?.[0]?.ErrorMessage}`), { name: 'PutEventsFailed' });
      },
      putMetrics: (data: ReturnType<typeof decisionMetrics>) => call('PutMetricData', (o) => deps.cloudwatch.send(new PutMetricDataCommand({ Namespace: settings.metricNamespace, MetricData: data }), o)),
    };
  }

  /** The pool as it really is: listed candidates whose ownership tag says so (the state's known members skip the tag read). */
  async function readPool(c: Calls, poolName: string, known: Readonly<Record<string, unknown>>): Promise<PoolThroughput[]> {
    const pool: PoolThroughput[] = [];
    for (const t of poolCandidates(await c.listByName(poolName), poolName)) {
      if (known[t.id]) {
        pool.push(t);
        continue;
      }
      const owner = await c.ownerTag(t.id);
      if (owner === poolName) pool.push(t);
      else log({ level: 'WARN', message: 'a throughput named like the pool is not tagged as its own: left alone', arn: t.id, name: t.name, ownerTag: owner ?? null });
    }
    return pool;
  }

  async function reconcile(c: Calls, event: ReturnType<typeof classifyEvent>): Promise<RunResult> {
    const now = wallClock();
    const config = resolveConfig(settings.config);
    const stateRaw = await c.getParameter(settings.stateParameterName);
    if (stateRaw === undefined) {
      log({ level: 'WARN', message: 'state parameter missing (stack being deleted?): nothing bought or deleted', parameter: settings.stateParameterName });
      return { skipped: 'no state parameter', created: [], deleted: [], errors: [] };
    }
    const parsed = parseState(stateRaw);
    if (parsed.problem) log({ level: 'WARN', message: 'state unreadable: starting from a fresh state', problem: parsed.problem });
    let state: ScalerState = parsed.state;
    if (state.drained === settings.poolName) return { skipped: 'pool drained', created: [], deleted: [], errors: [] };
    if (event.kind === 'floor') state = applyFloor(state, event);

    const listed = await readPool(c, settings.poolName, state.live ?? {});
    // A purchase the list does not show yet still counts (as Creating), so it is never bought twice.
    const listedIds = new Set(listed.map((t) => t.id));
    const unlisted = Object.entries(state.live ?? {})
      .filter(([arn, e]) => !listedIds.has(arn) && now - e.createdAt < LIST_GRACE_MS)
      .map(([arn, e]): PoolThroughput => ({ id: arn, status: 'Creating', modelUnits: e.modelUnits, createdAt: e.createdAt }));
    const pool = [...listed, ...unlisted];

    const serving = pool.filter((t) => t.status === 'InService' || t.status === 'Updating');
    const lag = settings.metricLagMinutes ?? 2;
    const window = metricWindow(now, Math.max(config.forecastWindowMinutes, config.scaleInSustainMinutes, config.scaleOutSustainMinutes) + 1, lag);
    const queries: MetricDataQuery[] = [];
    const kinds = new Map<string, Series['kind']>();
    const query = (id: string, kind: Series['kind'], modelId: string, metricName: string) => {
      kinds.set(id, kind);
      queries.push({ Id: id, MetricStat: { Metric: { Namespace: 'AWS/Bedrock', MetricName: metricName, Dimensions: [{ Name: 'ModelId', Value: modelId }] }, Period: 60, Stat: 'Sum' }, ReturnData: true });
    };
    // The ModelId dimension of a provisioned model is its ARN (see lib/observability/bedrock-metrics.ts: not verified against a live account).
    serving.forEach((t, i) => {
      query(`t${i}`, 'throttles', t.id, 'InvocationThrottles');
      query(`i${i}`, 'tokens', t.id, 'InputTokenCount');
      query(`o${i}`, 'tokens', t.id, 'OutputTokenCount');
    });
    if (settings.overflowMetricModelId) {
      query('xi', 'tokens', settings.overflowMetricModelId, 'InputTokenCount');
      query('xo', 'tokens', settings.overflowMetricModelId, 'OutputTokenCount');
    }
    const series = queries.length ? await c.metrics(queries, kinds, window) : [];
    const signals = asOfNow(demandSamples(series, window), lag);

    state = advanceState(state, pool, now, config.billingMinutes);
    const used = modelUnitHoursUsed(state, now, config.billingMinutes);
    const decision = decide({
      pool,
      signals,
      config: { ...settings.config, scheduledFloorModelUnits: state.floor?.modelUnits ?? 0 },
      now,
      modelUnitHoursUsed: used,
      lastScaleOutAt: state.lastScaleOutAt,
      lastScaleInAt: state.lastScaleInAt,
    });

    // Act: failed ones first (no capacity), then decide's choice. One failure does not stop the rest.
    const errors: string[] = [];
    const created: string[] = [];
    const deleted: string[] = [];
    for (const arn of [...decision.deleteFailed, ...decision.remove]) {
      try {
        await c.remove(arn);
        deleted.push(arn);
      } catch (e) {
        errors.push(`delete ${arn}: ${describe(e)}`);
      }
    }
    if (decision.remove.some((arn) => deleted.includes(arn))) state = { ...state, lastScaleInAt: now };
    if (decision.action === 'add') {
      for (const token of decision.requestTokens) {
        try {
          created.push(await c.create(token, settings.poolName, decision.unitSize));
        } catch (e) {
          errors.push(`create ${throughputName(settings.poolName, token)}: ${describe(e)}`);
        }
      }
      if (created.length) state = { ...state, lastScaleOutAt: now };
    }
    const after: PoolThroughput[] = [
      ...pool.filter((t) => !deleted.includes(t.id)),
      ...created.filter((arn) => !pool.some((t) => t.id === arn)).map((arn): PoolThroughput => ({ id: arn, status: 'Creating', modelUnits: decision.unitSize, createdAt: now })),
    ];
    state = advanceState(state, after, now, config.billingMinutes);

    // Alarms: one InvocationThrottles alarm per throughput; their state changes bring the next run forward.
    try {
      const plan = alarmPlan(settings.alarmPrefix, after, await c.alarmNames(settings.alarmPrefix));
      for (const arn of plan.put) await c.putThrottleAlarm(arn);
      for (let i = 0; i < plan.remove.length; i += 100) await c.deleteAlarms(plan.remove.slice(i, i + 100));
    } catch (e) {
      errors.push(`alarms: ${describe(e)}`);
    }

    // Publish where clients send traffic, only when it changed: the event first, so a failed parameter write publishes both again next run.
    let published: PoolDocument | undefined;
    const doc = poolDocument(settings, after);
    try {
      if (!samePool(await c.getParameter(settings.poolParameterName), doc)) {
        await c.putEvent(doc);
        await c.putParameter(settings.poolParameterName, JSON.stringify(doc));
        published = doc;
      }
    } catch (e) {
      errors.push(`publish: ${describe(e)}`);
    }

    const stateText = JSON.stringify(state);
    if (stateText !== stateRaw) {
      try {
        await c.putParameter(settings.stateParameterName, stateText);
      } catch (e) {
        errors.push(`save state: ${describe(e)}`);
      }
    }

    const outcome: RunOutcome = { created, deleted, errors };
    log({
      level: errors.length ? 'ERROR' : 'INFO',
      message: 'scaler decision',
      pool: settings.poolName,
      trigger: event.kind === 'reconcile' ? event.trigger : event.kind,
      action: decision.action,
      count: decision.count,
      reason: decision.reason,
      metrics: decision.metrics,
      modelUnitHoursUsed: used,
      floorModelUnits: state.floor?.modelUnits ?? 0,
      created,
      deleted,
      published: published ? published.throughputArns : null,
      errors,
    });
    try {
      await c.putMetrics(decisionMetrics(settings, decision, outcome, used, now));
    } catch (e) {
      errors.push(`metrics: ${describe(e)}`);
    }
    // Thrown so that the run counts as a Lambda error (and Lambda retries it; runs are idempotent).
    if (errors.length) throw new Error(`scaler run finished with ${errors.length} error(s): ${errors.join('; ')}`);
    return { decision, published, ...outcome };
  }

  /**
   * Stack deletion: mark the pool drained (no later run buys), delete every throughput of the pool
   * and its alarms. A throughput still Creating cannot be deleted yet: the deletion fails with its
   * ARN, and a retried stack deletion drains again.
   */
  async function drain(c: Calls, poolName: string): Promise<string[]> {
    const raw = await c.getParameter(settings.stateParameterName);
    if (raw !== undefined) await c.putParameter(settings.stateParameterName, JSON.stringify({ ...parseState(raw).state, drained: poolName }));
    const problems: string[] = [];
    const deleted: string[] = [];
    for (const t of await readPool(c, poolName, {})) {
      if (t.status === 'Creating' || t.status === 'Updating') {
        problems.push(`${t.id} is ${t.status} and cannot be deleted yet: retry the stack deletion in a few minutes`);
        continue;
      }
      try {
        await c.remove(t.id);
        deleted.push(t.id);
      } catch (e) {
        problems.push(`could not delete ${t.id} (${describe(e)})`);
      }
    }
    const prefix = settings.alarmPrefix;
    const alarms = await c.alarmNames(prefix);
    for (let i = 0; i < alarms.length; i += 100) await c.deleteAlarms(alarms.slice(i, i + 100));
    log({ level: problems.length ? 'ERROR' : 'INFO', message: 'pool drained', pool: poolName, deleted, alarmsDeleted: alarms.length, problems });
    if (problems.length) throw new Error(`Draining throughput pool ${poolName}: ${problems.join('; ')}`);
    return deleted;
  }

  async function onCloudFormation(event: CloudFormationCustomResourceEvent, context: HandlerContext | undefined): Promise<void> {
    const physical = (event as { PhysicalResourceId?: string }).PhysicalResourceId;
    const poolName = event.RequestType === 'Delete' && physical && /^([0-9a-zA-Z][_-]?)+$/.test(physical) ? physical : settings.poolName;
    let outcome: { status: 'SUCCESS' | 'FAILED'; physicalId: string; reason?: string };
    try {
      // The drain stops 25 s earlier than a run would: the reply to CloudFormation needs that time.
      const remaining = remainingTimeMs(context) ?? FALLBACK_REMAINING_MS;
      if (event.RequestType === 'Delete') await withinDeadline({ getRemainingTimeInMillis: () => remaining - 25_000 }, (c) => drain(c, poolName));
      outcome = { status: 'SUCCESS', physicalId: poolName };
    } catch (e) {
      outcome = { status: 'FAILED', physicalId: poolName, reason: e instanceof Error ? e.message : String(e) };
    }
    log({ level: outcome.status === 'SUCCESS' ? 'INFO' : 'ERROR', message: 'CloudFormation', requestType: event.RequestType, ...outcome });
    const body = responseBody(event, outcome);
    await withRetries('CloudFormation response', (a) => respond(event.ResponseURL, body, a.timeoutMs), {
      policy: RESPONSE_RETRY_POLICY,
      deadline: clock.now() + 20_000,
      clock,
      log,
      alwaysTryOnce: true,
      retryable: (e) => isRetryable(e) || !(e as { $metadata?: unknown })?.$metadata,
    });
  }

  return async function handler(event: unknown, context?: HandlerContext): Promise<RunResult | void> {
    const kind = classifyEvent(event);
    if (kind.kind === 'cloudformation') return onCloudFormation(event as CloudFormationCustomResourceEvent, context);
    return withinDeadline(context, (c) => reconcile(c, kind));
  };
}

let cached: ReturnType<typeof createHandler> | undefined;
/** The Lambda entry point: settings from SCALER_SETTINGS, clients built once per container. */
export const handler = (event: unknown, context?: HandlerContext) => {
  cached ??= createHandler({ ...createClients(), settings: parseSettings(process.env.SCALER_SETTINGS) });
  return cached(event, context);
};
