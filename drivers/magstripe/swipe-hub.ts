import type { MisreadReason, Swipe } from "./magstripe-reader.js";
import type { MagStripeTraceEvent } from "./serial-magstripe-reader.js";

/**
 * Listener fan-out, tracing and the async iterator shared by the magstripe reader implementations.
 * The trace carries track statuses only, never track data.
 */
export class SwipeHub {
  constructor(private readonly trace?: (event: MagStripeTraceEvent) => void) {}

  private readonly swipeListeners = new Set<(swipe: Swipe) => void>();
  private readonly misreadListeners = new Set<(reason: MisreadReason) => void>();
  private readonly endListeners = new Set<() => void>();

  onSwipe(listener: (swipe: Swipe) => void): () => void {
    this.swipeListeners.add(listener);
    return () => this.swipeListeners.delete(listener);
  }

  onMisread(listener: (reason: MisreadReason) => void): () => void {
    this.misreadListeners.add(listener);
    return () => this.misreadListeners.delete(listener);
  }

  emitSwipe(swipe: Swipe): void {
    const t = swipe.tracks;
    this.trace?.({
      type: "swipe",
      t1: t.t1.status,
      t2: t.t2.status,
      t3: t.t3.status,
      chipCard: swipe.chipCard,
    });
    for (const l of [...this.swipeListeners]) l(swipe);
  }

  emitMisread(reason: MisreadReason): void {
    this.trace?.({ type: "misread", reason });
    for (const l of [...this.misreadListeners]) l(reason);
  }

  /** The reader closed: iterators end. */
  end(): void {
    for (const l of [...this.endListeners]) l();
  }

  swipes(signal?: AbortSignal): AsyncIterableIterator<Swipe> {
    const queued: Swipe[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const finish = () => {
      done = true;
      unsubscribe();
      this.endListeners.delete(finish);
      signal?.removeEventListener("abort", finish);
      wake?.();
    };
    const unsubscribe = this.onSwipe((swipe) => {
      queued.push(swipe);
      wake?.();
    });
    this.endListeners.add(finish);
    if (signal?.aborted) finish();
    else signal?.addEventListener("abort", finish, { once: true });
    const iterator: AsyncIterableIterator<Swipe> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => {
        while (queued.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        const value = queued.shift();
        return value ? { value, done: false } : { value: undefined, done: true };
      },
      return: async () => {
        finish();
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }
}
