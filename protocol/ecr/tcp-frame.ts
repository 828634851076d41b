import { ByteQueue } from "../framing/byte-queue.js";
import { EcrMessageError } from "./ecr-error.js";

/** TCP framing: a 4-byte big-endian length of the JSON that follows. */
export const ECR_TCP_PREFIX_BYTES = 4;
/** Largest JSON accepted on TCP; a bigger length means the peer does not speak this protocol. */
export const ECR_TCP_MAX_FRAME = 1024 * 1024;

export function encodeEcrTcpFrame(json: Uint8Array): Buffer {
  if (json.length === 0 || json.length > ECR_TCP_MAX_FRAME) {
    throw new EcrMessageError(`frame of ${json.length} bytes is not 1..${ECR_TCP_MAX_FRAME}`, {
      path: "tcp length prefix",
    });
  }
  const out = Buffer.alloc(ECR_TCP_PREFIX_BYTES + json.length);
  out.writeUInt32BE(json.length, 0);
  out.set(json, ECR_TCP_PREFIX_BYTES);
  return out;
}

/**
 * Splits a TCP stream into frames. Pure. A zero or oversized length cannot be resynchronised (there is no
 * start marker): it throws EcrMessageError and keeps refusing until `reset()`; the server drops the peer.
 * (The CUP LengthPrefixDecoder is the 2-byte variant; ECR slips can pass 64 KB with a logo, hence 4 bytes.)
 */
export class EcrTcpDecoder {
  private readonly queue = new ByteQueue();
  private consumed = 0;
  private failed = false;

  get buffered(): number {
    return this.queue.length;
  }

  push(chunk: Uint8Array): Buffer[] {
    if (this.failed)
      throw new EcrMessageError("stream out of sync; reset() first", { path: "tcp length prefix" });
    this.queue.push(chunk);
    const frames: Buffer[] = [];
    while (this.queue.length >= ECR_TCP_PREFIX_BYTES) {
      const length = this.queue.view(0, ECR_TCP_PREFIX_BYTES).readUInt32BE(0);
      if (length === 0 || length > ECR_TCP_MAX_FRAME) {
        this.failed = true;
        throw new EcrMessageError(`length ${length} is not 1..${ECR_TCP_MAX_FRAME}`, {
          path: "tcp length prefix",
          offset: this.consumed,
        });
      }
      const total = ECR_TCP_PREFIX_BYTES + length;
      if (this.queue.length < total) break;
      frames.push(this.queue.copy(ECR_TCP_PREFIX_BYTES, total));
      this.queue.skip(total);
      this.consumed += total;
    }
    return frames;
  }

  reset(): void {
    this.queue.clear();
    this.consumed = 0;
    this.failed = false;
  }
}
