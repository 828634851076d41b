import { ByteQueue } from "./byte-queue.js";
import { FramingError } from "./framing-error.js";

export const STX = 0x02;
export const ETX = 0x03;

/**
 * Serial device framing `STX | [LEN] | DATA | ETX | LRC`. Vendors differ (device-protocols.md §2.5, §4.2:
 * "STX | LEN | CMD | DATA | ETX | BCC(XOR)", proprietary pads "STX/ETX/LRC"), so the variant is a setting:
 * - `lengthField`: none (DATA may then contain neither STX nor ETX), 1 byte, 2 bytes big-endian, or
 *   2 bytes BCD (0x01 0x23 = 123, common on Chinese PIN pads); it counts DATA only;
 * - the LRC is the XOR of everything after STX up to and including ETX (length field included);
 *   `lrcIncludesStx` / `lrcIncludesEtx` cover the vendors that start at STX or stop before ETX.
 */
export interface StxEtxOptions {
  lengthField?: "none" | "u8" | "u16be" | "bcd2";
  lrcIncludesStx?: boolean;
  lrcIncludesEtx?: boolean;
  /** Largest DATA accepted or sent; bounds buffering while hunting for ETX. Default 4096. */
  maxDataLength?: number;
  /** Single bytes a device sends between frames (ACK 06, NAK 15, EOT 04): reported, not skipped. */
  controlBytes?: readonly number[];
}

export type StxEtxEvent =
  /** A frame with a good LRC: DATA only (no STX, length, ETX or LRC). */
  | { type: "frame"; data: Buffer }
  /** A complete frame whose LRC does not match: the session should NAK it. `raw` is STX..LRC. */
  | { type: "bad-lrc"; raw: Buffer; expected: number; received: number }
  /** Bytes dropped that started like a frame but cannot be one (missing ETX, bad length, too long, cut short). */
  | { type: "bad-frame"; raw: Buffer; reason: string }
  /** Garbage dropped while looking for STX. */
  | { type: "skipped"; count: number }
  | { type: "control"; byte: number };

const DEFAULT_MAX_DATA = 4096;

interface Variant {
  lengthBytes: number;
  lengthField: NonNullable<StxEtxOptions["lengthField"]>;
  lrcIncludesStx: boolean;
  lrcIncludesEtx: boolean;
  maxDataLength: number;
  controlBytes: ReadonlySet<number>;
}

function variantOf(options: StxEtxOptions): Variant {
  const lengthField = options.lengthField ?? "none";
  const lengthBytes = { none: 0, u8: 1, u16be: 2, bcd2: 2 }[lengthField];
  const fieldMax = { none: Number.MAX_SAFE_INTEGER, u8: 0xff, u16be: 0xffff, bcd2: 9999 }[lengthField];
  const maxDataLength = Math.min(options.maxDataLength ?? DEFAULT_MAX_DATA, fieldMax);
  if (lengthBytes === undefined) {
    throw new FramingError(`unknown length field ${JSON.stringify(lengthField)}`, { path: "lengthField" });
  }
  if (!Number.isInteger(maxDataLength) || maxDataLength < 0) {
    throw new FramingError(`maxDataLength must be a non-negative integer, got ${maxDataLength}`, {
      path: "maxDataLength",
    });
  }
  const controlBytes = new Set(options.controlBytes ?? []);
  if (controlBytes.has(STX)) throw new FramingError("STX cannot be a control byte", { path: "controlBytes" });
  return {
    lengthBytes,
    lengthField,
    lrcIncludesStx: options.lrcIncludesStx ?? false,
    lrcIncludesEtx: options.lrcIncludesEtx ?? true,
    maxDataLength,
    controlBytes,
  };
}

/** XOR of all bytes: the longitudinal redundancy check these devices use. */
export function lrc(bytes: Uint8Array, initial = 0): number {
  let acc = initial;
  for (const byte of bytes) acc ^= byte;
  return acc;
}

