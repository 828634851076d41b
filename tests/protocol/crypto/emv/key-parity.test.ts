import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { withOddParity } from "../../../../protocol/crypto/emv/key-parity.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";

const ones = (b: number) => b.toString(2).replaceAll("0", "").length;

describe("odd parity adjustment", () => {
  it("sets only the low bit so every byte has an odd number of one bits", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 24 }), (k) => {
        const key = Buffer.from(k);
        const adjusted = withOddParity(key);
        adjusted.forEach((b, i) => {
          expect(ones(b) % 2).toBe(1);
          expect(b & 0xfe).toBe(key[i]! & 0xfe);
        });
        expect(Buffer.from(k)).toEqual(key);
      }),
      { seed: 130, numRuns: 200 },
    );
  });

  it("keeps an already odd-parity key", () => {
    expect(toHex(withOddParity(fromHex("0123456789ABCDEFFEDCBA9876543210")))).toBe(
      "0123456789ABCDEFFEDCBA9876543210",
    );
    expect(toHex(withOddParity(fromHex("0000FFFE")))).toBe("0101FEFE");
  });
});
