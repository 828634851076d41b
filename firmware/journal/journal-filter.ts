import { JournalError } from "./journal-error.js";
import {
  type SettlementState,
  TRANSACTION_STATUSES,
  TRANSACTION_TYPES,
  type TransactionStatus,
  type TransactionType,
} from "./transaction-record.js";

/**
 * The merchant's journal queries (by date, amount, trace number, reference number, card, status…) turned
 * into one parameterised WHERE clause. Every key narrows the result (AND); array keys match any of their
 * values. Rows come back ordered by id (oldest first, or newest first with `newestFirst`).
 */
export interface JournalFilter {
  /** createdAt on or after this instant. */
  from?: Date | string;
  /** createdAt on or before this instant; a date-only "YYYY-MM-DD" covers that whole UTC day. */
  to?: Date | string;
  /** Fen, inclusive. */
  minAmount?: number;
  maxAmount?: number;
  stan?: string;
  rrn?: string;
  last4?: string;
  status?: TransactionStatus | readonly TransactionStatus[];
  type?: TransactionType | readonly TransactionType[];
  settlement?: SettlementState;
  batch?: string;
  limit?: number;
  newestFirst?: boolean;
}

export interface SqlFilter {
  where: string;
  params: (string | number)[];
  /** " ORDER BY … [LIMIT ?]"; its parameter comes last in `params`. */
  tail: string;
}

const FILTER_KEYS: ReadonlySet<string> = new Set([
  "from",
  "to",
  "minAmount",
  "maxAmount",
  "stan",
  "rrn",
  "last4",
  "status",
  "type",
  "settlement",
  "batch",
  "limit",
  "newestFirst",
]);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function compileFilter(filter: JournalFilter = {}): SqlFilter {
  if (typeof filter !== "object" || filter === null) throw new JournalError("must be an object", "filter");
  for (const key of Object.keys(filter)) {
    if (!FILTER_KEYS.has(key)) throw new JournalError("is not a known filter", key);
  }
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: string, ...values: (string | number)[]): void => {
    clauses.push(sql);
    params.push(...values);
  };

  if (filter.from !== undefined) add("created_at >= ?", instant(filter.from, "from", false));
  if (filter.to !== undefined) {
    // A date-only bound means "through the end of that day": compare below the next midnight.
    if (typeof filter.to === "string" && DATE_ONLY.test(filter.to))
      add("created_at < ?", instant(filter.to, "to", true));
    else add("created_at <= ?", instant(filter.to, "to", false));
  }
  if (filter.minAmount !== undefined) add("amount >= ?", fen(filter.minAmount, "minAmount"));
  if (filter.maxAmount !== undefined) add("amount <= ?", fen(filter.maxAmount, "maxAmount"));
  if (filter.stan !== undefined) add("stan = ?", digits(filter.stan, 6, "stan"));
  if (filter.rrn !== undefined) add("rrn = ?", nonEmpty(filter.rrn, "rrn"));
  if (filter.last4 !== undefined) add("pan_last4 = ?", digits(filter.last4, 4, "last4"));
  if (filter.batch !== undefined) add("batch = ?", digits(filter.batch, 6, "batch"));
  if (filter.settlement !== undefined)
    add("settlement = ?", ...members([filter.settlement], ["unsettled", "settled"], "settlement"));
  if (filter.status !== undefined)
    anyOf(add, "status", members(list(filter.status), TRANSACTION_STATUSES, "status"));
  if (filter.type !== undefined) anyOf(add, "type", members(list(filter.type), TRANSACTION_TYPES, "type"));

  let tail = filter.newestFirst ? " ORDER BY id DESC" : " ORDER BY id ASC";
  if (filter.newestFirst !== undefined && typeof filter.newestFirst !== "boolean") {
    throw new JournalError("must be true or false", "newestFirst");
  }
  if (filter.limit !== undefined) {
    if (!Number.isSafeInteger(filter.limit) || filter.limit < 1) {
      throw new JournalError(`must be a positive integer, got ${JSON.stringify(filter.limit)}`, "limit");
    }
    tail += " LIMIT ?";
    params.push(filter.limit);
  }
  return { where: clauses.length ? ` WHERE ${clauses.join(" AND ")}` : "", params, tail };
}

/** The ISO-8601 UTC text a createdAt is compared with (createdAt is always Date#toISOString()). */
function instant(value: Date | string, field: string, endOfDay: boolean): string {
  const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new JournalError(`must be a Date or an ISO 8601 date, got ${JSON.stringify(value)}`, field);
  }
  return new Date(date.getTime() + (endOfDay ? DAY_MS : 0)).toISOString();
}

function fen(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new JournalError(
      `must be a non-negative integer number of fen, got ${JSON.stringify(value)}`,
      field,
    );
  }
  return value;
}

function digits(value: unknown, length: number, field: string): string {
  if (typeof value !== "string" || !new RegExp(`^\\d{${length}}$`).test(value)) {
    throw new JournalError(`must be ${length} digits, got ${JSON.stringify(value)}`, field);
  }
  return value;
}

function nonEmpty(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") throw new JournalError("must be a non-empty string", field);
  return value;
}

function list<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? value : [value as T];
}

function members(values: readonly unknown[], allowed: readonly string[], field: string): string[] {
  if (values.length === 0) throw new JournalError("must name at least one value", field);
  for (const value of values) {
    if (typeof value !== "string" || !allowed.includes(value)) {
      throw new JournalError(`must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`, field);
    }
  }
  return values as string[];
}

function anyOf(add: (sql: string, ...values: string[]) => void, column: string, values: string[]): void {
  add(`${column} IN (${values.map(() => "?").join(", ")})`, ...values);
}
