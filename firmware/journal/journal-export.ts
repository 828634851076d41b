import type { TransactionRecord } from "./transaction-record.js";

/**
 * The merchant's bookkeeping exports. Card data only as the merchant may hold it: the masked PAN and last
 * 4, never `panCipher` (the clear PAN is never in the journal at all). CSV carries the bookkeeping columns
 * below; JSON carries whole records less panCipher. CSV follows RFC 4180: CRLF line ends, a field quoted
 * when it holds a comma, a quote, CR or LF, quotes doubled inside.
 */

type Column = readonly [name: string, value: (r: TransactionRecord) => string | number | boolean | undefined];

const COLUMNS = [
  ["id", (r) => r.id],
  ["createdAt", (r) => r.createdAt],
  ["updatedAt", (r) => r.updatedAt],
  ["terminalId", (r) => r.terminalId],
  ["merchantId", (r) => r.merchantId],
  ["operator", (r) => r.operator],
  ["batch", (r) => r.batch],
  ["stan", (r) => r.stan],
  ["type", (r) => r.type],
  ["entryMode", (r) => r.entryMode],
  ["status", (r) => r.status],
  ["settlement", (r) => r.settlement],
  ["amount", (r) => r.amount],
  ["tip", (r) => r.tip],
  ["currency", (r) => r.currency],
  ["maskedPan", (r) => r.maskedPan],
  ["panLast4", (r) => r.panLast4],
  ["cardOrg", (r) => r.cardOrg],
  ["cardKind", (r) => r.cardKind],
  ["domestic", (r) => r.domestic],
  ["responseCode", (r) => r.responseCode],
  ["rrn", (r) => r.rrn],
  ["authCode", (r) => r.authCode],
  ["hostDate", (r) => r.hostDate],
  ["hostTime", (r) => r.hostTime],
  ["originalStan", (r) => r.original?.stan],
  ["originalBatch", (r) => r.original?.batch],
  ["originalRrn", (r) => r.original?.rrn],
  ["reversalState", (r) => r.reversal?.state],
  ["reversalReason", (r) => r.reversal?.reason],
  ["advice", (r) => r.advice],
  ["uploaded", (r) => r.uploaded],
  ["copiesPrinted", (r) => r.copiesPrinted],
  ["signatureRequired", (r) => r.signatureRequired],
  ["orderId", (r) => r.orderId],
] as const satisfies readonly Column[];

/**
 * The CSV header, in order. Amounts (`amount`, `tip`) are integer fen; times are ISO 8601 UTC; booleans
 * are "true"/"false"; absent optional fields are empty. `original*` name the transaction a void, refund
 * or completion refers to; `reversal*` the reversal state and reason code (98/A0/96/06) where there is one.
 */
export const JOURNAL_CSV_COLUMNS: readonly string[] = COLUMNS.map(([name]) => name);

/** One RFC 4180 field. */
export function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(records: readonly TransactionRecord[]): string {
  const lines = [JOURNAL_CSV_COLUMNS.map(csvField).join(",")];
  for (const record of records) lines.push(COLUMNS.map(([, value]) => csvField(value(record))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** A record as exported: everything but the enciphered PAN. */
export type ExportedRecord = Omit<TransactionRecord, "panCipher">;

export function toExportedRecord(record: TransactionRecord): ExportedRecord {
  const { panCipher: _omitted, ...rest } = record;
  return rest;
}

export function toJson(records: readonly TransactionRecord[]): string {
  return JSON.stringify(records.map(toExportedRecord), null, 2);
}
