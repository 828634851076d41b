import { equalConstantTime } from "../constant-time.js";
import { macIso9797Alg3 } from "../mac.js";
import { checkDoubleLengthKey, checkLength } from "./checks.js";
import { EmvCryptoError } from "./emv-error.js";

/**
 * ARQC / TC / AAC: ISO 9797-1 MAC algorithm 3 under the AC session key (K‖K′), 8 bytes, over the
 * CDOL-selected data. Padding method 2 (80 00…) is the EMV default; Visa CVN 10/18 use method 1.
 * The terminal never computes these (the card does); this is for the host simulator and tests.
 */
export type CryptogramPadding = 1 | 2;

export function generateApplicationCryptogram(
  sessionKey: Buffer,
  data: Buffer,
  padding: CryptogramPadding = 2,
): Buffer {
  checkDoubleLengthKey(sessionKey, "AC session key");
  if (padding !== 1 && padding !== 2) {
    throw new EmvCryptoError(`cryptogram padding must be method 1 or 2, got ${String(padding)}`, {
      path: "padding",
    });
  }
  return macIso9797Alg3(sessionKey, data, { padding, length: 8 });
}

/** Issuer-side ARQC check, constant time. A cryptogram that is not 8 bytes is refused as malformed. */
export function verifyApplicationCryptogram(
  sessionKey: Buffer,
  data: Buffer,
  cryptogram: Buffer,
  padding: CryptogramPadding = 2,
): boolean {
  checkLength(cryptogram, 8, "application cryptogram");
  return equalConstantTime(generateApplicationCryptogram(sessionKey, data, padding), cryptogram);
}
