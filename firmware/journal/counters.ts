import { JournalError } from "./journal-error.js";

/**
 * STAN (field 11) and batch number (field 60.2) arithmetic: six decimal digits, 000001..999999; after
 * 999999 both wrap to 000001 (000000 is never used, hosts read it as "no number").
 */
export const COUNTER_MAX = 999_999;

export function formatCounter(value: number): string {
  return String(value).padStart(6, "0");
}

/** The value after `value` (1..999999), wrapping 999999 → 1. */
export function nextCounterValue(value: number): number {
  return (value % COUNTER_MAX) + 1;
}

/** Parses a 6-digit STAN/batch, refusing "000000" and anything that is not exactly six digits. */
export function parseCounter(text: unknown, field: string): number {
  if (typeof text !== "string" || !/^\d{6}$/.test(text) || text === "000000") {
    throw new JournalError(`must be six digits 000001..999999, got ${JSON.stringify(text)}`, field);
  }
  return Number(text);
}
