import { ByteQueue } from "./byte-queue.js";
import { FramingError } from "./framing-error.js";

/** The 2-byte big-endian binary length of the CUP POS dialect on TCP: counts the bytes after itself. */
export const LENGTH_PREFIX_BYTES = 2;
export const MAX_LENGTH_PREFIXED = 0xffff;

/** Prepends the 2-byte length. Refuses empty payloads (the decoder treats length 0 as lost sync) and > max. */
export function encodeLengthPrefixed(payload: Uint8Array, maxFrameLength = MAX_LENGTH_PREFIXED): Buffer {
  const max = Math.min(maxFrameLength, MAX_LENGTH_PREFIXED);
  if (payload.length === 0) throw new FramingError("empty frame cannot be sent", { path: "length prefix" });
  if (payload.length > max) {
    throw new FramingError(`frame of ${payload.length} bytes exceeds the maximum ${max}`, {
      path: "length prefix",
    });
  }
  const out = Buffer.alloc(LENGTH_PREFIX_BYTES + payload.length);
  out.writeUInt16BE(payload.length, 0);
  out.set(payload, LENGTH_PREFIX_BYTES);
  return out;
}

/** A bad length header; `frames` are the complete frames that arrived before it in the same push. */
export class LengthPrefixError extends FramingError {
  readonly frames: Buffer[];

  constructor(message: string, options: { offset: number; frames: Buffer[] }) {
    super(message, { path: "length prefix", offset: options.offset });
    this.frames = options.frames;
  }
}

export interface LengthPrefixDecoderOptions {
  /** Largest body accepted, 1..65535; default 65535. A bigger header means the stream lost sync. */
  maxFrameLength?: number;
}

/**
 * Splits a TCP byte stream into length-prefixed frames. Pure: no sockets or timers, the caller pushes
 * whatever arrived and gets back the frames completed so far.
 *
 * A zero or over-maximum length cannot be resynchronised (there is no start marker), so the decoder
 * throws LengthPrefixError and refuses input until `reset()`; the session normally drops the connection.
 */
export class LengthPrefixDecoder {
  private readonly queue = new ByteQueue();
  private readonly maxFrameLength: number;
  /** Stream offset of the first queued byte, for error messages. */
  private consumed = 0;
  private failure: FramingError | undefined;

  constructor(options: LengthPrefixDecoderOptions = {}) {
    const max = options.maxFrameLength ?? MAX_LENGTH_PREFIXED;
    if (!Number.isInteger(max) || max < 1 || max > MAX_LENGTH_PREFIXED) {
      throw new FramingError(`maxFrameLength must be 1..${MAX_LENGTH_PREFIXED}, got ${max}`, {
        path: "maxFrameLength",
      });
    }
    this.maxFrameLength = max;
  }

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.queue.length;
  }

  push(chunk: Uint8Array): Buffer[] {
    if (this.failure) {
      throw new FramingError("stream out of sync after a bad length; reset() first", {
        path: "length prefix",
        cause: this.failure,
      });
    }
    this.queue.push(chunk);
    const frames: Buffer[] = [];
    while (this.queue.length >= LENGTH_PREFIX_BYTES) {
      const length = (this.queue.at(0) << 8) | this.queue.at(1);
      if (length === 0 || length > this.maxFrameLength) {
        const reason =
          length === 0 ? "zero length" : `length ${length} exceeds the maximum ${this.maxFrameLength}`;
        this.failure = new LengthPrefixError(reason, { offset: this.consumed, frames });
        throw this.failure;
      }
      const total = LENGTH_PREFIX_BYTES + length;
      if (this.queue.length < total) break;
      frames.push(this.queue.copy(LENGTH_PREFIX_BYTES, total));
      this.queue.skip(total);
      this.consumed += total;
    }
    return frames;
  }

  /** Drops partial data and any failure, e.g. after reconnecting. */
  reset(): void {
    this.queue.clear();
    this.consumed = 0;
    this.failure = undefined;
  }
}
