import { PinBlockError } from "./pinblock-error.js";

/** PAN handling for the PIN block formats that bind the PAN (0, 3 and 4). PANs come as digit strings. */

const DIGITS = /^[0-9]+$/;

/**
 * How a PAN appears in a PIN block error: last 4 digits only (an error names which card, not its BIN);
 * anything that is not a plausible PAN shows only its length.
 */
export function panForErrors(pan: string): string {
  if (!DIGITS.test(pan) || pan.length < 8) return `<${pan.length} characters>`;
  return `${"*".repeat(pan.length - 4)}${pan.slice(-4)}`;
}

export function checkPan(pan: string, minDigits: number, format: number): void {
  if (typeof pan !== "string" || !DIGITS.test(pan) || pan.length < minDigits || pan.length > 19) {
    throw new PinBlockError(`ISO format ${format}: PAN must be ${minDigits}..19 decimal digits`, {
      path: `pan ${typeof pan === "string" ? panForErrors(pan) : "(missing)"}`,
    });
  }
}

/**
 * Formats 0 and 3: `0000` then the 12 rightmost PAN digits excluding the check digit, left-padded with
 * zeros when the PAN is shorter (ISO 9564-1).
 */
export function panBlockIso0(pan: string, format: 0 | 3 = 0): Buffer {
  checkPan(pan, 2, format);
  const digits = pan.slice(0, -1).slice(-12).padStart(16, "0");
  return Buffer.from(digits, "hex");
}

/**
 * Format 4 PAN field (16 bytes): M = PAN length − 12 (0 when shorter), the PAN left-padded with zeros to
 * 12 digits, then zeros to 32 nibbles.
 */
export function panFieldIso4(pan: string): Buffer {
  checkPan(pan, 1, 4);
  const m = Math.max(0, pan.length - 12);
  const text = `${m}${pan.padStart(12, "0")}`.padEnd(32, "0");
  return Buffer.from(text, "hex");
}
