/**
 * Keypad digit buffers: the amount in fen, the tip, and the original-transaction fields a void, refund or
 * completion needs. Pure string arithmetic so the chart's actions stay one-liners and the rules are tested
 * on their own.
 */
import type { DigitKey } from "./terminal-services.js";

/** 12 digits of fen = 9,999,999,999.99 yuan: the width of field 4. */
export const AMOUNT_MAX_DIGITS = 12;

/** Appends a digit to an amount buffer: leading zeros are dropped, input beyond `max` digits is ignored. */
export function typeAmountDigit(digits: string, digit: DigitKey, max = AMOUNT_MAX_DIGITS): string {
  if (digits.length >= max) return digits;
  if (digits === "" && digit === "0") return digits;
  return digits + digit;
}

/** The Clear key: removes the last digit typed (backspace). */
export function backspace(digits: string): string {
  return digits.slice(0, -1);
}

/** Fen typed so far; "" is 0. */
export function digitsToFen(digits: string): number {
  return digits === "" ? 0 : Number.parseInt(digits, 10);
}

/** Fen as yuan for the screen: 123456 → "1,234.56". */
export function formatFen(fen: number): string {
  const yuan = Math.trunc(fen / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${yuan}.${(fen % 100).toString().padStart(2, "0")}`;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** MMDD as printed on the slip; 29 February is accepted (the year is not typed). */
export function isValidMmdd(text: string): boolean {
  if (!/^\d{4}$/.test(text)) return false;
  const month = Number(text.slice(0, 2));
  const day = Number(text.slice(2));
  const days = DAYS_IN_MONTH[month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

/** The fields of the original transaction the operator types, with their keypad rules. */
export const ORIGINAL_FIELDS = {
  /** Voucher / trace number: up to 6 digits, left-padded with zeros (field 11). */
  stan: { max: 6, valid: (text: string) => text.length >= 1 && text.length <= 6 },
  /** Retrieval reference number (field 37), 12 digits. */
  rrn: { max: 12, valid: (text: string) => text.length === 12 },
  /** Authorization code (field 38), 6 characters; the keypad types the numeric ones. */
  authCode: { max: 6, valid: (text: string) => text.length === 6 },
  /** Original transaction date MMDD. */
  date: { max: 4, valid: isValidMmdd },
} as const;
export type OriginalField = keyof typeof ORIGINAL_FIELDS;

/** Appends a digit to a field buffer unless the field is full. */
export function typeFieldDigit(text: string, digit: DigitKey, field: OriginalField): string {
  return text.length >= ORIGINAL_FIELDS[field].max ? text : text + digit;
}

/** STAN as field 11 carries it: 6 digits. */
export function padStan(text: string): string {
  return text.padStart(6, "0");
}

/** Operator numbers (操作员号) are two digits: 00 and 99 administer, 01..98 operate. */
export const USER_ID_DIGITS = 2;

/** Appends a digit to the user number being typed unless it already has two. */
export function typeUserIdDigit(text: string, digit: DigitKey): string {
  return text.length >= USER_ID_DIGITS ? text : text + digit;
}
