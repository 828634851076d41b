import { decodeNotification } from "../../protocol/pinpad/commands/notification.js";
import { isTamperEvent } from "../../protocol/pinpad/commands/tamper.js";
import { ACK, CAN, EOT, NAK } from "../../protocol/pinpad/control.js";
import { encodeFrame } from "../../protocol/pinpad/frame.js";
import { PinPadFrameDecoder } from "../../protocol/pinpad/frame-decoder.js";
import {
  decodeResponse,
  encodeCommand,
  type PinPadCommand,
  type PinPadResponse,
} from "../../protocol/pinpad/message.js";
import { type Clock, systemClock } from "../core/clock.js";
import { CommandQueue } from "../core/command-queue.js";
import {
  DeviceCancelledError,
  DeviceDisconnectedError,
  DeviceError,
  DeviceProtocolError,
  DeviceTimeoutError,
} from "../core/device-error.js";
import { Inbox } from "../core/inbox.js";
import type { ByteLink, LinkOpener } from "../link/byte-link.js";

/** What the session tells an optional tracer: directions and kinds, never payloads (PAN, PIN block). */
export type PinPadTraceEvent =
  | { direction: "out"; kind: "command"; command: string; attempt: number; bytes: number }
  | { direction: "out"; kind: "nak" | "can" }
  | { direction: "in"; kind: "ack" | "nak" | "eot" | "notification" | "tamper" }
  | { direction: "in"; kind: "response"; command: string; status: number; bytes: number }
  | { direction: "in"; kind: "corrupt"; reason: string }
  | { direction: "in"; kind: "skipped"; bytes: number }
  | { direction: "link"; kind: "opened" | "reopened" | "lost" };

export interface PinPadCounters {
  commands: number;
  resends: number;
  naksReceived: number;
  naksSent: number;
  corruptFrames: number;
  skippedBytes: number;
  cancels: number;
  reopens: number;
}

export interface PinPadSessionOptions {
  opener: LinkOpener;
  clock?: Clock;
  /** Names the device in errors; default "pinpad". */
  device?: string;
  trace?: (event: PinPadTraceEvent) => void;
  /** ABECS: the pad ACKs/NAKs within 2 s. */
  ackTimeoutMs?: number;
  /** ABECS: non-blocking commands answer within 10 s. */
  responseTimeoutMs?: number;
  /** ABECS: EOT within 2 s of CAN. */
  canTimeoutMs?: number;
  /** Transmissions of a command (and NAKs of a response, and CANs) before giving up; ABECS: 3. */
  maxAttempts?: number;
  /** Runs on the new link after a reopen, before the command that triggered it (e.g. OPN). */
  onReopen?: (exchange: Exchange) => Promise<void>;
  /** The pad reported tamper (an unsolicited TMP frame, at any time): its keys are already gone. */
  onTamper?: () => void;
}

export interface ExchangeOptions {
  /** Time the pad has to answer once it has ACKed; default responseTimeoutMs. */
  responseTimeoutMs?: number;
  signal?: AbortSignal;
  /** NTM notifications while the command runs. */
  onNotification?: (lines: [string, string]) => void;
}

export type Exchange = (command: PinPadCommand, options?: ExchangeOptions) => Promise<PinPadResponse>;

type Inbound =
  | { kind: "ack" | "nak" | "eot" }
  | { kind: "response"; response: PinPadResponse; bytes: number }
  | { kind: "notification"; lines: [string, string] }
  | { kind: "tamper" }
  | { kind: "corrupt"; reason: string }
  | { kind: "malformed"; error: Error };

/** Session states, for observability and tests. */
export type PinPadSessionState = "closed" | "idle" | "awaiting-ack" | "awaiting-response" | "cancelling";

/**
 * One ABECS conversation on a ByteLink (§4.2): one command in flight; the pad must ACK within 2 s,
 * else the command is resent (3 transmissions, NAK likewise); a response with a bad CRC is NAKed and
 * the resend awaited (3 NAKs); an AbortSignal becomes CAN, which the pad confirms with EOT (CAN resent
 * up to 3 times, other bytes ignored meanwhile). A vanished link fails the command in flight; the next
 * command reopens it through the LinkOpener and runs `onReopen` first.
 */
