import { EventFanout } from "../core/event-fanout.js";
import type { MisreadReason, Swipe } from "./magstripe-reader.js";
import type { MagStripeTraceEvent } from "./serial-magstripe-reader.js";

/**
 * Listener fan-out, tracing and the async iterator shared by the magstripe reader implementations.
 * The trace carries track statuses only, never track data.
 */
export class SwipeHub {
  private readonly swipeEvents = new EventFanout<Swipe>();
  private readonly misreadEvents = new EventFanout<MisreadReason>();

  constructor(private readonly trace?: (event: MagStripeTraceEvent) => void) {}

  onSwipe(listener: (swipe: Swipe) => void): () => void {
    return this.swipeEvents.on(listener);
  }

  onMisread(listener: (reason: MisreadReason) => void): () => void {
    return this.misreadEvents.on(listener);
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
    this.swipeEvents.emit(swipe);
  }

  emitMisread(reason: MisreadReason): void {
    this.trace?.({ type: "misread", reason });
    this.misreadEvents.emit(reason);
  }

  /** The reader closed: iterators end. */
  end(): void {
    this.swipeEvents.end();
  }

  swipes(signal?: AbortSignal): AsyncIterableIterator<Swipe> {
    return this.swipeEvents.iterate(signal);
  }
}
