import {
  decodeMagtekReport,
  MAGTEK_STATUS,
  splitTrackText,
  type TrackNumber,
} from "../../protocol/track/index.js";
import { type Clock, type ClockTimer, systemClock } from "../core/clock.js";
import type { HidOpener, HidTransport } from "../hid/hid-transport.js";
import { KeyboardWedgeDecoder } from "./keyboard-wedge.js";
import type { MagStripeReader, MisreadReason, Swipe } from "./magstripe-reader.js";
import type { MagStripeTraceEvent } from "./serial-magstripe-reader.js";
import { buildSwipe, type RawTrackResult } from "./swipe-builder.js";
import { SwipeHub } from "./swipe-hub.js";

export interface HidMagStripeReaderOptions {
  opener: HidOpener;
  /**
   * "keyboard-wedge": boot-keyboard reports, tracks typed as `%…?;…?` + Enter (read through hidraw: the
   * kernel may also type them into a console, so prefer switching readers to vendor mode);
   * "magtek-report": MagTek HID mode, one 337-byte report per swipe.
   */
  mode: "keyboard-wedge" | "magtek-report";
  /** Keyboard reports carry a report ID byte first. */
  reportIdPrefix?: boolean;
  /** A wedge burst with no Enter for this long is dropped as a misread. */
  interKeyTimeoutMs?: number;
  clock?: Clock;
  trace?: (event: MagStripeTraceEvent) => void;
}

/** MagStripeReader over a HidTransport (node-hid HIDAsync on a board, the memory pair in tests). */
export class HidMagStripeReader implements MagStripeReader {
  private readonly hub: SwipeHub;
  private readonly wedge: KeyboardWedgeDecoder;
  private readonly clock: Clock;
  private transport: HidTransport | undefined;
  private unsubscribe: (() => void)[] = [];
  private burstTimer: ClockTimer | undefined;

  constructor(private readonly options: HidMagStripeReaderOptions) {
    this.wedge = new KeyboardWedgeDecoder(options.reportIdPrefix ?? false);
    this.clock = options.clock ?? systemClock;
    this.hub = new SwipeHub(options.trace);
  }

  async open(): Promise<void> {
    const transport = await this.options.opener();
    this.transport = transport;
    this.unsubscribe = [
      transport.onReport((report) => this.receive(report)),
      transport.onClose(() => this.lost(transport)),
    ];
  }

  async close(): Promise<void> {
    const transport = this.transport;
    this.detach();
    this.hub.end();
    await transport?.close();
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

  private receive(report: Buffer): void {
    if (this.options.mode === "magtek-report") this.magtek(report);
    else this.keys(report);
    report.fill(0);
  }

  private keys(report: Buffer): void {
    const lines = this.wedge.push(report);
    if (this.burstTimer) this.clock.clearTimeout(this.burstTimer);
    this.burstTimer = undefined;
    if (this.wedge.pending > 0) {
      this.burstTimer = this.clock.setTimeout(() => {
        this.burstTimer = undefined;
        this.wedge.reset();
        this.hub.emitMisread("incomplete");
      }, this.options.interKeyTimeoutMs ?? 500);
    }
    for (const line of lines) {
      try {
        const tracks = splitTrackText(line);
        this.hub.emitSwipe(
          buildSwipe(
            tracks.map(
              (t): RawTrackResult =>
                t.error
                  ? { track: t.track, status: "parity-error" }
                  : { track: t.track, status: "ok", data: t.data },
            ),
          ),
        );
      } catch {
        this.hub.emitMisread("unparseable");
      } finally {
        line.fill(0);
      }
    }
  }

  private magtek(report: Buffer): void {
    let decoded: ReturnType<typeof decodeMagtekReport>;
    try {
      decoded = decodeMagtekReport(report);
    } catch {
      this.hub.emitMisread("unparseable");
      return;
    }
    const results: RawTrackResult[] = [];
    for (const n of [1, 2, 3] as TrackNumber[]) {
      const field = decoded.tracks[n];
      if (field.status === MAGTEK_STATUS.ok) {
        if (field.data.length === 0) continue;
        const data = stripSentinels(field.data);
        field.data.fill(0);
        results.push({ track: n, status: "ok", data });
      } else {
        field.data.fill(0);
        results.push({ track: n, status: field.status === MAGTEK_STATUS.lrc ? "lrc-error" : "parity-error" });
      }
    }
    this.hub.emitSwipe(buildSwipe(results));
  }

  private lost(transport: HidTransport): void {
    if (this.transport !== transport) return;
    this.detach();
    this.options.trace?.({ type: "disconnected" });
  }

  private detach(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.transport = undefined;
    if (this.burstTimer) this.clock.clearTimeout(this.burstTimer);
    this.burstTimer = undefined;
    this.wedge.reset();
  }
}

/** MagTek sends `%…?` / `;…?`: keep what is between the sentinels. */
function stripSentinels(data: Buffer): Buffer {
  let from = 0;
  let to = data.length;
  if (to > 0 && (data[0] === 0x25 || data[0] === 0x3b || data[0] === 0x2b)) from = 1;
  if (to > from && data[to - 1] === 0x3f) to--;
  return Buffer.from(data.subarray(from, to));
}
