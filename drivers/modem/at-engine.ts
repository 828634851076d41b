import { AtParser, type AtParserOptions } from "../../protocol/at/at-parser.js";
import { AT_TIMEOUTS, type AtCommand } from "../../protocol/at/command.js";
import type { AtEvent, AtFinal, AtInfo, AtUrc } from "../../protocol/at/events.js";
import { type Clock, type ClockTimer, systemClock } from "../core/clock.js";
import { CommandQueue } from "../core/command-queue.js";
import {
  DeviceCancelledError,
  DeviceDisconnectedError,
  DeviceError,
  DeviceTimeoutError,
} from "../core/device-error.js";
import { Inbox } from "../core/inbox.js";
import type { ByteLink } from "../link/byte-link.js";
import { AtCommandError } from "./modem-errors.js";

/** What a command answered: its information lines (with payloads) and its final result. */
export interface AtResponse {
  info: AtInfo[];
  final: AtFinal;
}

/** Trace of the AT traffic. Payload bytes are never included (they may carry a PAN): only their length. */
export type AtTraceEvent =
  | { type: "tx"; text: string; payloadBytes?: number }
  | { type: "rx"; event: AtEvent["kind"]; text: string; payloadBytes?: number }
  | { type: "resync"; reason: string }
  | { type: "fault"; message: string };

export interface AtEngineOptions {
  device?: string;
  clock?: Clock;
  trace?: (event: AtTraceEvent) => void;
  parser?: AtParserOptions;
}

type CommandEvent = Exclude<AtEvent, AtUrc | { kind: "fault" }>;

const ESC = Buffer.from([0x1b]);
/** The probe sent after a timeout: its `+CSQ:` line proves that what follows belongs to us. */
const RESYNC_PROBE: AtCommand = { text: "AT+CSQ", prefix: "+CSQ", timeoutMs: AT_TIMEOUTS.default };

/**
 * The AT engine on one ByteLink: one command in flight (CommandQueue), its reply collected from the
 * Inbox with the command's own time limit on the injected Clock, `> ` prompt then payload, URCs
 * dispatched to subscribers the moment they are parsed (even between a command's lines and its OK).
 *
 * After a timeout or a cancel the module may still answer the old command; the next command is
 * preceded by a resync probe (AT+CSQ) whose own `+CSQ:` line must arrive before its OK, so a late
 * OK/ERROR is recognised as stale and never answers the next command (atat / warthog618 pattern).
 */
export class AtEngine {
  readonly device: string;
  private readonly clock: Clock;
  private readonly trace: ((event: AtTraceEvent) => void) | undefined;
  private readonly parser: AtParser;
  private readonly queue: CommandQueue;
  private readonly inbox: Inbox<CommandEvent>;
  private readonly urcListeners = new Set<(urc: AtUrc) => void>();
  private readonly closeListeners = new Set<(error?: Error) => void>();
  private link: ByteLink | undefined;
  private unsubscribe: (() => void)[] = [];
  private needsResync = false;
  /** Dropped-input counters, for the self-test report. */
  readonly counters = { faults: 0, staleFinals: 0, timeouts: 0, resyncs: 0 };

  constructor(link: ByteLink, options: AtEngineOptions = {}) {
    this.device = options.device ?? "modem";
    this.clock = options.clock ?? systemClock;
    this.trace = options.trace;
    this.parser = new AtParser(options.parser);
    this.queue = new CommandQueue(this.device);
    this.inbox = new Inbox<CommandEvent>(this.device, this.clock);
    this.attach(link);
  }

  get isOpen(): boolean {
    return this.link?.isOpen ?? false;
  }

