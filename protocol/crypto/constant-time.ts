import { timingSafeEqual } from "node:crypto";

/**
 * Constant-time equality for MACs, check values and cryptograms. A length mismatch returns false
 * instead of throwing (timingSafeEqual throws), so a truncated field 64 is just "not equal".
 * Only the length leaks, which is public anyway (it is the field's size on the wire).
 */
export function equalConstantTime(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
