import type { Duplex } from "node:stream";
import { type Clock, type ClockTimer, systemClock } from "../../drivers/core/clock.js";
import { frameMessage } from "../../protocol/iso8583/cup/frame.js";
import type { CupHeader } from "../../protocol/iso8583/cup/header.js";
import { cupSpec } from "../../protocol/iso8583/cup/spec.js";
import type { Tpdu } from "../../protocol/iso8583/cup/tpdu.js";
import type { CompiledSpec } from "../../protocol/iso8583/message.js";
import type { Iso8583Message, MessageSpec } from "../../protocol/iso8583/spec.js";
import {
  AcquirerAbortedError,
  AcquirerClosedError,
  AcquirerConnectError,
  AcquirerDisconnectedError,
  type AcquirerError,
  type AcquirerFrameError,
  AcquirerTimeoutError,
} from "./acquirer-errors.js";
import { type BackoffOptions, ConnectBackoff, DEFAULT_BACKOFF } from "./backoff.js";
import type { Connector } from "./connectors.js";
import type { ReceivedFrame } from "./frame-reader.js";
import { LinkConnection } from "./link-connection.js";

/** What identifies the answer to a request: response MTI, field 11 and field 41. */
export interface ExpectedResponse {
  /** The response MTI, e.g. "0210" for a 0200. */
  mti: string;
  stan: string;
  terminalId: string;
}

export interface AcquirerReply {
  message: Iso8583Message;
  /** The packed message (MTI onwards): verify the response MAC over this. */
  body: Buffer;
  /** `header.processingRequirement` carries the host's instruction (re-sign-in, downloads…). */
  header: CupHeader;
  tpdu: Tpdu;
  /** The whole frame, length prefix included. */
  raw: Buffer;
}

export type AcquirerEvent =
  | { kind: "connecting"; attempt: number }
  | { kind: "connected" }
  | { kind: "connect-failed"; error: AcquirerConnectError; retryInMs: number }
  | { kind: "sent"; mti: string; stan: string; bytes: number }
  | { kind: "matched"; mti: string; stan: string; elapsedMs: number }
  | { kind: "timeout"; mti: string; stan: string }
  /** A response no request is waiting for (late after a timeout or abort, duplicate, stray): reverse a late approval. */
  | ({ kind: "unmatched" } & AcquirerReply)
  | { kind: "frame-error"; error: AcquirerFrameError }
  | { kind: "disconnected"; byHost: boolean; error: Error | undefined };

export interface AcquirerLinkOptions {
  connect: Connector;
  /** TPDU and header put on every request. */
  tpdu: Tpdu;
  header: CupHeader;
  connectTimeoutMs: number;
  /** From the moment the request is written until the matching response. */
  responseTimeoutMs: number;
  /** false: short-connection mode, the connection is closed after every exchange. Default true. */
  keepAlive?: boolean;
  /** Pacing of connect attempts after failures; 1 s doubling to 60 s by default. */
  backoff?: BackoffOptions;
  clock?: Clock;
  onEvent?: (event: AcquirerEvent) => void;
  /** The dialect's message spec; the CUP POS spec by default. */
  spec?: MessageSpec | CompiledSpec;
}

/** Does `message` answer the request described by `expect`? (Field 41 compared without trailing spaces.) */
export function matchesResponse(message: Iso8583Message, expect: ExpectedResponse): boolean {
  return (
    message.mti === expect.mti &&
    message.fields[11] === expect.stan &&
    (message.fields[41] ?? "").trimEnd() === expect.terminalId.trimEnd()
  );
}

interface QueuedExchange {
  body: Buffer;
  expect: ExpectedResponse;
  signal: AbortSignal | undefined;
  resolve(reply: AcquirerReply): void;
  reject(error: unknown): void;
  leave(): void;
}

interface InFlight {
  connection: LinkConnection;
  expect: ExpectedResponse;
  sent: boolean;
  succeed(reply: AcquirerReply): void;
  fail(error: AcquirerError): void;
}

/**
 * The terminal's connection to the acquirer host: frames requests (length + TPDU + header), keeps
 * ONE request on the wire at a time (later callers queue, FIFO), and hands back the first response
 * whose MTI, STAN and terminal ID match. Anything else that arrives is reported as `unmatched`,
 * never given to another request.
 *
 * Connects lazily on the first exchange and keeps the connection unless `keepAlive: false`. After a
 * drop the next exchange reconnects at once; after a FAILED connect the next attempt waits out the
 * backoff, and an exchange that arrives during the wait fails fast with AcquirerConnectError
 * (`retryInMs` set, nothing sent) rather than holding the cardholder for an unknown time: the caller
 * decides whether to retry, and a reversal queue simply tries again later.
 *
 * A response timeout or an abort after sending leaves the connection up, so a late answer is seen
 * (and reported as unmatched) instead of being lost.
 */
