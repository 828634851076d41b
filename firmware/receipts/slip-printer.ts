import {
  DeviceCancelledError,
  DeviceDisconnectedError,
  DeviceTimeoutError,
} from "../../drivers/core/device-error.js";
import type {
  PrinterEvent,
  PrintJob,
  PrintResult,
  ReceiptPrinter,
} from "../../drivers/printer/printer-driver.js";
import type { ReceiptDocument } from "../../protocol/escpos/document.js";
import { renderReceiptText } from "../../protocol/escpos/render.js";
import { type NotReadyReason, notReadyReason } from "../../protocol/escpos/status.js";
import type { TransactionRecord } from "../journal/transaction-record.js";
import { buildDetailReport } from "./detail-report.js";
import { buildInstantSettlementSlip, type InstantSettlementSlipData } from "./instant-settlement-slip.js";
import { COPY_NAMES, type CopyName } from "./labels.js";
import { type ReceiptOptions, validateReceiptOptions } from "./receipt-options.js";
import { buildSettlementSlip, type SettlementSlipData } from "./settlement-slip.js";
import { type SlipFault, SlipPrintError } from "./slip-print-error.js";
import { buildTransactionSlip } from "./transaction-slip.js";

/** What the slip printer tells the journal. */
export interface SlipPrinterHooks {
  /**
   * `copies` copies of transaction `id` are now on paper (1 after the merchant copy, …). Called once per
   * copy, in order, after the printer confirmed it — also when a copy left in the spool by a fault or a
   * power cut finishes in the background. Store max(current, copies): it is what resumption starts from.
   */
  copiesPrinted(id: number, copies: number): void;
  /**
   * The rendered text of a copy, called BEFORE the copy is sent: the e-receipt survives a printer that
   * never prints it. May return where it was stored (a path), reported back in `paths`.
   */
  saveReceipt(id: number, copy: CopyName, text: string): unknown;
  /** A hook that threw while called from a printer event (no caller to throw to). */
  onHookError?(error: unknown): void;
}

export interface PrintTransactionOptions {
  /** Print again on request (重打印): every configured copy, or only `copy`; marked REPRINT. */
  reprint?: boolean;
  copy?: CopyName;
  /** Stops waiting; the job already spooled stays spooled and still prints (see SlipPrintError). */
  signal?: AbortSignal;
  /** Called before each copy after the first one this call prints ("tear off, press OK for the next"). */
  beforeCopy?: (copy: CopyName, index: number) => unknown;
}

export interface SlipPrintOutcome {
  /** Copies of this slip now on paper: what `record.copiesPrinted` becomes (reprints leave it as it was). */
  copies: number;
  /** The copies this call saw come out, in order. */
  printed: CopyName[];
  /** What `saveReceipt` returned as strings (e-receipt files), one per copy saved by this call. */
  paths: string[];
}

interface SlipContext {
  what: string;
  transactionId?: number;
  copy?: CopyName;
}

/**
 * A job label names the slip without card data ("slip 42 000123-000456 copy 1 cardholder") and lets a
 * restarted terminal find its spooled copies. Batch and STAN are in it so that a journal id used again
 * after the journal is cleared can never be taken for an older slip.
 */
const SLIP_LABEL = /^slip (\d+) (\d+-\d+) copy (\d) /;
const slipKey = (record: Pick<TransactionRecord, "id" | "batch" | "stan">) =>
  `${record.id} ${record.batch}-${record.stan}`;
const slipLabel = (key: string, index: number) => `slip ${key} copy ${index} ${COPY_NAMES[index]}`;

/** Progress entries kept for transactions seen recently (events of their copies may still arrive). */
const MAX_TRACKED = 1000;

/**
 * Prints 签购单 copies through the ReceiptPrinter and keeps the journal's `copiesPrinted` in step.
 *
 * The contract, built on the printer's durable spool (drivers/printer/print-spool.ts):
 * - Copies go one at a time, merchant copy first, starting at `record.copiesPrinted`: a slip cut short
 *   after the merchant copy resumes with the cardholder copy; a completed copy is never printed again
 *   unless `reprint` is asked for.
 * - For each copy: `saveReceipt(text)` → the job is spooled (durable) and printed → `copiesPrinted(n)`.
 * - A fault the operator must clear (paper out, cover open…) rejects with SlipPrintError `waiting: true`
 *   as soon as the printer reports it: the copy stays spooled and the printer prints it by itself when the
 *   fault clears; the remaining copies are not spooled yet. The next `printTransaction` for the record
 *   finds the spooled copy by its job label (also after a restart), waits for it instead of spooling a
 *   duplicate, and goes on with the next copy.
 * - A copy that finishes while nobody waits (after the error above, an abort, or at boot from the spool)
 *   still calls `copiesPrinted`, from the printer's `printed` event.
 * One call per transaction at a time.
 */
