import { StxEtxDecoder } from "../../protocol/framing/index.js";
import { decodeMsrSerialRecord, type MsrTrackRecord, trackLrcCharacter } from "../../protocol/track/index.js";
import { type Clock, type ClockTimer, systemClock } from "../core/clock.js";
import type { ByteLink, LinkOpener } from "../link/byte-link.js";
import type { MagStripeReader, MisreadReason, Swipe } from "./magstripe-reader.js";
import { buildSwipe, type RawTrackResult } from "./swipe-builder.js";
import { SwipeHub } from "./swipe-hub.js";

export type MagStripeTraceEvent =
  | { type: "swipe"; t1: string; t2: string; t3: string; chipCard: boolean }
  | { type: "misread"; reason: MisreadReason }
  | { type: "skipped"; count: number }
  | { type: "disconnected" | "reopened" }
  | { type: "reopen-failed"; attempt: number };

export interface SerialMagStripeReaderOptions {
  opener: LinkOpener;
  clock?: Clock;
  trace?: (event: MagStripeTraceEvent) => void;
  /** Reopen back-off after the port went away: first delay, doubling up to the maximum. */
  reopenDelayMs?: number;
  maxReopenDelayMs?: number;
}

/**
 * A serial swipe reader (MagTek RS-232 record with track LRCs and a block LRC: protocol/track/msr-serial.ts)
 * on a ByteLink. Unsolicited: the reader speaks when a card passes, so there is no command queue; the link
 * is reopened with back-off when it disappears. Track LRCs are checked here, so an LRC error names its track.
 */
export class SerialMagStripeReader implements MagStripeReader {
  private readonly hub: SwipeHub;
  private readonly decoder = new StxEtxDecoder({ maxDataLength: 260 });
  private readonly clock: Clock;
  private link: ByteLink | undefined;
  private unsubscribe: (() => void)[] = [];
  private closed = true;
  private reopenTimer: ClockTimer | undefined;
  private attempt = 0;

  constructor(private readonly options: SerialMagStripeReaderOptions) {
    this.clock = options.clock ?? systemClock;
    this.hub = new SwipeHub(options.trace);
  }

  get isOpen(): boolean {
    return this.link?.isOpen ?? false;
  }

  async open(): Promise<void> {
    this.closed = false;
    await this.attach();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reopenTimer) this.clock.clearTimeout(this.reopenTimer);
    const link = this.link;
    this.detach();
    this.hub.end();
    await link?.close();
  }

  onSwipe(listener: (swipe: Swipe) => void): () => void {
    return this.hub.onSwipe(listener);
  }

  onMisread(listener: (reason: MisreadReason) => void): () => void {
    return this.hub.onMisread(listener);
  }

  swipes(signal?: AbortSignal): AsyncIterableIterator<Swipe> {
    return this.hub.swipes(signal);
  }

  private async attach(): Promise<void> {
    const link = await this.options.opener();
    this.link = link;
    this.decoder.reset();
    this.unsubscribe = [link.onData((chunk) => this.receive(chunk)), link.onClose(() => this.lost(link))];
  }

  private receive(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      if (event.type === "frame") {
        this.record(event.data);
        event.data.fill(0);
      } else if (event.type === "bad-lrc" || event.type === "bad-frame") {
        event.raw.fill(0);
        this.hub.emitMisread("bad-frame");
      } else if (event.type === "skipped") {
        this.options.trace?.({ type: "skipped", count: event.count });
      }
    }
  }

  private record(data: Buffer): void {
    let records: MsrTrackRecord[];
    try {
      records = decodeMsrSerialRecord(data);
    } catch {
      this.hub.emitMisread("unparseable");
      return;
    }
    const results: RawTrackResult[] = records.map((r) => {
      if (r.error) return { track: r.track, status: "parity-error" };
      let expected: number | undefined;
      try {
        expected = trackLrcCharacter(r.data, r.track);
      } catch {
        // A character outside the track's set slipped through: the reader's parity check failed us.
        r.data.fill(0);
        return { track: r.track, status: "parity-error" };
      }
      if (expected !== r.lrc) {
        r.data.fill(0);
        return { track: r.track, status: "lrc-error" };
      }
      return { track: r.track, status: "ok", data: r.data };
    });
    this.hub.emitSwipe(buildSwipe(results));
  }

  private lost(link: ByteLink): void {
    if (this.link !== link) return;
    this.detach();
    if (this.closed) return;
    this.options.trace?.({ type: "disconnected" });
    this.attempt = 0;
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    const first = this.options.reopenDelayMs ?? 500;
    const max = this.options.maxReopenDelayMs ?? 8000;
    const delay = Math.min(max, first * 2 ** this.attempt);
    this.reopenTimer = this.clock.setTimeout(() => {
      this.reopenTimer = undefined;
      if (this.closed) return;
      this.attach().then(
        () => this.options.trace?.({ type: "reopened" }),
        () => {
          this.attempt++;
          this.options.trace?.({ type: "reopen-failed", attempt: this.attempt });
          this.scheduleReopen();
        },
      );
    }, delay);
  }

  private detach(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.link = undefined;
    this.decoder.reset();
  }
}
