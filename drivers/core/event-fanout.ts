/**
 * Events from a device (card inserted, swipe read…) to any number of listeners, and as async
 * iterators that end when the device closes or the caller's signal aborts. Shared by the readers.
 */
export class EventFanout<T> {
  private readonly listeners = new Set<(event: T) => void>();
  private readonly endListeners = new Set<() => void>();

  on(listener: (event: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: T): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** The device closed: every iterator ends (listeners stay, for a reopen). */
  end(): void {
    for (const listener of [...this.endListeners]) listener();
  }

  iterate(signal?: AbortSignal): AsyncIterableIterator<T> {
    const queued: T[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const finish = () => {
      done = true;
      unsubscribe();
      this.endListeners.delete(finish);
      signal?.removeEventListener("abort", finish);
      wake?.();
    };
    const unsubscribe = this.on((event) => {
      queued.push(event);
      wake?.();
    });
    this.endListeners.add(finish);
    if (signal?.aborted) finish();
    else signal?.addEventListener("abort", finish, { once: true });
    const iterator: AsyncIterableIterator<T> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => {
        while (queued.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (queued.length > 0) return { value: queued.shift()!, done: false };
        return { value: undefined, done: true };
      },
      return: async () => {
        finish();
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }
}
