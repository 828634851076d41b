import { timingSafeEqual } from "node:crypto";
import { AdminError } from "./admin-error.js";

export const MIN_PASSWORD_DIGITS = 6;
export const MAX_PASSWORD_DIGITS = 12;

/** A new password: 6..12 ASCII digits (the PIN-pad style keypad has nothing else) and not the old one. */
export function checkNewPassword(next: Buffer, old?: Buffer): void {
  let digits = next.length >= MIN_PASSWORD_DIGITS && next.length <= MAX_PASSWORD_DIGITS;
  for (const byte of next) digits &&= byte >= 0x30 && byte <= 0x39;
  if (!digits) {
    throw new AdminError(
      "weak-password",
      `the new password must be ${MIN_PASSWORD_DIGITS} to ${MAX_PASSWORD_DIGITS} digits`,
    );
  }
  if (old && old.length === next.length && timingSafeEqual(old, next)) {
    throw new AdminError("same-password", "the new password must differ from the old one");
  }
}