export class PinPadSession {
  readonly counters: PinPadCounters = {
    commands: 0,
    resends: 0,
    naksReceived: 0,
    naksSent: 0,
    corruptFrames: 0,
    skippedBytes: 0,
    cancels: 0,
    reopens: 0,
  };
  private readonly device: string;
  private readonly clock: Clock;
  private readonly queue: CommandQueue;
  private readonly inbox: Inbox<Inbound>;
  private readonly decoder = new PinPadFrameDecoder();
  private readonly ackTimeoutMs: number;
  private readonly responseTimeoutMs: number;
  private readonly canTimeoutMs: number;
  private readonly maxAttempts: number;
  private link: ByteLink | undefined;
  private unsubscribe: (() => void)[] = [];
  private everOpened = false;
  private current: { controller: AbortController; done: Promise<unknown> } | undefined;
  private stateValue: PinPadSessionState = "closed";

  constructor(private readonly options: PinPadSessionOptions) {
    this.device = options.device ?? "pinpad";
    this.clock = options.clock ?? systemClock;
    this.queue = new CommandQueue(this.device);
    this.inbox = new Inbox<Inbound>(this.device, this.clock);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 2000;
    this.responseTimeoutMs = options.responseTimeoutMs ?? 10_000;
    this.canTimeoutMs = options.canTimeoutMs ?? 2000;
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  get state(): PinPadSessionState {
    return this.stateValue;
  }

  get isOpen(): boolean {
    return this.link?.isOpen ?? false;
  }

  /** Opens the link now (commands also open it on demand). */
  connect(): Promise<void> {
    return this.queue.run(() => this.ensureLink());
  }

  /** Sends a command and returns the pad's response (any status: the caller interprets it). */
  exchange(command: PinPadCommand, options: ExchangeOptions = {}): Promise<PinPadResponse> {
    return this.queue.run(async () => {
      const controller = new AbortController();
      const signal = options.signal
        ? AbortSignal.any([options.signal, controller.signal])
        : controller.signal;
      const run = (async () => {
        await this.ensureLink();
        return this.transact(command, { ...options, signal });
      })();
      const slot = { controller, done: run.catch(() => undefined) };
      this.current = slot;
      try {
        return await run;
      } finally {
        if (this.current === slot) this.current = undefined;
      }
    }, options.signal);
  }

  /**
   * Cancels the command in flight (its caller gets DeviceCancelledError once the pad confirmed with
   * EOT). With nothing in flight, sends CAN anyway: the pad answers EOT even when idle, which resets
   * whatever it was doing.
   */
  async cancel(): Promise<void> {
    const current = this.current;
    if (current) {
      current.controller.abort();
      await current.done;
      return;
    }
    await this.queue.run(async () => {
      await this.ensureLink();
      this.inbox.discard();
      if (!(await this.cancelOnWire())) {
        throw new DeviceProtocolError(this.device, `no EOT after ${this.maxAttempts} CAN`);
      }
    });
  }

  /** Closes the link; a later command reopens it. Idempotent. */
  async close(): Promise<void> {
    const link = this.link;
    // A deliberate close: the next open is a fresh start, not a reopen after a loss.
    this.everOpened = false;
    this.detach(new DeviceDisconnectedError(this.device, "session closed"));
    await link?.close();
  }

  private async ensureLink(): Promise<void> {
    if (this.link?.isOpen) return;
    const reopening = this.everOpened;
    let link: ByteLink;
    try {
      link = await this.options.opener();
    } catch (error) {
      throw error instanceof DeviceError
        ? error
        : new DeviceDisconnectedError(this.device, "cannot open the link", { cause: error });
    }
    this.attach(link);
    this.everOpened = true;
    if (reopening) {
      this.counters.reopens++;
      this.trace({ direction: "link", kind: "reopened" });
      if (this.options.onReopen) await this.options.onReopen((c, o) => this.transact(c, o ?? {}));
    } else {
      this.trace({ direction: "link", kind: "opened" });
    }
  }

  private attach(link: ByteLink): void {
    this.detach();
    this.link = link;
    this.decoder.reset();
    this.inbox.reset();
    this.stateValue = "idle";
    this.unsubscribe = [
      link.onData((chunk) => this.receive(chunk)),
      link.onClose((error) => {
        if (this.link !== link) return;
        this.trace({ direction: "link", kind: "lost" });
        this.detach(
          error instanceof DeviceDisconnectedError
            ? error
            : new DeviceDisconnectedError(this.device, "link closed", { cause: error }),
        );
      }),
    ];
  }

  private detach(failure?: Error): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.link = undefined;
    this.decoder.reset();
    this.stateValue = "closed";
    if (failure) this.inbox.fail(failure);
  }

