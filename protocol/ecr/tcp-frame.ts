import type { FramingError } from "../framing/framing-error.js";
import { encodeLengthPrefixed, LengthPrefixDecoder } from "../framing/length-prefix.js";
import { EcrMessageError } from "./ecr-error.js";

/** TCP framing: a 4-byte big-endian length of the JSON that follows. */
export const ECR_TCP_PREFIX_BYTES = 4 as const;
/** Largest JSON accepted on TCP; a bigger length means the peer does not speak this protocol. */
export const ECR_TCP_MAX_FRAME = 1024 * 1024;

export function encodeEcrTcpFrame(json: Uint8Array): Buffer {
  try {
    return encodeLengthPrefixed(json, ECR_TCP_MAX_FRAME, ECR_TCP_PREFIX_BYTES);
  } catch (error) {
    throw new EcrMessageError(`frame of ${json.length} bytes is not 1..${ECR_TCP_MAX_FRAME}`, {
      path: "tcp length prefix",
      cause: error,
    });
  }
}

/**
 * Splits a TCP stream into frames: the framing module's length-prefix decoder with a 4-byte prefix (ECR
 * slips can pass 64 KB with a logo). A zero or oversized length cannot be resynchronised: it throws
 * EcrMessageError and keeps refusing until `reset()`; the server drops the peer.
 */
export class EcrTcpDecoder {
  private readonly decoder = new LengthPrefixDecoder({
    prefixBytes: ECR_TCP_PREFIX_BYTES,
    maxFrameLength: ECR_TCP_MAX_FRAME,
  });

  get buffered(): number {
    return this.decoder.buffered;
  }

  push(chunk: Uint8Array): Buffer[] {
    try {
      return this.decoder.push(chunk);
    } catch (error) {
      const framing = error as FramingError;
      throw new EcrMessageError(framing.message, {
        path: "tcp length prefix",
        ...(framing.offset !== undefined ? { offset: framing.offset } : {}),
        cause: error,
      });
    }
  }

  reset(): void {
    this.decoder.reset();
  }
}
