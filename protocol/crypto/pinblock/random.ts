import { randomBytes } from "node:crypto";
import { PinBlockError } from "./pinblock-error.js";

/**
 * Source of random bytes for PIN block fill; tests inject a fixed one, production uses the CSPRNG.
 * It must return a fresh Buffer of at least `n` bytes: the bytes are wiped once used.
 */
export type RandomSource = (n: number) => Buffer;

export const systemRandom: RandomSource = (n) => randomBytes(n);

/** Rejection sampling for A–F fill gives up after this many draws instead of spinning on a stuck source. */
const MAX_DRAWS = 16;

function draw(random: RandomSource, n: number): Buffer {
  const bytes = random(n);
  if (!Buffer.isBuffer(bytes) || bytes.length < n) {
    throw new PinBlockError(`random source returned ${bytes?.length ?? 0} bytes, ${n} needed`, {
      path: "random",
    });
  }
  return bytes;
}

/** `count` nibbles 0–F: each random byte gives two, high nibble first. */
export function randomNibbles(random: RandomSource, count: number): Uint8Array {
  const out = new Uint8Array(count);
  if (count === 0) return out;
  const bytes = draw(random, Math.ceil(count / 2));
  for (let i = 0; i < count; i++) out[i] = i % 2 === 0 ? bytes[i >> 1]! >> 4 : bytes[i >> 1]! & 0x0f;
  bytes.fill(0);
  return out;
}

/**
 * `count` nibbles A–F without modulo bias: a random nibble v < 12 maps to A + (v mod 6), 12–15 are
 * redrawn. A source that keeps returning only 12–15 (a stuck or all-FF test source) ends in an error.
 */
export function randomNibblesAtoF(random: RandomSource, count: number): Uint8Array {
  const out = new Uint8Array(count);
  let filled = 0;
  for (let round = 0; filled < count; round++) {
    if (round >= MAX_DRAWS) {
      throw new PinBlockError("random source gave no usable A–F fill nibbles", { path: "random" });
    }
    const bytes = draw(random, count - filled);
    for (let i = 0; i < bytes.length * 2 && filled < count; i++) {
      const v = i % 2 === 0 ? bytes[i >> 1]! >> 4 : bytes[i >> 1]! & 0x0f;
      if (v < 12) out[filled++] = 0xa + (v % 6);
    }
    bytes.fill(0);
  }
  return out;
}
