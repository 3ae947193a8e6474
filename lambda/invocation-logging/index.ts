/*
 * Custom resource handler: sets Amazon Bedrock model invocation logging (an account- and
 * Region-wide setting CloudFormation has no resource for) and hands it back on Delete.
 * The decisions live in logic.ts; this file only talks to Bedrock and to CloudFormation, and
 * makes sure CloudFormation always gets exactly one answer, in time.
 */
import {
  BedrockClient,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  PutModelInvocationLoggingConfigurationCommand,
} from '@aws-sdk/client-bedrock';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CustomResourceDependencies, customResourceHandler, Outcome, withCustomResourceDefaults } from './cfn-response';
import {
  BEDROCK_TIMEOUTS,
  configurationOrUndefined,
  Deadlines,
  desiredConfiguration,
  explainFailure,
  LoggingConfig,
  normalize,
  NOT_APPLIED_ID,
  planCreate,
  planDelete,
  planUpdate,
  takeOverAllowed,
  watchdogReason,
} from './logic';
import { bedrockClientFactory, HandlerContext, raceWatchdog, remainingTimeMs } from '../shared/handler-shell';
import { Attempt, withRetries } from './retry';

/** What the handler needs from the outside world; tests pass their own. */
export interface HandlerDependencies extends CustomResourceDependencies {
  readonly bedrock: BedrockClient;
}

export type { HandlerContext };

export type { Outcome };

/** What a failure reports, kept current while a request runs: the watchdog may answer at any point. */
interface Progress {
  /** On Create, the id that records the previous configuration as soon as a Put may have happened. */
  physicalId: string;
  /** The Bedrock call in flight, for the watchdog's reason. */
  step?: string;
}

/** The Bedrock client of the function: SDK timeouts so no call can hang, and no SDK retries (withRetries retries, within the deadline). */
export const createBedrockClient = bedrockClientFactory(BEDROCK_TIMEOUTS);

