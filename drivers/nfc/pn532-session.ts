import { commands, Pn532CommandCode, type Pn532CommandName } from "../../protocol/pn532/commands.js";
import { Pn532Decoder, type Pn532Event } from "../../protocol/pn532/decoder.js";
import { ACK_FRAME, encodeCommandFrame, NACK_FRAME, TFI_PN532_TO_HOST } from "../../protocol/pn532/frame.js";
import type { Clock } from "../core/clock.js";
import { systemClock } from "../core/clock.js";
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
import { Pn532SyntaxError } from "./nfc-errors.js";

/**
 * HSU wake-up (libnfc pn532_uart_wakeup): 55 55 then zeros, after which the PN532 leaves power-down;
 * a C106 boots in LowVbat and only SAMConfiguration brings it to Normal mode.
 */
export const WAKE_UP_BYTES: Readonly<Buffer> = Buffer.from([0x55, 0x55, ...new Array<number>(14).fill(0)]);

/** Response time limits per command class. RF commands last as long as the RF operation itself. */
export const DEFAULT_RESPONSE_TIMEOUTS: Readonly<Record<Pn532CommandName, number>> = {
  GetFirmwareVersion: 100,
  SAMConfiguration: 100,
  SetParameters: 100,
  RFConfiguration: 100,
  // Bounded because the reader limits MxRtyPassiveActivation; one activation cycle is tens of ms.
  InListPassiveTarget: 1000,
  // EMV cards may stretch GENERATE AC with WTX; the PN532 handles WTX and answers when the card does.
  InDataExchange: 3000,
  InRelease: 200,
  InDeselect: 200,
  // libnfc pn53x_Diagnose06 allows 1000 ms per try.
  Diagnose: 1000,
};

export type Pn532SessionState = "closed" | "waking" | "idle" | "awaitAck" | "awaitResponse" | "disconnected";

/** What the session reports through `trace`: sizes and codes only, never APDU bytes (they carry the PAN). */
export type Pn532TraceEvent =
  | { type: "tx"; command: string; bytes: number }
  | { type: "rx"; command: string; bytes: number; extended: boolean }
  | { type: "wake" }
  | { type: "nack"; attempt: number }
  | { type: "abort"; reason: "cancelled" | "timeout" }
  | { type: "resync"; event: string }
  | { type: "disconnected" }
  | { type: "reopened" };

export interface Pn532Counters {
  nacksSent: number;
  aborts: number;
  ackTimeouts: number;
  resyncs: number;
  reopens: number;
}

export interface Pn532SessionOptions {
  /** Opens (and after a disconnect re-opens) the link to the PN532. */
  open: LinkOpener;
  clock?: Clock;
  /** Device name in errors ("nfc"). */
  device?: string;
  /** ACK wait per command. The PN532 ACKs within a couple of ms (Seeed waits 10 ms); default 15. */
  ackTimeoutMs?: number;
  /** Pause after the wake-up bytes, for the PN532's oscillator to start. Default 2 ms. */
  wakeDelayMs?: number;
  /** NACKs sent for one response with a bad checksum before giving up. Default 3. */
  maxNacks?: number;
  responseTimeouts?: Partial<Record<Pn532CommandName, number>>;
  /** Runs after every wake-up (first open and each reopen) inside the command slot: reader settings. */
  initialise?: (exchange: Pn532Exchange) => Promise<void>;
  trace?: (event: Pn532TraceEvent) => void;
}

export interface ExchangeOptions {
  signal?: AbortSignal;
  /** Overrides the command class's response timeout. */
  timeoutMs?: number;
  /**
   * Safe to send again when no ACK came back (default: every command except InDataExchange, which
   * carries an APDU the card may already have executed if only the ACK was lost).
   */
  idempotent?: boolean;
}

/** One command → its response payload (code = command + 1), inside the slot the caller holds. */
export type Pn532Exchange = (payload: Buffer, options?: ExchangeOptions) => Promise<Buffer>;

const NAMES = new Map<number, Pn532CommandName>(
  Object.entries(Pn532CommandCode).map(([name, code]) => [code, name as Pn532CommandName]),
);

/**
 * The PN532 over HSU: wake-up, one command in flight, ACK per command, NACK on a corrupted response,
 * abort (an ACK frame) on cancellation or timeout, reopen + re-wake after the port disappears.
 * States: closed → waking → idle → awaitAck → awaitResponse → idle; any → disconnected on link loss.
 */