export class SlipPrinter {
  private readonly labels = new Map<string, string>();
  private readonly progress = new Map<string, number>();
  /** Slip jobs a call is waiting on: that call records their completion itself (hook errors reach it). */
  private readonly foreground = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly printer: ReceiptPrinter,
    private readonly hooks: SlipPrinterHooks,
    private readonly options: ReceiptOptions,
  ) {
    validateReceiptOptions(options);
    this.unsubscribe = printer.onEvent((event) => this.onPrinterEvent(event));
    for (const job of printer.pending()) if (job.label) this.labels.set(job.id, job.label);
  }

  /** Stops listening to the printer. */
  dispose(): void {
    this.unsubscribe();
  }

  async printTransaction(
    record: TransactionRecord,
    options: PrintTransactionOptions = {},
  ): Promise<SlipPrintOutcome> {
    if (options.reprint) return this.reprint(record, options);
    const { signal } = options;
    const id = record.id;
    const key = slipKey(record);
    this.noteProgress(key, record.copiesPrinted);
    const outcome: SlipPrintOutcome = { copies: 0, printed: [], paths: [] };
    for (
      let index = this.copiesOf(key);
      index < this.options.copies;
      index = Math.max(index + 1, this.copiesOf(key))
    ) {
      const copy = COPY_NAMES[index]!;
      const label = slipLabel(key, index);
      const context = { what: `transaction ${id} ${copy} copy`, transactionId: id, copy };
      const spooled = this.printer.pending().find((job) => job.label === label);
      if (spooled) {
        await this.awaitSpooled(spooled.id, label, context, signal);
      } else {
        if (outcome.printed.length > 0 && options.beforeCopy) await options.beforeCopy(copy, index);
        const document = buildTransactionSlip(record, this.options, { index });
        const saved = this.hooks.saveReceipt(id, copy, renderReceiptText(document).join("\n"));
        if (typeof saved === "string") outcome.paths.push(saved);
        await this.submit({ document, label }, context, signal, () => this.markQuietly(key, index));
      }
      this.markPrinted(key, index);
      outcome.printed.push(copy);
    }
    outcome.copies = this.copiesOf(key);
    return outcome;
  }

  /** 结算单: one copy. Returns the rendered text for the journal / settlement record. */
  async printSettlement(
    data: SettlementSlipData,
    signal?: AbortSignal,
  ): Promise<{ jobId: string; text: string }> {
    const document = buildSettlementSlip(data, this.options);
    return this.printReport(document, `settlement ${data.batch}`, signal);
  }

  /** 实时到账查询单: one copy, returned as text. */
  async printInstantSettlement(
    data: InstantSettlementSlipData,
    signal?: AbortSignal,
  ): Promise<{ jobId: string; text: string }> {
    return this.printReport(buildInstantSettlementSlip(data, this.options), "instant settlement", signal);
  }

  /** 交易明细 of the given records. */
  async printDetail(
    records: readonly TransactionRecord[],
    title?: string,
    signal?: AbortSignal,
  ): Promise<{ jobId: string; text: string }> {
    return this.printReport(buildDetailReport(records, this.options, title), "detail report", signal);
  }

  // ---- internals ----------------------------------------------------------------------------------

  private async reprint(
    record: TransactionRecord,
    options: PrintTransactionOptions,
  ): Promise<SlipPrintOutcome> {
    const indexes = options.copy
      ? [COPY_NAMES.indexOf(options.copy)]
      : Array.from({ length: this.options.copies }, (_, i) => i);
    const outcome: SlipPrintOutcome = {
      copies: this.copiesOf(slipKey(record), record.copiesPrinted),
      printed: [],
      paths: [],
    };
    for (const index of indexes) {
      const copy = COPY_NAMES[index]!;
      if (outcome.printed.length > 0 && options.beforeCopy) await options.beforeCopy(copy, index);
      const document = buildTransactionSlip(record, this.options, { index, reprint: true });
      const label = `reprint ${record.id} copy ${index} ${copy}`;
      const context = {
        what: `reprint of transaction ${record.id} ${copy} copy`,
        transactionId: record.id,
        copy,
      };
      await this.submit({ document, label }, context, options.signal, () => {});
      outcome.printed.push(copy);
    }
    return outcome;
  }

  private async printReport(
    document: ReceiptDocument,
    label: string,
    signal?: AbortSignal,
  ): Promise<{ jobId: string; text: string }> {
    const text = renderReceiptText(document).join("\n");
    const result = await this.submit({ document, label }, { what: label }, signal, () => {});
    return { jobId: result.jobId, text };
  }

  /**
   * Spools and prints one job. Rejects early, with `waiting: true`, when the printer reports a fault
   * while the job waits; the job then completes in the background (`background` is called then).
   */
  private submit(
    job: PrintJob & { label: string },
    context: SlipContext,
    signal: AbortSignal | undefined,
    background: () => void,
  ): Promise<PrintResult> {
    return new Promise((resolve, reject) => {
      let jobId: string | undefined;
      let settled = false;
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        this.foreground.delete(job.label);
        off();
        settle();
      };
      const off = this.printer.onEvent((event) => {
        if (event.kind === "queued" && event.label === job.label) jobId ??= event.jobId;
        else if (event.kind === "blocked") {
          finish(() => reject(this.blocked(context, event.reason, jobId ?? event.jobId)));
        }
      });
      this.foreground.add(job.label);
      const queuedBehind = this.printer.pending().length > 0;
      let printing: Promise<PrintResult>;
      try {
        printing = this.printer.print(job, signal);
      } catch (error) {
        finish(() => reject(this.failure(error, context, job.label)));
        return;
      }
      // Behind a job already blocked, no new `blocked` event comes (the driver reports changes): ask.
      if (queuedBehind) this.faultNow((reason) => finish(() => reject(this.blocked(context, reason, jobId))));
      printing.then(
        (result) => {
          if (settled) background();
          else finish(() => resolve(result));
        },
        (error: unknown) => finish(() => reject(this.failure(error, context, job.label, jobId))),
      );
    });
  }

  /** Waits for a copy an earlier call (or an earlier run) left in the spool. */
  private awaitSpooled(
    jobId: string,
    label: string,
    context: SlipContext,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        this.foreground.delete(label);
        off();
        signal?.removeEventListener("abort", onAbort);
        settle();
      };
      const onAbort = () =>
        finish(() =>
          reject(
            new SlipPrintError(`${context.what}: stopped waiting; the slip stays spooled`, {
              ...this.ids(context, jobId),
              reason: "cancelled",
              waiting: true,
            }),
          ),
        );
      const off = this.printer.onEvent((event) => {
        if (event.kind === "printed" && event.jobId === jobId) finish(resolve);
        else if (event.kind === "blocked") finish(() => reject(this.blocked(context, event.reason, jobId)));
        else if (event.kind === "stopped")
          finish(() => reject(this.failure(event.error, context, label, jobId)));
      });
      this.foreground.add(label);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      if (!this.printer.pending().some((job) => job.id === jobId)) return finish(resolve);
      // The driver reports a fault once per change: a fault that is still there must be asked for.
      this.faultNow((reason) => finish(() => reject(this.blocked(context, reason, jobId))));
      this.printer.resume();
    });
  }

  /** Calls `onFault` if the printer says now that it cannot print. */
  private faultNow(onFault: (reason: NotReadyReason) => void): void {
    this.printer.status().then(
      (status) => {
        const reason = notReadyReason(status);
        if (reason) onFault(reason);
      },
      () => {}, // no status on this link, or it timed out: the job's own events decide
    );
  }

  private blocked(context: SlipContext, reason: SlipFault, jobId: string | undefined): SlipPrintError {
    return new SlipPrintError(
      `${context.what}: printer ${reason}; the slip stays spooled and prints when it is cleared`,
      { ...this.ids(context, jobId), reason, waiting: true },
    );
  }

  private failure(error: unknown, context: SlipContext, label: string, jobId?: string): SlipPrintError {
    const reason: SlipFault =
      error instanceof DeviceCancelledError
        ? "cancelled"
        : error instanceof DeviceTimeoutError
          ? "timeout"
          : error instanceof DeviceDisconnectedError
            ? "disconnected"
            : "failed";
    let spooled: { id: string } | undefined;
    try {
      spooled = this.printer.pending().find((job) => job.label === label || job.id === jobId);
    } catch {
      spooled = undefined;
    }
    const detail = error instanceof Error ? error.message : String(error);
    return new SlipPrintError(
      `${context.what}: ${detail}; ${spooled ? "the slip stays spooled and prints on resume" : "the slip was not spooled"}`,
      { ...this.ids(context, spooled?.id ?? jobId), reason, waiting: spooled !== undefined },
      { cause: error },
    );
  }

  private ids(context: SlipContext, jobId: string | undefined) {
    return {
      ...(context.transactionId === undefined ? {} : { transactionId: context.transactionId }),
      ...(context.copy === undefined ? {} : { copy: context.copy }),
      ...(jobId === undefined ? {} : { jobId }),
    };
  }

  private onPrinterEvent(event: PrinterEvent): void {
    if (event.kind === "queued" && event.label !== undefined) {
      this.labels.set(event.jobId, event.label);
      return;
    }
    if (event.kind !== "printed") return;
    const label = this.labels.get(event.jobId);
    this.labels.delete(event.jobId);
    const slip = label === undefined ? null : SLIP_LABEL.exec(label);
    if (slip && label && !this.foreground.has(label))
      this.markQuietly(`${slip[1]} ${slip[2]}`, Number(slip[3]));
  }

  private copiesOf(key: string, fallback = 0): number {
    return Math.max(this.progress.get(key) ?? 0, fallback);
  }

  private noteProgress(key: string, copies: number): void {
    if (copies <= (this.progress.get(key) ?? -1)) return;
    this.progress.delete(key);
    this.progress.set(key, copies);
    if (this.progress.size > MAX_TRACKED) this.progress.delete(this.progress.keys().next().value!);
  }

  /** Copy `index` is on paper: tells the journal once, never going backwards. */
  private markPrinted(key: string, index: number): void {
    const copies = index + 1;
    if (copies <= this.copiesOf(key)) return;
    this.noteProgress(key, copies);
    this.hooks.copiesPrinted(Number(key.split(" ")[0]), copies);
  }

  private markQuietly(key: string, index: number): void {
    try {
      this.markPrinted(key, index);
    } catch (error) {
      this.hooks.onHookError?.(error);
    }
  }
}
