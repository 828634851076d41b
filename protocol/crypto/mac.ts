import { tdesCbcEncrypt, tdesEcbDecrypt, tdesEcbEncrypt } from "./cipher.js";
import { equalConstantTime } from "./constant-time.js";
import { MacError } from "./mac-error.js";
import { type PaddingMethod, padIso9797 } from "./padding.js";

/**
 * ISO/IEC 9797-1 MAC algorithms 1 and 3 over DES/TDES, and their ANSI names (X9.9 = algorithm 1 with a
 * single-DES key, X9.19 "retail MAC" = algorithm 3 with a double-length key). IV is always zero.
 */
export interface MacOptions {
  /** ISO 9797-1 padding method; default 1 (zeros), as X9.9/X9.19 use. EMV cryptograms use 2. */
  padding?: PaddingMethod;
  /** Leftmost bytes kept, 4..8; default 8. ISO 9797-1 advises at least 32 bits. */
  length?: number;
}

const BLOCK = 8;

function outputLength(options: MacOptions): number {
  const length = options.length ?? BLOCK;
  if (!Number.isInteger(length) || length < 4 || length > BLOCK) {
    throw new MacError(`MAC length must be 4..8 bytes, got ${length}`, { path: "length" });
  }
  return length;
}

function lastBlockTruncated(chain: Buffer, length: number): Buffer {
  const mac = Buffer.from(chain.subarray(chain.length - BLOCK, chain.length - BLOCK + length));
  chain.fill(0);
  return mac;
}

/** Algorithm 1 (CBC-MAC): DES/TDES-CBC, IV 0, over the padded data; key 8, 16 or 24 bytes. */
export function macIso9797Alg1(key: Buffer, data: Buffer, options: MacOptions = {}): Buffer {
  if (key.length !== 8 && key.length !== 16 && key.length !== 24) {
    throw new MacError(`algorithm 1 key must be 8, 16 or 24 bytes, got ${key.length}`, { path: "key" });
  }
  const length = outputLength(options);
  const padded = padIso9797(data, options.padding ?? 1, BLOCK);
  const chain = tdesCbcEncrypt(key, padded);
  padded.fill(0);
  return lastBlockTruncated(chain, length);
}

/**
 * Algorithm 3 (retail MAC): key K‖K′; single-DES CBC under K over every block, then the final
 * output is deciphered under K′ and enciphered again under K.
 */
export function macIso9797Alg3(key: Buffer, data: Buffer, options: MacOptions = {}): Buffer {
  if (key.length !== 16) {
    throw new MacError(`algorithm 3 key must be 16 bytes (K‖K′), got ${key.length}`, { path: "key" });
  }
  const length = outputLength(options);
  const k = key.subarray(0, 8);
  const kPrime = key.subarray(8, 16);
  const padded = padIso9797(data, options.padding ?? 1, BLOCK);
  const chain = tdesCbcEncrypt(k, padded);
  padded.fill(0);
  const last = chain.subarray(chain.length - BLOCK);
  const middle = tdesEcbDecrypt(kPrime, last);
  const final = tdesEcbEncrypt(k, middle);
  middle.fill(0);
  chain.fill(0);
  return lastBlockTruncated(final, length);
}

/** ANSI X9.9: single-DES CBC-MAC (algorithm 1 with an 8-byte key). */
export function macAnsiX99(key: Buffer, data: Buffer, options: MacOptions = {}): Buffer {
  if (key.length !== 8) throw new MacError(`X9.9 key must be 8 bytes, got ${key.length}`, { path: "key" });
  return macIso9797Alg1(key, data, options);
}

/** ANSI X9.19 retail MAC: algorithm 3 with a double-length key. */
export function macAnsiX919(key: Buffer, data: Buffer, options: MacOptions = {}): Buffer {
  return macIso9797Alg3(key, data, options);
}

/** Verifies a received algorithm-1 MAC; its length picks the truncation. Constant-time compare. */
export function verifyMacIso9797Alg1(
  key: Buffer,
  data: Buffer,
  mac: Buffer,
  options: Omit<MacOptions, "length"> = {},
): boolean {
  if (mac.length < 4 || mac.length > BLOCK) return false;
  return equalConstantTime(macIso9797Alg1(key, data, { ...options, length: mac.length }), mac);
}

/** Verifies a received algorithm-3 (X9.19) MAC; its length picks the truncation. Constant-time compare. */
export function verifyMacIso9797Alg3(
  key: Buffer,
  data: Buffer,
  mac: Buffer,
  options: Omit<MacOptions, "length"> = {},
): boolean {
  if (mac.length < 4 || mac.length > BLOCK) return false;
  return equalConstantTime(macIso9797Alg3(key, data, { ...options, length: mac.length }), mac);
}
