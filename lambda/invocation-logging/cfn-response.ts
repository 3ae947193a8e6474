/*
 * The reply to CloudFormation: a PUT of a small JSON document to the pre-signed S3 URL of the
 * event. Without it the stack waits until the resource's service timeout.
 */
import * as http from 'http';
import * as https from 'https';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { jsonLog } from '../shared/handler-shell';
import {
  Deadlines,
  deadlines,
  DEFAULT_RETRY_POLICY,
  DEFAULT_TIME_BUDGET,
  EventCheck,
  failureReason,
  inspectEvent,
  RESPONSE_RETRY_POLICY,
  responseUrlProblem,
  RetryPolicy,
  TimeBudget,
} from './logic';
import { REAL_CLOCK, RetryClock, withRetries } from './retry';

/** CloudFormation's limit on the whole response document. */
const MAX_BODY_BYTES = 4096;

export interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Record<string, string>;
}

/** The fields of an event that its response echoes; unknown, as a malformed event is answered too. */
export type ResponseTarget = Partial<Record<'StackId' | 'RequestId' | 'LogicalResourceId', unknown>>;

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The response document for `event`, with the reason shortened so the body stays under CloudFormation's limit. */
export function responseBody(
  event: ResponseTarget | CloudFormationCustomResourceEvent,
  outcome: { status: 'SUCCESS' | 'FAILED'; physicalId: string; reason?: string; data?: Record<string, string> },
): string {
  const base: CfnResponse = {
    Status: outcome.status,
    PhysicalResourceId: outcome.physicalId,
    StackId: text(event.StackId),
    RequestId: text(event.RequestId),
    LogicalResourceId: text(event.LogicalResourceId),
    NoEcho: false,
    Data: outcome.data,
  };
  let reason = outcome.reason;
  for (;;) {
    const body = JSON.stringify(reason === undefined ? base : { ...base, Reason: reason });
    if (Buffer.byteLength(body) <= MAX_BODY_BYTES || reason === undefined || reason.length === 0) return body;
    reason = `${reason.slice(0, Math.max(0, reason.length - (Buffer.byteLength(body) - MAX_BODY_BYTES) - 4))}...`;
    if (reason === '...') reason = '';
  }
}

/**
 * The response URL is always https from CloudFormation; plain http is accepted only for a
 * loopback address (the local server of the handler's tests), never across a network.
 */
function transportFor(url: URL): typeof https | typeof http {
  const problem = responseUrlProblem(url.href);
  if (problem) throw new Error(problem);
  return url.protocol === 'https:' ? https : http;
}

