import type { ByteLink } from "../../drivers/link/byte-link.js";
import { ACK, createEcrSerialDecoder, encodeEcrSerialFrame, NAK } from "../../protocol/ecr/index.js";
import { EcrLinkError } from "./ecr-link-error.js";

export interface EcrSerialChannelOptions {
  /** Every good frame's JSON bytes (already ACKed). */
  onFrame: (json: Buffer) => void;
  /** How long to wait for ACK/NAK before sending a frame again (default 1000 ms). */
  ackTimeoutMs?: number;
  /** Sends after the first before giving up (default 3). */
  maxResends?: number;
}

export interface EcrSerialStats {
  framesReceived: number;
  naksSent: number;
  naksReceived: number;
  resends: number;
}

interface PendingSend {
  settle: (answer: "ack" | "nak") => void;
}

/**
 * One end of the ECR serial link (STX | JSON | ETX | LRC with ACK/NAK), the same for the terminal and the
 * sample client. Each received frame is answered at once: ACK when its LRC matches, NAK when not (or when
 * it was cut short) so the peer sends it again. Outgoing frames go one at a time and are sent again on NAK
 * or silence, up to `maxResends` times; then `send` rejects with EcrLinkError. A repeat of a frame whose
 * ACK was lost reaches `onFrame` twice: the message layer makes that harmless (ServiceID is idempotent).
 */
export class EcrSerialChannel {
  readonly stats: EcrSerialStats = { framesReceived: 0, naksSent: 0, naksReceived: 0, resends: 0 };
  private readonly decoder = createEcrSerialDecoder();
  private readonly ackTimeoutMs: number;
  private readonly maxResends: number;
  private pending: PendingSend | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    readonly link: ByteLink,
    private readonly options: EcrSerialChannelOptions,
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 1000;
    this.maxResends = options.maxResends ?? 3;
    this.unsubscribe.push(link.onData((chunk) => this.receive(chunk)));
    this.unsubscribe.push(link.onClose(() => this.pending?.settle("nak")));
  }

  get isOpen(): boolean {
    return this.link.isOpen;
  }

  /** Sends one JSON payload; resolves when the peer ACKed it. Sends are queued, one frame in flight. */
  send(json: Buffer): Promise<void> {
    const frame = encodeEcrSerialFrame(json);
    const run = this.queue.then(() => this.deliver(frame));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    this.pending?.settle("nak");
    this.decoder.reset();
    await this.link.close();
  }

  private async deliver(frame: Buffer): Promise<void> {
    for (let attempt = 0; attempt <= this.maxResends; attempt++) {
      if (!this.link.isOpen) throw new EcrLinkError("serial link closed");
      if (attempt > 0) this.stats.resends++;
      const answer = new Promise<"ack" | "nak" | "timeout">((resolve) => {
        const timer = setTimeout(() => settle("timeout"), this.ackTimeoutMs);
        const settle = (value: "ack" | "nak" | "timeout") => {
          clearTimeout(timer);
          this.pending = undefined;
          resolve(value);
        };
        this.pending = { settle };
      });
      await this.link.write(frame);
      if ((await answer) === "ack") return;
    }
    throw new EcrLinkError(`frame not acknowledged after ${this.maxResends} resends`);
  }

  private receive(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      if (event.type === "frame") {
        this.stats.framesReceived++;
        this.reply(ACK);
        this.options.onFrame(event.data);
      } else if (event.type === "bad-lrc" || event.type === "bad-frame") {
        this.stats.naksSent++;
        this.reply(NAK);
      } else if (event.type === "control") {
        if (event.byte === NAK) this.stats.naksReceived++;
        this.pending?.settle(event.byte === ACK ? "ack" : "nak");
      }
    }
  }

  private reply(byte: number): void {
    this.link.write(Buffer.of(byte)).catch(() => undefined);
  }
}
