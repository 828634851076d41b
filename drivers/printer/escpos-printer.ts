import {
  encodeReceipt,
  type NotReadyReason,
  notReadyReason,
  type PaperState,
  type PrinterStatus,
} from "../../protocol/escpos/index.js";
import { type Clock, type ClockTimer, systemClock } from "../core/clock.js";
import { DeviceCancelledError, DeviceDisconnectedError, DeviceError } from "../core/device-error.js";
import type { LinkOpener } from "../link/byte-link.js";
import { PrintSpool, type SpooledJob } from "./print-spool.js";
import type { PrinterEvent, PrintJob, PrintResult, ReceiptPrinter } from "./printer-driver.js";
import { PrinterSession, type PrinterTrace } from "./printer-session.js";

export interface EscPosPrinterOptions {
  /** Opens (and reopens) the transport: serial, usblp file link, escpos-usb, or a rig link. */
  link: LinkOpener;
  /** The spool directory (created 0700 if missing). */
  spoolDir: string;
  clock?: Clock;
  /** Per DLE EOT reply (default 1000 ms). */
  statusTimeoutMs?: number;
  /** Status poll while blocked on paper / cover (default 500 ms); an ASB block wakes it sooner. */
  pollIntervalMs?: number;
  /**
   * Wait this long after the job's bytes are written before the confirming status query (default 0).
   * A printer with a big receive buffer answers DLE EOT before it has printed what is buffered; set this
   * to the slip's print time there (see bench/printer.ts for line-speed figures).
   */
  settleMs?: number;
  /** Whether the transport carries replies; default: the link's `canRead` if it has one, else true. */
  bidirectional?: boolean;
  /** Printed above a slip that goes out again (default "重打印 REPRINT"). */
  reprintMark?: string;
  device?: string;
  trace?: (event: PrinterTrace) => void;
}

interface Waiter {
  resolve: (result: PrintResult) => void;
  reject: (error: Error) => void;
}

/**
 * The ReceiptPrinter over ESC/POS. One job at a time from the spool, FIFO:
 * 1. DLE EOT status until the printer can print (blocked → `blocked` event, poll or ASB wake-up);
 * 2. `attempts` + 1 written to the spool, then the job's bytes — after the first attempt with the
 *    重打印 REPRINT mark on top, because any earlier attempt may have put half a slip on paper;
 * 3. the status after the bytes drained (plus any ASB fault seen meanwhile) decides: ready → remove the
 *    job; paper out / cover open / offline → back to 1 and print the whole slip again.
 * A cutter error after the bytes counts as printed (the slip is on paper, only the cut failed): it is
 * reported and blocks the next job until cleared, rather than printing a duplicate.
 */
export class EscPosPrinter implements ReceiptPrinter {
  private readonly session: PrinterSession;
  private readonly spool: PrintSpool;
  private readonly clock: Clock;
  private readonly device: string;
  private readonly listeners = new Set<(event: PrinterEvent) => void>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly reprintBytes: Buffer;
  private bidirectional = true;
  private pumping = false;
  private closed = false;
  private wake: { resolve: () => void; reject: (e: Error) => void; timer: ClockTimer } | undefined;
  private jobFault: NotReadyReason | undefined;
  private jobInFlight = false;
  private blocked = false;
  private readyReports = 0;
  private lastPaper: PaperState = "ok";

  private constructor(private readonly options: EscPosPrinterOptions) {
    this.device = options.device ?? "printer";
    this.clock = options.clock ?? systemClock;
    this.spool = new PrintSpool(options.spoolDir);
    this.session = new PrinterSession(options.link, {
      device: this.device,
      clock: this.clock,
      ...(options.statusTimeoutMs === undefined ? {} : { statusTimeoutMs: options.statusTimeoutMs }),
      ...(options.trace ? { trace: options.trace } : {}),
    });
    this.reprintBytes = encodeReceipt({
      elements: [
        {
          kind: "text",
          text: options.reprintMark ?? "重打印 REPRINT",
          style: { align: "center", bold: true },
        },
      ],
    });
    this.session.onAutoStatus((status) => this.onAutoStatus(status));
  }

  /** Opens the link, enables ASB where replies can be read, and starts on jobs left in the spool. */
  static async open(options: EscPosPrinterOptions): Promise<EscPosPrinter> {
    const printer = new EscPosPrinter(options);
    const link = await printer.session.open();
    printer.bidirectional = options.bidirectional ?? (link as { canRead?: boolean }).canRead ?? true;
    if (printer.bidirectional) await printer.session.enableAutoStatus();
    if (printer.spool.first()) printer.resume();
    return printer;
  }

  async status(signal?: AbortSignal): Promise<PrinterStatus> {
    if (!this.bidirectional) {
      throw new DeviceError(
        this.device,
        "status unknown: this transport carries no replies from the printer",
      );
    }
    const status = await this.session.queryStatus(signal);
    this.notePaper(status);
    return status;
  }

  async enqueue(job: PrintJob): Promise<string> {
    const id = this.accept(job);
    this.resume();
    return id;
  }