export class AcquirerLink {
  private readonly clock: Clock;
  private readonly keepAlive: boolean;
  private readonly spec: MessageSpec | CompiledSpec;
  private readonly backoff: ConnectBackoff;
  private readonly queue: QueuedExchange[] = [];
  private running = false;
  private connection: LinkConnection | undefined;
  private inFlight: InFlight | undefined;
  private connecting: { abort(reason: "closed"): void } | undefined;
  private closing: Promise<void> | undefined;
  private responseTimeout: number;

  constructor(private readonly options: AcquirerLinkOptions) {
    this.responseTimeout = options.responseTimeoutMs;
    this.clock = options.clock ?? systemClock;
    this.keepAlive = options.keepAlive ?? true;
    this.spec = options.spec ?? cupSpec;
    this.backoff = new ConnectBackoff(options.backoff ?? DEFAULT_BACKOFF);
  }

  /** How long an exchange waits for its answer. */
  get responseTimeoutMs(): number {
    return this.responseTimeout;
  }

  /** The host's own figure (a TMS parameter download) replaces the configured one from the next exchange. */
  setResponseTimeout(ms: number): void {
    if (!Number.isInteger(ms) || ms < 1000 || ms > 120_000) {
      throw new RangeError(`response timeout ${ms} ms is outside 1000–120000`);
    }
    this.responseTimeout = ms;
  }

