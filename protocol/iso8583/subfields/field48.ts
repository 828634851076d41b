import { fieldPath, Iso8583Error } from "../errors.js";

/**
 * Field 48 (n..322) carries three layouts, chosen by the message (§1.7):
 * - 0500/0510 settlement totals: domestic block n31, then foreign block n31;
 * - 0320 magstripe batch upload: NN records × 40 digits;
 * - 0320 batch-upload END: total count n4.
 */

/** 0 in a request; in 0510: 1 balanced (对账平), 2 unbalanced (对账不平), 3 error. */
export type SettlementResult = 0 | 1 | 2 | 3;

export interface SettlementBlock {
  /** Debit total in fen (sales, completions, offline sales). */
  debitAmount: number;
  debitCount: number;
  /** Credit total in fen (voids, refunds). */
  creditAmount: number;
  creditCount: number;
  result: SettlementResult;
}

export interface SettlementTotals {
  domestic: SettlementBlock;
  /** Absent when only the domestic block was sent. */
  foreign?: SettlementBlock;
}

const BLOCK = 31;

function digitsAt(value: string, pos: number, width: number, id: string): number {
  const text = value.slice(pos, pos + width);
  if (text.length !== width || !/^[0-9]+$/.test(text)) {
    throw new Iso8583Error(`${JSON.stringify(text)} at position ${pos} is not ${width} digits`, {
      path: fieldPath(id),
    });
  }
  return Number(text);
}

function fmt(value: number, width: number, id: string): string {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 10 ** width) {
    throw new Iso8583Error(`must be an integer 0..${10 ** width - 1}, got ${value}`, { path: fieldPath(id) });
  }
  return String(value).padStart(width, "0");
}

function parseBlock(value: string, at: number, id: string): SettlementBlock {
  const result = digitsAt(value, at + 30, 1, `${id}.result`);
  if (result > 3)
    throw new Iso8583Error(`settlement result ${result} is not 0..3`, { path: fieldPath(`${id}.result`) });
  return {
    debitAmount: digitsAt(value, at, 12, `${id}.debitAmount`),
    debitCount: digitsAt(value, at + 12, 3, `${id}.debitCount`),
    creditAmount: digitsAt(value, at + 15, 12, `${id}.creditAmount`),
    creditCount: digitsAt(value, at + 27, 3, `${id}.creditCount`),
    result: result as SettlementResult,
  };
}

function buildBlock(b: SettlementBlock, id: string): string {
  return (
    fmt(b.debitAmount, 12, `${id}.debitAmount`) +
    fmt(b.debitCount, 3, `${id}.debitCount`) +
    fmt(b.creditAmount, 12, `${id}.creditAmount`) +
    fmt(b.creditCount, 3, `${id}.creditCount`) +
    fmt(b.result, 1, `${id}.result`)
  );
}

/** 31 or 62 digits → totals. The 0510 result digits sit at offsets 30 and 61. */
export function parseSettlementTotals(value: string): SettlementTotals {
  if (value.length !== BLOCK && value.length !== 2 * BLOCK) {
    throw new Iso8583Error(`settlement totals must be 31 or 62 digits, got ${value.length}`, {
      path: "field 48",
    });
  }
  const domestic = parseBlock(value, 0, "48.domestic");
  return value.length === BLOCK
    ? { domestic }
    : { domestic, foreign: parseBlock(value, BLOCK, "48.foreign") };
}

export function buildSettlementTotals(totals: SettlementTotals): string {
  const domestic = buildBlock(totals.domestic, "48.domestic");
  return totals.foreign ? domestic + buildBlock(totals.foreign, "48.foreign") : domestic;
}

/** One 40-digit batch-upload record (magstripe transactions after an unbalanced settlement). */
export interface BatchUploadRecord {
  /** "00" CUP / domestic, "01" foreign. */
  cardOrg: string;
  stan: string;
  /** The PAN, written right-aligned zero-padded to 20 digits; read back without the padding. */
  pan: string;
  /** Amount in fen. */
  amount: number;
}

const RECORD = 40;
export const MAX_BATCH_RECORDS = 8;

export function parseBatchUploadRecords(value: string): BatchUploadRecord[] {
  const count = digitsAt(value, 0, 2, "48.count");
  if (value.length !== 2 + count * RECORD) {
    throw new Iso8583Error(`${count} records need ${2 + count * RECORD} digits, got ${value.length}`, {
      path: "field 48",
    });
  }
  const records: BatchUploadRecord[] = [];
  for (let i = 0; i < count; i++) {
    const at = 2 + i * RECORD;
    const id = `48.record${i + 1}`;
    digitsAt(value, at, RECORD, id);
    records.push({
      cardOrg: value.slice(at, at + 2),
      stan: value.slice(at + 2, at + 8),
      pan: value.slice(at + 8, at + 28).replace(/^0+(?=.)/, ""),
      amount: digitsAt(value, at + 28, 12, `${id}.amount`),
    });
  }
  return records;
}

export function buildBatchUploadRecords(records: readonly BatchUploadRecord[]): string {
  if (records.length > MAX_BATCH_RECORDS) {
    throw new Iso8583Error(`at most ${MAX_BATCH_RECORDS} records per 0320, got ${records.length}`, {
      path: "field 48",
    });
  }
  let out = fmt(records.length, 2, "48.count");
  records.forEach((r, i) => {
    const id = `48.record${i + 1}`;
    const check = (text: string, width: number, what: string) => {
      if (!/^[0-9]+$/.test(text) || text.length > width || (what !== "pan" && text.length !== width)) {
        throw new Iso8583Error(`must be ${what === "pan" ? `1..${width}` : width} digits`, {
          path: fieldPath(`${id}.${what}`),
        });
      }
    };
    check(r.cardOrg, 2, "cardOrg");
    check(r.stan, 6, "stan");
    check(r.pan, 20, "pan");
    out += r.cardOrg + r.stan + r.pan.padStart(20, "0") + fmt(r.amount, 12, `${id}.amount`);
  });
  return out;
}

/** Batch-upload END (60.3 202/207): total number of transactions uploaded, n4. */
export function parseBatchUploadCount(value: string): number {
  if (value.length !== 4)
    throw new Iso8583Error(`upload count must be 4 digits, got ${value.length}`, { path: "field 48" });
  return digitsAt(value, 0, 4, "48.count");
}

export function buildBatchUploadCount(count: number): string {
  return fmt(count, 4, "48.count");
}
