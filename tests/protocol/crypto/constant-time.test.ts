import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { equalConstantTime } from "../../../protocol/crypto/constant-time.js";

describe("equalConstantTime", () => {
  it("is true for equal bytes and false for any difference", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 32 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (a, at, flip) => {
          const x = Buffer.from(a);
          expect(equalConstantTime(x, Buffer.from(a))).toBe(true);
          const y = Buffer.from(a);
          y[at % y.length]! ^= flip;
          expect(equalConstantTime(x, y)).toBe(false);
        },
      ),
      { seed: 101, numRuns: 200 },
    );
  });

  it("returns false on a length mismatch instead of throwing", () => {
    expect(equalConstantTime(Buffer.from("1234"), Buffer.from("12345"))).toBe(false);
    expect(equalConstantTime(Buffer.alloc(0), Buffer.alloc(1))).toBe(false);
    expect(equalConstantTime(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
  });
});
