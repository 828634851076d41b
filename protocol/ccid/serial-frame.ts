import { ByteQueue } from "../framing/byte-queue.js";
import { CcidError } from "./ccid-error.js";
import { CCID_HEADER_LENGTH } from "./messages.js";

/**
 * CCID over a serial line, as LudovicRousseau/CCID src/ccid_serial.c (GemPC Twin serial) frames it:
 *   normal frame   SYNC 03 | CTRL 06 (ACK) | CCID message (10-byte header + data) | LRC (XOR of all before)
 *   error (NAK)    03 15 16: "your last frame was bad, send it again"
 *   card movement  50 <bmSlotIccState> (02 absent, 03 present), unframed, reader → host only
 *   time request   one byte 80..FF (T=0 card sent NULL 60: the command is still running), reader → host only
 */
export const SYNC = 0x03;
export const CTRL_ACK = 0x06;
export const CTRL_NAK = 0x15;
export const NOTIFY_SLOT_CHANGE = 0x50;
/** The whole NAK frame: SYNC, NAK and their LRC. */
export const NAK_FRAME: Buffer = Buffer.from([SYNC, CTRL_NAK, SYNC ^ CTRL_NAK]);
/** ccid_serial.c's dwMaxCCIDMessageLength for serial readers: 271 bytes including the 10-byte header. */
export const DEFAULT_MAX_MESSAGE_DATA = 271 - CCID_HEADER_LENGTH;

/** XOR of all bytes. */
export function xorLrc(bytes: Uint8Array): number {
  let acc = 0;
  for (const b of bytes) acc ^= b;
  return acc;
}

/** Wraps one CCID message (header + data) in SYNC ACK … LRC. */
export function encodeCcidSerialFrame(message: Uint8Array): Buffer {
  if (message.length < CCID_HEADER_LENGTH) {
    throw new CcidError(`a CCID message is at least ${CCID_HEADER_LENGTH} bytes, got ${message.length}`, {
      path: "ccid message",
    });
  }
  const frame = Buffer.alloc(message.length + 3);
  frame[0] = SYNC;
  frame[1] = CTRL_ACK;
  frame.set(message, 2);
  frame[frame.length - 1] = xorLrc(frame.subarray(0, frame.length - 1));
  return frame;
}

/** The unframed card-movement notice a serial reader sends: 50 03 (present) or 50 02 (absent). */
export function encodeSlotChangeNotice(present: boolean): Buffer {
  return Buffer.from([NOTIFY_SLOT_CHANGE, present ? 0x03 : 0x02]);
}

export type CcidSerialEvent =
  /** A frame with a good LRC: the CCID message (header + data), copied out. */
  | { type: "message"; message: Buffer }
  /** 03 15 16: the far end asks for the last frame again. */
  | { type: "nak" }
  /** A complete frame whose LRC does not match: answer with NAK. */
  | { type: "bad-lrc"; raw: Buffer }
  /** 50 xx: bit 0 = card present (bit 1 = changed). */
  | { type: "slot-change"; present: boolean; state: number }
  /** 80..FF: time request from a T=0 card (procedure byte 60 seen by the reader). */
  | { type: "time-request"; byte: number }
  /** Bytes dropped while hunting for a frame start. */
  | { type: "skipped"; count: number };

export interface CcidSerialDecoderOptions {
  /** "from-reader" (host side) also understands 50 xx and 80..FF; "to-reader" (emulator side) does not. */
  direction: "from-reader" | "to-reader";
  /** Largest dwLength accepted; a bigger one means the SYNC was garbage. Default 261 (271 - header). */
  maxDataLength?: number;
}

/**
 * Incremental decoder: push what the port delivered, get events back. Never throws on input: bytes that
 * cannot start a frame are skipped (and counted), a SYNC followed by nonsense is dropped alone so a real
 * frame behind it is found again. Pure, no timers: the session resets it after an inter-byte timeout.
 */
export class CcidSerialDecoder {
  private readonly queue = new ByteQueue();
  private readonly fromReader: boolean;
  private readonly maxDataLength: number;

  constructor(options: CcidSerialDecoderOptions) {
    this.fromReader = options.direction === "from-reader";
    this.maxDataLength = options.maxDataLength ?? DEFAULT_MAX_MESSAGE_DATA;
  }

  get buffered(): number {
    return this.queue.length;
  }

  reset(): void {
    this.queue.clear();
  }

  push(chunk: Uint8Array): CcidSerialEvent[] {
    this.queue.push(chunk);
    const events: CcidSerialEvent[] = [];
    let skipped = 0;
    const flushSkipped = () => {
      if (skipped > 0) events.push({ type: "skipped", count: skipped });
      skipped = 0;
    };
    const q = this.queue;
    while (q.length > 0) {
      const first = q.at(0);
      if (first === SYNC) {
        const outcome = this.frameAtHead();
        if (outcome === "need-more") break;
        if (outcome === "drop") {
          skipped++;
          q.skip(1);
          continue;
        }
        flushSkipped();
        events.push(outcome);
      } else if (this.fromReader && first === NOTIFY_SLOT_CHANGE) {
        if (q.length < 2) break;
        const state = q.at(1);
        flushSkipped();
        events.push({ type: "slot-change", present: (state & 0x01) === 0x01, state });
        q.skip(2);
      } else if (this.fromReader && first >= 0x80) {
        flushSkipped();
        events.push({ type: "time-request", byte: first });
        q.skip(1);
      } else {
        skipped++;
        q.skip(1);
      }
    }
    flushSkipped();
    return events;
  }

  /** With SYNC at the head: a complete event (consumed), "need-more", or "drop" (the SYNC was garbage). */
  private frameAtHead(): CcidSerialEvent | "need-more" | "drop" {
    const q = this.queue;
    if (q.length < 2) return "need-more";
    const ctrl = q.at(1);
    if (ctrl === CTRL_NAK) {
      if (q.length < 3) return "need-more";
      if (q.at(2) !== (SYNC ^ CTRL_NAK)) return "drop";
      q.skip(3);
      return { type: "nak" };
    }
    if (ctrl !== CTRL_ACK) return "drop";
    // SYNC ACK type dwLength(4, LE): enough to know the frame size.
    if (q.length < 7) return "need-more";
    const length = (q.at(3) | (q.at(4) << 8) | (q.at(5) << 16) | (q.at(6) << 24)) >>> 0;
    if (length > this.maxDataLength) return "drop";
    const total = 2 + CCID_HEADER_LENGTH + length + 1;
    if (q.length < total) return "need-more";
    const lrc = xorLrc(q.view(0, total));
    if (lrc !== 0) {
      const raw = q.copy(0, total);
      q.skip(total);
      return { type: "bad-lrc", raw };
    }
    const message = q.copy(2, total - 1);
    q.skip(total);
    return { type: "message", message };
  }
}
