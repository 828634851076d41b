import {
  abort,
  type CcidMessage,
  CcidSerialDecoder,
  type CcidSerialEvent,
  decodeCcidMessage,
  decodeSlotState,
  encodeCcidSerialFrame,
  messageTypeName,
  NAK_FRAME,
} from "../../protocol/ccid/index.js";
import { type Clock, systemClock } from "../core/clock.js";
import {
  DeviceCancelledError,
  DeviceDisconnectedError,
  DeviceError,
  DeviceProtocolError,
} from "../core/device-error.js";
import { Inbox } from "../core/inbox.js";
import type { ByteLink, LinkOpener } from "../link/byte-link.js";
import { CardRemovedError } from "./contact-reader.js";

/** What the session reports for observability: frame kinds and counters, never APDU or ATR bytes. */
export type CcidTraceEvent =
  | { type: "tx"; message: string; seq: number; length: number }
  | { type: "rx"; message: string; seq: number; length: number; bStatus: number; bError: number }
  | { type: "nak-received" | "nak-sent" | "time-extension" | "stale-reply" | "reopened" | "disconnected" }
  | { type: "slot-change"; present: boolean }
  | { type: "skipped"; count: number };

export interface CcidSerialSessionOptions {
  opener: LinkOpener;
  clock?: Clock;
  device?: string;
  trace?: (event: CcidTraceEvent) => void;
  /** Replays after the reader's NAK, and NAKs sent for corrupt replies, per command (ccid_serial: replay). */
  maxNakRetries?: number;
  /** How long to wait for the reader's answer to PC_to_RDR_Abort after a cancellation. */
  abortTimeoutMs?: number;
  /** Bound on time extensions per command, so a card stuck sending NULL cannot hold the reader forever. */
  maxTimeExtensions?: number;
}

type Inbound = Exclude<CcidSerialEvent, { type: "skipped" }>;

export interface TransactOptions {
  slot: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The command needs the card: a removal notice during it fails it with CardRemovedError. */
  failOnRemoval?: boolean;
}

/**
 * One CCID-over-serial link: frames out, decoded replies in, matched by bSeq. Owns the link-level rules:
 * replay after the reader's NAK (03 15 16), NAK a corrupt reply so the reader sends it again, restart the
 * wait on a time extension (T=0 time-request byte 80..FF or bStatus 0x80 with bError as multiplier), map
 * cancellation onto PC_to_RDR_Abort, reopen after the port went away. Callers serialise commands.
 */
export class CcidSerialSession {
  readonly device: string;
  private readonly clock: Clock;
  private readonly decoder = new CcidSerialDecoder({ direction: "from-reader" });
  private readonly inbox: Inbox<Inbound>;
  private readonly slotListeners = new Set<(present: boolean) => void>();
  private readonly linkListeners = new Set<(event: "reopened" | "disconnected") => void>();
  private link: ByteLink | undefined;
  private unsubscribe: (() => void)[] = [];
  private seq = 0;
  private closing = false;
  private everOpened = false;

  constructor(private readonly options: CcidSerialSessionOptions) {
    this.device = options.device ?? "contact-reader";
    this.clock = options.clock ?? systemClock;
    this.inbox = new Inbox(this.device, this.clock);
  }

  get isOpen(): boolean {
    return this.link?.isOpen ?? false;
  }

  onSlotChange(listener: (present: boolean) => void): () => void {
    this.slotListeners.add(listener);
    return () => this.slotListeners.delete(listener);
  }

