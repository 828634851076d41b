import type { ReceiptDocument } from "../../protocol/escpos/document.js";
import { renderReceiptText } from "../../protocol/escpos/render.js";
import { buildDetailReport } from "../receipts/detail-report.js";
import type { ReceiptOptions } from "../receipts/receipt-options.js";
import { DEFAULT_UTC_OFFSET_MINUTES } from "../receipts/slip-time.js";
import { type ReconciliationScope, type ReconciliationSource, transactionsIn } from "./reconciliation.js";

/**
 * 对账单 for the printer: the detail report (one line per transaction, masked card tail, totals) of a
 * batch or a local day, titled with its scope.
 */
export function buildReconciliationReport(
  source: ReconciliationSource,
  scope: ReconciliationScope,
  options: ReceiptOptions,
): ReceiptDocument {
  const records = transactionsIn(source, scope, options.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES);
  const title = "batch" in scope ? `对账单 批次${scope.batch}` : `对账单 ${scope.day}`;
  return buildDetailReport(records, options, title);
}

/** The report as the lines the printer would produce (console, file, tests). */
export function reportText(document: ReceiptDocument): string {
  return `${renderReceiptText(document).join("\n")}\n`;
}
