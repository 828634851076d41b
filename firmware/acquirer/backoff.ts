/** Reconnect pacing: after a failed connect the next attempt waits initialMs, then ×factor, up to maxMs. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Growth per consecutive failure; 2 by default. */
  factor?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialMs: 1_000, maxMs: 60_000, factor: 2 };

/**
 * Counts consecutive failed connects and says when the next one is allowed. Time comes from the
 * caller (`now`), so the rule is the same under a fake clock. A success resets it.
 */
export class ConnectBackoff {
  private readonly options: Required<BackoffOptions>;
  private failures = 0;
  private notBefore = Number.NEGATIVE_INFINITY;

  constructor(options: BackoffOptions = DEFAULT_BACKOFF) {
    const factor = options.factor ?? DEFAULT_BACKOFF.factor;
    if (!(options.initialMs >= 0 && options.maxMs >= options.initialMs && factor >= 1)) {
      throw new RangeError(
        `backoff needs 0 <= initialMs <= maxMs and factor >= 1, got ${JSON.stringify(options)}`,
      );
    }
    this.options = { initialMs: options.initialMs, maxMs: options.maxMs, factor };
  }

  /** Consecutive failed connects since the last success. */
  get failureCount(): number {
    return this.failures;
  }

  /** ms to wait before the next attempt is allowed (0 = now). */
  remaining(now: number): number {
    return Math.max(0, this.notBefore - now);
  }

  /** Records a failed connect at `now`; returns the wait it imposes. */
  failed(now: number): number {
    const { initialMs, maxMs, factor } = this.options;
    const wait = Math.min(maxMs, initialMs * factor ** this.failures);
    this.failures++;
    this.notBefore = now + wait;
    return wait;
  }

  succeeded(): void {
    this.failures = 0;
    this.notBefore = Number.NEGATIVE_INFINITY;
  }
}
