import { ByteQueue } from "./byte-queue.js";
import { FramingError } from "./framing-error.js";

/** The 2-byte big-endian binary length of the CUP POS dialect on TCP: counts the bytes after itself. */
export const LENGTH_PREFIX_BYTES = 2;
export const MAX_LENGTH_PREFIXED = 0xffff;

/** Prefix widths in use: 2 bytes (CUP POS on TCP), 4 bytes (links whose frames can pass 64 KB, e.g. ECR). */
export type PrefixBytes = 2 | 4;

const MAX_FOR: Readonly<Record<PrefixBytes, number>> = { 2: MAX_LENGTH_PREFIXED, 4: 0xffff_ffff };

/** Prepends the big-endian length. Refuses empty payloads (the decoder treats length 0 as lost sync) and > max. */
export function encodeLengthPrefixed(
  payload: Uint8Array,
  maxFrameLength = MAX_LENGTH_PREFIXED,
  prefixBytes: PrefixBytes = LENGTH_PREFIX_BYTES,
): Buffer {
  const max = Math.min(maxFrameLength, MAX_FOR[prefixBytes]);
  if (payload.length === 0) throw new FramingError("empty frame cannot be sent", { path: "length prefix" });
  if (payload.length > max) {
    throw new FramingError(`frame of ${payload.length} bytes exceeds the maximum ${max}`, {
      path: "length prefix",
    });
  }
  const out = Buffer.alloc(prefixBytes + payload.length);
  out.writeUIntBE(payload.length, 0, prefixBytes);
  out.set(payload, prefixBytes);
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
  /** Largest body accepted, 1..65535 (2-byte prefix); default the prefix's maximum. A bigger header means the stream lost sync. */
  maxFrameLength?: number;
  /** Width of the big-endian length (default 2). */
  prefixBytes?: PrefixBytes;
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
  private readonly prefixBytes: PrefixBytes;
  /** Stream offset of the first queued byte, for error messages. */
  private consumed = 0;
  private failure: FramingError | undefined;

  constructor(options: LengthPrefixDecoderOptions = {}) {
    this.prefixBytes = options.prefixBytes ?? LENGTH_PREFIX_BYTES;
    const limit = MAX_FOR[this.prefixBytes];
    if (limit === undefined) {
      throw new FramingError(`prefixBytes must be 2 or 4, got ${options.prefixBytes}`, {
        path: "prefixBytes",
      });
    }
    const max = options.maxFrameLength ?? limit;
    if (!Number.isInteger(max) || max < 1 || max > limit) {
      throw new FramingError(`maxFrameLength must be 1..${limit}, got ${max}`, {
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
    const width = this.prefixBytes;
    while (this.queue.length >= width) {
      let length = 0;
      for (let i = 0; i < width; i++) length = length * 256 + this.queue.at(i);
      if (length === 0 || length > this.maxFrameLength) {
        const reason =
          length === 0 ? "zero length" : `length ${length} exceeds the maximum ${this.maxFrameLength}`;
        this.failure = new LengthPrefixError(reason, { offset: this.consumed, frames });
        throw this.failure;
      }
      const total = width + length;
      if (this.queue.length < total) break;
      frames.push(this.queue.copy(width, total));
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
