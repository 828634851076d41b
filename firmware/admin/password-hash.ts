import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { AdminError } from "./admin-error.js";

/**
 * Password hashing with scrypt. The parameters travel with every hash, so raising them later (a faster
 * board, a new policy) needs no flag day: old hashes verify with their own parameters and are re-hashed
 * with the new ones at the next successful log-in or password change (`needsRehash`).
 */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** 2^15 × 8 × 128 B = 32 MiB and ~100 ms per attempt on the board: slow for a thief, fine for a clerk. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
export const SALT_BYTES = 16;
export const HASH_BYTES = 32;

export interface PasswordHash {
  algorithm: "scrypt";
  N: number;
  r: number;
  p: number;
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
}

/** Refuses parameters outside what a terminal can afford (a tampered user file must not exhaust memory). */
export function checkScryptParams(params: ScryptParams, setting = "scrypt"): ScryptParams {
  const { N, r, p } = params;
  const powerOfTwo = Number.isSafeInteger(N) && N >= 2 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > 2 ** 20)
    throw new AdminError("user-file", "N must be a power of two ≤ 2^20", { setting });
  if (!Number.isSafeInteger(r) || r < 1 || r > 32)
    throw new AdminError("user-file", "r must be 1..32", { setting });
  if (!Number.isSafeInteger(p) || p < 1 || p > 16)
    throw new AdminError("user-file", "p must be 1..16", { setting });
  return params;
}

/** scrypt through the thread pool (never blocks the terminal's event loop), memory limit sized to N·r. */
export function deriveScrypt(
  secret: Buffer,
  salt: Buffer,
  length: number,
  params: ScryptParams,
): Promise<Buffer> {
  checkScryptParams(params);
  const { N, r, p } = params;
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(
  password: Buffer,
  params: ScryptParams = DEFAULT_SCRYPT,
  random: (n: number) => Buffer = randomBytes,
): Promise<PasswordHash> {
  const salt = random(SALT_BYTES);
  const key = await deriveScrypt(password, salt, HASH_BYTES, params);
  try {
    return {
      algorithm: "scrypt",
      N: params.N,
      r: params.r,
      p: params.p,
      salt: salt.toString("base64"),
      hash: key.toString("base64"),
    };
  } finally {
    key.fill(0);
  }
}

/** Verifies with the hash's own parameters; the comparison takes the same time wherever the bytes differ. */
export async function verifyPassword(password: Buffer, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, "base64");
  const key = await deriveScrypt(
    password,
    Buffer.from(stored.salt, "base64"),
    expected.length || HASH_BYTES,
    {
      N: stored.N,
      r: stored.r,
      p: stored.p,
    },
  );
  try {
    return expected.length === key.length && timingSafeEqual(expected, key);
  } finally {
    key.fill(0);
  }
}

/** True when the stored hash was made with weaker (or just other) parameters than the current policy. */
export function needsRehash(stored: PasswordHash, params: ScryptParams): boolean {
  return stored.N !== params.N || stored.r !== params.r || stored.p !== params.p;
}