  onLinkChange(listener: (event: "reopened" | "disconnected") => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  /** Opens the link, or reopens it after a loss; true when this was a reopen. */
  async ensureOpen(): Promise<boolean> {
    if (this.link?.isOpen) return false;
    this.closing = false;
    let link: ByteLink;
    try {
      link = await this.options.opener();
    } catch (error) {
      throw new DeviceDisconnectedError(this.device, "cannot open the reader's port", { cause: error });
    }
    this.link = link;
    this.decoder.reset();
    this.inbox.reset();
    this.unsubscribe = [
      link.onData((chunk) => this.receive(chunk)),
      link.onClose((error) => this.lost(link, error)),
    ];
    const reopened = this.everOpened;
    this.everOpened = true;
    if (reopened) {
      this.trace({ type: "reopened" });
      for (const l of [...this.linkListeners]) l("reopened");
    }
    return reopened;
  }

  async close(): Promise<void> {
    this.closing = true;
    const link = this.link;
    this.detach();
    this.inbox.fail(new DeviceDisconnectedError(this.device, "reader closed"));
    await link?.close();
  }

  /**
   * Sends one command (built with the sequence number given) and returns the reply with the same bSeq.
   * Replies with bStatus time extension restart the wait; stale replies (other bSeq) are dropped.
   */
  async transact(build: (seq: number) => Buffer, options: TransactOptions): Promise<CcidMessage> {
    await this.ensureOpen();
    this.inbox.discard();
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    const message = build(seq);
    const frame = encodeCcidSerialFrame(message);
    const name = messageTypeName(message[0]!);
    const max = this.options.maxNakRetries ?? 3;
    const maxExtensions = this.options.maxTimeExtensions ?? 256;
    let naks = 0;
    let badFrames = 0;
    let extensions = 0;
    let timeoutMs = options.timeoutMs;
    await this.write(frame);
    this.trace({ type: "tx", message: name, seq, length: message.length - 10 });
    for (;;) {
      let item: Inbound;
      try {
        item = await this.inbox.next({ timeoutMs, signal: options.signal, what: `reply to ${name}` });
      } catch (error) {
        if (error instanceof DeviceCancelledError) await this.abortCommand(options.slot, seq);
        throw error;
      }
      if (item.type === "nak") {
        this.trace({ type: "nak-received" });
        if (++naks > max)
          throw new DeviceProtocolError(this.device, `${name} refused with NAK ${naks} times`);
        await this.write(frame);
        continue;
      }
      if (item.type === "bad-lrc") {
        if (++badFrames > max)
          throw new DeviceProtocolError(this.device, `${badFrames} corrupt replies to ${name}`);
        this.trace({ type: "nak-sent" });
        await this.write(NAK_FRAME);
        continue;
      }
      if (item.type === "time-request") {
        if (++extensions > maxExtensions) {
          throw new DeviceProtocolError(this.device, `${name}: more than ${maxExtensions} time extensions`);
        }
        this.trace({ type: "time-extension" });
        timeoutMs = options.timeoutMs;
        continue;
      }
      if (item.type === "slot-change") {
        if (!item.present && options.failOnRemoval) {
          throw new CardRemovedError(this.device, `card removed during ${name}`);
        }
        continue;
      }
      let reply: CcidMessage;
      try {
        reply = decodeCcidMessage(item.message);
      } catch {
        continue;
      }
      this.trace({
        type: "rx",
        message: messageTypeName(reply.type),
        seq: reply.seq,
        length: reply.data.length,
        bStatus: reply.specific[0],
        bError: reply.specific[1],
      });
      if (reply.seq !== seq || reply.slot !== options.slot) {
        this.trace({ type: "stale-reply" });
        continue;
      }
      const state = decodeSlotState(reply.specific[0], reply.specific[1]);
      if (state.command === "time-extension") {
        if (++extensions > maxExtensions) {
          throw new DeviceProtocolError(this.device, `${name}: more than ${maxExtensions} time extensions`);
        }
        this.trace({ type: "time-extension" });
        timeoutMs = options.timeoutMs * Math.max(1, state.error);
        continue;
      }
      return reply;
    }
  }

  /** PC_to_RDR_Abort for the cancelled command; waits briefly for the reader's answer, never throws. */
  private async abortCommand(slot: number, seq: number): Promise<void> {
    try {
      await this.write(encodeCcidSerialFrame(abort(slot, seq)));
      await this.inbox.next({
        timeoutMs: this.options.abortTimeoutMs ?? 1000,
        what: "answer to Abort",
        match: (item) => item.type === "message" && item.message[6] === seq,
      });
    } catch {
      // The command is cancelled either way; a reader that does not answer Abort is reset by the next command.
    }
  }

  private async write(bytes: Buffer): Promise<void> {
    const link = this.link;
    if (!link?.isOpen) throw new DeviceDisconnectedError(this.device, "port lost");
    try {
      await link.write(bytes);
    } catch (error) {
      throw error instanceof DeviceError
        ? error
        : new DeviceDisconnectedError(this.device, "write failed", { cause: error });
    }
  }

  private receive(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      if (event.type === "skipped") {
        this.trace({ type: "skipped", count: event.count });
        continue;
      }
      if (event.type === "slot-change") {
        this.trace({ type: "slot-change", present: event.present });
        for (const l of [...this.slotListeners]) l(event.present);
      }
      this.inbox.push(event);
    }
  }

  private lost(link: ByteLink, error?: Error): void {
    if (this.link !== link) return;
    this.detach();
    this.inbox.fail(error ?? new DeviceDisconnectedError(this.device, "port closed"));
    if (!this.closing) {
      this.trace({ type: "disconnected" });
      for (const l of [...this.linkListeners]) l("disconnected");
    }
  }

  private detach(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.link = undefined;
    this.decoder.reset();
  }

  private trace(event: CcidTraceEvent): void {
    this.options.trace?.(event);
  }
}