/** LRC of a frame laid out STX..ETX in `frame` (ETX at index `etxAt`), per the variant. */
function frameLrc(frame: Uint8Array, etxAt: number, v: Variant): number {
  const from = v.lrcIncludesStx ? 0 : 1;
  const to = v.lrcIncludesEtx ? etxAt + 1 : etxAt;
  return lrc(frame.subarray(from, to));
}

/** Builds `STX | [LEN] | data | ETX | LRC`. */
export function encodeStxEtx(data: Uint8Array, options: StxEtxOptions = {}): Buffer {
  const v = variantOf(options);
  if (data.length > v.maxDataLength) {
    throw new FramingError(`data of ${data.length} bytes exceeds the maximum ${v.maxDataLength}`, {
      path: "stx-etx data",
    });
  }
  if (v.lengthBytes === 0) {
    const bad = data.findIndex((byte) => byte === STX || byte === ETX);
    if (bad !== -1) {
      throw new FramingError("STX/ETX inside data needs a length field", {
        path: "stx-etx data",
        offset: bad,
      });
    }
  }
  const frame = Buffer.alloc(1 + v.lengthBytes + data.length + 2);
  frame[0] = STX;
  writeLength(frame, data.length, v);
  frame.set(data, 1 + v.lengthBytes);
  const etxAt = 1 + v.lengthBytes + data.length;
  frame[etxAt] = ETX;
  frame[etxAt + 1] = frameLrc(frame, etxAt, v);
  return frame;
}

function writeLength(frame: Buffer, length: number, v: Variant): void {
  if (v.lengthField === "u8") frame[1] = length;
  else if (v.lengthField === "u16be") frame.writeUInt16BE(length, 1);
  else if (v.lengthField === "bcd2") {
    const digits = length.toString().padStart(4, "0");
    frame[1] = Number.parseInt(digits.slice(0, 2), 16);
    frame[2] = Number.parseInt(digits.slice(2), 16);
  }
}

/** Decodes the length field at queue[1..]; undefined when it is not valid BCD. */
function readLength(queue: ByteQueue, v: Variant): number | undefined {
  if (v.lengthField === "u8") return queue.at(1);
  const hi = queue.at(1);
  const lo = queue.at(2);
  if (v.lengthField === "u16be") return (hi << 8) | lo;
  const nibbles = [hi >> 4, hi & 0x0f, lo >> 4, lo & 0x0f];
  if (nibbles.some((d) => d > 9)) return undefined;
  return nibbles.reduce((acc, d) => acc * 10 + d, 0);
}

/**
 * Incremental decoder for a serial link: push whatever the port delivered, get events back. It never
 * throws on input: garbage is skipped up to the next STX, and broken frames become events so the device
 * session can NAK them and count resyncs. Pure; inter-byte timeouts belong to the session (call reset()).
 */
export class StxEtxDecoder {
  private readonly queue = new ByteQueue();
  private readonly v: Variant;
  /** No-length mode: relative index from which to continue scanning for ETX (avoids rescanning). */
  private scanFrom = 1;

