import type { Clock, ClockTimer } from "./clock.js";
import { systemClock } from "./clock.js";
import { DeviceCancelledError, DeviceDisconnectedError, DeviceTimeoutError } from "./device-error.js";

interface Waiter<T> {
  match: (item: T) => boolean;
  resolve: (item: T) => void;
  reject: (error: Error) => void;
  timer: ClockTimer;
  onAbort?: () => void;
  signal?: AbortSignal;
}

export interface WaitOptions<T> {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Only items this accepts are taken; others stay queued (e.g. unsolicited events). */
  match?: (item: T) => boolean;
  /** Names what is awaited in the timeout message ("ACK", "response to 4A"). */
  what?: string;
}

/**
 * Decoded items from a device (frames, events, URCs) waiting to be taken by the command in flight.
 * `next()` waits with a timeout and an AbortSignal, on an injectable clock. `discard()` before each
 * command drops stale input, so a reply that arrived after its command timed out is never taken as
 * the answer to the next one.
 */
export class Inbox<T> {
  private readonly items: T[] = [];
  private readonly waiters: Waiter<T>[] = [];
  private failure: Error | undefined;

  constructor(
    private readonly device: string,
    private readonly clock: Clock = systemClock,
  ) {}

  push(item: T): void {
    const index = this.waiters.findIndex((w) => w.match(item));
    if (index >= 0) {
      const [waiter] = this.waiters.splice(index, 1);
      this.settle(waiter!);
      waiter!.resolve(item);
      return;
    }
    this.items.push(item);
  }

  next(options: WaitOptions<T>): Promise<T> {
    const match = options.match ?? (() => true);
    const index = this.items.findIndex(match);
    if (index >= 0) return Promise.resolve(this.items.splice(index, 1)[0]!);
    if (this.failure) return Promise.reject(this.failure);
    if (options.signal?.aborted) {
      return Promise.reject(
        new DeviceCancelledError(this.device, `cancelled waiting for ${options.what ?? "a reply"}`),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        match,
        resolve,
        reject,
        timer: this.clock.setTimeout(() => {
          this.remove(waiter);
          reject(
            new DeviceTimeoutError(
              this.device,
              `no ${options.what ?? "reply"} within ${options.timeoutMs} ms`,
            ),
          );
        }, options.timeoutMs),
      };
      if (options.signal) {
        waiter.signal = options.signal;
        waiter.onAbort = () => {
          this.remove(waiter);
          reject(new DeviceCancelledError(this.device, `cancelled waiting for ${options.what ?? "a reply"}`));
        };
        options.signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  /** Drops everything queued (stale replies, earlier events); returns what was dropped. */
  discard(): T[] {
    return this.items.splice(0);
  }

  /** The link is gone: every waiter and every later `next()` fails with this error (default: disconnected). */
  fail(error: Error = new DeviceDisconnectedError(this.device, "link closed")): void {
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) {
      this.settle(waiter);
      waiter.reject(error);
    }
  }

  /** A reopened link: accept items and waiters again. */
  reset(): void {
    this.failure = undefined;
    this.items.length = 0;
  }

  private remove(waiter: Waiter<T>): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
    this.settle(waiter);
  }

  private settle(waiter: Waiter<T>): void {
    this.clock.clearTimeout(waiter.timer);
    if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
  }
}
