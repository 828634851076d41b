import { JournalError } from "./journal-error.js";
import {
  type BatchTotals,
  ENTRY_MODES,
  type EntryMode,
  type SideTotals,
  TRANSACTION_TYPES,
  type TransactionType,
} from "./transaction-record.js";

/**
 * The settlement arithmetic (field 48 of the 0500), as CUP counts it (iso8583-cup-dialect.md §1.7, and
 * the host simulator's ledger): debit side = sales and pre-authorisation completions (online and advice);
 * credit side = voids, completion voids and refunds. A voided sale stays in debit while its void counts
 * in credit, so both are "counted" statuses; pre-authorisations, their voids and balance inquiries never
 * count (a pre-authorisation only holds funds).
 */
export const DEBIT_TYPES: readonly TransactionType[] = [
  "sale",
  "preauth-completion",
  "preauth-completion-advice",
];
export const CREDIT_TYPES: readonly TransactionType[] = ["void", "preauth-completion-void", "refund"];
/** Statuses whose rows are in the totals: approved, and approved-then-voided. */
export const COUNTED_STATUSES_SQL = "('approved', 'voided')";
export const TOTALLED_TYPES: readonly TransactionType[] = [...DEBIT_TYPES, ...CREDIT_TYPES];

/** One group of approved rows as the SQL aggregate returns it. */
export interface TotalsGroup {
  type: string;
  domestic?: number;
  entryMode?: string;
  count: number;
  amount: number;
}

export interface CountAmount {
  count: number;
  /** Fen. */
  amount: number;
}

/**
 * A day's takings, for the daily report and the daily limits. `count` and `amount` cover the rows the
 * settlement counts (amount net: debits − refunds); `byEntryMode` splits the same rows (net per mode);
 * `byType` lists every approved row of the day by type (gross), voids and pre-authorisations included.
 */
export interface DailyTotals {
  day: string;
  count: number;
  amount: number;
  byType: Record<TransactionType, CountAmount>;
  byEntryMode: Record<EntryMode, CountAmount>;
}

export function zeroSide(): SideTotals {
  return { debitAmount: 0, debitCount: 0, creditAmount: 0, creditCount: 0 };
}

export function batchTotals(groups: readonly TotalsGroup[]): BatchTotals {
  const totals: BatchTotals = { domestic: zeroSide(), foreign: zeroSide() };
  for (const group of groups) {
    const side = group.domestic ? totals.domestic : totals.foreign;
    if (DEBIT_TYPES.includes(group.type as TransactionType)) {
      side.debitAmount += group.amount;
      side.debitCount += group.count;
    } else if (CREDIT_TYPES.includes(group.type as TransactionType)) {
      side.creditAmount += group.amount;
      side.creditCount += group.count;
    }
  }
  return totals;
}

export function dailyTotals(day: string, groups: readonly TotalsGroup[]): DailyTotals {
  const zeros = <K extends string>(keys: readonly K[]): Record<K, CountAmount> =>
    Object.fromEntries(keys.map((k) => [k, { count: 0, amount: 0 }])) as Record<K, CountAmount>;
  const out: DailyTotals = {
    day,
    count: 0,
    amount: 0,
    byType: zeros(TRANSACTION_TYPES),
    byEntryMode: zeros(ENTRY_MODES),
  };
  for (const group of groups) {
    const type = group.type as TransactionType;
    const byType = out.byType[type];
    if (byType) {
      byType.count += group.count;
      byType.amount += group.amount;
    }
    if (!TOTALLED_TYPES.includes(type)) continue;
    const signed = CREDIT_TYPES.includes(type) ? -group.amount : group.amount;
    out.count += group.count;
    out.amount += signed;
    const byMode = out.byEntryMode[group.entryMode as EntryMode];
    if (byMode) {
      byMode.count += group.count;
      byMode.amount += signed;
    }
  }
  return out;
}

/** The [start, end) createdAt bounds of a UTC day "YYYY-MM-DD". */
export function dayBounds(day: string): [string, string] {
  const start = /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T00:00:00.000Z`) : undefined;
  if (!start || Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== day) {
    throw new JournalError(`must be a calendar day YYYY-MM-DD, got ${JSON.stringify(day)}`, "day");
  }
  return [start.toISOString(), new Date(start.getTime() + 86_400_000).toISOString()];
}

/** Checks totals handed to a settlement run (they go into field 48 as they are). */
export function checkTotals(totals: unknown, field: string): BatchTotals {
  if (typeof totals !== "object" || totals === null) throw new JournalError("must be batch totals", field);
  for (const sideName of ["domestic", "foreign"] as const) {
    const side = (totals as Record<string, unknown>)[sideName];
    if (typeof side !== "object" || side === null)
      throw new JournalError("is missing", `${field}.${sideName}`);
    for (const key of ["debitAmount", "debitCount", "creditAmount", "creditCount"] as const) {
      const value = (side as Record<string, unknown>)[key];
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
        throw new JournalError(
          `must be a non-negative integer, got ${JSON.stringify(value)}`,
          `${field}.${sideName}.${key}`,
        );
      }
    }
  }
  const t = totals as BatchTotals;
  const copy = (s: SideTotals): SideTotals => ({
    debitAmount: s.debitAmount,
    debitCount: s.debitCount,
    creditAmount: s.creditAmount,
    creditCount: s.creditCount,
  });
  return { domestic: copy(t.domestic), foreign: copy(t.foreign) };
}
