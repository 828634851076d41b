import { describe, expect, it } from "vitest";
import { PinBlockError } from "../../../../protocol/crypto/pinblock/pinblock-error.js";
import {
  randomNibbles,
  randomNibblesAtoF,
  systemRandom,
} from "../../../../protocol/crypto/pinblock/random.js";
import { prng } from "./support.js";

describe("PIN block fill randomness", () => {
  it("randomNibbles unpacks each byte high nibble first", () => {
    expect([...randomNibbles(() => Buffer.from([0x9a, 0x3c]), 3)]).toEqual([9, 0xa, 3]);
    expect(randomNibbles(() => Buffer.alloc(0), 0).length).toBe(0);
  });

  it("randomNibblesAtoF maps 0..B to A..F and redraws C..F", () => {
    const draws = [Buffer.from([0xcf, 0x01, 0xff]), Buffer.from([0x5b])];
    expect([...randomNibblesAtoF(() => draws.shift()!, 3)]).toEqual([0xa, 0xb, 0xf]);
  });

  it("A..F fill is roughly uniform (no modulo bias)", () => {
    const counts = new Map<number, number>();
    for (const n of randomNibblesAtoF(prng(3), 60_000)) counts.set(n, (counts.get(n) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([10, 11, 12, 13, 14, 15]);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it("refuses a source that returns too few bytes, and wipes what it used", () => {
    expect(() => randomNibbles(() => Buffer.alloc(1), 4)).toThrow(PinBlockError);
    const given = Buffer.from([0x12, 0x34]);
    randomNibbles(() => given, 4);
    expect(given.equals(Buffer.alloc(2))).toBe(true);
  });

  it("the default source is the CSPRNG", () => {
    expect(systemRandom(16).length).toBe(16);
    expect(systemRandom(16).equals(systemRandom(16))).toBe(false);
  });
});
