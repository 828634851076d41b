import { createCipheriv, createDecipheriv } from "node:crypto";
import { CryptoError } from "./crypto-error.js";

/**
 * Block-cipher primitives over Buffers, native `node:crypto` underneath.
 *
 * Single DES is not in OpenSSL 3's default provider; DES with key K equals TDES-EDE with K‖K‖K, so
 * 8-byte keys go through `des-ede3` (no legacy provider needed). 16-byte keys use the two-key
 * `des-ede` ciphers, 24-byte keys the three-key ones. No padding is ever applied: callers pad.
 */
export type CipherMode = "ecb" | "cbc";

const ZERO_IV_8 = Buffer.alloc(8);
const ZERO_IV_16 = Buffer.alloc(16);

function tdesName(key: Buffer, mode: CipherMode): { name: string; key: Buffer } {
  switch (key.length) {
    case 8:
      return { name: `des-ede3${mode === "ecb" ? "-ecb" : "-cbc"}`, key: Buffer.concat([key, key, key]) };
    case 16:
      return { name: mode === "ecb" ? "des-ede-ecb" : "des-ede-cbc", key };
    case 24:
      return { name: mode === "ecb" ? "des-ede3-ecb" : "des-ede3-cbc", key };
    default:
      throw new CryptoError(`DES/TDES key must be 8, 16 or 24 bytes, got ${key.length}`, { path: "key" });
  }
}

function aesName(key: Buffer, mode: CipherMode): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new CryptoError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`, { path: "key" });
  }
  return `aes-${key.length * 8}-${mode}`;
}

function checkBlocks(data: Buffer, blockSize: number): void {
  if (data.length % blockSize !== 0) {
    throw new CryptoError(`data length ${data.length} is not a multiple of ${blockSize}`, { path: "data" });
  }
}

function checkIv(iv: Buffer, blockSize: number): void {
  if (iv.length !== blockSize) {
    throw new CryptoError(`IV must be ${blockSize} bytes, got ${iv.length}`, { path: "iv" });
  }
}

function run(
  decrypt: boolean,
  name: string,
  key: Buffer,
  iv: Buffer | null,
  data: Buffer,
  expandedKey: boolean,
): Buffer {
  const cipher = decrypt ? createDecipheriv(name, key, iv) : createCipheriv(name, key, iv);
  cipher.setAutoPadding(false);
  const out = Buffer.concat([cipher.update(data), cipher.final()]);
  if (expandedKey) key.fill(0);
  return out;
}

function tdes(decrypt: boolean, mode: CipherMode, key: Buffer, data: Buffer, iv: Buffer): Buffer {
  checkBlocks(data, 8);
  if (mode === "cbc") checkIv(iv, 8);
  const chosen = tdesName(key, mode);
  return run(decrypt, chosen.name, chosen.key, mode === "ecb" ? null : iv, data, chosen.key !== key);
}

function aes(decrypt: boolean, mode: CipherMode, key: Buffer, data: Buffer, iv: Buffer): Buffer {
  checkBlocks(data, 16);
  if (mode === "cbc") checkIv(iv, 16);
  return run(decrypt, aesName(key, mode), key, mode === "ecb" ? null : iv, data, false);
}

/** DES (8-byte key), two-key or three-key TDES, ECB. */
export function tdesEcbEncrypt(key: Buffer, data: Buffer): Buffer {
  return tdes(false, "ecb", key, data, ZERO_IV_8);
}
export function tdesEcbDecrypt(key: Buffer, data: Buffer): Buffer {
  return tdes(true, "ecb", key, data, ZERO_IV_8);
}
/** DES/TDES CBC; the IV defaults to zeros as payment MACs and key blocks use it. */
export function tdesCbcEncrypt(key: Buffer, data: Buffer, iv: Buffer = ZERO_IV_8): Buffer {
  return tdes(false, "cbc", key, data, iv);
}
export function tdesCbcDecrypt(key: Buffer, data: Buffer, iv: Buffer = ZERO_IV_8): Buffer {
  return tdes(true, "cbc", key, data, iv);
}

/** AES-128/192/256 ECB. */
export function aesEcbEncrypt(key: Buffer, data: Buffer): Buffer {
  return aes(false, "ecb", key, data, ZERO_IV_16);
}
export function aesEcbDecrypt(key: Buffer, data: Buffer): Buffer {
  return aes(true, "ecb", key, data, ZERO_IV_16);
}
export function aesCbcEncrypt(key: Buffer, data: Buffer, iv: Buffer = ZERO_IV_16): Buffer {
  return aes(false, "cbc", key, data, iv);
}
export function aesCbcDecrypt(key: Buffer, data: Buffer, iv: Buffer = ZERO_IV_16): Buffer {
  return aes(true, "cbc", key, data, iv);
}

/** XOR of two equal-length buffers into a new buffer. */
export function xor(a: Buffer, b: Buffer): Buffer {
  if (a.length !== b.length) {
    throw new CryptoError(`xor of unequal lengths ${a.length} and ${b.length}`);
  }
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}
