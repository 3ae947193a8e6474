/*
 * What every handler's AWS I/O shell (lambda/<name>/index.ts) shares: the SDK client without SDK
 * retries, the JSON log line, the remaining time of the invocation, and the watchdog that abandons a
 * call still pending at the deadline. No index.ts here: scripts/build-lambdas.mjs bundles only
 * lambda/<name>/index.ts, and the handlers that import this module bundle it with them.
 */
import { BedrockClient, BedrockClientConfig } from '@aws-sdk/client-bedrock';
import type { Context } from 'aws-lambda';

/** The part of the Lambda context a handler reads. */
export type HandlerContext = Pick<Context, 'getRemainingTimeInMillis'>;

/** SDK timeouts of a client: to connect, and for a whole request. */
export interface SdkTimeouts {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/** One structured log line (the functions log in JSON format). */
export const jsonLog = (entry: Record<string, unknown>) => console.log(JSON.stringify(entry));

/**
 * `createBedrockClient(timeouts = defaults, config)` of a handler: SDK timeouts so no call can hang
 * (the request timeout also throws, which the SDK only does when asked), and no SDK retries: the
 * handler's withRetries retries, within its deadline, and the two would multiply.
 */
export function bedrockClientFactory(defaults: SdkTimeouts) {
  return (timeouts: SdkTimeouts = defaults, config: BedrockClientConfig = {}): BedrockClient =>
    new BedrockClient({
      maxAttempts: 1,
      requestHandler: {
        connectionTimeout: timeouts.connectionTimeoutMs,
        requestTimeout: timeouts.requestTimeoutMs,
        throwOnRequestTimeout: true,
        socketTimeout: timeouts.requestTimeoutMs,
      },
      ...config,
    });
}

/** The invocation's remaining time in ms, or undefined without a Lambda context (outside Lambda only). */
export function remainingTimeMs(context: HandlerContext | undefined): number | undefined {
  return typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
}

/**
 * Runs `work` against a watchdog of `watchdogMs`: should a call hang past its own timeouts, the
 * watchdog aborts `work`'s signal (tearing down the call's socket and stopping its retry loop) and
 * the result is `onDeadline()`'s, or its error when it throws.
 */
export async function raceWatchdog<T>(watchdogMs: number, work: (signal: AbortSignal) => Promise<T>, onDeadline: () => T): Promise<T> {
  const abandon = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      abandon.abort();
      try {
        resolve(onDeadline());
      } catch (error) {
        reject(error);
      }
    }, watchdogMs);
  });
  try {
    return await Promise.race([work(abandon.signal), watchdog]);
  } finally {
    clearTimeout(timer);
  }
}
