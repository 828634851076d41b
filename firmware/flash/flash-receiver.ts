import { createHash, timingSafeEqual } from "node:crypto";
import { createReadStream } from "node:fs";
import type { ByteLink } from "../../drivers/link/byte-link.js";
import {
  encodeFlashFrame,
  type FlashFrame,
  FlashFrameDecoder,
  type FlashMessage,
  type FlashVerdict,
} from "../../protocol/flash/index.js";
import { type TransferState, TransferStore } from "./transfer-store.js";

/** A complete image whose SHA-256 matched: the update installer takes it from here. */
export interface ReceivedImage {
  /** The verified file (`<dir>/incoming/<image-id>.part`); the callback may move it. */
  path: string;
  imageId: string;
  totalLength: number;
}

export interface FlashReceiverOptions {
  /** The terminal's data directory; blocks go to `<dir>/incoming/`. */
  dir: string;
  /** Called once per verified image; throwing refuses the image (the reason goes to the sender). */
  onImage: (image: ReceivedImage) => void | Promise<void>;
  /** Largest image accepted (default 64 MiB): a HELLO over it is refused before any byte is written. */
  maxImageBytes?: number;
  /** Observes each stored block (progress, tests). */
  onBlock?: (offset: number, state: TransferState) => void;
}

async function sha256File(path: string): Promise<Buffer> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest();
}

/**
 * The terminal's side of the flash protocol. State lives on disk (TransferStore), not in the session,
 * so a new link after a pulled cable resumes where the last fsynced block ended. Frames are handled
 * one at a time, in order, as they arrive.
 */
export class FlashReceiver {
  private readonly store: TransferStore;
  private state: TransferState | undefined;
  /** Set by a HELLO on this link: DATA before it is refused. */
  private greeted = false;

  constructor(private readonly options: FlashReceiverOptions) {
    this.store = new TransferStore(options.dir);
    this.state = this.store.load();
  }

  /** The persisted progress (undefined when no transfer is in progress). */
  get transfer(): TransferState | undefined {
    return this.state;
  }

  /** Serves the protocol on a link until it closes or the returned function is called. */
  attach(link: ByteLink): () => void {
    const decoder = new FlashFrameDecoder();
    this.greeted = false;
    let queue = Promise.resolve();
    const reply = (seq: number, message: FlashMessage) =>
      link.isOpen ? link.write(encodeFlashFrame(seq, message)).catch(() => {}) : Promise.resolve();
    // One damaged frame yields several decoder errors while it hunts for the next SOH: NAK it once.
    let resyncing = false;
    const offData = link.onData((chunk) => {
      for (const event of decoder.push(chunk)) {
        if (event.kind === "frame") {
          resyncing = false;
          queue = queue.then(() => this.handle(event.frame, reply)).catch(() => {});
        } else if (event.kind === "error" && !resyncing && this.state && this.greeted) {
          resyncing = true;
          // Ask again for the block we need (the damaged frame's seq is unknown, so 0).
          queue = queue.then(() => reply(0, { type: "nak", offset: this.state?.offset ?? 0 }));
        }
      }
    });
    const offClose = link.onClose(() => detach());
    const detach = () => {
      offData();
      offClose();
    };
    return detach;
  }

  private async handle(frame: FlashFrame, reply: (seq: number, message: FlashMessage) => Promise<void>) {
    const { seq, message } = frame;
    const verdict = (verdict: FlashVerdict, reason: string) =>
      reply(seq, { type: "verdict", verdict, reason });
    switch (message.type) {
      case "hello": {
        const imageId = message.imageId.toString("hex");
        const max = this.options.maxImageBytes ?? 64 * 1024 * 1024;
        if (message.totalLength > max)
          return verdict("refused", `image of ${message.totalLength} bytes exceeds ${max}`);
        if (message.totalLength === 0) return verdict("refused", "empty image");
        const current = this.state;
        const same = current?.imageId === imageId && current.totalLength === message.totalLength;
        if (current && !same && !message.restart) {
          return verdict(
            "refused",
            `image ${current.imageId.slice(0, 16)}… is mid-transfer at ${current.offset}/${current.totalLength}; send HELLO with restart to replace it`,
          );
        }
        if (!same || message.restart) {
          this.store.clear(current, true);
          this.state = this.store.begin(imageId, message.totalLength);
        }
        this.greeted = true;
        return reply(seq, { type: "status", imageId: message.imageId, nextOffset: this.state!.offset });
      }
      case "data": {
        const state = this.state;
        if (!state || !this.greeted) return verdict("refused", "DATA before HELLO");
        if (message.offset !== state.offset) return reply(seq, { type: "nak", offset: state.offset });
        if (message.bytes.length === 0 || state.offset + message.bytes.length > state.totalLength) {
          return verdict(
            "refused",
            `block at ${message.offset} runs past the image length ${state.totalLength}`,
          );
        }
        this.state = this.store.append(state, message.bytes);
        this.options.onBlock?.(message.offset, this.state);
        return reply(seq, { type: "ack", offset: this.state.offset });
      }
      case "done":
        return this.finish(message.sha256, verdict);
      default:
        // STATUS, ACK, NAK and VERDICT are the receiver's own words: a sender never says them.
        return verdict("refused", `unexpected ${message.type.toUpperCase()} from the sender`);
    }
  }

  private async finish(sha256: Buffer, verdict: (v: FlashVerdict, reason: string) => Promise<void>) {
    const state = this.state;
    if (!state || !this.greeted) return verdict("refused", "DONE before HELLO");
    if (state.offset !== state.totalLength) {
      return verdict("refused", `incomplete: ${state.offset} of ${state.totalLength} bytes received`);
    }
    const path = this.store.partPath(state.imageId);
    const actual = await sha256File(path);
    const expected = Buffer.from(state.imageId, "hex");
    // The image id announced in HELLO and the DONE hash must both match what was written.
    const good = timingSafeEqual(actual, expected) && timingSafeEqual(actual, sha256);
    this.state = undefined;
    this.greeted = false;
    if (!good) {
      this.store.clear(state, true);
      return verdict("bad-hash", `SHA-256 of the received image is ${actual.toString("hex").slice(0, 16)}…`);
    }
    this.store.clear(state, false);
    try {
      await this.options.onImage({ path, imageId: state.imageId, totalLength: state.totalLength });
    } catch (error) {
      return verdict("refused", `installer refused the image: ${(error as Error).message}`);
    }
    return verdict("ok", `image ${state.imageId.slice(0, 16)}… (${state.totalLength} bytes) verified`);
  }
}
