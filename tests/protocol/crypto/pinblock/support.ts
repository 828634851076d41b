import fc from "fast-check";
import { expect } from "vitest";
import { PinBlockError } from "../../../../protocol/crypto/pinblock/pinblock-error.js";
import type { RandomSource } from "../../../../protocol/crypto/pinblock/random.js";

/** PIN as the library takes it: ASCII digits in a Buffer (tests may build it from text). */
export const pinOf = (digits: string): Buffer => Buffer.from(digits, "ascii");

export const pinArb = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 4, maxLength: 12 })
  .map((d) => Buffer.from(d.map((x) => 0x30 + x)));

export const panArb = (minLength: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength, maxLength: 19 }).map((d) => d.join(""));

/** Deterministic xorshift32 byte source, so seeded property runs are reproducible. */
export function prng(seed: number): RandomSource {
  let s = seed >>> 0 || 0x9e3779b9;
  return (n) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      out[i] = s & 0xff;
    }
    return out;
  };
}

export function flipNibble(block: Buffer, position: number, mask: number): Buffer {
  const out = Buffer.from(block);
  out[position >> 1]! ^= position % 2 === 0 ? mask << 4 : mask;
  return out;
}

export type Outcome = "rejected" | "different PIN" | "same PIN";

/** Decodes a corrupted block; anything thrown other than PinBlockError fails the test. */
export function outcomeOf(decode: () => Buffer, pin: Buffer): Outcome {
  try {
    const decoded = decode();
    return decoded.equals(pin) ? "same PIN" : "different PIN";
  } catch (error) {
    expect(error).toBeInstanceOf(PinBlockError);
    return "rejected";
  }
}

export const seedArb = fc.integer({ min: 1, max: 0x7fffffff });
