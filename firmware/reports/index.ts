/** Reconciliation files (对账文件): transaction and settlement lists per batch or day, CSV/JSON, and the printed 对账单. */
export type { CellValue, Column, ColumnType } from "./columns.js";
export { localDay, localDayBounds, localTime } from "./local-day.js";
export { yuan } from "./money.js";
export { buildReconciliationReport, reportText } from "./printable-report.js";
export {
  csvText,
  RECONCILIATION_FORMATS,
  RECONCILIATION_KINDS,
  type ReconciliationFormat,
  type ReconciliationKind,
  type ReconciliationOptions,
  type ReconciliationScope,
  type ReconciliationSource,
  reconciliationFile,
  SCHEMA_VERSION,
  settlementsIn,
  transactionCells,
  transactionsIn,
} from "./reconciliation.js";
export { ReportError } from "./report-error.js";
export {
  SETTLEMENT_COLUMNS,
  SETTLEMENT_STATUS,
  type SettlementRow,
  settlementNetFen,
  settlementStatus,
} from "./settlement-columns.js";
export {
  netFen,
  SETTLEMENT_STATUS_NAMES,
  TRANSACTION_COLUMNS,
  type TransactionRow,
} from "./transaction-columns.js";
