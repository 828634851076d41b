import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { panBlockIso0, panFieldIso4, panForErrors } from "../../../../protocol/crypto/pinblock/pan.js";
import { PinBlockError } from "../../../../protocol/crypto/pinblock/pinblock-error.js";
import { toHex } from "../../../../protocol/hex.js";
import { panArb } from "./support.js";

describe("PAN handling for PIN blocks", () => {
  it("masks all but the last 4 digits and hides anything that is not a plausible PAN", () => {
    expect(panForErrors("5555555551234567")).toBe("************4567");
    expect(panForErrors("1234567")).toBe("<7 characters>");
    expect(panForErrors("4012 3456 7890")).toBe("<14 characters>");
  });

  it("never echoes a bad PAN in the error", () => {
    try {
      panBlockIso0("40123456789X9");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PinBlockError);
      expect((error as Error).message).not.toContain("40123456789");
    }
  });

  it("format 4 PAN field: M nibble, PAN padded to 12, zeros to 32 nibbles", () => {
    fc.assert(
      fc.property(panArb(1), (pan) => {
        const hex = toHex(panFieldIso4(pan));
        expect(hex.length).toBe(32);
        expect(hex[0]).toBe(String(Math.max(0, pan.length - 12)));
        const digits = Math.max(12, pan.length);
        expect(hex.slice(1, 1 + digits)).toBe(pan.padStart(12, "0"));
        expect(hex.slice(1 + digits)).toMatch(/^0*$/);
      }),
      { seed: 110, numRuns: 200 },
    );
  });

  it("format 0/3 PAN block: the 12 digits before the check digit", () => {
    fc.assert(
      fc.property(panArb(13), (pan) => {
        expect(toHex(panBlockIso0(pan))).toBe(`0000${pan.slice(-13, -1)}`);
      }),
      { seed: 111, numRuns: 200 },
    );
  });
});
