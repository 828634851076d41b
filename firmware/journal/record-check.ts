import { JournalError } from "./journal-error.js";
import {
  ENTRY_MODES,
  type NewTransaction,
  TRANSACTION_STATUSES,
  TRANSACTION_TYPES,
  type TransactionRecord,
} from "./transaction-record.js";

/**
 * The domain of every stored field, checked before a row is written so the journal never holds a value
 * the flows, the settlement or the slip would trip over later. Most important: `maskedPan` must really be
 * masked, so a clear PAN handed over by mistake is refused instead of landing on flash.
 */

/** The record fields a flow may write (everything but the journal-assigned id and createdAt). */
export const RECORD_FIELDS = [
  "stan",
  "batch",
  "type",
  "entryMode",
  "amount",
  "tip",
  "currency",
  "terminalId",
  "merchantId",
  "operator",
  "maskedPan",
  "panLast4",
  "panCipher",
  "panKeyKcv",
  "cardOrg",
  "cardKind",
  "domestic",
  "expiry",
  "emv",
  "status",
  "settlement",
  "responseCode",
  "rrn",
  "authCode",
  "hostDate",
  "hostTime",
  "issuerCode",
  "acquirerCode",
  "original",
  "reversal",
  "advice",
  "uploaded",
  "copiesPrinted",
  "signatureRequired",
  "orderId",
  "requestFields",
  "updatedAt",
] as const satisfies readonly (keyof TransactionRecord)[];

/** uploaded, copiesPrinted and the times are the journal's to set on insert. */
const NEW_FIELDS: ReadonlySet<string> = new Set<string>(
  RECORD_FIELDS.filter((f) => f !== "updatedAt" && f !== "uploaded" && f !== "copiesPrinted"),
);
const PATCH_FIELDS: ReadonlySet<string> = new Set<string>(RECORD_FIELDS);
const EMV_FIELDS: ReadonlySet<string> = new Set(["aid", "label", "cryptogram", "tvr", "tsi", "atc"]);
const ORIGINAL_FIELDS: ReadonlySet<string> = new Set([
  "stan",
  "batch",
  "rrn",
  "authCode",
  "date",
  "journalId",
]);
const REVERSAL_FIELDS: ReadonlySet<string> = new Set(["state", "reason", "attempts"]);
/** PAN, track 2/3, track 1, PIN block, ICC data: never on flash, not even for a reversal's rebuild. */
const FORBIDDEN_REQUEST_FIELDS: ReadonlySet<string> = new Set(["2", "35", "36", "45", "52", "55"]);

/** First 6 + '*' + last 4 (the project's masking rule, protocol/pan-mask.ts), or hidden whole. */
const MASKED_PAN = /^(\d{6}\*{1,9}\d{4}|\*{1,19})$/;

const absent = (value: unknown): boolean => value === undefined || value === null;

function fail(field: string, message: string): never {
  throw new JournalError(message, field);
}

function oneOf(value: unknown, allowed: readonly string[], field: string): void {
  if (typeof value !== "string" || !allowed.includes(value)) {
    fail(field, `must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
  }
}

function text(value: unknown, field: string, pattern?: RegExp, what?: string): void {
  if (typeof value !== "string") fail(field, `must be a string, got ${typeof value}`);
  if (pattern && !pattern.test(value)) fail(field, `must be ${what}, got ${JSON.stringify(value)}`);
}

function optionalText(value: unknown, field: string, pattern?: RegExp, what?: string): void {
  if (!absent(value)) text(value, field, pattern, what);
}

function count(value: unknown, field: string): void {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    fail(field, `must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
}

function flag(value: unknown, field: string): void {
  if (typeof value !== "boolean") fail(field, `must be true or false, got ${JSON.stringify(value)}`);
}

function knownKeys(value: object, allowed: ReadonlySet<string>, field: string): void {
  for (const key of Object.keys(value))
    if (!allowed.has(key)) fail(`${field}.${key}`, "is not a known field");
}

function plainObject(value: unknown, field: string): asserts value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value) || Buffer.isBuffer(value)) {
    fail(field, "must be an object");
  }
}

const SIX_DIGITS = /^\d{6}$/;
const FOUR_DIGITS = /^\d{4}$/;

/** Refuses keys a NewTransaction does not have (a typo would otherwise be dropped silently). */
export function checkNewKeys(tx: NewTransaction): void {
  plainObject(tx, "transaction");
  knownKeys(tx, NEW_FIELDS, "transaction");
}