  private receive(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      switch (event.type) {
        case "control":
          if (event.byte === ACK) this.deliver({ kind: "ack" });
          else if (event.byte === NAK) this.deliver({ kind: "nak" });
          else if (event.byte === EOT) this.deliver({ kind: "eot" });
          break;
        case "skipped":
          this.counters.skippedBytes += event.count;
          this.trace({ direction: "in", kind: "skipped", bytes: event.count });
          break;
        case "bad-crc":
          event.data.fill(0);
          this.deliver({ kind: "corrupt", reason: "bad CRC" });
          break;
        case "bad-frame":
          this.deliver({ kind: "corrupt", reason: event.reason });
          break;
        case "frame":
          this.deliver(this.parse(event.data));
          break;
      }
    }
  }

  private parse(data: Buffer): Inbound {
    try {
      const response = decodeResponse(data);
      if (response.id === "NTM") return { kind: "notification", lines: decodeNotification(response) };
      if (isTamperEvent(response)) return { kind: "tamper" };
      return { kind: "response", response, bytes: data.length };
    } catch (error) {
      return { kind: "malformed", error: error as Error };
    }
  }

  private deliver(item: Inbound): void {
    if (item.kind === "tamper") {
      // Out of band: never an answer to the command in flight, so it never enters the inbox.
      this.trace({ direction: "in", kind: "tamper" });
      try {
        this.options.onTamper?.();
      } catch {
        // The listener's failure must not break the conversation.
      }
      return;
    }
    if (item.kind === "corrupt") {
      this.counters.corruptFrames++;
      this.trace({ direction: "in", kind: "corrupt", reason: item.reason });
    } else if (item.kind === "response") {
      const { id, status } = item.response;
      this.trace({ direction: "in", kind: "response", command: id, status, bytes: item.bytes });
    } else if (item.kind !== "malformed") {
      this.trace({ direction: "in", kind: item.kind });
    }
    this.inbox.push(item);
  }

  /** One command on the wire: send until ACKed, then wait for its response (NAKing corrupt ones). */
  private async transact(command: PinPadCommand, options: ExchangeOptions): Promise<PinPadResponse> {
    const signal = options.signal;
    // Stale input (a late reply, half a packet) must never answer this command.
    this.inbox.discard();
    this.decoder.reset();
    this.counters.commands++;
    const packet = encodeFrame(encodeCommand(command));
    try {
      await this.sendUntilAcked(command.id, packet, signal);
      return await this.awaitResponse(command.id, options);
    } finally {
      packet.fill(0);
      if (this.link) this.stateValue = "idle";
    }
  }

  private async sendUntilAcked(id: string, packet: Buffer, signal: AbortSignal | undefined): Promise<void> {
    let naks = 0;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) this.counters.resends++;
      this.stateValue = "awaiting-ack";
      await this.write(packet);
      this.trace({ direction: "out", kind: "command", command: id, attempt, bytes: packet.length });
      try {
        const reply = await this.inbox.next({
          timeoutMs: this.ackTimeoutMs,
          match: (item) => item.kind === "ack" || item.kind === "nak",
          what: `ACK to ${id}`,
          ...(signal ? { signal } : {}),
        });
        if (reply.kind === "ack") return;
        naks++;
        this.counters.naksReceived++;
      } catch (error) {
        if (error instanceof DeviceTimeoutError) continue;
        throw await this.onWaitFailure(error, id, signal);
      }
    }
    if (naks === this.maxAttempts) {
      throw new DeviceProtocolError(this.device, `${id} refused: NAK ${naks} times`);
    }
    throw new DeviceTimeoutError(this.device, `no ACK to ${id} after ${this.maxAttempts} attempts`);
  }

  private async awaitResponse(id: string, options: ExchangeOptions): Promise<PinPadResponse> {
    const signal = options.signal;
    const deadline = this.clock.now() + (options.responseTimeoutMs ?? this.responseTimeoutMs);
    let naks = 0;
    for (;;) {
      this.stateValue = "awaiting-response";
      let item: Inbound;
      try {
        item = await this.inbox.next({
          timeoutMs: Math.max(1, deadline - this.clock.now()),
          match: (i) => i.kind !== "ack" && i.kind !== "nak" && i.kind !== "eot",
          what: `response to ${id}`,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        throw await this.onWaitFailure(error, id, signal);
      }
      switch (item.kind) {
        case "notification":
          this.notify(options, item.lines);
          continue;
        case "corrupt":
          if (naks === this.maxAttempts) {
            await this.cancelOnWire().catch(() => false);
            throw new DeviceProtocolError(this.device, `response to ${id} still corrupt after ${naks} NAKs`);
          }
          naks++;
          this.counters.naksSent++;
          await this.write(Buffer.from([NAK]));
          this.trace({ direction: "out", kind: "nak" });
          continue;
        case "malformed":
          throw new DeviceProtocolError(this.device, `malformed response to ${id}: ${item.error.message}`, {
            cause: item.error,
          });
        case "response":
          // A response to another command is stale (a command that timed out earlier): skip it.
          if (item.response.id === id || item.response.id === "ERR") return item.response;
          continue;
        default:
          continue;
      }
    }
  }

  /**
   * A wait ended without a reply. Cancelled by the caller: CAN, then DeviceCancelledError (or a protocol
   * error when the pad never confirmed). Timed out: CAN so the pad stops waiting too, then the timeout.
   */
  private async onWaitFailure(error: unknown, id: string, signal: AbortSignal | undefined): Promise<Error> {
    if (error instanceof DeviceDisconnectedError) return error;
    if (error instanceof DeviceCancelledError && signal?.aborted) {
      const confirmed = await this.cancelOnWire();
      if (!confirmed) {
        return new DeviceProtocolError(
          this.device,
          `${id} cancelled, but no EOT after ${this.maxAttempts} CAN`,
        );
      }
      return new DeviceCancelledError(this.device, `${id} cancelled; the pad confirmed with EOT`);
    }
    if (error instanceof DeviceTimeoutError) {
      await this.cancelOnWire().catch(() => false);
      return error;
    }
    return error instanceof Error ? error : new DeviceError(this.device, String(error));
  }

  /** CAN until EOT (up to maxAttempts); other input meanwhile is left for discard(). */
  private async cancelOnWire(): Promise<boolean> {
    this.stateValue = "cancelling";
    this.counters.cancels++;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      await this.write(Buffer.from([CAN]));
      this.trace({ direction: "out", kind: "can" });
      try {
        await this.inbox.next({ timeoutMs: this.canTimeoutMs, match: (i) => i.kind === "eot", what: "EOT" });
        return true;
      } catch (error) {
        if (!(error instanceof DeviceTimeoutError)) throw error;
      }
    }
    return false;
  }

  private notify(options: ExchangeOptions, lines: [string, string]): void {
    try {
      options.onNotification?.(lines);
    } catch {
      // A failing screen update must never break PIN entry.
    }
  }

  private async write(bytes: Buffer): Promise<void> {
    const link = this.link;
    if (!link?.isOpen) throw new DeviceDisconnectedError(this.device, "link closed");
    await link.write(bytes);
  }

  private trace(event: PinPadTraceEvent): void {
    try {
      this.options.trace?.(event);
    } catch {
      // Tracing is best effort.
    }
  }
}
