import { ProtocolError } from "../../errors.js";

/**
 * Field 62 of this project's D0 (实时到账) funds query, 0820/0830 with 60.1 "00" and 60.3 "601" (no public
 * standard exists; acquirers each define their own: see docs/instant-settlement.md). ASCII, positional:
 *
 *   request  62 = [date n8 YYYYMMDD]                                   (absent: the host's today)
 *   response 62 = enabled n1 | date n8 | paid count n4 | paid amount n12 | fees n12 | net n12
 *                 | clawed-back count n4 | clawed-back net n12 | balance n12 | last payout n14 (zeros: none)
 *                 | record count n2 | records × (STAN n6 | status a1 P/R/V | net n12)
 *
 * Money is fen. Header 93 bytes + 19 per record, at most 40 records: 853 bytes, under field 62's 999.
 */
export class InstantSettlementError extends ProtocolError {}

export type InstantPayoutStatus = "paid" | "reversed" | "voided";

export interface InstantPayoutEntry {
  stan: string;
  status: InstantPayoutStatus;
  /** Fen paid to the merchant for this sale (amount less fee). */
  net: number;
}

export interface InstantSettlementSummary {
  /** The merchant has D0; when false every figure is zero and there are no records. */
  enabled: boolean;
  /** YYYYMMDD the figures are for. */
  date: string;
  paidCount: number;
  /** Gross fen of the day's payouts (whatever happened to them after). */
  paidAmount: number;
  fees: number;
  net: number;
  clawedBackCount: number;
  /** Net fen taken back by reversals and voids. */
  clawedBackAmount: number;
  /** Net paid minus clawed back. */
  balance: number;
  /** YYYYMMDDhhmmss of the last payout, undefined when none. */
  lastPayout: string | undefined;
  records: InstantPayoutEntry[];
}

export const INSTANT_SETTLEMENT_CODE = "601";
export const MAX_INSTANT_RECORDS = 40;
export const INSTANT_HEADER_LENGTH = 93;
export const INSTANT_RECORD_LENGTH = 19;

const STATUS_CODES: Record<InstantPayoutStatus, string> = { paid: "P", reversed: "R", voided: "V" };
const STATUS_OF: Record<string, InstantPayoutStatus> = { P: "paid", R: "reversed", V: "voided" };

type NumberKey =
  | "paidCount"
  | "paidAmount"
  | "fees"
  | "net"
  | "clawedBackCount"
  | "clawedBackAmount"
  | "balance";
const NUMBERS: readonly (readonly [NumberKey, string, number])[] = [
  ["paidCount", "62.3", 4],
  ["paidAmount", "62.4", 12],
  ["fees", "62.5", 12],
  ["net", "62.6", 12],
  ["clawedBackCount", "62.7", 4],
  ["clawedBackAmount", "62.8", 12],
  ["balance", "62.9", 12],
];

const isDigits = (text: string, length: number) => text.length === length && /^[0-9]*$/.test(text);

function validDate(text: string): boolean {
  if (!isDigits(text, 8)) return false;
  const month = Number(text.slice(4, 6));
  const day = Number(text.slice(6, 8));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function number(value: number, length: number, path: string): string {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 10 ** length) {
    throw new InstantSettlementError(`must be a whole number 0..${10 ** length - 1}, got ${value}`, {
      path: `field ${path}`,
    });
  }
  return String(value).padStart(length, "0");
}

/** Request field 62: the date asked for, or nothing (the host's today). */
export function buildInstantSettlementRequest(date?: string): Buffer {
  if (date === undefined) return Buffer.alloc(0);
  if (!validDate(date)) throw new InstantSettlementError("must be YYYYMMDD", { path: "field 62.1" });
  return Buffer.from(date, "ascii");
}

export function parseInstantSettlementRequest(data: Buffer): { date?: string } {
  if (data.length === 0) return {};
  const text = data.toString("latin1");
  if (!validDate(text)) {
    throw new InstantSettlementError("must be empty or a date YYYYMMDD", { path: "field 62.1", offset: 0 });
  }
  return { date: text };
}

