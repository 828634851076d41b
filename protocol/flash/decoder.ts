import { crc32 } from "./crc32.js";
import { FlashFrameError } from "./flash-error.js";
import { FRAME_OVERHEAD, HEADER_LENGTH, MAX_PAYLOAD, SOH } from "./frame.js";
import type { FlashFrame } from "./messages.js";
import { decodePayload, messageTypeOf } from "./payload.js";

/**
 * What the incremental decoder reports: a frame, bytes skipped while hunting for SOH, or a rejected
 * frame (bad header, bad CRC, malformed payload) as a typed error the session answers with a NAK.
 */
export type FlashDecoderEvent =
  | { kind: "frame"; frame: FlashFrame }
  | { kind: "garbage"; count: number }
  | { kind: "error"; error: FlashFrameError };

/**
 * Incremental frame decoder for a byte stream in arbitrary chunks. On a bad header or CRC it drops only
 * the SOH it started from and hunts for the next one, so a frame hiding inside garbage is still found.
 * Memory is bounded: at most one maximal frame is buffered.
 */
export class FlashFrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  /** Stream offset of buffer[0], for error messages. */
  private consumed = 0;

  push(chunk: Uint8Array): FlashDecoderEvent[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const events: FlashDecoderEvent[] = [];
    for (;;) {
      const start = this.buffer.indexOf(SOH);
      if (start !== 0) {
        const skip = start < 0 ? this.buffer.length : start;
        if (skip > 0) {
          events.push({ kind: "garbage", count: skip });
          this.drop(skip);
        }
        if (start < 0) return events;
      }
      if (this.buffer.length < 2) return events;
      const type = messageTypeOf(this.buffer[1]!);
      if (type === undefined) {
        this.reject(`unknown frame type ${this.buffer[1]}`, "type", 1, events);
        continue;
      }
      if (this.buffer.length < HEADER_LENGTH) return events;
      const length = this.buffer.readUInt16BE(6);
      if (length > MAX_PAYLOAD) {
        this.reject(`payload length ${length} exceeds ${MAX_PAYLOAD}`, "length", 6, events);
        continue;
      }
      const total = FRAME_OVERHEAD + length;
      if (this.buffer.length < total) return events;
      const end = HEADER_LENGTH + length;
      if (crc32(this.buffer, 1, end) !== this.buffer.readUInt32BE(end)) {
        this.reject("CRC-32 mismatch", "crc", end, events);
        continue;
      }
      const seq = this.buffer.readUInt32BE(2);
      const payload = this.buffer.subarray(HEADER_LENGTH, end);
      try {
        events.push({
          kind: "frame",
          frame: { seq, message: decodePayload(type, payload, this.consumed + HEADER_LENGTH) },
        });
      } catch (error) {
        // The CRC held, so the frame boundary is right: skip the whole frame, not just its SOH.
        events.push({ kind: "error", error: error as FlashFrameError });
      }
      this.drop(total);
    }
  }

  /** Bytes held waiting for the rest of a frame. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Forgets a partial frame (after a reconnect, say). */
  reset(): void {
    this.consumed += this.buffer.length;
    this.buffer = Buffer.alloc(0);
  }

  private reject(message: string, path: string, at: number, events: FlashDecoderEvent[]): void {
    events.push({ kind: "error", error: new FlashFrameError(message, { path, offset: this.consumed + at }) });
    this.drop(1);
  }

  private drop(count: number): void {
    this.buffer = this.buffer.subarray(count);
    this.consumed += count;
  }
}
