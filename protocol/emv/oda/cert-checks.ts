import { createHash } from "node:crypto";

/** Transaction date: a Date (UTC fields used) or the 9A value YYMMDD in BCD. */
export type TransactionDate = Date | Buffer;

export function sha1(...parts: Buffer[]): Buffer {
  const hash = createHash("sha1");
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** BCD digits of a cn/n value, stopping at the first F nibble (PAN, issuer id padding). */
export function bcdDigits(value: Buffer): string {
  const hex = value.toString("hex").toUpperCase();
  const end = hex.indexOf("F");
  return end === -1 ? hex : hex.slice(0, end);
}

/** True when every nibble is 0–9 (a valid n/BCD value). */
export function isBcd(value: Buffer): boolean {
  return /^[0-9]*$/.test(value.toString("hex"));
}

/** YY → full year with the EMV 50/49 window (Book 4 §6.7.3). */
function fullYear(yy: number): number {
  return yy < 50 ? 2000 + yy : 1900 + yy;
}

/** Year×12+month of the transaction, or undefined when a 9A value is not a valid date. */
export function transactionMonth(now: TransactionDate): number | undefined {
  if (now instanceof Date) {
    if (Number.isNaN(now.getTime())) return undefined;
    return now.getUTCFullYear() * 12 + now.getUTCMonth();
  }
  if (now.length !== 3 || !isBcd(now)) return undefined;
  const yy = Number(now.toString("hex").slice(0, 2));
  const mm = Number(now.toString("hex").slice(2, 4));
  if (mm < 1 || mm > 12) return undefined;
  return fullYear(yy) * 12 + (mm - 1);
}

/**
 * Certificate expiry MMYY (BCD) against the transaction date: a certificate is valid through the last
 * day of its month (emv-utils: 12/2031 valid on 311231, expired on 320101). Undefined = not a date.
 */
export function certificateExpired(mmyy: Buffer, now: TransactionDate): boolean | undefined {
  if (mmyy.length !== 2 || !isBcd(mmyy)) return undefined;
  const mm = Number(mmyy.toString("hex").slice(0, 2));
  const yy = Number(mmyy.toString("hex").slice(2, 4));
  if (mm < 1 || mm > 12) return undefined;
  const today = transactionMonth(now);
  if (today === undefined) return undefined;
  return fullYear(yy) * 12 + (mm - 1) < today;
}
