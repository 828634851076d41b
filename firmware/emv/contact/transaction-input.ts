import { randomBytes, randomInt } from "node:crypto";

/** What is being paid for: drives 9C and the application usage control check (Book 3 §10.4.2). */
export type ServiceKind = "goods" | "services" | "cash" | "cashback";

/** The transaction the terminal asks the kernel to run. Amounts are integer fen (minor units). */
export interface TransactionInput {
  /** Amount authorised 9F02 (for cashback, the total including the cashback part). */
  amount: number;
  /** Amount other 9F03 (the cashback part). */
  amountOther?: number;
  /** Transaction type 9C (first two digits of field 3: 00 sale, 31 balance, 03 pre-auth). Default 00. */
  transactionType?: number;
  /** Default "goods". */
  service?: ServiceKind;
  /** Transaction sequence counter 9F41, kept by the terminal. */
  sequenceCounter?: number;
  /** Merchant forced the transaction online (TVR B4b4). */
  forcedOnline?: boolean;
}

/** Randomness the kernel uses: the unpredictable number 9F37 and random transaction selection. */
export interface RandomSource {
  bytes(length: number): Buffer;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
}

export const cryptoRandom: RandomSource = {
  bytes: (length) => randomBytes(length),
  int: (min, max) => randomInt(min, max + 1),
};

/** Right-justified BCD (format n) of a non-negative integer into `length` bytes. */
export function bcd(value: number | bigint, length: number): Buffer {
  const digits = value.toString().padStart(length * 2, "0");
  if (digits.length > length * 2 || !/^\d+$/.test(digits)) {
    throw new RangeError(`${value} does not fit ${length} BCD bytes`);
  }
  return Buffer.from(digits, "hex");
}

/** Reads BCD digits back as a number (dates, amounts); NaN if a nibble is not a digit. */
export function fromBcd(value: Buffer): number {
  const text = value.toString("hex");
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
}

/** Transaction date 9A (YYMMDD) and time 9F21 (HHMMSS), terminal local time. */
export function dateTime(now: Date): { date: Buffer; time: Buffer } {
  const two = (n: number) => n.toString().padStart(2, "0");
  return {
    date: Buffer.from(
      `${two(now.getFullYear() % 100)}${two(now.getMonth() + 1)}${two(now.getDate())}`,
      "hex",
    ),
    time: Buffer.from(`${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`, "hex"),
  };
}

/** YYMMDD BCD → comparable number YYYYMMDD, years 50–99 → 19xx, 00–49 → 20xx (Book 3 §10.4.3). */
export function emvDateValue(yymmdd: Buffer): number {
  const v = fromBcd(yymmdd);
  if (Number.isNaN(v) || yymmdd.length !== 3) return Number.NaN;
  const yy = Math.floor(v / 10000);
  return (yy < 50 ? 2000 + yy : 1900 + yy) * 10000 + (v % 10000);
}
