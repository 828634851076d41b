import { tdesEcbEncrypt, xor } from "../cipher.js";
import { equalConstantTime } from "../constant-time.js";
import { macIso9797Alg3 } from "../mac.js";
import { checkDoubleLengthKey, checkLength } from "./checks.js";
import { EmvCryptoError } from "./emv-error.js";

/**
 * Authorisation response cryptograms (EMV Book 2 §8.2). Which key is used is scheme-specific: VSDC and
 * M/Chip use the ICC master key for method 1, EMV CSK cards the AC session key; the caller passes it.
 */

/** Method 1: TDES(K, ARQC XOR (ARC ‖ 00×6)), 8 bytes. The ARC is the 2-byte response code (8A). */
export function generateArpcMethod1(key: Buffer, arqc: Buffer, arc: Buffer): Buffer {
  checkDoubleLengthKey(key, "ARPC key");
  checkLength(arqc, 8, "ARQC");
  checkLength(arc, 2, "ARC");
  const padded = Buffer.concat([arc, Buffer.alloc(6)]);
  const input = xor(arqc, padded);
  const arpc = tdesEcbEncrypt(key, input);
  input.fill(0);
  return arpc;
}

/**
 * Method 2: ISO 9797-1 algorithm 3, padding 2, over ARQC ‖ CSU ‖ proprietary authentication data
 * (0–8 bytes); the leftmost 4 bytes.
 */
export function generateArpcMethod2(
  key: Buffer,
  arqc: Buffer,
  csu: Buffer,
  proprietaryData: Buffer = Buffer.alloc(0),
): Buffer {
  checkDoubleLengthKey(key, "ARPC key");
  checkLength(arqc, 8, "ARQC");
  checkLength(csu, 4, "CSU");
  if (!Buffer.isBuffer(proprietaryData) || proprietaryData.length > 8) {
    throw new EmvCryptoError(`must be 0..8 bytes, got ${proprietaryData?.length ?? 0}`, {
      path: "proprietary authentication data",
    });
  }
  return macIso9797Alg3(key, Buffer.concat([arqc, csu, proprietaryData]), { padding: 2, length: 4 });
}

/** Card-side check of a method-1 ARPC, constant time. */
export function verifyArpcMethod1(key: Buffer, arqc: Buffer, arc: Buffer, arpc: Buffer): boolean {
  return equalConstantTime(generateArpcMethod1(key, arqc, arc), arpc);
}

/** Card-side check of a method-2 ARPC, constant time. */
export function verifyArpcMethod2(
  key: Buffer,
  arqc: Buffer,
  csu: Buffer,
  arpc: Buffer,
  proprietaryData: Buffer = Buffer.alloc(0),
): boolean {
  return equalConstantTime(generateArpcMethod2(key, arqc, csu, proprietaryData), arpc);
}
