import { createHash } from "node:crypto";
import type { ByteLink, LinkOpener } from "../../drivers/link/byte-link.js";
import {
  encodeFlashFrame,
  type FlashFrame,
  FlashFrameDecoder,
  type FlashMessage,
  type FlashMessageType,
  type FlashVerdict,
  MAX_BLOCK_SIZE,
} from "../../protocol/flash/index.js";

/** The transfer could not be completed (no answer, port gone for too long, receiver nonsense). */
export class FlashSendError extends Error {
  override name = "FlashSendError";
}

/** The link went away mid-request: the sender reopens it and resumes from the receiver's STATUS. */
class LinkLost extends Error {}

export interface FlashProgress {
  event: "resume" | "block" | "resend" | "lost" | "reconnected";
  /** Next offset to send. */
  offset: number;
  total: number;
  detail?: string;
}

export interface FlashSendOptions {
  /** Opens the port; called again after the port is lost. */
  open: LinkOpener;
  image: Buffer;
  /** DATA block size (default 1024, at most MAX_BLOCK_SIZE). */
  blockSize?: number;
  /** Replace any transfer in progress on the receiver (even of another image). */
  restart?: boolean;
  /** How long to wait for each reply before resending (default 2000 ms). */
  replyTimeoutMs?: number;
  /** Resends of one frame, for a NAK or no answer, before giving up (default 5). */
  maxRetries?: number;
  /** How long to keep trying to reopen a lost port (default 60 s). */
  retryForMs?: number;
  /** Pause between reopen attempts (default 250 ms). */
  reopenIntervalMs?: number;
  onProgress?: (progress: FlashProgress) => void;
}

export interface FlashResult {
  verdict: FlashVerdict;
  reason: string;
  /** SHA-256 of the image, hex. */
  imageId: string;
  totalLength: number;
  /** DATA payload bytes written to the wire, resends included. */
  dataBytesSent: number;
  /** All frame bytes written. */
  wireBytesSent: number;
  /** Offsets the receiver's STATUS told us to start from, one per (re)connection. */
  resumedFrom: number[];
  resends: number;
  reconnects: number;
  elapsedMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One open link: frames out, replies matched by seq, loss reported as LinkLost. */
class Session {
  private readonly decoder = new FlashFrameDecoder();
  private waiter: ((frame: FlashFrame) => void) | undefined;
  private lost: ((error: LinkLost) => void) | undefined;
  private gone = false;
  private readonly unsubscribe: (() => void)[];

  constructor(readonly link: ByteLink) {
    this.unsubscribe = [
      link.onData((chunk) => {
        for (const event of this.decoder.push(chunk)) if (event.kind === "frame") this.waiter?.(event.frame);
      }),
      link.onClose(() => this.markLost("port closed")),
    ];
  }

  private markLost(why: string): void {
    this.gone = true;
    this.lost?.(new LinkLost(why));
  }

  /** Writes a frame and waits for a reply to it; undefined on timeout. */
  async exchange(
    frame: Buffer,
    seq: number,
    accepts: readonly FlashMessageType[],
    timeoutMs: number,
  ): Promise<FlashMessage | undefined> {
    if (this.gone) throw new LinkLost("port closed");
    return new Promise<FlashMessage | undefined>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        this.lost = undefined;
      };
      const timer = setTimeout(() => {
        done();
        resolve(undefined);
      }, timeoutMs);
      this.lost = (error) => {
        done();
        reject(error);
      };
      this.waiter = ({ seq: replySeq, message }) => {
        // A NAK with seq 0 answers a frame the receiver could not read: whatever we last sent.
        const ours = replySeq === seq || (replySeq === 0 && message.type === "nak");
        if (!ours || !accepts.includes(message.type)) return;
        done();
        resolve(message);
      };
      this.link.write(frame).catch((error: Error) => this.markLost(`write failed: ${error.message}`));
    });
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribe) off();
    await this.link.close().catch(() => {});
  }
}

/**
 * The sender of `posctl flash`: HELLO → STATUS (resume offset) → DATA/ACK blocks → DONE → VERDICT.
 * Stop-and-wait, one block in flight: a dev kit's UART and its flash writes set the pace, not us.
 */
