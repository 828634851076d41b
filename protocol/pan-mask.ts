/**
 * The one PAN masking rule, used by every dump, log and slip: first 6 + last 4 digits shown (the
 * BIN and the tail a cardholder recognises), the middle as '*'. Anything that is not 11–19 digits
 * cannot be masked safely and is hidden whole.
 */
export function maskPan(pan: string): string {
  if (!isMaskablePan(pan)) return "*".repeat(pan.length);
  return `${pan.slice(0, 6)}${"*".repeat(pan.length - 10)}${pan.slice(-4)}`;
}

/** True when `digits` is a PAN the 6+4 rule applies to (11–19 decimal digits). */
export function isMaskablePan(digits: string): boolean {
  return /^\d{11,19}$/.test(digits);
}