export function buildInstantSettlementResponse(summary: InstantSettlementSummary): Buffer {
  if (summary.records.length > MAX_INSTANT_RECORDS) {
    throw new InstantSettlementError(
      `at most ${MAX_INSTANT_RECORDS} records, got ${summary.records.length}`,
      {
        path: "field 62.12",
      },
    );
  }
  if (!validDate(summary.date)) throw new InstantSettlementError("must be YYYYMMDD", { path: "field 62.2" });
  let out = summary.enabled ? "1" : "0";
  out += summary.date;
  for (const [key, id, length] of NUMBERS) out += number(summary[key], length, id);
  const last = summary.lastPayout;
  if (last !== undefined && (!isDigits(last, 14) || !validDate(last.slice(0, 8)))) {
    throw new InstantSettlementError("must be YYYYMMDDhhmmss", { path: "field 62.10" });
  }
  out += last ?? "0".repeat(14);
  out += number(summary.records.length, 2, "62.11");
  summary.records.forEach((record, i) => {
    if (!isDigits(record.stan, 6)) {
      throw new InstantSettlementError("STAN must be 6 digits", { path: `field 62.12[${i}].stan` });
    }
    const code = STATUS_CODES[record.status];
    if (code === undefined) {
      throw new InstantSettlementError(`unknown status ${String(record.status)}`, {
        path: `field 62.12[${i}].status`,
      });
    }
    out += record.stan + code + number(record.net, 12, `62.12[${i}].net`);
  });
  return Buffer.from(out, "ascii");
}

/** Response field 62 → the summary; any byte out of place is an InstantSettlementError naming it. */
export function parseInstantSettlementResponse(data: Buffer): InstantSettlementSummary {
  const text = data.toString("latin1");
  let pos = 0;
  const take = (length: number, path: string, valid: (s: string) => boolean, what: string): string => {
    if (text.length - pos < length) {
      throw new InstantSettlementError(`cut short: ${text.length - pos} of ${length} bytes`, {
        path: `field ${path}`,
        offset: pos,
      });
    }
    const part = text.slice(pos, pos + length);
    if (!valid(part))
      throw new InstantSettlementError(`must be ${what}`, { path: `field ${path}`, offset: pos });
    pos += length;
    return part;
  };
  const digits = (length: number, path: string) =>
    Number(take(length, path, (s) => isDigits(s, length), `${length} digits`));

  const flag = take(1, "62.1", (s) => s === "0" || s === "1", "0 or 1");
  const date = take(8, "62.2", validDate, "a date YYYYMMDD");
  const figures = {} as Record<NumberKey, number>;
  for (const [key, id, length] of NUMBERS) figures[key] = digits(length, id);
  const last = take(
    14,
    "62.10",
    (s) => s === "0".repeat(14) || (isDigits(s, 14) && validDate(s.slice(0, 8))),
    "YYYYMMDDhhmmss or zeros",
  );
  const countAt = pos;
  const count = digits(2, "62.11");
  if (count > MAX_INSTANT_RECORDS) {
    throw new InstantSettlementError(`at most ${MAX_INSTANT_RECORDS} records, got ${count}`, {
      path: "field 62.11",
      offset: countAt,
    });
  }
  const records: InstantPayoutEntry[] = [];
  for (let i = 0; i < count; i++) {
    const stan = take(6, `62.12[${i}].stan`, (s) => isDigits(s, 6), "6 digits");
    const status = STATUS_OF[take(1, `62.12[${i}].status`, (s) => Object.hasOwn(STATUS_OF, s), "P, R or V")]!;
    records.push({ stan, status, net: digits(12, `62.12[${i}].net`) });
  }
  if (pos < text.length) {
    throw new InstantSettlementError(`${text.length - pos} bytes after the last record`, {
      path: "field 62",
      offset: pos,
    });
  }
  return {
    enabled: flag === "1",
    date,
    ...figures,
    lastPayout: last === "0".repeat(14) ? undefined : last,
    records,
  };
}
