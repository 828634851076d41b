import { DeviceCancelledError } from "./device-error.js";

/**
 * One command in flight per device: callers queue, each runs when the one before it has finished
 * (succeeded or failed). A caller whose signal aborts while still queued leaves the queue without
 * ever touching the wire.
 */
export class CommandQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly device: string) {}

  /** Commands queued or running. */
  get depth(): number {
    return this.pending;
  }

  run<T>(command: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.pending++;
    const start = this.tail.then(() => {
      if (signal?.aborted) throw new DeviceCancelledError(this.device, "cancelled before it started");
      return command();
    });
    const done = start.finally(() => {
      this.pending--;
    });
    // The next command waits for this one to settle, whatever its outcome.
    this.tail = done.catch(() => undefined);
    return done;
  }
}