export class Pn532Session {
  readonly counters: Pn532Counters = { nacksSent: 0, aborts: 0, ackTimeouts: 0, resyncs: 0, reopens: 0 };
  private readonly device: string;
  private readonly clock: Clock;
  private readonly queue: CommandQueue;
  private readonly inbox: Inbox<Pn532Event>;
  private readonly decoder = new Pn532Decoder();
  private readonly disconnectListeners = new Set<(error: Error) => void>();
  private link: ByteLink | undefined;
  private unsubscribe: (() => void)[] = [];
  private currentState: Pn532SessionState = "closed";
  private needsWake = true;
  private opened = false;

  constructor(private readonly options: Pn532SessionOptions) {
    this.device = options.device ?? "nfc";
    this.clock = options.clock ?? systemClock;
    this.queue = new CommandQueue(this.device);
    this.inbox = new Inbox(this.device, this.clock);
  }

  get state(): Pn532SessionState {
    return this.currentState;
  }

  /** Opens the link, wakes the PN532 and puts it in Normal mode (SAMConfiguration). */
  open(): Promise<void> {
    this.opened = true;
    return this.queue.run(() => this.ensureReady());
  }

  /** Sends one command and returns its response payload. */
  send(payload: Buffer, options: ExchangeOptions = {}): Promise<Buffer> {
    return this.run((exchange) => exchange(payload, options), options.signal);
  }

  /**
   * Holds the command slot for a sequence that must not be interleaved (MI chaining of one APDU),
   * reopening and re-waking first if the link went away.
   */
  run<T>(work: (exchange: Pn532Exchange) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.queue.run(async () => {
      if (!this.opened) throw new DeviceError(this.device, "not open");
      await this.ensureReady();
      return work((payload, options) => this.transceive(payload, options ?? {}));
    }, signal);
  }

  onDisconnect(listener: (error: Error) => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.opened = false;
    const link = this.link;
    this.detach();
    this.currentState = "closed";
    this.inbox.fail(new DeviceError(this.device, "closed"));
    await link?.close();
  }

