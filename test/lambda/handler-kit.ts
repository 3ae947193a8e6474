/*
 * Setup the handler tests share: real SDK clients whose transport aws-sdk-client-mock replaces, and
 * virtual time (sleeps advance a counter), so retries and deadlines cost no wall-clock time.
 */

/** Credentials of the offline clients: the SDK signs requests, the mock answers them. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** A real client of `Client` for aws-sdk-client-mock: us-east-1, test credentials, no SDK retries. */
export function offlineClient<C>(Client: new (config: { region: string; credentials: typeof TEST_CREDENTIALS; maxAttempts: number }) => C): C {
  return new Client({ region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

/** Virtual time for a handler's retry clock, and the log entries it wrote. Call `reset()` before each test. */
export class VirtualTime {
  /** The retry clock's time (ms); tests may advance it. */
  public now = 0;
  /** Every sleep, in order. */
  public sleeps: number[] = [];
  /** Every log entry, in order. */
  public logs: Array<Record<string, unknown>> = [];
  /** The handler's retry clock: sleeps advance `now` at once; jitter drawn at 0.5. */
  public readonly clock = {
    now: () => this.now,
    sleep: async (ms: number) => {
      this.sleeps.push(ms);
      this.now += ms;
    },
    random: () => 0.5,
  };
  /** The handler's log: collects the entries. */
  public readonly log = (entry: Record<string, unknown>) => {
    this.logs.push(entry);
  };

  public reset(): void {
    this.now = 0;
    this.sleeps = [];
    this.logs = [];
  }
}
