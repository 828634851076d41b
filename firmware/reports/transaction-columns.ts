import type { TransactionRecord, TransactionType } from "../journal/transaction-record.js";
import { TRANSACTION_TYPE_NAMES } from "../receipts/labels.js";
import { printedPan } from "../receipts/printed-pan.js";
import { type Column, column } from "./columns.js";
import { localTime } from "./local-day.js";
import { yuan } from "./money.js";

/** 待结算 / 已结算: the settlement status the merchant's books use. */
export const SETTLEMENT_STATUS_NAMES = { unsettled: "待结算", settled: "已结算" } as const;

/** Types that bring money in when approved; refunds take it out; everything else moves none. */
const TAKINGS: ReadonlySet<TransactionType> = new Set([
  "sale",
  "preauth-completion",
  "preauth-completion-advice",
]);

/**
 * What the transaction moved in the merchant's books: + an approved sale or completion, − an approved
 * refund, 0 otherwise. A voided sale has status "voided" and its void is not counted either, so the
 * pair nets to zero, as in the detail report and at the acquirer.
 */
export function netFen(record: TransactionRecord): number {
  if (record.status !== "approved") return 0;
  if (TAKINGS.has(record.type)) return record.amount;
  return record.type === "refund" ? -record.amount : 0;
}

export interface TransactionRow {
  record: TransactionRecord;
  utcOffsetMinutes: number;
}

/** The transaction list's columns, in file order (docs/reconciliation-files.md documents each). */
export const TRANSACTION_COLUMNS: readonly Column<TransactionRow>[] = [
  column("terminalId", "string", ({ record }) => record.terminalId),
  column("merchantId", "string", ({ record }) => record.merchantId),
  column("batch", "digits", ({ record }) => record.batch),
  column("stan", "digits", ({ record }) => record.stan),
  column("localTime", "local-time", ({ record, utcOffsetMinutes }) =>
    localTime(record.createdAt, utcOffsetMinutes),
  ),
  column("createdAt", "timestamp", ({ record }) => record.createdAt),
  column("type", "string", ({ record }) => record.type),
  column("typeName", "string", ({ record }) => TRANSACTION_TYPE_NAMES[record.type].cn),
  column("entryMode", "string", ({ record }) => record.entryMode),
  column("status", "string", ({ record }) => record.status),
  column("settlementStatus", "string", ({ record }) => SETTLEMENT_STATUS_NAMES[record.settlement]),
  column("amountFen", "integer", ({ record }) => record.amount),
  column("amountYuan", "yuan", ({ record }) => yuan(record.amount)),
  column("tipFen", "integer", ({ record }) => record.tip),
  column("tipYuan", "yuan", ({ record }) => yuan(record.tip)),
  column("netFen", "integer", ({ record }) => netFen(record)),
  column("netYuan", "yuan", ({ record }) => yuan(netFen(record))),
  column("currency", "digits", ({ record }) => record.currency),
  column("maskedPan", "string", ({ record }) => printedPan(record)),
  column("cardOrg", "string", ({ record }) => record.cardOrg),
  column("cardKind", "string", ({ record }) => record.cardKind),
  column("domestic", "boolean", ({ record }) => record.domestic),
  column("responseCode", "string", ({ record }) => record.responseCode),
  column("rrn", "string", ({ record }) => record.rrn),
  column("authCode", "string", ({ record }) => record.authCode),
  column("hostDate", "digits", ({ record }) => record.hostDate),
  column("hostTime", "digits", ({ record }) => record.hostTime),
  column("originalStan", "digits", ({ record }) => record.original?.stan),
  column("originalBatch", "digits", ({ record }) => record.original?.batch),
  column("originalRrn", "string", ({ record }) => record.original?.rrn),
  column("reversalState", "string", ({ record }) => record.reversal?.state),
  column("operator", "string", ({ record }) => record.operator.trim()),
  column("orderId", "string", ({ record }) => record.orderId),
];