export async function sendImage(options: FlashSendOptions): Promise<FlashResult> {
  const { image } = options;
  const blockSize = options.blockSize ?? 1024;
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
    throw new FlashSendError(`block size must be 1..${MAX_BLOCK_SIZE}, got ${blockSize}`);
  }
  if (image.length === 0) throw new FlashSendError("the image is empty");
  const timeoutMs = options.replyTimeoutMs ?? 2000;
  const maxRetries = options.maxRetries ?? 5;
  const retryForMs = options.retryForMs ?? 60_000;
  const reopenIntervalMs = options.reopenIntervalMs ?? 250;
  const imageId = createHash("sha256").update(image).digest();
  const started = performance.now();
  const result: FlashResult = {
    verdict: "refused",
    reason: "",
    imageId: imageId.toString("hex"),
    totalLength: image.length,
    dataBytesSent: 0,
    wireBytesSent: 0,
    resumedFrom: [],
    resends: 0,
    reconnects: 0,
    elapsedMs: 0,
  };
  const progress = (event: FlashProgress["event"], offset: number, detail?: string) =>
    options.onProgress?.({ event, offset, total: image.length, ...(detail === undefined ? {} : { detail }) });
  let seq = 0;

  /** Sends a message, resending on timeout; a NAK for DATA is returned to the caller to handle. */
  async function request(session: Session, message: FlashMessage, accepts: readonly FlashMessageType[]) {
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      seq = seq >= 0xffffffff ? 1 : seq + 1;
      const frame = encodeFlashFrame(seq, message);
      result.wireBytesSent += frame.length;
      if (message.type === "data") result.dataBytesSent += message.bytes.length;
      const reply = await session.exchange(frame, seq, accepts, timeoutMs);
      if (reply) return reply;
      result.resends++;
      progress(
        "resend",
        message.type === "data" ? message.offset : 0,
        `no answer to ${message.type.toUpperCase()}`,
      );
    }
    throw new FlashSendError(`no answer to ${message.type.toUpperCase()} after ${maxRetries + 1} tries`);
  }

  async function reopen(): Promise<Session> {
    const deadline = Date.now() + retryForMs;
    let last = "";
    while (Date.now() < deadline) {
      await sleep(reopenIntervalMs);
      try {
        return new Session(await options.open());
      } catch (error) {
        last = (error as Error).message;
      }
    }
    throw new FlashSendError(
      `port lost and not back within ${Math.round(retryForMs / 1000)} s${last ? ` (${last})` : ""}`,
    );
  }

  const finish = (verdict: FlashVerdict, reason: string) => {
    result.verdict = verdict;
    result.reason = reason;
    result.elapsedMs = performance.now() - started;
    return result;
  };

  let session = new Session(await options.open());
  try {
    for (;;) {
      try {
        const hello = await request(
          session,
          { type: "hello", imageId, totalLength: image.length, blockSize, restart: options.restart ?? false },
          ["status", "verdict"],
        );
        if (hello.type === "verdict") return finish(hello.verdict, hello.reason);
        if (hello.type !== "status" || !hello.imageId.equals(imageId) || hello.nextOffset > image.length) {
          throw new FlashSendError("the receiver's STATUS does not match this image");
        }
        let offset = hello.nextOffset;
        result.resumedFrom.push(offset);
        progress("resume", offset);
        let naks = 0;
        while (offset < image.length) {
          const bytes = image.subarray(offset, offset + blockSize);
          const reply = await request(session, { type: "data", offset, bytes }, ["ack", "nak", "verdict"]);
          if (reply.type === "verdict") return finish(reply.verdict, reply.reason);
          if (reply.type !== "ack" && reply.type !== "nak") continue;
          if (reply.offset > image.length)
            throw new FlashSendError(`receiver asked for offset ${reply.offset}`);
          if (reply.type === "ack" && reply.offset === offset + bytes.length) {
            naks = 0;
            offset = reply.offset;
            progress("block", offset);
            continue;
          }
          // NAK (damaged frame) or an ACK for another offset: the receiver's offset rules.
          if (++naks > maxRetries) throw new FlashSendError(`block at ${offset} refused ${naks} times`);
          result.resends++;
          offset = reply.offset;
          progress("resend", offset, `NAK, receiver needs ${offset}`);
        }
        const verdict = await request(session, { type: "done", sha256: imageId }, ["verdict"]);
        if (verdict.type === "verdict") return finish(verdict.verdict, verdict.reason);
      } catch (error) {
        if (!(error instanceof LinkLost)) throw error;
        progress("lost", result.resumedFrom.at(-1) ?? 0, error.message);
        await session.close();
        session = await reopen();
        result.reconnects++;
        progress("reconnected", 0);
      }
    }
  } finally {
    await session.close();
  }
}
