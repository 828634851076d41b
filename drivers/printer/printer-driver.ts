import type { PrinterStatus, ReceiptDocument } from "../../protocol/escpos/index.js";
import type { NotReadyReason } from "../../protocol/escpos/status.js";

export type { PrinterStatus } from "../../protocol/escpos/index.js";

/** A slip to print: a document (preferred: receipts are data) or ready-made ESC/POS bytes. */
export type PrintJob = ({ document: ReceiptDocument } | { bytes: Buffer }) & {
  /** A name for logs and events ("sale 000456 merchant copy"); never card data. */
  label?: string;
};

export interface PrintResult {
  jobId: string;
  /** True when the slip went out again after a paper-out, cover-open or power cut (marked 重打印 REPRINT). */
  reprinted: boolean;
  /** Times the job's bytes were sent. */
  attempts: number;
}

/** What the app shows the operator. */
export type PrinterEvent =
  | { kind: "queued"; jobId: string; label?: string }
  | { kind: "blocked"; jobId: string; reason: NotReadyReason }
  | { kind: "resumed"; jobId: string }
  | { kind: "printing"; jobId: string; attempt: number; reprint: boolean }
  | { kind: "printed"; jobId: string; reprinted: boolean }
  | { kind: "paper-near-end" }
  | { kind: "cutter-error"; jobId: string }
  /** Printing stopped on an error (silent printer, lost link); jobs stay spooled until `resume`. */
  | { kind: "stopped"; error: Error };

/**
 * The receipt printer as the app sees it. Jobs are spooled durably before anything is sent and leave the
 * spool only once the printer has confirmed them, so a paper-out, cover-open or power cut never loses a
 * slip: `print` waits through such faults (reporting them as events) and resolves once the slip is out.
 */
export interface ReceiptPrinter {
  /** Real-time status (DLE EOT 1..4); DeviceError when the transport cannot read replies. */
  status(signal?: AbortSignal): Promise<PrinterStatus>;
  /**
   * Spools the job and resolves when it has printed. Aborting `signal` only stops the wait: the job stays
   * spooled and still prints. Rejects on a silent printer (DeviceTimeoutError) or a lost link; the job
   * stays spooled and printing resumes on the next `print` / `resume`.
   */
  print(job: PrintJob, signal?: AbortSignal): Promise<PrintResult>;
  /** Spools the job without waiting for it. */
  enqueue(job: PrintJob): Promise<string>;
  /** Jobs still in the spool, oldest first. */
  pending(): { id: string; label?: string; attempts: number }[];
  /** Starts printing the spool again (after an error stopped it). */
  resume(): void;
  onEvent(listener: (event: PrinterEvent) => void): () => void;
  close(): Promise<void>;
}
