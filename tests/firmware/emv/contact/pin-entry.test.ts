import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plaintextPinBlock, randomlySelected } from "../../../../firmware/emv/contact/index.js";

describe("plaintext offline PIN block", () => {
  it("is 2L ‖ digits ‖ F padding for 4..12 digits, undefined otherwise", () => {
    expect(plaintextPinBlock(Buffer.from("1234"))!.toString("hex")).toBe("241234ffffffffff");
    expect(plaintextPinBlock(Buffer.from("123456789012"))!.toString("hex")).toBe("2c123456789012ff");
    expect(plaintextPinBlock(Buffer.from("123"))).toBeUndefined();
    expect(plaintextPinBlock(Buffer.from("12a4"))).toBeUndefined();
    fc.assert(
      fc.property(fc.stringMatching(/^\d{4,12}$/), (pin) => {
        const block = plaintextPinBlock(Buffer.from(pin))!;
        const text = block.toString("hex");
        expect(text.slice(0, 2)).toBe(`2${pin.length.toString(16)}`);
        expect(text.slice(2, 2 + pin.length)).toBe(pin);
        expect(/^f*$/.test(text.slice(2 + pin.length))).toBe(true);
      }),
      { seed: 6, numRuns: 200 },
    );
  });
});

describe("random transaction selection", () => {
  const params = { threshold: 2000, targetPercent: 10, maxTargetPercent: 60 };
  const draw = (n: number) => ({ bytes: (k: number) => Buffer.alloc(k), int: () => n });

  it("never selects at or above the floor limit, nor with both percentages 0", () => {
    expect(randomlySelected(10_000, 10_000, params, draw(1))).toBe(false);
    expect(
      randomlySelected(10, 10_000, { threshold: 0, targetPercent: 0, maxTargetPercent: 0 }, draw(1)),
    ).toBe(false);
  });

  it("the selection probability rises monotonically from threshold to floor limit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 9998 }), fc.integer({ min: 1, max: 99 }), (amount, x) => {
        if (randomlySelected(amount, 10_000, params, draw(x))) {
          expect(randomlySelected(amount + 1, 10_000, params, draw(x))).toBe(true);
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
