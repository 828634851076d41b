import { z } from "zod";

/** Largest amount the acquirer message carries: field 4 is 12 digits of fen. */
export const MAX_FEN = 999_999_999_999;

const DECIMAL = /^(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?$/;

/** "12.34" → 1234 fen, exactly (no floating point); undefined when `text` is not a decimal amount. */
export function fenFromDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const [units = "0", fraction = ""] = text.split(".");
  return Number(units) * 100 + Number(fraction.padEnd(2, "0"));
}

/** 1234 fen → "12.34" (always two decimals, the canonical form `build` writes). */
export function decimalFromFen(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

function why(text: string): string {
  if (/^[0-9]+\.[0-9]{3,}$/.test(text)) return "has more than 2 decimals (fen is the smallest unit)";
  if (/^0[0-9]/.test(text)) return "has a leading zero";
  return 'must be a decimal string of yuan such as "12.34"';
}

/**
 * A money amount on the wire: a decimal string of yuan ("12.34"), never a JSON number (binary floating
 * point cannot hold 0.1); in the typed value an integer number of fen.
 */
export const fenAmount = z.codec(
  z.string().check((ctx) => {
    if (!DECIMAL.test(ctx.value))
      ctx.issues.push({ code: "custom", message: why(ctx.value), input: ctx.value });
  }),
  z.number().int().min(0).max(MAX_FEN),
  {
    decode: (text) => fenFromDecimal(text) ?? 0,
    encode: (fen) => decimalFromFen(fen),
  },
);
