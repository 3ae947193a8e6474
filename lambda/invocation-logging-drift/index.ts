/*
 * AWS Config custom rule (periodic): is the account's Amazon Bedrock model invocation logging still
 * what the platform set? Reads the setting (GetModelInvocationLoggingConfiguration), asks logic.ts
 * for a verdict, and reports it (PutEvaluations) on the account resource.
 *
 * A failure to read the setting is reported NON_COMPLIANT with the reason (see `unverifiable`), and
 * the invocation then fails too, so it shows in the function's Errors metric, is retried by Lambda
 * (asynchronous invocation) and ends in the dead-letter queue.
 */
import { BedrockClient, BedrockClientConfig, GetModelInvocationLoggingConfigurationCommand } from '@aws-sdk/client-bedrock';
import { ConfigServiceClient, ConfigServiceClientConfig, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { bedrockClientFactory, HandlerContext, jsonLog, remainingTimeMs } from '../shared/handler-shell';
import { DeadlineReachedError, failureReason, RetryPolicy } from '../invocation-logging/logic';
import { Attempt, REAL_CLOCK, RetryClock, withRetries } from '../invocation-logging/retry';
import { ACCOUNT_RESOURCE_TYPE, evaluate, inspectEvent, LoggingConfig, parseRuleParameters, RuleInvocation, unverifiable, Verdict } from './logic';

/** SDK timeouts of both clients: both calls answer in well under a second. */
export const SDK_TIMEOUTS = { connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000 } as const;

/** Retries of each call within its deadline: throttling and 5xx pass in seconds. */
export const CALL_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 5_000, attemptTimeoutMs: SDK_TIMEOUTS.requestTimeoutMs, minAttemptMs: 2_000 };

/** How the handler shares out the function's time (its timeout is 1 minute). */
export interface TimeBudget {
  /** Kept for PutEvaluations: reading the setting stops this long before the function would end. */
  readonly reportReserveMs: number;
  /** PutEvaluations' retries end this long before the function would, so the handler returns and logs instead of being killed. */
  readonly finalMarginMs: number;
  /** Remaining time assumed without a Lambda context (only outside Lambda): the function's timeout. */
  readonly fallbackRemainingMs: number;
}

export const DEFAULT_TIME_BUDGET: TimeBudget = { reportReserveMs: 20_000, finalMarginMs: 2_000, fallbackRemainingMs: 60_000 };

/** What the handler needs from the outside world; tests pass their own. */
export interface HandlerDependencies {
  readonly bedrock: BedrockClient;
  readonly config: ConfigServiceClient;
  readonly clock?: RetryClock;
  readonly retryPolicy?: RetryPolicy;
  readonly timeBudget?: Partial<TimeBudget>;
  readonly log?: (entry: Record<string, unknown>) => void;
}

export type { HandlerContext };

/** The SDK's own retries are off (`maxAttempts: 1`): withRetries retries within the deadline, and the two would multiply. */
const requestHandler = {
  connectionTimeout: SDK_TIMEOUTS.connectionTimeoutMs,
  requestTimeout: SDK_TIMEOUTS.requestTimeoutMs,
  throwOnRequestTimeout: true,
  socketTimeout: SDK_TIMEOUTS.requestTimeoutMs,
};

export function createBedrockClient(config: BedrockClientConfig = {}): BedrockClient {
  return bedrockClientFactory(SDK_TIMEOUTS)(SDK_TIMEOUTS, config);
}

export function createConfigClient(config: ConfigServiceClientConfig = {}): ConfigServiceClient {
  return new ConfigServiceClient({ maxAttempts: 1, requestHandler, ...config });
}

/** Builds the handler around its dependencies. */
export function createHandler(deps: HandlerDependencies) {
  const clock = deps.clock ?? REAL_CLOCK;
  const policy = deps.retryPolicy ?? CALL_RETRY_POLICY;
  const budget: TimeBudget = { ...DEFAULT_TIME_BUDGET, ...deps.timeBudget };
  const log = deps.log ?? jsonLog;

  const call = <T>(what: string, deadline: number, send: (options: { requestTimeout: number }) => Promise<T>, alwaysTryOnce = false) =>
    withRetries(what, (attempt: Attempt) => send({ requestTimeout: attempt.timeoutMs }), { policy, deadline, clock, log, alwaysTryOnce });

  async function readSetting(deadline: number): Promise<LoggingConfig | undefined> {
    const response = await call('GetModelInvocationLoggingConfiguration', deadline, (options) => deps.bedrock.send(new GetModelInvocationLoggingConfigurationCommand({}), options));
    return response.loggingConfig;
  }

  async function report(invocation: RuleInvocation, verdict: Verdict, deadline: number): Promise<void> {
    const response = await call(
      'PutEvaluations',
      deadline,
      (options) =>
        deps.config.send(
          new PutEvaluationsCommand({
            ResultToken: invocation.resultToken,
            Evaluations: [
              {
                ComplianceResourceType: ACCOUNT_RESOURCE_TYPE,
                ComplianceResourceId: invocation.accountId,
                ComplianceType: verdict.complianceType,
                Annotation: verdict.annotation,
                OrderingTimestamp: invocation.orderingTimestamp,
              },
            ],
          }),
          options,
        ),
      // The verdict is the point of the invocation: one attempt even when the read used up the time.
      true,
    );
    const failed = response.FailedEvaluations ?? [];
    if (failed.length > 0) throw new Error(`Config refused the evaluation of account ${invocation.accountId}: ${JSON.stringify(failed).slice(0, 300)}`);
  }

  return async function handler(event: unknown, context?: HandlerContext): Promise<Verdict> {
    const startedAt = clock.now();
    const remainingMs = remainingTimeMs(context) ?? budget.fallbackRemainingMs;
    let invocation: RuleInvocation;
    try {
      invocation = inspectEvent(event);
    } catch (error) {
      // Without a result token there is nowhere to report: fail, so the event lands in the dead-letter queue.
      log({ level: 'ERROR', message: 'not an AWS Config rule event', error: failureReason(error) });
      throw error;
    }
    log({ level: 'INFO', message: 'evaluating', configRuleName: invocation.configRuleName, accountId: invocation.accountId, orderingTimestamp: invocation.orderingTimestamp.toISOString() });

    let verdict: Verdict;
    let failure: unknown;
    try {
      const expected = parseRuleParameters(invocation.ruleParameters);
      verdict = evaluate(await readSetting(startedAt + remainingMs - budget.reportReserveMs), expected);
    } catch (error) {
      failure = error;
      verdict = unverifiable(error instanceof DeadlineReachedError ? `${error.message}. Is the Bedrock control-plane endpoint reachable?` : failureReason(error, 200));
      log({ level: 'ERROR', message: 'could not verify the setting', error: failureReason(error) });
    }

    try {
      await report(invocation, verdict, startedAt + remainingMs - budget.finalMarginMs);
    } catch (error) {
      log({ level: 'ERROR', message: 'could not report the evaluation to AWS Config', error: failureReason(error), complianceType: verdict.complianceType });
      throw error;
    }
    log({ level: verdict.complianceType === 'COMPLIANT' ? 'INFO' : 'WARN', message: 'reported', complianceType: verdict.complianceType, annotation: verdict.annotation });
    if (failure !== undefined) throw failure;
    return verdict;
  };
}


export const handler = createHandler({ bedrock: createBedrockClient(), config: createConfigClient() });
