import type { MisreadReason, Swipe } from "./magstripe-reader.js";

/** Listener fan-out and the async iterator shared by the magstripe reader implementations. */
export class SwipeHub {
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
    for (const l of [...this.swipeListeners]) l(swipe);
  }

  emitMisread(reason: MisreadReason): void {
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
