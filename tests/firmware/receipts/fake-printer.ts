import { DeviceCancelledError } from "../../../drivers/core/device-error.js";
import type {
  PrinterEvent,
  PrintJob,
  PrintResult,
  ReceiptPrinter,
} from "../../../drivers/printer/printer-driver.js";
import {
  type NotReadyReason,
  type PrinterStatus,
  renderReceiptText,
  STATUS_READY,
} from "../../../protocol/escpos/index.js";

interface FakeJob {
  id: string;
  label?: string;
  lines: string[];
  attempts: number;
}

/**
 * A ReceiptPrinter with the driver's contract (spool first, FIFO, `blocked` on a fault and printing by
 * itself when it clears, `stopped` + rejection on a link error with the job kept) and none of its I/O.
 * `log` records what reached paper, shared with the hooks to check the order of events.
 */
export class FakePrinter implements ReceiptPrinter {
  readonly jobs: FakeJob[] = [];
  readonly paper: { label?: string; lines: string[] }[] = [];
  private readonly listeners = new Set<(event: PrinterEvent) => void>();
  private readonly waiters = new Map<
    string,
    { resolve: (r: PrintResult) => void; reject: (e: Error) => void }[]
  >();
  private fault: NotReadyReason | undefined;
  private reportedFault = false;
  private nextId = 1;
  private pumping = false;
  /** Jobs whose label matches block with this fault as they come up. */
  faultWhen: { match: RegExp; reason: NotReadyReason } | undefined;
  /** The next send fails like a silent printer: `stopped`, waiters rejected, job kept. */
  failNext: Error | undefined;
  /** print() refuses before spooling (closed printer, spool disk full). */
  refuse: Error | undefined;

  constructor(readonly log: string[] = []) {}

  async status(): Promise<PrinterStatus> {
    if (this.fault === "paper-out") return { ...STATUS_READY, paper: "out" };
    if (this.fault === "cover-open") return { ...STATUS_READY, coverOpen: true };
    return STATUS_READY;
  }

  print(job: PrintJob, signal?: AbortSignal): Promise<PrintResult> {
    if (this.refuse) return Promise.reject(this.refuse);
    const id = this.accept(job);
    const done = new Promise<PrintResult>((resolve, reject) => {
      const waiter = { resolve, reject };
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), waiter]);
      signal?.addEventListener("abort", () => {
        this.waiters.set(
          id,
          (this.waiters.get(id) ?? []).filter((w) => w !== waiter),
        );
        reject(new DeviceCancelledError("printer", `stopped waiting for job ${id}`));
      });
    });
    this.resume();
    return done;
  }

  async enqueue(job: PrintJob): Promise<string> {
    const id = this.accept(job);
    this.resume();
    return id;
  }

  pending() {
    return this.jobs.map((j) => ({ id: j.id, attempts: j.attempts, ...(j.label ? { label: j.label } : {}) }));
  }

  resume(): void {
    void this.pump();
  }

  onEvent(listener: (event: PrinterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {}

  /** The operator loads paper / closes the cover: the blocked job prints by itself. */
  clearFault(): void {
    this.fault = undefined;
    this.faultWhen = undefined;
    this.resume();
  }

  /** A job left from an earlier run (restart with a non-empty spool). */
  leftover(label: string, lines: string[] = ["leftover"]): string {
    const id = String(this.nextId++).padStart(12, "0");
    this.jobs.push({ id, label, lines, attempts: 1 });
    return id;
  }

  private accept(job: PrintJob): string {
    if (!("document" in job)) throw new Error("fake printer takes documents");
    const id = String(this.nextId++).padStart(12, "0");
    this.jobs.push({
      id,
      lines: renderReceiptText(job.document),
      attempts: 0,
      ...(job.label ? { label: job.label } : {}),
    });
    this.emit({ kind: "queued", jobId: id, ...(job.label ? { label: job.label } : {}) });
    return id;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        await new Promise<void>((r) => setImmediate(r));
        const job = this.jobs[0];
        if (!job) return;
        if (!this.fault && this.faultWhen?.match.test(job.label ?? "")) this.fault = this.faultWhen.reason;
        if (this.fault) {
          if (!this.reportedFault) this.emit({ kind: "blocked", jobId: job.id, reason: this.fault });
          this.reportedFault = true;
          return;
        }
        if (this.reportedFault) this.emit({ kind: "resumed", jobId: job.id });
        this.reportedFault = false;
        job.attempts++;
        if (this.failNext) {
          const error = this.failNext;
          this.failNext = undefined;
          this.emit({ kind: "stopped", error });
          const all = [...this.waiters.values()].flat();
          this.waiters.clear();
          for (const w of all) w.reject(error);
          return;
        }
        this.jobs.shift();
        this.paper.push({ ...(job.label ? { label: job.label } : {}), lines: job.lines });
        this.log.push(`paper ${job.label}`);
        this.emit({ kind: "printed", jobId: job.id, reprinted: job.attempts > 1 });
        for (const w of this.waiters.get(job.id) ?? [])
          w.resolve({ jobId: job.id, reprinted: job.attempts > 1, attempts: job.attempts });
        this.waiters.delete(job.id);
      }
    } finally {
      this.pumping = false;
    }
  }

  private emit(event: PrinterEvent): void {
    for (const l of [...this.listeners]) l(event);
  }
}
