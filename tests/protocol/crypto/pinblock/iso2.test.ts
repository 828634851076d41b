import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePinBlockIso2, encodePinBlockIso2 } from "../../../../protocol/crypto/pinblock/iso2.js";
import { PinBlockError } from "../../../../protocol/crypto/pinblock/pinblock-error.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";
import { flipNibble, outcomeOf, pinArb, pinOf } from "./support.js";

type V = Record<string, string>;
const vectors = loadVectors<Record<string, V[]>>("crypto-public.json").pinblock_iso2!;

describe("ISO format 2 against the public vectors", () => {
  it("has vectors", () => expect(vectors.length).toBe(5));
  for (const v of vectors) {
    it(v.name!, () => {
      expect(toHex(encodePinBlockIso2(pinOf(v.pin!)))).toBe(v.expected_pinblock);
      expect(decodePinBlockIso2(fromHex(v.expected_pinblock!))).toEqual(pinOf(v.pin!));
    });
  }
});

describe("ISO format 2, derived", () => {
  it("decode(encode(pin)) = pin over random PINs", () => {
    fc.assert(
      fc.property(pinArb, (pin) => {
        expect(decodePinBlockIso2(encodePinBlockIso2(pin))).toEqual(pin);
      }),
      { seed: 60, numRuns: 300 },
    );
  });

  it("every single-nibble corruption is rejected or gives a different PIN", () => {
    fc.assert(
      fc.property(pinArb, (pin) => {
        const block = encodePinBlockIso2(pin);
        for (let p = 0; p < 16; p++) {
          for (let mask = 1; mask < 16; mask++) {
            const outcome = outcomeOf(() => decodePinBlockIso2(flipNibble(block, p, mask)), pin);
            if (p >= 2 && p < 2 + pin.length) expect(outcome).not.toBe("same PIN");
            else expect(outcome).toBe("rejected");
          }
        }
      }),
      { seed: 61, numRuns: 40 },
    );
  });

  it("refuses format-0 and format-1 blocks and bad lengths", () => {
    expect(() => decodePinBlockIso2(fromHex("041234FFFFFFFFFF"))).toThrow(/control field 0/);
    expect(() => decodePinBlockIso2(fromHex("141234FFFFFFFFFF"))).toThrow(PinBlockError);
    expect(() => decodePinBlockIso2(fromHex("241234FFFFFFFF"))).toThrow(/8 bytes/);
  });
});