/** PUTs `body` to `responseUrl` once; resolves on 2xx, rejects otherwise, and after `timeoutMs` in all (connect to last byte). */
export function putResponse(responseUrl: string, body: string, timeoutMs = 10000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const url = new URL(responseUrl);
    const transport = transportFor(url); // throws inside the executor: a rejection, like every other failure
    const settle = (error?: Error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const request = transport.request(
      url,
      // An empty content type: the URL is pre-signed for exactly that.
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) settle();
          else settle(Object.assign(new Error(`CloudFormation response PUT answered HTTP ${status}`), { $metadata: { httpStatusCode: status } }));
        });
        response.on('error', settle);
      },
    );
    // A total bound, not an idle one: a peer that trickles bytes must not outlast the deadline either.
    const timer = setTimeout(() => request.destroy(Object.assign(new Error(`CloudFormation response PUT timed out after ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
    request.on('error', settle);
    request.end(body);
  });
}

/** How {@link answerCloudFormation} retries the reply, and where it logs. */
export interface AnswerOptions {
  readonly policy: RetryPolicy;
  /** Clock time after which no further attempt starts (the first always does: better late than never). */
  readonly deadline: number;
  readonly clock: RetryClock;
  readonly log: (entry: Record<string, unknown>) => void;
}

/**
 * Sends `outcome` for `event` to `responseUrl`, retried within the deadline, and logs that it did.
 * Throws when it could not: the invocation then fails, so the event lands in the dead-letter queue,
 * and CloudFormation waits for its service timeout.
 */
export async function answerCloudFormation(
  event: ResponseTarget,
  responseUrl: string,
  outcome: Outcome,
  options: AnswerOptions,
): Promise<void> {
  const { log } = options;
  const body = responseBody(event, outcome);
  try {
    await withRetries('CloudFormation response', (attempt) => putResponse(responseUrl, body, attempt.timeoutMs), { ...options, alwaysTryOnce: true });
  } catch (error) {
    log({ level: 'ERROR', message: 'could not send the response to CloudFormation', error: failureReason(error) });
    throw error;
  }
  log({ level: 'INFO', message: 'answered CloudFormation', status: outcome.status, reason: outcome.reason });
}

/** What a custom-resource handler answers CloudFormation. */
export interface Outcome {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalId: string;
  readonly reason?: string;
  readonly data?: Record<string, string>;
}

/** What every custom-resource handler takes from the outside world besides its clients; tests pass their own. */
export interface CustomResourceDependencies {
  readonly clock?: RetryClock;
  readonly retryPolicy?: RetryPolicy;
  readonly responsePolicy?: RetryPolicy;
  readonly timeBudget?: Partial<TimeBudget>;
  readonly log?: (entry: Record<string, unknown>) => void;
}

/** {@link CustomResourceDependencies} with the library's defaults where a handler was given none. */
export function withCustomResourceDefaults(deps: CustomResourceDependencies) {
  return {
    clock: deps.clock ?? REAL_CLOCK,
    policy: deps.retryPolicy ?? DEFAULT_RETRY_POLICY,
    responsePolicy: deps.responsePolicy ?? RESPONSE_RETRY_POLICY,
    budget: { ...DEFAULT_TIME_BUDGET, ...deps.timeBudget } as TimeBudget,
    log: deps.log ?? jsonLog,
  };
}

/** What {@link customResourceHandler} needs of a handler. */
export interface CustomResourceShell {
  readonly clock: RetryClock;
  readonly budget: TimeBudget;
  readonly responsePolicy: RetryPolicy;
  readonly log: (entry: Record<string, unknown>) => void;
  /** The physical id of a failure the request's own work did not produce (a malformed event, a fault of the handler). */
  fallbackId(raw: Record<string, unknown>, checked: EventCheck): string;
  /** The request's work, within `limits`; its failures are outcomes, not throws. */
  run(event: CloudFormationCustomResourceEvent, limits: Deadlines, startedAt: number): Promise<Outcome>;
}

/**
 * The outer handler every custom resource of the library shares: checks the event, logs it (never
 * its pre-signed ResponseURL), runs the work within the invocation's deadlines, and always answers
 * CloudFormation; only an event with nowhere to answer fails the invocation (to the dead-letter queue).
 */
export function customResourceHandler(shell: CustomResourceShell) {
  const { clock, budget, log } = shell;
  return async function handler(rawEvent: CloudFormationCustomResourceEvent | unknown, remainingMs: () => number | undefined): Promise<Outcome> {
    const startedAt = clock.now();
    const raw = (typeof rawEvent === 'object' && rawEvent !== null ? rawEvent : {}) as Record<string, unknown>;
    const checked = inspectEvent(rawEvent);
    log({ level: 'INFO', message: 'event', requestType: raw.RequestType, stackId: raw.StackId, logicalResourceId: raw.LogicalResourceId, requestId: raw.RequestId });
    if (checked.kind === 'invalid' && !checked.responseUrl) {
      log({ level: 'ERROR', message: 'cannot answer this event', error: checked.reason });
      throw new Error(`cannot answer this event: ${checked.reason}`);
    }
    const responseUrl = checked.kind === 'valid' ? checked.event.ResponseURL : (checked.responseUrl as string);
    let limits: Deadlines = deadlines(startedAt, undefined, budget);
    let outcome: Outcome;
    try {
      limits = deadlines(startedAt, remainingMs(), budget);
      if (checked.kind === 'invalid') {
        log({ level: 'ERROR', message: 'malformed event', error: checked.reason });
        outcome = { status: 'FAILED', physicalId: shell.fallbackId(raw, checked), reason: checked.reason };
      } else {
        outcome = await shell.run(checked.event, limits, startedAt);
      }
    } catch (error) {
      // Only a fault of the handler itself gets here: answer all the same.
      log({ level: 'ERROR', message: 'unexpected failure', error: failureReason(error) });
      outcome = { status: 'FAILED', physicalId: shell.fallbackId(raw, checked), reason: `internal error of the handler: ${failureReason(error)}` };
    }
    await answerCloudFormation(raw, responseUrl, outcome, { policy: shell.responsePolicy, deadline: limits.response, clock, log });
    return outcome;
  };
}
