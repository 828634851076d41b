import { ByteQueue } from "../framing/byte-queue.js";
import { MAX_FRAME_LENGTH, TFI_ERROR } from "./frame.js";
import { Pn532Error } from "./pn532-error.js";

export type Pn532Event =
  | { type: "ack" }
  | { type: "nack" }
  /** A good information frame: `payload` is PD0..PDn (PD0 = command/response code), TFI apart. */
  | { type: "frame"; tfi: number; payload: Buffer; extended: boolean }
  /** The application-level error frame `00 00 FF 01 FF 7F 81 00` (syntax error). */
  | { type: "error-frame" }
  /**
   * LCS: a `00 FF` whose length checksum fails, so LEN cannot be trusted (garbage or a hit LEN byte);
   * two bytes are dropped and the hunt goes on. DCS: a whole frame with a bad data checksum (the host
   * NACKs it so the PN532 resends).
   */
  | { type: "checksum-error"; field: "LCS" | "DCS"; expected: number; received: number }
  /** A frame header that cannot be a PN532 frame (LEN 0, longer than the firmware maximum). */
  | { type: "bad-frame"; reason: string }
  /** Non-zero bytes dropped while hunting for `00 FF` (zeros are pre/postamble padding). */
  | { type: "skipped"; count: number };

export interface Pn532DecoderOptions {
  /** Largest TFI+PD count accepted (default 265, the firmware maximum). */
  maxLength?: number;
}

/**
 * Incremental PN532 frame decoder for a UART: push what the port delivered, get events back. It never
 * throws on input; it hunts for the start code `00 FF`, validates LCS before trusting LEN (pn532.js's
 * lesson; node-pn532 does not), and reports every resync as an event so the session can count, NACK
 * or ignore. Pre/postambles of any number of zeros are accepted silently.
 */
export class Pn532Decoder {
  private readonly queue = new ByteQueue();
  private readonly maxLength: number;

  constructor(options: Pn532DecoderOptions = {}) {
    this.maxLength = options.maxLength ?? MAX_FRAME_LENGTH;
  }

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.queue.length;
  }

  /** Drops any partial frame (before each command, as libnfc flushes its RX buffer). */
  reset(): void {
    this.queue.clear();
  }

  push(chunk: Uint8Array): Pn532Event[] {
    this.queue.push(chunk);
    const events: Pn532Event[] = [];
    while (this.huntStart(events) && this.step(events)) {
      // each step consumed something; go on until input runs short
    }
    return events;
  }

  /** Leaves `00 FF` at the head of the queue; false when no start code is buffered yet. */
  private huntStart(events: Pn532Event[]): boolean {
    const q = this.queue;
    let from = 0;
    let found = -1;
    for (;;) {
      const at = q.indexOf(0xff, Math.max(from, 1));
      if (at === -1) break;
      if (q.at(at - 1) === 0x00) {
        found = at - 1;
        break;
      }
      from = at + 1;
    }
    // Without a start code, keep a trailing 00: it may be the first half of one.
    const drop = found >= 0 ? found : q.length > 0 && q.at(q.length - 1) === 0x00 ? q.length - 1 : q.length;
    let garbage = 0;
    for (let i = 0; i < drop; i++) if (q.at(i) !== 0x00) garbage++;
    q.skip(drop);
    if (garbage > 0) events.push({ type: "skipped", count: garbage });
    return found >= 0;
  }

  /** Decodes what starts at `00 FF`; false when more bytes are needed. */
  private step(events: Pn532Event[]): boolean {
    const q = this.queue;
    if (q.length < 4) return false;
    const b0 = q.at(2);
    const b1 = q.at(3);
    if (b0 === 0x00 && b1 === 0xff) {
      q.skip(4);
      events.push({ type: "ack" });
      return true;
    }
    if (b0 === 0xff && b1 === 0x00) {
      q.skip(4);
      events.push({ type: "nack" });
      return true;
    }
    let header: number;
    let length: number;
    if (b0 === 0xff && b1 === 0xff) {
      if (q.length < 7) return false;
      const lcs = q.at(6);
      const sum = (q.at(4) + q.at(5) + lcs) & 0xff;
      if (sum !== 0) return this.badLcs(events, (0x100 - ((q.at(4) + q.at(5)) & 0xff)) & 0xff, lcs);
      header = 7;
      length = (q.at(4) << 8) | q.at(5);
    } else {
      if (((b0 + b1) & 0xff) !== 0) return this.badLcs(events, (0x100 - b0) & 0xff, b1);
      header = 4;
      length = b0;
    }
    if (length === 0 || length > this.maxLength) {
      events.push({
        type: "bad-frame",
        reason: length === 0 ? "LEN 0 (no TFI)" : `LEN ${length} exceeds ${this.maxLength}`,
      });
      q.skip(2);
      return true;
    }
    if (q.length < header + length + 1) return false;
    let sum = 0;
    for (let i = header; i < header + length; i++) sum += q.at(i);
    const dcs = q.at(header + length);
    if (((sum + dcs) & 0xff) !== 0) {
      events.push({
        type: "checksum-error",
        field: "DCS",
        expected: (0x100 - (sum & 0xff)) & 0xff,
        received: dcs,
      });
      q.skip(header + length + 1);
      return true;
    }
    const tfi = q.at(header);
    if (tfi === TFI_ERROR && length === 1) events.push({ type: "error-frame" });
    else {
      events.push({
        type: "frame",
        tfi,
        payload: q.copy(header + 1, header + length),
        extended: header === 7,
      });
    }
    q.skip(header + length + 1);
    return true;
  }

  private badLcs(events: Pn532Event[], expected: number, received: number): boolean {
    events.push({ type: "checksum-error", field: "LCS", expected, received });
    this.queue.skip(2);
    return true;
  }
}

/** The one event a complete, well-formed frame buffer decodes to; anything else is a Pn532Error. */
export function parseFrame(
  bytes: Uint8Array,
): Exclude<Pn532Event, { type: "skipped" | "checksum-error" | "bad-frame" }> {
  const decoder = new Pn532Decoder();
  const events = decoder.push(bytes);
  for (const event of events) {
    if (event.type === "checksum-error") {
      throw new Pn532Error(`${event.field} is ${hex(event.received)}, expected ${hex(event.expected)}`, {
        path: `frame.${event.field}`,
      });
    }
    if (event.type === "bad-frame") throw new Pn532Error(event.reason, { path: "frame.LEN" });
    if (event.type === "skipped") throw new Pn532Error(`${event.count} stray bytes`, { path: "frame" });
  }
  // A single buffered byte is a trailing 00 kept in case it starts a frame; more is a partial frame.
  if (decoder.buffered > 1 || events.length === 0) {
    throw new Pn532Error("incomplete frame", { path: "frame", offset: bytes.length - decoder.buffered });
  }
  const [only] = events;
  if (events.length > 1 || only === undefined) {
    throw new Pn532Error(`${events.length} frames where one was expected`, { path: "frame" });
  }
  return only as Exclude<Pn532Event, { type: "skipped" | "checksum-error" | "bad-frame" }>;
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}
