import type { NotReadyReason } from "../../protocol/escpos/status.js";
import type { CopyName } from "./labels.js";

/**
 * Why a slip did not come out: a printer fault the operator can clear (paper-out, cover-open, offline,
 * cutter-error, error) or the link (timeout, disconnected), the caller's abort (cancelled), or a job the
 * printer never accepted (failed).
 */
export type SlipFault = NotReadyReason | "timeout" | "disconnected" | "cancelled" | "failed";

/**
 * A slip that has not printed (yet). `waiting: true` means the job is in the printer's durable spool and
 * prints by itself once the fault is cleared (the driver polls) or on `printer.resume()`; calling
 * `printTransaction` again waits for it and goes on with the next copy. `waiting: false` means nothing
 * was spooled: the text was saved (saveReceipt) but the copy must be printed again.
 */
export class SlipPrintError extends Error {
  override name = "SlipPrintError";
  readonly reason: SlipFault;
  readonly waiting: boolean;
  readonly transactionId?: number;
  readonly copy?: CopyName;
  readonly jobId?: string;

  constructor(
    message: string,
    details: { reason: SlipFault; waiting: boolean; transactionId?: number; copy?: CopyName; jobId?: string },
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.reason = details.reason;
    this.waiting = details.waiting;
    if (details.transactionId !== undefined) this.transactionId = details.transactionId;
    if (details.copy !== undefined) this.copy = details.copy;
    if (details.jobId !== undefined) this.jobId = details.jobId;
  }
}