  print(job: PrintJob, signal?: AbortSignal): Promise<PrintResult> {
    let id: string;
    try {
      id = this.accept(job);
    } catch (error) {
      return Promise.reject(error);
    }
    const done = new Promise<PrintResult>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), waiter]);
      signal?.addEventListener(
        "abort",
        () => {
          this.waiters.set(
            id,
            (this.waiters.get(id) ?? []).filter((w) => w !== waiter),
          );
          reject(new DeviceCancelledError(this.device, `stopped waiting for job ${id}; it stays spooled`));
        },
        { once: true },
      );
    });
    this.resume();
    return done;
  }

  pending(): { id: string; label?: string; attempts: number }[] {
    return this.spool.list().map((job) => ({
      id: job.id,
      attempts: job.attempts,
      ...(job.label === undefined ? {} : { label: job.label }),
    }));
  }

  resume(): void {
    void this.pump();
  }

  onEvent(listener: (event: PrinterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new DeviceDisconnectedError(this.device, "printer closed; spooled jobs print on next open");
    this.stopWaiting(error);
    this.failWaiters(error);
    await this.session.close();
  }

  // ---- the job loop ------------------------------------------------------------------------------

  private accept(job: PrintJob): string {
    if (this.closed) throw new DeviceDisconnectedError(this.device, "printer closed");
    const bytes = "document" in job ? encodeReceipt(job.document) : Buffer.from(job.bytes);
    const spooled = this.spool.add(bytes, job.label);
    this.emit({
      kind: "queued",
      jobId: spooled.id,
      ...(job.label === undefined ? {} : { label: job.label }),
    });
    return spooled.id;
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      for (let job = this.spool.first(); job && !this.closed; job = this.spool.first()) {
        const result = await this.printOne(job);
        this.spool.remove(job.id);
        this.emit({ kind: "printed", jobId: job.id, reprinted: result.reprinted });
        for (const waiter of this.waiters.get(job.id) ?? []) waiter.resolve(result);
        this.waiters.delete(job.id);
      }
    } catch (error) {
      const failure = error instanceof Error ? error : new DeviceError(this.device, String(error));
      if (!this.closed) this.emit({ kind: "stopped", error: failure });
      this.failWaiters(failure);
    } finally {
      this.pumping = false;
    }
  }

  private async printOne(queued: SpooledJob): Promise<PrintResult> {
    let job = queued;
    let blockedBy: NotReadyReason | undefined;
    for (;;) {
      await this.waitUntilReady(job.id, blockedBy);
      const reprint = job.attempts > 0;
      job = this.spool.markAttempt(job);
      this.emit({ kind: "printing", jobId: job.id, attempt: job.attempts, reprint });
      this.jobFault = undefined;
      this.jobInFlight = true;
      try {
        await this.session.write(
          reprint ? Buffer.concat([this.reprintBytes, job.bytes]) : job.bytes,
          `job ${job.id}`,
        );
        if (!this.bidirectional) return { jobId: job.id, reprinted: reprint, attempts: job.attempts };
        if (this.options.settleMs) await this.sleep(this.options.settleMs);
        const status = await this.session.queryStatus();
        this.notePaper(status);
        const fault = this.jobFault ?? notReadyReason(status);
        if (fault === undefined || fault === "cutter-error") {
          if (fault === "cutter-error") this.emit({ kind: "cutter-error", jobId: job.id });
          return { jobId: job.id, reprinted: reprint, attempts: job.attempts };
        }
        this.emit({ kind: "blocked", jobId: job.id, reason: fault });
        blockedBy = fault;
      } finally {
        this.jobInFlight = false;
      }
    }
  }

  /** Status until the printer can print; reports the reason once per change, wakes on ASB or poll. */
  private async waitUntilReady(jobId: string, alreadyBlockedBy?: NotReadyReason): Promise<void> {
    if (!this.bidirectional) return;
    let blockedBy = alreadyBlockedBy;
    for (;;) {
      if (this.closed) throw new DeviceDisconnectedError(this.device, "printer closed");
      const readyBefore = this.readyReports;
      const status = await this.session.queryStatus();
      this.notePaper(status);
      const reason = notReadyReason(status);
      if (reason === undefined) {
        if (blockedBy) this.emit({ kind: "resumed", jobId });
        return;
      }
      if (reason !== blockedBy) this.emit({ kind: "blocked", jobId, reason });
      blockedBy = reason;
      // An ASB "ready" that arrived while the query was in flight: check again at once.
      if (this.readyReports !== readyBefore) continue;
      this.blocked = true;
      try {
        await this.sleep(this.options.pollIntervalMs ?? 500);
      } finally {
        this.blocked = false;
      }
    }
  }

  /** Waits on the clock; an ASB block ends the wait early; close() rejects it. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = {
        timer,
        resolve: () => {
          this.clock.clearTimeout(timer);
          this.wake = undefined;
          resolve();
        },
        reject,
      };
    });
  }

  private stopWaiting(error: Error): void {
    const wake = this.wake;
    this.wake = undefined;
    if (wake) {
      this.clock.clearTimeout(wake.timer);
      wake.reject(error);
    }
  }

  private onAutoStatus(status: PrinterStatus): void {
    this.notePaper(status);
    const reason = notReadyReason(status);
    if (this.jobInFlight && reason !== undefined) this.jobFault ??= reason;
    if (reason === undefined) this.readyReports++;
    // Status changed: a blocked job re-checks now rather than at the next poll.
    if (this.blocked && reason === undefined) this.wake?.resolve();
  }

  private notePaper(status: PrinterStatus): void {
    if (status.paper === "near-end" && this.lastPaper !== "near-end") this.emit({ kind: "paper-near-end" });
    this.lastPaper = status.paper;
  }

  private failWaiters(error: Error): void {
    const all = [...this.waiters.values()].flat();
    this.waiters.clear();
    for (const waiter of all) waiter.reject(error);
  }

  private emit(event: PrinterEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