/** Refuses keys an update may not touch: unknown ones, and id / createdAt, which never change. */
export function checkPatchKeys(patch: object): void {
  plainObject(patch, "patch");
  for (const key of Object.keys(patch)) {
    if (!PATCH_FIELDS.has(key))
      fail(key, key === "id" || key === "createdAt" ? "cannot be changed" : "is not a known field");
  }
}

/** Throws a JournalError naming the first field outside its domain. */
export function checkRecord(record: TransactionRecord): void {
  text(record.stan, "stan", SIX_DIGITS, "six digits");
  text(record.batch, "batch", SIX_DIGITS, "six digits");
  oneOf(record.type, TRANSACTION_TYPES, "type");
  oneOf(record.entryMode, ENTRY_MODES, "entryMode");
  count(record.amount, "amount");
  count(record.tip, "tip");
  if (record.tip > record.amount)
    fail("tip", `is included in amount and cannot exceed it (${record.tip} > ${record.amount})`);
  text(record.currency, "currency", /^\d{3}$/, "an ISO 4217 numeric code");
  text(record.terminalId, "terminalId");
  text(record.merchantId, "merchantId");
  text(record.operator, "operator");
  optionalText(
    record.maskedPan,
    "maskedPan",
    MASKED_PAN,
    "masked (first 6, '*', last 4): a clear PAN is never stored",
  );
  optionalText(record.panLast4, "panLast4", FOUR_DIGITS, "four digits");
  if (!absent(record.panCipher) && !Buffer.isBuffer(record.panCipher)) fail("panCipher", "must be a Buffer");
  optionalText(record.panKeyKcv, "panKeyKcv", /^[0-9A-Fa-f]*$/, "hex");
  optionalText(record.cardOrg, "cardOrg");
  oneOf(record.cardKind, ["debit", "credit", "unknown"], "cardKind");
  flag(record.domestic, "domestic");
  optionalText(record.expiry, "expiry", FOUR_DIGITS, "YYMM");
  if (!absent(record.emv)) {
    plainObject(record.emv, "emv");
    knownKeys(record.emv, EMV_FIELDS, "emv");
    for (const [key, value] of Object.entries(record.emv)) optionalText(value, `emv.${key}`);
  }
  oneOf(record.status, TRANSACTION_STATUSES, "status");
  oneOf(record.settlement, ["unsettled", "settled"], "settlement");
  optionalText(record.responseCode, "responseCode");
  optionalText(record.rrn, "rrn");
  optionalText(record.authCode, "authCode");
  optionalText(record.hostDate, "hostDate", FOUR_DIGITS, "MMDD");
  optionalText(record.hostTime, "hostTime", SIX_DIGITS, "hhmmss");
  optionalText(record.issuerCode, "issuerCode");
  optionalText(record.acquirerCode, "acquirerCode");
  if (!absent(record.original)) {
    const original: unknown = record.original;
    plainObject(original, "original");
    knownKeys(original, ORIGINAL_FIELDS, "original");
    text(original.stan, "original.stan", SIX_DIGITS, "six digits");
    text(original.batch, "original.batch", SIX_DIGITS, "six digits");
    optionalText(original.rrn, "original.rrn");
    optionalText(original.authCode, "original.authCode");
    optionalText(original.date, "original.date", FOUR_DIGITS, "MMDD");
    if (!absent(original.journalId)) count(original.journalId, "original.journalId");
  }
  if (!absent(record.reversal)) {
    const reversal: unknown = record.reversal;
    plainObject(reversal, "reversal");
    knownKeys(reversal, REVERSAL_FIELDS, "reversal");
    oneOf(reversal.state, ["pending", "confirmed", "abandoned"], "reversal.state");
    oneOf(reversal.reason, ["98", "A0", "96", "06"], "reversal.reason");
    count(reversal.attempts, "reversal.attempts");
  }
  oneOf(record.advice, ["none", "queued", "sent"], "advice");
  flag(record.uploaded, "uploaded");
  count(record.copiesPrinted, "copiesPrinted");
  flag(record.signatureRequired, "signatureRequired");
  optionalText(record.orderId, "orderId");
  if (!absent(record.requestFields)) {
    const fields: unknown = record.requestFields;
    plainObject(fields, "requestFields");
    for (const [key, value] of Object.entries(fields)) {
      if (!/^[1-9]\d{0,2}$/.test(key) || Number(key) > 128)
        fail(`requestFields.${key}`, "is not an ISO 8583 field number");
      if (FORBIDDEN_REQUEST_FIELDS.has(key))
        fail(`requestFields.${key}`, "is card or PIN data and is never stored");
      text(value, `requestFields.${key}`);
    }
  }
}
