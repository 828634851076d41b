import { z } from "zod";

/**
 * The small value types terminal settings are built from. Each carries one message in the
 * "expected …" style the boot screen shows; what was given is appended by the issue formatter.
 */

/** An integer in min..max (timeouts, retries, counts). */
export const integer = (min: number, max: number) => {
  const error = `expected an integer ${min}..${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

/** The largest amount the terminal handles: 12 digits of fen, field 4's width. */
export const MAX_FEN = 999_999_999_999;

/** Money: integer fen (1 yuan = 100 fen), `min`..MAX_FEN. */
export const fen = (min = 0) => {
  const error = `expected an amount in fen, an integer ${min}..${MAX_FEN} (100 fen = 1 yuan)`;
  return z.number({ error }).int({ error }).min(min, { error }).max(MAX_FEN, { error });
};

export const bool = () => z.boolean({ error: "expected true or false" });

/** Exactly `n` letters or digits (CUP "an" fields: terminal ID, merchant ID). */
export const alphanumeric = (n: number) =>
  z.string({ error: `expected ${n} letters or digits` }).regex(new RegExp(`^[0-9A-Za-z]{${n}}$`), {
    error: `expected ${n} letters or digits`,
  });

/** Exactly `n` decimal digits. */
export const digits = (n: number) =>
  z
    .string({ error: `expected ${n} digits` })
    .regex(new RegExp(`^[0-9]{${n}}$`), { error: `expected ${n} digits` });

/** 2 bytes as 4 hex digits, normalised to upper case (TPDU addresses). */
export const hex4 = () =>
  z
    .string({ error: "expected 4 hex digits" })
    .regex(/^[0-9A-Fa-f]{4}$/, { error: "expected 4 hex digits" })
    .transform((v) => v.toUpperCase());

/** Text shown or printed: no control characters; Chinese allowed. */
export const text = (min: number, max: number) => {
  const error = `expected text of ${min}..${max} characters without control characters`;
  return z
    .string({ error })
    .min(min, { error })
    .max(max, { error })
    .regex(/^[^\p{Cc}]*$/u, { error });
};

/** Printable ASCII only (English merchant name, serial numbers: things sent in ASCII fields). */
export const ascii = (min: number, max: number) => {
  const error = `expected ${min}..${max} printable ASCII characters`;
  return z
    .string({ error })
    .regex(/^[\x20-\x7e]*$/, { error })
    .min(min, { error })
    .max(max, { error });
};

/** A file or device path (relative paths in a file are resolved against the file's directory). */
export const filePath = () => {
  const error = "expected a non-empty path";
  return z
    .string({ error })
    .min(1, { error })
    .regex(/^[^\0]*$/, { error });
};

/** One of a fixed list of literal values (strings or numbers). */
export const oneOf = <const T extends readonly [string | number, ...(string | number)[]]>(values: T) =>
  z.literal(values, { error: `expected one of ${values.map((v) => JSON.stringify(v)).join(", ")}` });
