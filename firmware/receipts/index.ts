/** Receipts (签购单): slip documents from journal records, the settlement slip, the detail report, and the printer service. */
export { formatAmount, formatRmb } from "./amount.js";
export { buildDetailReport, type DetailTotals, detailTotals } from "./detail-report.js";
export {
  buildInstantSettlementSlip,
  type InstantSettlementSlipData,
} from "./instant-settlement-slip.js";
export {
  COPY_NAMES,
  COPY_TITLES,
  type CopyName,
  CREDIT_TYPES,
  ENTRY_MODE_LETTERS,
  REFERS_TO_ORIGINAL,
  STATUS_SHORT,
  signedAmount,
  TRANSACTION_TYPE_NAMES,
} from "./labels.js";
export {
  displayWidth,
  labelValue,
  padEndColumns,
  padStartColumns,
  printable,
  wrapText,
  wrapWords,
} from "./layout.js";
export { printedPan } from "./printed-pan.js";
export { ReceiptError } from "./receipt-error.js";
export { eReceiptUrl, type ReceiptOptions, validateReceiptOptions } from "./receipt-options.js";
export { buildSettlementSlip, type SettlementSlipData } from "./settlement-slip.js";
export { type SlipFault, SlipPrintError } from "./slip-print-error.js";
export {
  type PrintTransactionOptions,
  SlipPrinter,
  type SlipPrinterHooks,
  type SlipPrintOutcome,
} from "./slip-printer.js";
export { DEFAULT_UTC_OFFSET_MINUTES, formatDateTime, slipDateTime } from "./slip-time.js";
export { SlipWriter } from "./slip-writer.js";
export { tableRow } from "./table-row.js";
export { buildTransactionSlip, CONFIRMATION_CN, CONFIRMATION_EN, type SlipCopy } from "./transaction-slip.js";
