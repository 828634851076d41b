import { EmvCryptoError } from "./emv-error.js";

/** Input checks shared by the EMV derivations; messages give lengths only, never PAN digits. */

const DIGITS = /^[0-9]+$/;

export function checkPan(pan: string): void {
  if (typeof pan !== "string" || !DIGITS.test(pan) || pan.length < 1 || pan.length > 19) {
    throw new EmvCryptoError(
      `PAN must be 1..19 decimal digits (got ${typeof pan === "string" ? pan.length : 0} characters)`,
      { path: "pan" },
    );
  }
}

export function checkPsn(psn: string): void {
  if (typeof psn !== "string" || !/^[0-9]{2}$/.test(psn)) {
    throw new EmvCryptoError("PAN sequence number must be 2 decimal digits", { path: "psn" });
  }
}

export function checkLength(value: Buffer, expected: number, path: string): void {
  if (!Buffer.isBuffer(value) || value.length !== expected) {
    throw new EmvCryptoError(`must be ${expected} bytes, got ${value?.length ?? 0}`, { path });
  }
}

/** ICC and issuer master keys and session keys are double-length TDES keys. */
export function checkDoubleLengthKey(key: Buffer, path: string): void {
  checkLength(key, 16, path);
}
