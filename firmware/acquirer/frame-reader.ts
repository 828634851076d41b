import { ProtocolError } from "../../protocol/errors.js";
import { LENGTH_PREFIX_BYTES, LengthPrefixDecoder } from "../../protocol/framing/length-prefix.js";
import { MESSAGE_OFFSET, unpackFrameBody } from "../../protocol/iso8583/cup/frame.js";
import type { CupHeader } from "../../protocol/iso8583/cup/header.js";
import { cupSpec } from "../../protocol/iso8583/cup/spec.js";
import type { Tpdu } from "../../protocol/iso8583/cup/tpdu.js";
import type { CompiledSpec } from "../../protocol/iso8583/message.js";
import type { Iso8583Message, MessageSpec } from "../../protocol/iso8583/spec.js";
import { AcquirerFrameError } from "./acquirer-errors.js";

/** One frame from the host, parsed. */
export interface ReceivedFrame {
  tpdu: Tpdu;
  header: CupHeader;
  message: Iso8583Message;
  /** The packed ISO 8583 message (MTI onwards): what the MAC is checked over. */
  body: Buffer;
  /** The whole frame as received, length prefix included. */
  raw: Buffer;
  /** Stream offset of the frame's first byte on this connection. */
  offset: number;
}

/** A bad frame; `frames` are the good ones that arrived before it in the same chunk. */
export class FrameStreamError extends AcquirerFrameError {
  constructor(
    message: string,
    options: { offset: number; path?: string; cause?: unknown },
    readonly frames: ReceivedFrame[],
  ) {
    super(message, { sent: false, ...options });
  }
}

/**
 * Turns the bytes of one connection into CUP frames (2-byte length, TPDU, header, message). Any
 * fault (zero or oversize length, wrong TPDU id, a field that does not decode) is a FrameStreamError
 * naming the stream offset; after one the stream has no trustworthy boundary left, so the reader
 * refuses more input until `reset()` (the link drops the connection).
 */
export class AcquirerFrameReader {
  private readonly decoder: LengthPrefixDecoder;
  private consumed = 0;
  private failure: AcquirerFrameError | undefined;

  constructor(
    private readonly spec: MessageSpec | CompiledSpec = cupSpec,
    options: { maxFrameLength?: number } = {},
  ) {
    this.decoder = new LengthPrefixDecoder(options);
  }

  push(chunk: Uint8Array): ReceivedFrame[] {
    if (this.failure) {
      throw new FrameStreamError(
        "stream out of sync after a bad frame; reset() first",
        { offset: this.consumed, path: this.failure.path, cause: this.failure },
        [],
      );
    }
    let bodies: Buffer[];
    let lengthFault: ProtocolError | undefined;
    try {
      bodies = this.decoder.push(chunk);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      lengthFault = error;
      bodies = "frames" in error && Array.isArray(error.frames) ? (error.frames as Buffer[]) : [];
    }
    const frames: ReceivedFrame[] = [];
    for (const body of bodies) {
      const start = this.consumed;
      this.consumed += LENGTH_PREFIX_BYTES + body.length;
      let parsed: ReturnType<typeof unpackFrameBody>;
      try {
        parsed = unpackFrameBody(body, this.spec);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        throw this.fail(`frame at stream offset ${start}: ${error.message}`, start + (error.offset ?? 0), {
          path: error.path,
          cause: error,
          frames,
        });
      }
      const raw = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + body.length);
      raw.writeUInt16BE(body.length, 0);
      body.copy(raw, LENGTH_PREFIX_BYTES);
      frames.push({ ...parsed, body: raw.subarray(MESSAGE_OFFSET), raw, offset: start });
    }
    if (lengthFault) {
      throw this.fail(lengthFault.message, lengthFault.offset ?? this.consumed, {
        path: lengthFault.path,
        cause: lengthFault,
        frames,
      });
    }
    return frames;
  }

  /** Bytes held for a frame not yet complete. */
  get buffered(): number {
    return this.decoder.buffered;
  }

  /** Forgets partial input and any failure: a new connection starts at offset 0. */
  reset(): void {
    this.decoder.reset();
    this.consumed = 0;
    this.failure = undefined;
  }

  private fail(
    message: string,
    offset: number,
    options: { path: string | undefined; cause: unknown; frames: ReceivedFrame[] },
  ): FrameStreamError {
    const error = new FrameStreamError(
      message,
      { offset, path: options.path, cause: options.cause },
      options.frames,
    );
    this.failure = error;
    return error;
  }
}