  /** Exchanges queued or running. */
  get depth(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  get connected(): boolean {
    return this.connection !== undefined;
  }

  /** ms until a connect attempt is allowed again (0 when it is). */
  get backoffRemainingMs(): number {
    return this.backoff.remaining(this.clock.now());
  }

  /**
   * Sends `body` (a packed message: MTI, bitmap, fields, MAC) and resolves with the matching response.
   * Rejects with an AcquirerError whose `sent` tells whether a reversal may be needed.
   */
  exchange(body: Buffer, expect: ExpectedResponse, signal?: AbortSignal): Promise<AcquirerReply> {
    if (this.closing) return Promise.reject(new AcquirerClosedError("link is closed", { sent: false }));
    if (signal?.aborted) {
      return Promise.reject(new AcquirerAbortedError("cancelled before it was queued", { sent: false }));
    }
    return new Promise<AcquirerReply>((resolve, reject) => {
      const onAbort = () => {
        const at = this.queue.indexOf(job);
        if (at < 0) return;
        this.queue.splice(at, 1);
        reject(new AcquirerAbortedError("cancelled while queued", { sent: false }));
      };
      const job: QueuedExchange = {
        body,
        expect,
        signal,
        resolve,
        reject,
        leave: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  /** Ends the connection, fails queued and running exchanges (AcquirerClosedError). Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    for (const job of this.queue.splice(0)) {
      job.leave();
      job.reject(new AcquirerClosedError("link closed before the request was sent", { sent: false }));
    }
    this.connecting?.abort("closed");
    const flight = this.inFlight;
    flight?.fail(
      new AcquirerClosedError(
        flight.sent ? "link closed while waiting for the response" : "link closed before sending",
        { sent: flight.sent },
      ),
    );
    const connection = this.connection;
    this.closing = connection ? closedPromise(connection.stream) : Promise.resolve();
    connection?.drop();
    return this.closing;
  }

  private emit(event: AcquirerEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // An observer's fault must not break the link.
    }
  }

  private pump(): void {
    if (this.running) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = true;
    job.leave();
    this.run(job)
      .then(job.resolve, job.reject)
      .finally(() => {
        this.running = false;
        this.pump();
      });
  }

  private async run(job: QueuedExchange): Promise<AcquirerReply> {
    // Framing first: a message too long to frame is the caller's bug, raised before any I/O.
    const frame = frameMessage(this.options.tpdu, this.options.header, job.body);
    try {
      // A stream that died without telling us (closed before we listened) is replaced, not reused.
      if (this.connection?.dropped) this.connection.drop();
      const connection = this.connection ?? (await this.open(job.signal));
      // The packed message starts with the MTI in 2 BCD bytes.
      const requestMti = job.body.toString("hex", 0, 2);
      return await this.send(connection, frame, requestMti, job.expect, job.signal);
    } finally {
      if (!this.keepAlive) this.connection?.drop();
    }
  }

  private async open(signal: AbortSignal | undefined): Promise<LinkConnection> {
    if (this.closing) throw new AcquirerClosedError("link is closed", { sent: false });
    if (signal?.aborted) throw new AcquirerAbortedError("cancelled before connecting", { sent: false });
    const wait = this.backoff.remaining(this.clock.now());
    if (wait > 0) {
      throw new AcquirerConnectError(
        `not connecting for another ${wait} ms after ${this.backoff.failureCount} failed attempt(s)`,
        { retryInMs: wait },
      );
    }
    this.emit({ kind: "connecting", attempt: this.backoff.failureCount + 1 });
    let why: "timeout" | "aborted" | "closed" | undefined;
    let stream: Duplex;
    const controller = new AbortController();
    const stop = (reason: "timeout" | "aborted" | "closed") => {
      why ??= reason;
      controller.abort(new Error(`connect ${reason}`));
    };
    const onAbort = () => stop("aborted");
    const timer = this.clock.setTimeout(() => stop("timeout"), this.options.connectTimeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    this.connecting = { abort: stop };
    try {
      stream = await raceAbort(this.options.connect, controller.signal);
    } catch (error) {
      if (why === "aborted") throw new AcquirerAbortedError("cancelled while connecting", { sent: false });
      if (why === "closed") throw new AcquirerClosedError("link closed while connecting", { sent: false });
      const retryInMs = this.backoff.failed(this.clock.now());
      const failure =
        error instanceof AcquirerConnectError
          ? error
          : new AcquirerConnectError(
              why === "timeout"
                ? `connect timed out after ${this.options.connectTimeoutMs} ms`
                : `connect failed: ${error instanceof Error ? error.message : String(error)}`,
              { cause: error },
            );
      this.emit({ kind: "connect-failed", error: failure, retryInMs });
      throw failure;
    } finally {
      this.clock.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      this.connecting = undefined;
    }
    this.backoff.succeeded();
    const connection: LinkConnection = new LinkConnection(stream, this.spec, {
      frame: (frame) => this.onFrame(connection, frame),
      garbage: (error) => {
        this.emit({ kind: "frame-error", error });
        const flight = this.inFlight;
        if (flight?.connection === connection) flight.fail(error.withSent(flight.sent));
      },
      dropped: (byHost, error) => this.onDropped(connection, byHost, error),
    });
    this.connection = connection;
    this.emit({ kind: "connected" });
    return connection;
  }

  private send(
    connection: LinkConnection,
    frame: Buffer,
    requestMti: string,
    expect: ExpectedResponse,
    signal: AbortSignal | undefined,
  ): Promise<AcquirerReply> {
    if (this.closing)
      return Promise.reject(new AcquirerClosedError("link closed before sending", { sent: false }));
    if (signal?.aborted) {
      return Promise.reject(new AcquirerAbortedError("cancelled before sending", { sent: false }));
    }
    if (connection.dropped) {
      return Promise.reject(
        new AcquirerDisconnectedError("connection dropped before the request was written", { sent: false }),
      );
    }
    return new Promise<AcquirerReply>((resolve, reject) => {
      const started = this.clock.now();
      let timer: ClockTimer | undefined;
      const onAbort = () =>
        flight.fail(
          new AcquirerAbortedError("cancelled while waiting for the response", { sent: flight.sent }),
        );
      const settle = () => {
        if (this.inFlight === flight) this.inFlight = undefined;
        if (timer) this.clock.clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const flight: InFlight = {
        connection,
        expect,
        sent: false,
        succeed: (reply) => {
          settle();
          this.emit({
            kind: "matched",
            mti: expect.mti,
            stan: expect.stan,
            elapsedMs: this.clock.now() - started,
          });
          resolve(reply);
        },
        fail: (error) => {
          settle();
          reject(error);
        },
      };
      this.inFlight = flight;
      signal?.addEventListener("abort", onAbort, { once: true });
      timer = this.clock.setTimeout(() => {
        this.emit({ kind: "timeout", mti: expect.mti, stan: expect.stan });
        flight.fail(
          new AcquirerTimeoutError(
            `no ${expect.mti} for STAN ${expect.stan} within ${this.responseTimeout} ms`,
          ),
        );
      }, this.responseTimeout);
      // From here the bytes may reach the host: any failure now needs the caller's reversal logic.
      flight.sent = true;
      connection.write(frame);
      this.emit({ kind: "sent", mti: requestMti, stan: expect.stan, bytes: frame.length });
    });
  }

  private onFrame(connection: LinkConnection, frame: ReceivedFrame): void {
    const reply: AcquirerReply = {
      message: frame.message,
      body: frame.body,
      header: frame.header,
      tpdu: frame.tpdu,
      raw: frame.raw,
    };
    const flight = this.inFlight;
    if (flight?.connection === connection && matchesResponse(frame.message, flight.expect)) {
      flight.succeed(reply);
    } else {
      this.emit({ kind: "unmatched", ...reply });
    }
  }

  private onDropped(connection: LinkConnection, byHost: boolean, error: Error | undefined): void {
    if (this.connection === connection) this.connection = undefined;
    this.emit({ kind: "disconnected", byHost, error });
    const flight = this.inFlight;
    if (flight?.connection === connection) {
      flight.fail(
        new AcquirerDisconnectedError(
          flight.sent
            ? "connection dropped before the response arrived"
            : "connection dropped before the request was written",
          { sent: flight.sent, cause: error },
        ),
      );
    }
  }
}

/** Runs the connector; rejects as soon as `signal` fires and destroys a stream that comes later. */
function raceAbort(connect: Connector, signal: AbortSignal): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    connect(signal).then(
      (stream) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) stream.destroy();
        else resolve(stream);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function closedPromise(stream: Duplex): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => stream.once("close", () => resolve()));
}