/** Builds the handler around its dependencies. */
export function createHandler(deps: HandlerDependencies) {
  const { clock, policy, responsePolicy, budget, log } = withCustomResourceDefaults(deps);

  /** The Bedrock operations of one request, bounded by its work deadline and abandoned when `signal` aborts. */
  function bedrockCalls(deadline: number, signal: AbortSignal, progress: Progress) {
    const call = <T>(what: string, send: (options: { abortSignal: AbortSignal; requestTimeout: number }) => Promise<T>) => {
      progress.step = what;
      // The per-call request timeout is the attempt's: never past the deadline.
      return withRetries(what, (attempt: Attempt) => send({ abortSignal: signal, requestTimeout: attempt.timeoutMs }), { policy, deadline, clock, log, signal });
    };
    return {
      getCurrent: async (): Promise<LoggingConfig | undefined> =>
        normalize(
          (await call('GetModelInvocationLoggingConfiguration', (options) => deps.bedrock.send(new GetModelInvocationLoggingConfigurationCommand({}), options)))
            .loggingConfig,
        ),
      put: (loggingConfig: LoggingConfig) =>
        call('PutModelInvocationLoggingConfiguration', (options) => deps.bedrock.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig }), options)),
      remove: () => call('DeleteModelInvocationLoggingConfiguration', (options) => deps.bedrock.send(new DeleteModelInvocationLoggingConfigurationCommand({}), options)),
    };
  }

  async function apply(event: CloudFormationCustomResourceEvent, bedrock: ReturnType<typeof bedrockCalls>, progress: Progress): Promise<Outcome> {
    switch (event.RequestType) {
      case 'Create': {
        const desired = desiredConfiguration(event.ResourceProperties);
        const takeOver = takeOverAllowed(event.ResourceProperties);
        const plan = planCreate(await bedrock.getCurrent(), desired, takeOver);
        if (plan.action === 'refuse') return { status: 'FAILED', physicalId: NOT_APPLIED_ID, reason: plan.reason };
        // From here a failed Put may still have taken effect (a lost reply): the Delete that follows
        // a failed Create must then be able to restore, so the failure reports the recorded id.
        progress.physicalId = plan.physicalId;
        await bedrock.put(desired);
        log({ level: 'INFO', message: 'applied the invocation logging configuration', requestType: 'Create', note: plan.note });
        return { status: 'SUCCESS', physicalId: plan.physicalId, data: { PreviousConfiguration: plan.previous ? 'recorded' : 'none' } };
      }
      case 'Update': {
        const desired = desiredConfiguration(event.ResourceProperties);
        const takeOver = takeOverAllowed(event.ResourceProperties);
        const plan = planUpdate(await bedrock.getCurrent(), desired, configurationOrUndefined(event.OldResourceProperties), takeOver);
        // The physical id never changes: it carries the configuration to restore on Delete, and a
        // new id would make CloudFormation delete (restore) right after the update.
        if (plan.action === 'refuse') return { status: 'FAILED', physicalId: event.PhysicalResourceId, reason: plan.reason };
        await bedrock.put(desired);
        log({ level: 'INFO', message: 'applied the invocation logging configuration', requestType: 'Update', note: plan.note });
        return { status: 'SUCCESS', physicalId: event.PhysicalResourceId };
      }
      case 'Delete': {
        // Properties a failed Create rejected parse to nothing: nothing of ours can be in place.
        const plan = planDelete(event.PhysicalResourceId, await bedrock.getCurrent(), configurationOrUndefined(event.ResourceProperties));
        if (plan.action === 'restore') {
          try {
            await bedrock.put(plan.previous);
          } catch (error) {
            throw new Error(
              `could not restore the invocation logging configuration that was in place before this stack (${explainFailure(error)}). ` +
                'Fix or remove its destinations and retry the delete, or retain this resource.',
              { cause: error },
            );
          }
        } else if (plan.action === 'delete') {
          await bedrock.remove();
        }
        log({ level: 'INFO', message: 'deleted the invocation logging resource', action: plan.action, note: plan.note });
        return { status: 'SUCCESS', physicalId: event.PhysicalResourceId };
      }
      default:
        // inspectEvent admits only the three types; should that ever change, fail rather than answer nothing.
        throw new Error(`unknown RequestType ${JSON.stringify((event as { RequestType?: unknown }).RequestType)}`);
    }
  }

  /**
   * Runs the request against a watchdog: should any call hang past its own timeouts, the
   * watchdog answers FAILED at its deadline, leaving the reserve for the reply.
   */
  async function applyWithinDeadline(event: CloudFormationCustomResourceEvent, limits: Deadlines, startedAt: number): Promise<Outcome> {
    const progress: Progress = { physicalId: event.RequestType === 'Create' ? NOT_APPLIED_ID : event.PhysicalResourceId };
    return raceWatchdog<Outcome>(
      Math.max(0, limits.watchdog - clock.now()),
      (signal) =>
        apply(event, bedrockCalls(limits.calls, signal, progress), progress).catch((error: unknown): Outcome => {
          const reason = explainFailure(error);
          if (!signal.aborted) log({ level: 'ERROR', message: 'request failed', requestType: event.RequestType, error: reason });
          return { status: 'FAILED', physicalId: progress.physicalId, reason };
        }),
      () => {
        const reason = watchdogReason(progress.step, clock.now() - startedAt);
        log({ level: 'ERROR', message: 'deadline reached with a call pending; abandoned it', requestType: event.RequestType, step: progress.step });
        return { status: 'FAILED', physicalId: progress.physicalId, reason };
      },
    );
  }

  const handle = customResourceHandler({
    clock,
    budget,
    responsePolicy,
    log,
    fallbackId: (_raw, checked) =>
      checked.kind === 'invalid' ? checked.physicalId : checked.event.RequestType === 'Create' ? NOT_APPLIED_ID : checked.event.PhysicalResourceId,
    run: applyWithinDeadline,
  });
  return (rawEvent: CloudFormationCustomResourceEvent | unknown, context?: HandlerContext): Promise<Outcome> => handle(rawEvent, () => remainingTimeMs(context));
}

export const handler = createHandler({ bedrock: createBedrockClient() });
