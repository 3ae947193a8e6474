/*
 * Custom resource handler: the deploy-time model-access preflight. Create and Update check every
 * model of the `Models` property (logic.ts says what and how) and answer FAILED, with what is
 * missing and how to fix it, when something is; Delete changes nothing and succeeds.
 *
 * The CloudFormation plumbing is invocation-logging's (reused by relative import, each handler is
 * bundled on its own): SDK timeouts, retries within a deadline, a watchdog that answers before the
 * function would end, and exactly one answer per event.
 */
import { BedrockClient } from '@aws-sdk/client-bedrock';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { answerCloudFormation } from '../invocation-logging/cfn-response';
import {
  BEDROCK_TIMEOUTS,
  DEFAULT_RETRY_POLICY,
  DEFAULT_TIME_BUDGET,
  Deadlines,
  deadlines,
  explainFailure,
  failureReason,
  inspectEvent,
  RESPONSE_RETRY_POLICY,
  RetryPolicy,
  TimeBudget,
  watchdogReason,
} from '../invocation-logging/logic';
import { REAL_CLOCK, RetryClock, withRetries } from '../invocation-logging/retry';
import { bedrockClientFactory, HandlerContext, jsonLog, raceWatchdog, remainingTimeMs } from '../shared/handler-shell';
import { runPreflight } from './gather';
import { failureSummary, modelsFromProperties, PHYSICAL_ID, summaryLine } from './logic';

/** What the handler needs from the outside world; tests pass their own. */
export interface HandlerDependencies {
  readonly bedrock: BedrockClient;
  /** The Region checked. @default the function's (AWS_REGION) */
  readonly region?: string;
  readonly clock?: RetryClock;
  readonly retryPolicy?: RetryPolicy;
  readonly responsePolicy?: RetryPolicy;
  readonly timeBudget?: Partial<TimeBudget>;
  readonly log?: (entry: Record<string, unknown>) => void;
}

export type { HandlerContext };

export interface Outcome {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalId: string;
  readonly reason?: string;
  readonly data?: Record<string, string>;
}

/** The Bedrock client: SDK timeouts so no call hangs, no SDK retries (withRetries retries, within the deadline). */
export const createBedrockClient = bedrockClientFactory(BEDROCK_TIMEOUTS);

export function createHandler(deps: HandlerDependencies) {
  const clock = deps.clock ?? REAL_CLOCK;
  const policy = deps.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const responsePolicy = deps.responsePolicy ?? RESPONSE_RETRY_POLICY;
  const budget: TimeBudget = { ...DEFAULT_TIME_BUDGET, ...deps.timeBudget };
  const log = deps.log ?? jsonLog;

  async function check(event: CloudFormationCustomResourceEvent, deadline: number, signal: AbortSignal, progress: { step?: string }): Promise<Outcome> {
    if (event.RequestType === 'Delete') {
      log({ level: 'INFO', message: 'delete: nothing to do' });
      return { status: 'SUCCESS', physicalId: event.PhysicalResourceId };
    }
    const physicalId = event.RequestType === 'Update' ? event.PhysicalResourceId : PHYSICAL_ID;
    const models = modelsFromProperties(event.ResourceProperties);
    const region = deps.region ?? process.env.AWS_REGION;
    if (!region) throw new Error('the Region to check is unknown: AWS_REGION is not set');
    const report = await runPreflight(deps.bedrock, models, region, (what, send) => {
      progress.step = what;
      return withRetries(what, (attempt) => send({ abortSignal: signal, requestTimeout: attempt.timeoutMs }), { policy, deadline, clock, log, signal });
    });
    log({ level: report.ok ? 'INFO' : 'ERROR', message: summaryLine(report), report });
    const warnings = report.models.reduce((n, m) => n + m.findings.filter((f) => f.severity === 'warning').length, 0);
    if (!report.ok) return { status: 'FAILED', physicalId, reason: failureSummary(report) };
    return { status: 'SUCCESS', physicalId, data: { Summary: summaryLine(report), Warnings: String(warnings) } };
  }

  /** The check against a watchdog: a call that hangs past its own timeouts is abandoned, leaving the reserve for the reply. */
  async function checkWithinDeadline(event: CloudFormationCustomResourceEvent, limits: Deadlines, startedAt: number): Promise<Outcome> {
    const physicalId = event.RequestType === 'Create' ? PHYSICAL_ID : event.PhysicalResourceId;
    const progress: { step?: string } = {};
    return raceWatchdog<Outcome>(
      Math.max(0, limits.watchdog - clock.now()),
      (signal) =>
        check(event, limits.calls, signal, progress).catch((error: unknown): Outcome => {
          const reason = `The model access preflight could not complete: ${explainFailure(error)}`;
          if (!signal.aborted) log({ level: 'ERROR', message: 'request failed', requestType: event.RequestType, error: reason });
          return { status: 'FAILED', physicalId, reason };
        }),
      () => {
        log({ level: 'ERROR', message: 'deadline reached with a call pending; abandoned it', step: progress.step });
        return { status: 'FAILED', physicalId, reason: watchdogReason(progress.step, clock.now() - startedAt) };
      },
    );
  }

  return async function handler(rawEvent: CloudFormationCustomResourceEvent | unknown, context?: HandlerContext): Promise<Outcome> {
    const startedAt = clock.now();
    const raw = (typeof rawEvent === 'object' && rawEvent !== null ? rawEvent : {}) as Record<string, unknown>;
    const checked = inspectEvent(rawEvent);
    // Never log the ResponseURL: it is a pre-signed credential for this stack's response.
    log({ level: 'INFO', message: 'event', requestType: raw.RequestType, stackId: raw.StackId, logicalResourceId: raw.LogicalResourceId, requestId: raw.RequestId });
    if (checked.kind === 'invalid' && !checked.responseUrl) {
      log({ level: 'ERROR', message: 'cannot answer this event', error: checked.reason });
      throw new Error(`cannot answer this event: ${checked.reason}`);
    }
    const responseUrl = checked.kind === 'valid' ? checked.event.ResponseURL : (checked.responseUrl as string);
    // A physical id the event carries, else ours (inspectEvent's default is invocation logging's).
    const fallbackId = typeof raw.PhysicalResourceId === 'string' && raw.PhysicalResourceId.length > 0 ? raw.PhysicalResourceId : PHYSICAL_ID;
    let limits: Deadlines = deadlines(startedAt, undefined, budget);
    let outcome: Outcome;
    try {
      limits = deadlines(startedAt, remainingTimeMs(context), budget);
      if (checked.kind === 'invalid') {
        log({ level: 'ERROR', message: 'malformed event', error: checked.reason });
        outcome = { status: 'FAILED', physicalId: fallbackId, reason: checked.reason };
      } else {
        outcome = await checkWithinDeadline(checked.event, limits, startedAt);
      }
    } catch (error) {
      log({ level: 'ERROR', message: 'unexpected failure', error: failureReason(error) });
      outcome = { status: 'FAILED', physicalId: fallbackId, reason: `internal error of the handler: ${failureReason(error)}` };
    }

    await answerCloudFormation(raw, responseUrl, outcome, { policy: responsePolicy, deadline: limits.response, clock, log });
    return outcome;
  };
}

export const handler = createHandler({ bedrock: createBedrockClient() });
