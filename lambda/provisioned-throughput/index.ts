/*
 * Custom resource handler of a Bedrock provisioned throughput, behind the aws-cdk-lib provider
 * framework: `onEvent` starts a purchase, rename, retag or delete; `isComplete` is called by the
 * framework's Step Functions waiter every query interval until the throughput is InService (or
 * gone), so a wait can outlast one Lambda invocation; the framework answers CloudFormation.
 * Decisions live in logic.ts; this file only talks to Bedrock, within a deadline.
 */
import {
  BedrockClient,
  CreateProvisionedModelThroughputCommand,
  DeleteProvisionedModelThroughputCommand,
  GetProvisionedModelThroughputCommand,
  GetProvisionedModelThroughputCommandOutput,
  ListProvisionedModelThroughputsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateProvisionedModelThroughputCommand,
} from '@aws-sdk/client-bedrock';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ENDPOINT_HINT, failureReason, isNoAnswer, isRetryable, RetryPolicy } from '../invocation-logging/logic';
import { Attempt, REAL_CLOCK, RetryClock, withRetries } from '../invocation-logging/retry';
import { bedrockClientFactory, HandlerContext, jsonLog, raceWatchdog, remainingTimeMs } from '../shared/handler-shell';
import {
  ACTION_FIELD,
  completion,
  createRequest,
  DesiredThroughput,
  desiredOrUndefined,
  desiredThroughput,
  isNotFound,
  planDelete,
  planUpdate,
  ThroughputAction,
  ThroughputState,
} from './logic';

/** SDK timeouts: the control-plane calls answer in well under a second; 5 s to connect catches a missing VPC endpoint. */
export const BEDROCK_TIMEOUTS = { connectionTimeoutMs: 5_000, requestTimeoutMs: 15_000 } as const;

/** Retries of throttling, 5xx and network faults: about a minute of backoff at most, cut short by the deadline. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 15_000,
  attemptTimeoutMs: BEDROCK_TIMEOUTS.requestTimeoutMs,
  minAttemptMs: 2_000,
};

/** Time kept back from the function's timeout: the watchdog fires this long before Lambda would end the function. */
export const DEFAULT_RESERVE_MS = 5_000;
/** Calls and their retries stop this long before the watchdog, so their own timeouts end them first. */
const GRACE_MS = 1_000;
/** The remaining time assumed without a Lambda context (outside Lambda only). */
const FALLBACK_REMAINING_MS = 60_000;

/** Field of onEvent's result that carries the name a rename waits for. */
export const EXPECTED_NAME_FIELD = 'ExpectedName';

const PROVISIONED_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:provisioned-model\/[a-z0-9]+$/;

/** What the handlers need from the outside world; tests pass their own. */
export interface HandlerDependencies {
  readonly bedrock: BedrockClient;
  /** Retry clock (monotonic time, sleeps, jitter). */
  readonly clock?: RetryClock;
  /** Wall-clock time (ms since the epoch), for commitment expiry. */
  readonly wallClock?: () => number;
  readonly retryPolicy?: RetryPolicy;
  readonly reserveMs?: number;
  /** How long before the watchdog the calls' own deadline falls. */
  readonly graceMs?: number;
  readonly log?: (entry: Record<string, unknown>) => void;
}

export type { HandlerContext };

/** The event onEvent receives (the framework's copy of CloudFormation's, ResponseURL included). */
export type OnEventRequest = CloudFormationCustomResourceEvent;
/** What onEvent returns: the physical id and what isComplete must wait for. */
export interface OnEventResponse {
  readonly PhysicalResourceId?: string;
  readonly [ACTION_FIELD]: ThroughputAction;
  readonly [EXPECTED_NAME_FIELD]?: string;
}
/** The event isComplete receives: CloudFormation's merged with onEvent's result. */
export type IsCompleteRequest = CloudFormationCustomResourceEvent & Partial<OnEventResponse> & { PhysicalResourceId?: string };
export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

/** The Bedrock client: SDK timeouts so no call can hang, and no SDK retries (withRetries retries, within the deadline). */
export const createBedrockClient = bedrockClientFactory(BEDROCK_TIMEOUTS);

/** Thrown when the watchdog abandons a call that outlived the deadline. */
export class DeadlineError extends Error {
  constructor(step: string | undefined) {
    super(`Bedrock did not answer ${step ?? 'the handler'} before the handler's deadline, so the call was abandoned. ${ENDPOINT_HINT}`);
    this.name = 'DeadlineError';
  }
}

