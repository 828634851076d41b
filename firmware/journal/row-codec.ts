import type { OriginalReference, ReversalState, TransactionRecord } from "./transaction-record.js";

/**
 * TransactionRecord ⇄ SQLite row. Flat scalar fields map one-to-one to snake_case columns; booleans are
 * 0/1; `original` and `reversal` are spread over columns (reversal_state is queried for the work list);
 * `emv` and `requestFields` (the fields a reversal repeats) are small JSON objects. NULL columns come back as absent keys, never as `undefined` values, so a
 * record read back is exactly the one written.
 */

type Kind = "text" | "int" | "bool" | "blob";
type ScalarField = Exclude<keyof TransactionRecord, "id" | "emv" | "original" | "reversal" | "requestFields">;

/** Scalar fields in record order: [record key, column, storage kind]. */
const SCALARS: readonly (readonly [ScalarField, string, Kind])[] = [
  ["stan", "stan", "text"],
  ["batch", "batch", "text"],
  ["type", "type", "text"],
  ["entryMode", "entry_mode", "text"],
  ["amount", "amount", "int"],
  ["tip", "tip", "int"],
  ["currency", "currency", "text"],
  ["terminalId", "terminal_id", "text"],
  ["merchantId", "merchant_id", "text"],
  ["operator", "operator", "text"],
  ["maskedPan", "masked_pan", "text"],
  ["panLast4", "pan_last4", "text"],
  ["panCipher", "pan_cipher", "blob"],
  ["panKeyKcv", "pan_key_kcv", "text"],
  ["cardOrg", "card_org", "text"],
  ["cardKind", "card_kind", "text"],
  ["domestic", "domestic", "bool"],
  ["expiry", "expiry", "text"],
  ["status", "status", "text"],
  ["settlement", "settlement", "text"],
  ["responseCode", "response_code", "text"],
  ["rrn", "rrn", "text"],
  ["authCode", "auth_code", "text"],
  ["hostDate", "host_date", "text"],
  ["hostTime", "host_time", "text"],
  ["issuerCode", "issuer_code", "text"],
  ["acquirerCode", "acquirer_code", "text"],
  ["advice", "advice", "text"],
  ["uploaded", "uploaded", "bool"],
  ["copiesPrinted", "copies_printed", "int"],
  ["signatureRequired", "signature_required", "bool"],
  ["orderId", "order_id", "text"],
  ["createdAt", "created_at", "text"],
  ["updatedAt", "updated_at", "text"],
];

const ORIGINAL: readonly (readonly [keyof OriginalReference, string])[] = [
  ["stan", "original_stan"],
  ["batch", "original_batch"],
  ["rrn", "original_rrn"],
  ["authCode", "original_auth_code"],
  ["date", "original_date"],
  ["journalId", "original_journal_id"],
];

export type SqlValue = string | number | bigint | Buffer | null;
export type TransactionRow = Record<string, SqlValue>;

/** Every column a write binds, in table order (id excluded: SQLite assigns it). */
export const WRITE_COLUMNS: readonly string[] = [
  ...SCALARS.map(([, column]) => column),
  "emv",
  ...ORIGINAL.map(([, column]) => column),
  "reversal_state",
  "reversal_reason",
  "reversal_attempts",
  "request_fields",
];

const present = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;

/** The column values of a (checked) record, keyed by column name for named parameters. */
export function encodeRecord(record: Omit<TransactionRecord, "id">): TransactionRow {
  const row: TransactionRow = {};
  for (const [key, column, kind] of SCALARS) {
    const value = record[key];
    row[column] = !present(value) ? null : kind === "bool" ? (value ? 1 : 0) : (value as SqlValue);
  }
  row.emv = present(record.emv) ? JSON.stringify(withoutAbsent(record.emv)) : null;
  const original: Partial<OriginalReference> = record.original ?? {};
  for (const [key, column] of ORIGINAL) row[column] = original[key] ?? null;
  row.reversal_state = record.reversal?.state ?? null;
  row.reversal_reason = record.reversal?.reason ?? null;
  row.reversal_attempts = record.reversal?.attempts ?? null;
  row.request_fields = present(record.requestFields) ? JSON.stringify(record.requestFields) : null;
  return row;
}

/** The record a row holds, with absent keys for NULL columns. */
export function decodeRow(row: TransactionRow): TransactionRecord {
  const record: Record<string, unknown> = { id: Number(row.id) };
  for (const [key, column, kind] of SCALARS) {
    const value = row[column];
    if (!present(value)) continue;
    record[key] = kind === "bool" ? value === 1 || value === 1n : kind === "int" ? Number(value) : value;
  }
  if (typeof row.emv === "string") record.emv = JSON.parse(row.emv);
  if (present(row.original_stan)) {
    const original: Record<string, unknown> = {};
    for (const [key, column] of ORIGINAL) {
      const value = row[column];
      if (present(value)) original[key] = key === "journalId" ? Number(value) : value;
    }
    record.original = original;
  }
  if (present(row.reversal_state)) {
    record.reversal = {
      state: row.reversal_state,
      reason: row.reversal_reason,
      attempts: Number(row.reversal_attempts),
    } as ReversalState;
  }
  if (typeof row.request_fields === "string") record.requestFields = JSON.parse(row.request_fields);
  return record as unknown as TransactionRecord;
}

/** A copy of `value` without undefined/null keys (JSON would drop undefined but keep null). */
export function withoutAbsent<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => present(v))) as T;
}

/** `original` / `reversal` / `emv` sub-objects copied with absent keys dropped. */
export function normaliseNested(record: TransactionRecord): TransactionRecord {
  const out = withoutAbsent(record);
  if (out.emv) out.emv = withoutAbsent(out.emv);
  if (out.original) out.original = withoutAbsent(out.original);
  if (out.reversal) out.reversal = withoutAbsent(out.reversal);
  return out;
}