  private async ensureReady(): Promise<void> {
    if (!this.link) {
      const reopening = this.currentState === "disconnected";
      try {
        this.attach(await this.options.open());
      } catch (error) {
        throw new DeviceDisconnectedError(this.device, `cannot open the link: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (reopening) {
        this.counters.reopens++;
        this.options.trace?.({ type: "reopened" });
      }
    }
    if (this.needsWake) await this.wake();
  }

  private attach(link: ByteLink): void {
    this.link = link;
    this.inbox.reset();
    this.decoder.reset();
    this.needsWake = true;
    this.currentState = "waking";
    this.unsubscribe = [
      link.onData((chunk) => this.receive(chunk)),
      link.onClose((error) => this.lost(error)),
    ];
  }

  private detach(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.link = undefined;
  }

  private lost(error?: Error): void {
    this.detach();
    this.needsWake = true;
    this.currentState = "disconnected";
    const reason = new DeviceDisconnectedError(this.device, "link lost", { cause: error });
    this.inbox.fail(reason);
    this.options.trace?.({ type: "disconnected" });
    for (const listener of [...this.disconnectListeners]) listener(reason);
  }

  private receive(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      if (
        event.type === "skipped" ||
        event.type === "bad-frame" ||
        (event.type === "checksum-error" && event.field === "LCS")
      ) {
        // Garbage or a header we cannot trust: drop it and let the frame hunt go on.
        this.counters.resyncs++;
        this.options.trace?.({ type: "resync", event: event.type });
        continue;
      }
      if (event.type === "frame") {
        this.options.trace?.({
          type: "rx",
          command: NAMES.get(event.payload[0]! - 1) ?? "unknown",
          bytes: event.payload.length + 1,
          extended: event.extended,
        });
      }
      this.inbox.push(event);
    }
  }

  /** Wake-up bytes, a pause on the clock, then SAMConfiguration normal mode and the reader's settings. */
  private async wake(): Promise<void> {
    this.currentState = "waking";
    this.options.trace?.({ type: "wake" });
    await this.write(WAKE_UP_BYTES);
    const delay = this.options.wakeDelayMs ?? 2;
    if (delay > 0) await new Promise<void>((resolve) => this.clock.setTimeout(resolve, delay));
    await this.transceive(commands.samConfigurationNormal(), { idempotent: false });
    this.needsWake = false;
    await this.options.initialise?.((payload, options) => this.transceive(payload, options ?? {}));
    this.currentState = "idle";
  }

  private async write(bytes: Buffer): Promise<void> {
    const link = this.link;
    if (!link) throw new DeviceDisconnectedError(this.device, "link lost");
    await link.write(bytes);
  }

  private async transceive(payload: Buffer, options: ExchangeOptions): Promise<Buffer> {
    const code = payload[0]!;
    const name = NAMES.get(code) ?? `command ${code.toString(16)}`;
    const idempotent = options.idempotent ?? code !== Pn532CommandCode.InDataExchange;
    const frame = encodeCommandFrame(payload);
    for (let attempt = 0; ; attempt++) {
      // Stale replies of an earlier (timed-out, aborted) command must never answer this one.
      this.inbox.discard();
      this.decoder.reset();
      this.currentState = "awaitAck";
      this.options.trace?.({ type: "tx", command: name, bytes: payload.length + 1 });
      await this.write(frame);
      try {
        await this.inbox.next({
          timeoutMs: this.options.ackTimeoutMs ?? 15,
          signal: options.signal,
          match: (e) => e.type === "ack",
          what: `ACK to ${name}`,
        });
      } catch (error) {
        if (error instanceof DeviceCancelledError) await this.abort("cancelled");
        if (!(error instanceof DeviceTimeoutError)) throw error;
        this.counters.ackTimeouts++;
        // No ACK: the PN532 did not take the frame (asleep, reset, bytes lost). Wake it before the next
        // command; resend now only what is safe to repeat.
        this.needsWake = true;
        if (!idempotent || attempt > 0 || code === Pn532CommandCode.SAMConfiguration) throw error;
        await this.wake();
        continue;
      }
      this.currentState = "awaitResponse";
      const response = await this.awaitResponse(code, name, options);
      this.currentState = "idle";
      return response;
    }
  }

  private async awaitResponse(code: number, name: string, options: ExchangeOptions): Promise<Buffer> {
    const timeoutMs =
      options.timeoutMs ??
      this.options.responseTimeouts?.[name as Pn532CommandName] ??
      DEFAULT_RESPONSE_TIMEOUTS[name as Pn532CommandName] ??
      1000;
    const deadline = this.clock.now() + timeoutMs;
    for (let nacks = 0; ; ) {
      let event: Pn532Event;
      try {
        event = await this.inbox.next({
          timeoutMs: Math.max(0, deadline - this.clock.now()),
          signal: options.signal,
          what: `response to ${name}`,
          match: (e) =>
            (e.type === "frame" && e.tfi === TFI_PN532_TO_HOST && e.payload[0] === code + 1) ||
            e.type === "error-frame" ||
            e.type === "checksum-error",
        });
      } catch (error) {
        if (error instanceof DeviceCancelledError) await this.abort("cancelled");
        else if (error instanceof DeviceTimeoutError) await this.abort("timeout");
        throw error;
      }
      if (event.type === "frame") return event.payload;
      if (event.type === "error-frame") {
        this.currentState = "idle";
        throw new Pn532SyntaxError(this.device, `the PN532 rejected ${name} (syntax error frame)`);
      }
      if (nacks >= (this.options.maxNacks ?? 3)) {
        await this.abort("timeout");
        throw new DeviceProtocolError(
          this.device,
          `response to ${name} still corrupted after ${nacks} NACKs`,
        );
      }
      nacks++;
      this.counters.nacksSent++;
      this.options.trace?.({ type: "nack", attempt: nacks });
      this.decoder.reset();
      await this.write(NACK_FRAME);
    }
  }

  /** The PN532's abort: an ACK frame from the host stops the command in progress (libnfc abort_command). */
  private async abort(reason: "cancelled" | "timeout"): Promise<void> {
    this.counters.aborts++;
    this.options.trace?.({ type: "abort", reason });
    this.currentState = "idle";
    try {
      await this.write(ACK_FRAME);
    } catch {
      // The link is gone; the disconnect is reported on its own.
    }
  }
}
