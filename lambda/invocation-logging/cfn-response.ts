/*
 * The reply to CloudFormation: a PUT of a small JSON document to the pre-signed S3 URL of the
 * event. Without it the stack waits until the resource's service timeout.
 */
import * as http from 'http';
import * as https from 'https';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { failureReason, responseUrlProblem, RetryPolicy } from './logic';
import { RetryClock, withRetries } from './retry';

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
  outcome: { status: 'SUCCESS' | 'FAILED'; physicalId: string; reason?: string; data?: Record<string, string> },
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
