import { aesEcbEncrypt, tdesEcbEncrypt } from "./cipher.js";
import { cmac } from "./cmac.js";
import { equalConstantTime } from "./constant-time.js";
import { CryptoError } from "./crypto-error.js";

/**
 * Key check values (ANSI X9.24-1:2017 annex A). The same 16 bytes have different KCVs depending on the
 * algorithm the key is used with, so the caller always says which one:
 * - "zero-block": E(K, 00…00), the legacy method (TDES: 3 bytes usual; CUP sign-in sends 4);
 * - "cmac": CMAC(K, 00…00 of one block), the method for AES keys (5 bytes usual), optional for TDES.
 * AES with "zero-block" exists only for older devices that used it; ask for it by name.
 */
export type KcvAlgorithm = "tdes" | "aes";
export type KcvMethod = "zero-block" | "cmac";

export interface KcvOptions {
  /** Default: "zero-block" for TDES, "cmac" for AES. */
  method?: KcvMethod;
  /** Leftmost bytes kept; default 3 for zero-block, 5 for CMAC. */
  length?: number;
}

export function keyCheckValue(algorithm: KcvAlgorithm, key: Buffer, options: KcvOptions = {}): Buffer {
  const method = options.method ?? (algorithm === "aes" ? "cmac" : "zero-block");
  const blockSize = algorithm === "aes" ? 16 : 8;
  const length = options.length ?? (method === "cmac" ? 5 : 3);
  if (!Number.isInteger(length) || length < 2 || length > blockSize) {
    throw new CryptoError(`KCV length must be 2..${blockSize} bytes, got ${length}`, { path: "kcv.length" });
  }
  const zero = Buffer.alloc(blockSize);
  const encrypt = algorithm === "aes" ? aesEcbEncrypt : tdesEcbEncrypt;
  const full = method === "cmac" ? cmac(algorithm, key, zero) : encrypt(key, zero);
  const kcv = Buffer.from(full.subarray(0, length));
  full.fill(0);
  return kcv;
}

/** Legacy TDES/DES check value: leftmost `length` bytes of E(K, 00×8). */
export function kcvTdes(key: Buffer, length = 3): Buffer {
  return keyCheckValue("tdes", key, { method: "zero-block", length });
}

/** AES check value: leftmost `length` bytes of AES-CMAC(K, 00×16). */
export function kcvAes(key: Buffer, length = 5): Buffer {
  return keyCheckValue("aes", key, { method: "cmac", length });
}

/** Compares a received check value with the key's, in constant time; its length picks the truncation. */
export function verifyKeyCheckValue(
  algorithm: KcvAlgorithm,
  key: Buffer,
  expected: Buffer,
  method?: KcvMethod,
): boolean {
  const blockSize = algorithm === "aes" ? 16 : 8;
  if (expected.length < 2 || expected.length > blockSize) return false;
  const options: KcvOptions = { length: expected.length };
  if (method !== undefined) options.method = method;
  return equalConstantTime(keyCheckValue(algorithm, key, options), expected);
}
