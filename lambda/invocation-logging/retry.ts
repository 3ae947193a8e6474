import { backoffDelay, isRetryable, RetryPolicy } from './logic';

/** How the retry loop waits and draws jitter: real timers in Lambda, recorded ones in tests. */
export interface RetryClock {
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export const REAL_CLOCK: RetryClock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Runs `call` until it succeeds, fails with an error retrying cannot fix, or runs out of attempts;
 * then throws the last error unchanged, so its message reaches CloudFormation.
 */
export async function withRetries<T>(
  what: string,
  call: () => Promise<T>,
  policy: RetryPolicy,
  clock: RetryClock,
  log: (entry: Record<string, unknown>) => void,
  retryable: (error: unknown) => boolean = isRetryable,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.maxAttempts || !retryable(error)) throw error;
      const delayMs = backoffDelay(attempt, policy, clock.random());
      log({ level: 'WARN', message: `${what} failed, retrying`, attempt, delayMs, error: (error as Error).name, detail: (error as Error).message });
      await clock.sleep(delayMs);
    }
  }
}
