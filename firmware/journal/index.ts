export { COMMIT_POINTS, updatePoint } from "./commit-points.js";
export { COUNTER_MAX, formatCounter, nextCounterValue, parseCounter } from "./counters.js";
export {
  type CheckpointResult,
  Journal,
  type JournalOptions,
  RECEIPT_COPIES,
  type ReceiptCopy,
  type StoredReceipt,
} from "./journal.js";
export { JournalError } from "./journal-error.js";
export { csvField, type ExportedRecord, JOURNAL_CSV_COLUMNS, toCsv, toJson } from "./journal-export.js";
export type { JournalFilter } from "./journal-filter.js";
export {
  type CountAmount,
  CREDIT_TYPES,
  type DailyTotals,
  DEBIT_TYPES,
  TOTALLED_TYPES,
} from "./journal-totals.js";
export { SCHEMA_VERSION } from "./schema.js";
export {
  SETTLEMENT_STAGES,
  type SettlementPatch,
  type SettlementResult,
  type SettlementRun,
  type SettlementStage,
} from "./settlement-run.js";
export * from "./transaction-record.js";