/** The sentence CloudFormation shows for a failed call: the service's error, and for no answer at all, where to look. */
function explain(error: unknown): string {
  const e = error as { lastError?: unknown; name?: string };
  const cause = e?.name === 'DeadlineReachedError' ? e.lastError : error;
  const text = failureReason(error);
  return cause !== undefined && isNoAnswer(cause) && !text.includes(ENDPOINT_HINT) ? `${text.replace(/\.+$/, '')}. ${ENDPOINT_HINT}` : text;
}

function stateOf(r: GetProvisionedModelThroughputCommandOutput): ThroughputState {
  const at = r.commitmentExpirationTime as Date | string | undefined;
  const expires = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : undefined;
  return {
    arn: r.provisionedModelArn ?? '',
    name: r.provisionedModelName ?? '',
    status: r.status ?? '',
    modelArn: r.modelArn,
    desiredModelArn: r.desiredModelArn,
    foundationModelArn: r.foundationModelArn,
    modelUnits: r.modelUnits,
    desiredModelUnits: r.desiredModelUnits,
    commitment: r.commitmentDuration,
    commitmentExpiresAt: expires !== undefined && Number.isFinite(expires) ? expires : undefined,
    failureMessage: r.failureMessage,
  };
}

/** Builds the two handlers around their dependencies. */
export function createHandlers(deps: HandlerDependencies) {
  const clock = deps.clock ?? REAL_CLOCK;
  const wallClock = deps.wallClock ?? Date.now;
  const policy = deps.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const reserveMs = deps.reserveMs ?? DEFAULT_RESERVE_MS;
  const graceMs = deps.graceMs ?? GRACE_MS;
  const log = deps.log ?? jsonLog;

  /**
   * Runs `work` with Bedrock calls bounded by the function's remaining time: each call retries
   * within the deadline, and a watchdog abandons (aborts) whatever still hangs when it fires.
   */
  async function withinDeadline<T>(context: HandlerContext | undefined, work: (bedrock: ReturnType<typeof calls>) => Promise<T>): Promise<T> {
    const startedAt = clock.now();
    const remaining = Math.max(0, remainingTimeMs(context) ?? FALLBACK_REMAINING_MS);
    const watchdogMs = Math.max(0, remaining - reserveMs);
    const progress: { step?: string } = {};
    return raceWatchdog(
      watchdogMs,
      (signal) => work(calls(startedAt + watchdogMs - graceMs, signal, progress)),
      () => {
        log({ level: 'ERROR', message: 'deadline reached with a call pending; abandoned it', step: progress.step });
        throw new DeadlineError(progress.step);
      },
    );
  }

  /** The Bedrock operations of one invocation, retried until `deadline` (retry clock) and abandoned when `signal` aborts. */
  function calls(deadline: number, signal: AbortSignal, progress: { step?: string }) {
    const call = <T>(what: string, send: (options: { abortSignal: AbortSignal; requestTimeout: number }) => Promise<T>) => {
      progress.step = what;
      return withRetries(what, (attempt: Attempt) => send({ abortSignal: signal, requestTimeout: attempt.timeoutMs }), { policy, deadline, clock, log, signal });
    };
    return {
      /** The throughput, or undefined when it does not exist. */
      get: async (id: string): Promise<ThroughputState | undefined> => {
        try {
          return stateOf(await call('GetProvisionedModelThroughput', (o) => deps.bedrock.send(new GetProvisionedModelThroughputCommand({ provisionedModelId: id }), o)));
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      },
      create: (input: ReturnType<typeof createRequest>) => call('CreateProvisionedModelThroughput', (o) => deps.bedrock.send(new CreateProvisionedModelThroughputCommand(input), o)),
      /** Deletes; true when it was there to delete. */
      remove: async (arn: string): Promise<boolean> => {
        try {
          await call('DeleteProvisionedModelThroughput', (o) => deps.bedrock.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: arn }), o));
          return true;
        } catch (error) {
          if (isNotFound(error)) return false;
          throw error;
        }
      },
      rename: (arn: string, name: string) =>
        call('UpdateProvisionedModelThroughput', (o) => deps.bedrock.send(new UpdateProvisionedModelThroughputCommand({ provisionedModelId: arn, desiredProvisionedModelName: name }), o)),
      tag: (arn: string, tags: Record<string, string>) =>
        call('TagResource', (o) => deps.bedrock.send(new TagResourceCommand({ resourceARN: arn, tags: Object.entries(tags).map(([key, value]) => ({ key, value })) }), o)),
      untag: (arn: string, tagKeys: string[]) => call('UntagResource', (o) => deps.bedrock.send(new UntagResourceCommand({ resourceARN: arn, tagKeys }), o)),
      /** The ARN of the throughput named exactly `name`, if any (names are unique in an account and Region). */
      findByName: async (name: string): Promise<string | undefined> => {
        let nextToken: string | undefined;
        do {
          const page = await call('ListProvisionedModelThroughputs', (o) =>
            deps.bedrock.send(new ListProvisionedModelThroughputsCommand({ nameContains: name, maxResults: 100, ...(nextToken ? { nextToken } : {}) }), o),
          );
          const hit = page.provisionedModelSummaries?.find((s) => s.provisionedModelName === name);
          if (hit?.provisionedModelArn) return hit.provisionedModelArn;
          nextToken = page.nextToken;
        } while (nextToken);
        return undefined;
      },
    };
  }

  /**
   * Buys the throughput `desired` asks for; returns its ARN. Retries reuse the request's token, so
   * a lost answer never buys twice. When even the retries get no answer, a throughput may exist
   * that CloudFormation will never hear of: one with a name this handler generated is looked up
   * and deleted (a user's name may belong to someone else, so that one is only named in the error).
   */
  async function purchase(bedrock: ReturnType<typeof calls>, desired: DesiredThroughput, event: CloudFormationCustomResourceEvent): Promise<string> {
    const input = createRequest(desired, event);
    try {
      const created = await bedrock.create(input);
      const arn = created.provisionedModelArn ?? (await bedrock.findByName(input.provisionedModelName));
      if (!arn) throw new Error(`CreateProvisionedModelThroughput answered without an ARN, and no throughput named ${input.provisionedModelName} exists`);
      log({ level: 'INFO', message: 'bought a provisioned throughput', arn, name: input.provisionedModelName, modelId: desired.modelId, modelUnits: desired.modelUnits, commitment: desired.commitment ?? 'none' });
      return arn;
    } catch (error) {
      const lastError = (error as { name?: string; lastError?: unknown })?.name === 'DeadlineReachedError' ? (error as { lastError?: unknown }).lastError : error;
      const ambiguous = lastError === undefined || isRetryable(lastError) || isNoAnswer(lastError);
      if (!ambiguous) throw new Error(explain(error), { cause: error });
      if (desired.name === undefined && !desired.commitment) {
        const orphan = await bedrock.findByName(input.provisionedModelName).catch(() => undefined);
        if (orphan) {
          const removed = await bedrock.remove(orphan).catch((e: unknown) => {
            log({ level: 'ERROR', message: 'could not delete the orphan', arn: orphan, error: failureReason(e) });
            return false;
          });
          log({ level: 'WARN', message: 'removed a throughput whose purchase was never confirmed', arn: orphan, removed });
        }
      }
      throw new Error(
        `${explain(error)} The purchase was not confirmed: if a provisioned throughput named ${input.provisionedModelName} exists now, this request bought it` +
          (desired.name === undefined && !desired.commitment ? ' and the handler tried to delete it.' : '; delete it if you do not want it.'),
        { cause: error },
      );
    }
  }

  async function onEvent(event: OnEventRequest, context?: HandlerContext): Promise<OnEventResponse> {
    log({ level: 'INFO', message: 'onEvent', requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, requestId: event.RequestId, physicalResourceId: (event as { PhysicalResourceId?: string }).PhysicalResourceId });
    return withinDeadline(context, async (bedrock) => {
      switch (event.RequestType) {
        case 'Create': {
          const desired = desiredThroughput(event.ResourceProperties);
          return { PhysicalResourceId: await purchase(bedrock, desired, event), [ACTION_FIELD]: 'create' };
        }
        case 'Update': {
          const desired = desiredThroughput(event.ResourceProperties);
          const id = event.PhysicalResourceId;
          const current = PROVISIONED_ARN.test(id) ? await bedrock.get(id) : undefined;
          const plan = planUpdate(current, desired, desiredOrUndefined(event.OldResourceProperties));
          log({ level: 'INFO', message: 'update plan', plan });
          switch (plan.action) {
            case 'refuse':
              throw new Error(plan.reason);
            case 'replace':
              // A new physical id: CloudFormation deletes the old throughput after the update succeeded.
              return { PhysicalResourceId: await purchase(bedrock, desired, event), [ACTION_FIELD]: 'create' };
            case 'update':
              if (plan.rename !== undefined) await bedrock.rename(id, plan.rename);
              if (Object.keys(plan.tagsToSet).length > 0) await bedrock.tag(id, plan.tagsToSet);
              if (plan.tagKeysToRemove.length > 0) await bedrock.untag(id, plan.tagKeysToRemove);
              return { PhysicalResourceId: id, [ACTION_FIELD]: 'update', ...(plan.rename !== undefined ? { [EXPECTED_NAME_FIELD]: plan.rename } : {}) };
            default:
              return { PhysicalResourceId: id, [ACTION_FIELD]: 'update' };
          }
        }
        case 'Delete': {
          const id = event.PhysicalResourceId;
          // Not an ARN this handler returned (e.g. a failed Create's placeholder): nothing of ours exists.
          if (!PROVISIONED_ARN.test(id)) return { PhysicalResourceId: id, [ACTION_FIELD]: 'none' };
          const plan = planDelete(await bedrock.get(id), wallClock());
          log({ level: plan.action === 'retain' ? 'WARN' : 'INFO', message: 'delete plan', action: plan.action, note: plan.note });
          if (plan.action === 'delete') return { PhysicalResourceId: id, [ACTION_FIELD]: (await bedrock.remove(id)) ? 'delete' : 'none' };
          return { PhysicalResourceId: id, [ACTION_FIELD]: plan.action };
        }
        default:
          throw new Error(`unknown RequestType ${JSON.stringify((event as { RequestType?: unknown }).RequestType)}`);
      }
    });
  }

  async function isComplete(event: IsCompleteRequest, context?: HandlerContext): Promise<IsCompleteResponse> {
    const action = (event[ACTION_FIELD] ?? 'none') as ThroughputAction;
    const id = event.PhysicalResourceId ?? '';
    if (action === 'none' || action === 'retain') return { IsComplete: true };
    return withinDeadline(context, (bedrock) => check(bedrock, action, id, event)).catch((error: unknown) => {
      // A read that hung past the deadline: ask again at the next interval; the waiter's total timeout bounds the wait.
      if (error instanceof DeadlineError) return { IsComplete: false };
      throw error;
    });
  }

  async function check(bedrock: ReturnType<typeof calls>, action: ThroughputAction, id: string, event: IsCompleteRequest): Promise<IsCompleteResponse> {
    {
      let state: ThroughputState | undefined;
      try {
        state = await bedrock.get(id);
      } catch (error) {
        // Throttling or an outage while waiting: ask again at the next interval, within the total timeout.
        if (isRetryable(error) || (error as { name?: string })?.name === 'DeadlineReachedError') {
          log({ level: 'WARN', message: 'could not read the throughput; will ask again', error: failureReason(error) });
          return { IsComplete: false };
        }
        throw new Error(explain(error), { cause: error });
      }
      const answer = completion(action, state, event[EXPECTED_NAME_FIELD]);
      log({ level: 'INFO', message: 'isComplete', action, status: state?.status, answer: answer.kind });
      switch (answer.kind) {
        case 'complete':
          return answer.data ? { IsComplete: true, Data: answer.data } : { IsComplete: true };
        case 'wait':
          // A delete Bedrock refused while the throughput was still Creating or Updating is asked again once it settles.
          if (action === 'delete' && state && (state.status === 'InService' || state.status === 'Failed')) {
            await bedrock.remove(id).catch((e: unknown) => log({ level: 'WARN', message: 'delete not accepted yet', error: failureReason(e) }));
          }
          return { IsComplete: false };
        case 'fail': {
          if (!answer.cleanUp || !state) throw new Error(answer.reason);
          // Whether a Failed throughput bills is not documented: delete it so nothing is left that might.
          try {
            await bedrock.remove(state.arn);
            throw new Error(`${answer.reason}. The failed throughput was deleted.`);
          } catch (error) {
            if ((error as Error).message?.startsWith(answer.reason)) throw error;
            throw new Error(`${answer.reason}. Deleting the failed throughput failed too (${explain(error)}): delete ${state.arn} yourself.`, { cause: error });
          }
        }
      }
    }
  }

  return { onEvent, isComplete };
}

const handlers = createHandlers({ bedrock: createBedrockClient() });
export const onEvent = handlers.onEvent;
export const isComplete = handlers.isComplete;