  /** Binds a (re)opened link: parser and inbox start clean, the old link is forgotten. */
  attach(link: ByteLink): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.link = link;
    this.parser.reset();
    this.inbox.reset();
    this.needsResync = false;
    this.unsubscribe.push(
      link.onData((chunk) => this.receive(chunk)),
      link.onClose((error) => {
        if (this.link !== link) return;
        const reason = new DeviceDisconnectedError(this.device, "AT port closed", { cause: error });
        this.inbox.fail(reason);
        for (const listener of [...this.closeListeners]) listener(error ?? reason);
      }),
    );
  }

  /** Subscribes to every URC; returns the unsubscribe function. Listener errors are contained. */
  onUrc(listener: (urc: AtUrc) => void): () => void {
    this.urcListeners.add(listener);
    return () => this.urcListeners.delete(listener);
  }

  /** Subscribes to the link going away. */
  onClose(listener: (error?: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Starts waiting for a URC now (before the command that provokes it is sent, so a URC arriving in
   * the same chunk as the OK is not missed). `cancel()` stops waiting.
   */
  expectUrc(
    match: (urc: AtUrc) => boolean,
    options: { timeoutMs: number; what: string; signal?: AbortSignal },
  ): { promise: Promise<AtUrc>; cancel: () => void } {
    let cancel = () => {};
    const promise = new Promise<AtUrc>((resolve, reject) => {
      let timer: ClockTimer | undefined;
      const done = () => {
        off();
        offClose();
        if (timer) this.clock.clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      };
      const off = this.onUrc((urc) => {
        if (!match(urc)) return;
        done();
        resolve(urc);
      });
      const offClose = this.onClose(() => {
        done();
        reject(new DeviceDisconnectedError(this.device, `port closed waiting for ${options.what}`));
      });
      const onAbort = () => {
        done();
        reject(new DeviceCancelledError(this.device, `cancelled waiting for ${options.what}`));
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      timer = this.clock.setTimeout(() => {
        done();
        reject(new DeviceTimeoutError(this.device, `no ${options.what} within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      cancel = () => {
        done();
        reject(new DeviceCancelledError(this.device, `stopped waiting for ${options.what}`));
      };
    });
    promise.catch(() => {});
    return { promise, cancel };
  }

  /**
   * Runs one command; resolves with its info lines when the final result is a success, rejects with
   * AtCommandError (ERROR, +CME ERROR, SEND FAIL…), DeviceTimeoutError, DeviceCancelledError or
   * DeviceDisconnectedError.
   */
  run(command: AtCommand, options: { signal?: AbortSignal } = {}): Promise<AtResponse> {
    return this.queue.run(() => this.execute(command, options.signal), options.signal);
  }

  async close(): Promise<void> {
    await this.link?.close();
  }

  private async execute(command: AtCommand, signal: AbortSignal | undefined): Promise<AtResponse> {
    if (!this.link?.isOpen)
      throw new DeviceDisconnectedError(this.device, `AT port closed before ${command.text}`);
    if (this.needsResync) await this.resync(signal, command);
    const response = await this.exchange(command, signal, false);
    const { final } = response;
    if (!final.success) {
      const detail = final.error ? `${final.code}: ${final.error.text}` : final.code;
      throw new AtCommandError(this.device, command.text, final.code, final.error?.code, detail);
    }
    return response;
  }

  /** Sends one command and collects its reply, mapping timeout/cancel onto the wire (ESC). */
  private async exchange(
    command: AtCommand,
    signal: AbortSignal | undefined,
    probe: boolean,
  ): Promise<AtResponse> {
    const link = this.link!;
    this.inbox.discard();
    this.parser.expect({
      text: command.text,
      ...(command.prefix === undefined ? {} : { prefix: command.prefix }),
      ...(command.expectPrompt ? { expectPrompt: true } : {}),
      ...(probe ? { resync: true } : {}),
    });
    const deadline = this.clock.now() + command.timeoutMs;
    let phase: "prompt" | "reply" = command.expectPrompt ? "prompt" : "reply";
    this.trace?.({ type: "tx", text: command.text });
    try {
      await link.write(Buffer.from(`${command.text}\r`, "latin1"));
      const info: AtInfo[] = [];
      if (command.expectPrompt) {
        const first = await this.inbox.next({
          timeoutMs: Math.min(AT_TIMEOUTS.prompt, command.timeoutMs),
          signal,
          match: (event) => event.kind === "prompt" || (event.kind === "final" && !event.stale),
          what: `"> " prompt after ${command.text}`,
        });
        if (first.kind === "final") return { info, final: first };
        const payload = command.payload ?? Buffer.alloc(0);
        this.trace?.({ type: "tx", text: `<payload>`, payloadBytes: payload.length });
        await link.write(payload);
        phase = "reply";
      }
      for (;;) {
        const event = await this.inbox.next({
          timeoutMs: Math.max(1, deadline - this.clock.now()),
          signal,
          what: `final result for ${command.text}`,
        });
        if (event.kind === "final") {
          if (event.stale) {
            this.counters.staleFinals++;
            continue;
          }
          if (probe && !info.some((line) => line.prefix === command.prefix)) {
            this.counters.staleFinals++;
            continue;
          }
          return { info, final: event };
        }
        if (event.kind === "info") {
          if (probe && event.prefix !== command.prefix) continue;
          info.push(event);
        }
      }
    } catch (error) {
      if (error instanceof DeviceTimeoutError || error instanceof DeviceCancelledError) {
        if (error instanceof DeviceTimeoutError) this.counters.timeouts++;
        this.needsResync = true;
        this.parser.expect(undefined);
        // A module waiting for payload bytes (or running an abortable command) stops on ESC.
        if ((phase === "prompt" || command.abortable) && link.isOpen) {
          this.trace?.({ type: "tx", text: "<ESC>" });
          await link.write(ESC).catch(() => {});
        }
      }
      throw error;
    }
  }

  /** Probes until the module's replies line up with our commands again. */
  private async resync(signal: AbortSignal | undefined, next: AtCommand): Promise<void> {
    this.counters.resyncs++;
    this.trace?.({ type: "resync", reason: `before ${next.text}` });
    const probe = { ...RESYNC_PROBE, timeoutMs: Math.max(RESYNC_PROBE.timeoutMs, next.timeoutMs) };
    try {
      await this.exchange(probe, signal, true);
    } catch (error) {
      if (error instanceof DeviceError) throw error;
      throw new DeviceError(this.device, "resynchronisation failed", { cause: error });
    }
    this.needsResync = false;
  }

  private receive(chunk: Buffer): void {
    for (const event of this.parser.push(chunk)) {
      switch (event.kind) {
        case "fault":
          this.counters.faults++;
          this.trace?.({ type: "fault", message: event.error.message });
          break;
        case "urc":
          this.traceRx(event.kind, event.line, event.payload);
          for (const listener of [...this.urcListeners]) {
            try {
              listener(event);
            } catch (error) {
              this.trace?.({ type: "fault", message: `URC listener failed: ${(error as Error).message}` });
            }
          }
          break;
        default:
          this.traceRx(event.kind, event.kind === "prompt" ? "> " : event.line, (event as AtInfo).payload);
          this.inbox.push(event);
      }
    }
  }

  private traceRx(kind: AtEvent["kind"], text: string, payload: Buffer | undefined): void {
    if (!this.trace) return;
    this.trace(
      payload
        ? { type: "rx", event: kind, text, payloadBytes: payload.length }
        : { type: "rx", event: kind, text },
    );
  }
}
