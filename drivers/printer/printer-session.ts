import {
  autoStatusBack,
  decodeRealtimeStatus,
  type PrinterStatus,
  type StatusEvent,
  StatusReplyDecoder,
  statusRequest,
} from "../../protocol/escpos/index.js";
import { type Clock, systemClock } from "../core/clock.js";
import { CommandQueue } from "../core/command-queue.js";
import { DeviceDisconnectedError } from "../core/device-error.js";
import { Inbox } from "../core/inbox.js";
import type { ByteLink, LinkOpener } from "../link/byte-link.js";

export type PrinterTrace =
  | { kind: "tx"; bytes: number; what: string }
  | { kind: "status"; status: PrinterStatus }
  | { kind: "asb"; status: PrinterStatus }
  | { kind: "reopen" }
  | { kind: "noise"; byte: number };

export interface PrinterSessionOptions {
  device?: string;
  clock?: Clock;
  /** Per DLE EOT reply (default 1000 ms). */
  statusTimeoutMs?: number;
  trace?: (event: PrinterTrace) => void;
}

/**
 * ESC/POS on one ByteLink: one command in flight (job bytes or a status query), DLE EOT replies taken
 * from an Inbox with a per-reply timeout on the injected clock, ASB blocks handed to listeners whenever
 * they arrive (they interleave with replies). After the link disappears, the next command reopens it
 * through the LinkOpener and re-enables ASB.
 */
export class PrinterSession {
  readonly device: string;
  private readonly clock: Clock;
  private readonly queue: CommandQueue;
  private readonly replies: Inbox<number>;
  private readonly asbListeners = new Set<(status: PrinterStatus) => void>();
  private readonly timeoutMs: number;
  private link: ByteLink | undefined;
  private decoder = new StatusReplyDecoder();
  private unsubscribe: (() => void)[] = [];
  private closed = false;
  private autoStatus = false;

  constructor(
    private readonly opener: LinkOpener,
    private readonly options: PrinterSessionOptions = {},
  ) {
    this.device = options.device ?? "printer";
    this.clock = options.clock ?? systemClock;
    this.queue = new CommandQueue(this.device);
    this.replies = new Inbox<number>(this.device, this.clock);
    this.timeoutMs = options.statusTimeoutMs ?? 1000;
  }

  /** The open link (opened on first use), e.g. to ask whether it can read. */
  async open(): Promise<ByteLink> {
    if (this.closed) throw new DeviceDisconnectedError(this.device, "session closed");
    if (this.link?.isOpen) return this.link;
    const reopening = this.link !== undefined;
    const link = await this.opener();
    this.attach(link);
    if (reopening) {
      this.options.trace?.({ kind: "reopen" });
      // A printer that lost power forgot GS a; the session remembers it was wanted.
      if (this.autoStatus) await link.write(autoStatusBack(true));
    }
    return link;
  }

  /** Subscribes to ASB status blocks (after `enableAutoStatus`). */
  onAutoStatus(listener: (status: PrinterStatus) => void): () => void {
    this.asbListeners.add(listener);
    return () => this.asbListeners.delete(listener);
  }

  enableAutoStatus(signal?: AbortSignal): Promise<void> {
    this.autoStatus = true;
    return this.queue.run(() => this.send(autoStatusBack(true), "GS a FF"), signal);
  }

  /** Sends job bytes; resolves when the link has taken them. */
  write(bytes: Buffer, what: string, signal?: AbortSignal): Promise<void> {
    return this.queue.run(() => this.send(bytes, what), signal);
  }

  /** DLE EOT 1, 2, 3, 4 in turn, each awaited, combined into a status. */
  queryStatus(signal?: AbortSignal): Promise<PrinterStatus> {
    return this.queue.run(async () => {
      this.replies.discard();
      const bytes: number[] = [];
      for (const n of [1, 2, 3, 4] as const) {
        await this.send(statusRequest(n), `DLE EOT ${n}`);
        bytes.push(
          await this.replies.next({
            timeoutMs: this.timeoutMs,
            what: `DLE EOT ${n} reply`,
            ...(signal ? { signal } : {}),
          }),
        );
      }
      const status = decodeRealtimeStatus({
        printer: bytes[0]!,
        offlineCause: bytes[1]!,
        errorCause: bytes[2]!,
        paperSensor: bytes[3]!,
      });
      this.options.trace?.({ kind: "status", status });
      return status;
    }, signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.detach();
    this.replies.fail(new DeviceDisconnectedError(this.device, "session closed"));
    await this.link?.close();
  }

  private async send(bytes: Buffer, what: string): Promise<void> {
    const link = await this.open();
    this.options.trace?.({ kind: "tx", bytes: bytes.length, what });
    await link.write(bytes);
  }

  private attach(link: ByteLink): void {
    this.detach();
    this.link = link;
    this.decoder = new StatusReplyDecoder();
    this.replies.reset();
    this.unsubscribe = [
      link.onData((chunk) => {
        for (const event of this.decoder.push(chunk)) this.dispatch(event);
      }),
      link.onClose((error) => {
        this.replies.fail(error ?? new DeviceDisconnectedError(this.device, "link closed"));
      }),
    ];
  }

  private detach(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private dispatch(event: StatusEvent): void {
    switch (event.kind) {
      case "realtime":
        this.replies.push(event.byte);
        return;
      case "asb":
        this.options.trace?.({ kind: "asb", status: event.status });
        for (const listener of [...this.asbListeners]) listener(event.status);
        return;
      case "other":
        this.options.trace?.({ kind: "noise", byte: event.byte });
        return;
    }
  }
}
