import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePinBlockIso1, encodePinBlockIso1 } from "../../../../protocol/crypto/pinblock/iso1.js";
import { PinBlockError } from "../../../../protocol/crypto/pinblock/pinblock-error.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";
import { flipNibble, outcomeOf, pinArb, pinOf, prng, seedArb } from "./support.js";

type V = Record<string, string>;
const vectors = loadVectors<Record<string, V[]>>("crypto-public.json").pinblock_iso1!;

describe("ISO format 1 against the public vectors", () => {
  it("has vectors", () => expect(vectors.length).toBe(3));
  for (const v of vectors) {
    it(v.name!, () => {
      const block = fromHex(v.pinblock ?? v.expected_pinblock!);
      const pin = pinOf(v.expected_pin ?? v.pin!);
      expect(decodePinBlockIso1(block)).toEqual(pin);
      if (v.nonce) {
        // openemv's convention (nonce bytes reversed) is reproducible by injecting the reversed nonce.
        const reversed = Buffer.from(fromHex(v.nonce)).reverse();
        expect(toHex(encodePinBlockIso1(pin, { random: (n) => Buffer.from(reversed.subarray(0, n)) }))).toBe(
          v.expected_pinblock,
        );
      }
    });
  }
});

describe("ISO format 1, derived", () => {
  it("decode(encode(pin)) = pin over random PINs and fills", () => {
    fc.assert(
      fc.property(pinArb, seedArb, (pin, seed) => {
        const block = encodePinBlockIso1(pin, { random: prng(seed) });
        expect(block[0]! >> 4).toBe(1);
        expect(decodePinBlockIso1(block)).toEqual(pin);
      }),
      { seed: 50, numRuns: 300 },
    );
  });

  it("uses the system CSPRNG by default: two blocks for the same short PIN differ", () => {
    const pin = pinOf("1234");
    expect(encodePinBlockIso1(pin).equals(encodePinBlockIso1(pin))).toBe(false);
  });

  it("corruption: header and digit flips are caught or change the PIN; fill flips are undetectable", () => {
    fc.assert(
      fc.property(pinArb, seedArb, (pin, seed) => {
        const block = encodePinBlockIso1(pin, { random: prng(seed) });
        for (let p = 0; p < 16; p++) {
          for (let mask = 1; mask < 16; mask++) {
            const outcome = outcomeOf(() => decodePinBlockIso1(flipNibble(block, p, mask)), pin);
            if (p === 0) expect(outcome).toBe("rejected");
            else if (p < 2 + pin.length) expect(outcome).not.toBe("same PIN");
            // Format 1 fill is any nibble by definition: a flipped fill nibble decodes to the same PIN.
            else expect(outcome).toBe("same PIN");
          }
        }
      }),
      { seed: 51, numRuns: 40 },
    );
  });

  it("refuses bad PINs, a short random source and bad block lengths with PinBlockError", () => {
    expect(() => encodePinBlockIso1(pinOf("12"))).toThrow(PinBlockError);
    expect(() => encodePinBlockIso1(pinOf("1234"), { random: () => Buffer.alloc(1) })).toThrow(
      /random source/,
    );
    expect(() => decodePinBlockIso1(Buffer.alloc(9))).toThrow(PinBlockError);
  });

  it("a 12-digit PIN needs no fill and draws nothing from the random source", () => {
    let calls = 0;
    const block = encodePinBlockIso1(pinOf("123456789012"), {
      random: (n) => {
        calls += n;
        return Buffer.alloc(n);
      },
    });
    expect(toHex(block)).toBe("1C12345678901200");
    expect(calls).toBe(1);
  });
});
