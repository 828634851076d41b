import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CryptoError } from "../../../protocol/crypto/crypto-error.js";
import { type PaddingMethod, padIso9797 } from "../../../protocol/crypto/padding.js";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { loadVectors } from "../../support/vectors.js";

interface PaddingVector {
  name: string;
  method: PaddingMethod;
  data: string;
  block_size: number;
  expected: string;
}
const vectors = loadVectors<{ padding_iso9797: PaddingVector[] }>("crypto-public.json").padding_iso9797;

describe("ISO 9797-1 padding against the public vectors", () => {
  it("has vectors for methods 1, 2 and 3", () => {
    expect(new Set(vectors.map((v) => v.method))).toEqual(new Set([1, 2, 3]));
  });
  for (const v of vectors) {
    it(v.name, () => {
      expect(toHex(padIso9797(fromHex(v.data), v.method, v.block_size))).toBe(v.expected);
    });
  }
});

describe("ISO 9797-1 padding, derived", () => {
  it("gives whole blocks that start with the data and follow each method's rule", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(8, 16), (d, bs) => {
        const data = Buffer.from(d);
        const p1 = padIso9797(data, 1, bs);
        const p2 = padIso9797(data, 2, bs);
        const p3 = padIso9797(data, 3, bs);
        for (const p of [p1, p2]) {
          expect(p.length % bs).toBe(0);
          expect(p.subarray(0, data.length)).toEqual(data);
        }
        expect(p1.length).toBe(Math.max(bs, Math.ceil(data.length / bs) * bs));
        expect(p1.subarray(data.length).every((b) => b === 0)).toBe(true);
        expect(p2.length).toBe(Math.ceil((data.length + 1) / bs) * bs);
        expect(p2[data.length]).toBe(0x80);
        expect(p2.subarray(data.length + 1).every((b) => b === 0)).toBe(true);
        expect(p3.subarray(bs)).toEqual(p1);
        expect(p3.readUInt32BE(bs - 4)).toBe(data.length * 8);
      }),
      { seed: 97, numRuns: 200 },
    );
  });

  it("does not modify its input", () => {
    const data = fromHex("1234");
    padIso9797(data, 2);
    expect(toHex(data)).toBe("1234");
  });

  it("refuses an unknown method and a bad block size with CryptoError", () => {
    expect(() => padIso9797(Buffer.alloc(1), 4 as PaddingMethod)).toThrow(CryptoError);
    expect(() => padIso9797(Buffer.alloc(1), 1, 0)).toThrow(CryptoError);
  });
});