  constructor(options: StxEtxOptions = {}) {
    this.v = variantOf(options);
  }

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.queue.length;
  }

  push(chunk: Uint8Array): StxEtxEvent[] {
    this.queue.push(chunk);
    const events: StxEtxEvent[] = [];
    while (this.queue.length > 0) {
      if (!this.huntStx(events)) break;
      const progressed = this.v.lengthBytes === 0 ? this.delimited(events) : this.counted(events);
      if (!progressed) break;
    }
    return events;
  }

  /** Drops a partial frame, e.g. after an inter-byte timeout. */
  reset(): void {
    this.queue.clear();
    this.scanFrom = 1;
  }

  /** Leaves STX at queue[0]; reports garbage and control bytes before it. False if no STX is buffered. */
  private huntStx(events: StxEtxEvent[]): boolean {
    const q = this.queue;
    let skipped = 0;
    while (q.length > 0 && q.at(0) !== STX) {
      const byte = q.at(0);
      if (this.v.controlBytes.has(byte)) {
        if (skipped > 0) events.push({ type: "skipped", count: skipped });
        skipped = 0;
        events.push({ type: "control", byte });
        q.skip(1);
      } else if (this.v.controlBytes.size === 0) {
        // No control byte can intervene: jump straight to the next STX.
        const next = q.indexOf(STX);
        const drop = next === -1 ? q.length : next;
        skipped += drop;
        q.skip(drop);
      } else {
        skipped += 1;
        q.skip(1);
      }
    }
    if (skipped > 0) events.push({ type: "skipped", count: skipped });
    if (skipped > 0) this.scanFrom = 1;
    return q.length > 0;
  }

  /**
   * No length field: DATA runs to the first ETX; an STX before it means the frame was cut short. Only
   * the first maxDataLength + 1 data positions are searched, so the outcome never depends on how the
   * bytes were chunked.
   */
  private delimited(events: StxEtxEvent[]): boolean {
    const q = this.queue;
    const limit = Math.min(q.length, this.v.maxDataLength + 2);
    const etx = q.indexOf(ETX, this.scanFrom, limit);
    const stx = q.indexOf(STX, this.scanFrom, etx === -1 ? limit : etx);
    if (stx !== -1) {
      events.push({ type: "bad-frame", raw: q.copy(0, stx), reason: "STX before ETX: frame cut short" });
      q.skip(stx);
      this.scanFrom = 1;
      return true;
    }
    if (etx === -1) {
      if (limit === this.v.maxDataLength + 2) {
        events.push({ type: "bad-frame", raw: q.copy(0, limit), reason: "no ETX within maxDataLength" });
        q.skip(limit);
        this.scanFrom = 1;
        return true;
      }
      this.scanFrom = limit;
      return false;
    }
    if (q.length < etx + 2) {
      this.scanFrom = etx;
      return false;
    }
    this.complete(etx, 1, events);
    return true;
  }

  /** Length field present: the length says where ETX must be. */
  private counted(events: StxEtxEvent[]): boolean {
    const q = this.queue;
    const header = 1 + this.v.lengthBytes;
    if (q.length < header) return false;
    const length = readLength(q, this.v);
    if (length === undefined || length > this.v.maxDataLength) {
      const reason =
        length === undefined ? "length field is not BCD" : `length ${length} exceeds maxDataLength`;
      this.dropStx(reason, events);
      return true;
    }
    const etx = header + length;
    if (q.length <= etx) return false;
    if (q.at(etx) !== ETX) {
      this.dropStx("no ETX where the length field says", events);
      return true;
    }
    if (q.length < etx + 2) return false;
    this.complete(etx, header, events);
    return true;
  }

  /**
   * The STX was probably garbage or the length is corrupt: drop only the STX and hunt again from the next
   * byte, so a real frame hidden behind a bogus length is not lost.
   */
  private dropStx(reason: string, events: StxEtxEvent[]): void {
    events.push({ type: "bad-frame", raw: this.queue.copy(0, 1), reason });
    this.queue.skip(1);
  }

  /** queue[0..etx+1] is STX..ETX LRC with DATA from `dataAt`: emit it and consume it, good LRC or not. */
  private complete(etx: number, dataAt: number, events: StxEtxEvent[]): void {
    const q = this.queue;
    const expected = frameLrc(q.view(0, etx + 1), etx, this.v);
    const received = q.at(etx + 1);
    if (expected === received) events.push({ type: "frame", data: q.copy(dataAt, etx) });
    else events.push({ type: "bad-lrc", raw: q.copy(0, etx + 2), expected, received });
    q.skip(etx + 2);
    this.scanFrom = 1;
  }
}
