import { attemptTimeout, DeadlineReachedError, isRetryable, retryDecision, RetryPolicy } from './logic';

/** How the retry loop reads the time, waits and draws jitter: real in Lambda, virtual in tests. */
export interface RetryClock {
  /** Milliseconds on a clock that only moves forward; only differences matter. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export const REAL_CLOCK: RetryClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** One attempt: its number (1 = first) and the time it may take. */
export interface Attempt {
  readonly number: number;
  readonly timeoutMs: number;
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  /** Clock time after which no attempt runs, nor any wait before one. */
  readonly deadline: number;
  readonly clock: RetryClock;
  readonly log: (entry: Record<string, unknown>) => void;
  /** Aborted when the caller has given up (the watchdog fired): no further attempt. */
  readonly signal?: AbortSignal;
  /** Make the first attempt even when it cannot get its minimum time (the reply to CloudFormation: better late than never). */
  readonly alwaysTryOnce?: boolean;
  readonly retryable?: (error: unknown) => boolean;
}

/**
 * Runs `call` until it succeeds, fails with an error retrying cannot fix, runs out of attempts
 * (then throws the last error unchanged, so its message reaches CloudFormation), or the next
 * attempt could not finish before the deadline (then throws a DeadlineReachedError that carries
 * the last error).
 */
export async function withRetries<T>(what: string, call: (attempt: Attempt) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, deadline, clock, log } = options;
  const startedAt = clock.now();
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new DeadlineReachedError(what, lastError, attempt - 1, clock.now() - startedAt);
    const timeoutMs = attemptTimeout(clock.now(), deadline, policy) ?? (attempt === 1 && options.alwaysTryOnce ? policy.minAttemptMs : undefined);
    if (timeoutMs === undefined) throw new DeadlineReachedError(what, lastError, attempt - 1, clock.now() - startedAt);
    try {
      return await call({ number: attempt, timeoutMs });
    } catch (error) {
      lastError = error;
      const decision = retryDecision(attempt, error, clock.now(), deadline, policy, clock.random(), options.retryable ?? isRetryable);
      if (decision.action === 'stop') {
        if (decision.why === 'deadline') throw new DeadlineReachedError(what, error, attempt, clock.now() - startedAt);
        throw error;
      }
      log({ level: 'WARN', message: `${what} failed, retrying`, attempt, delayMs: decision.delayMs, error: (error as Error)?.name, detail: (error as Error)?.message });
      await clock.sleep(decision.delayMs);
    }
  }
}
