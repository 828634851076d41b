import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { xor } from "../../../../protocol/crypto/cipher.js";
import { decodePinBlockIso3, encodePinBlockIso3 } from "../../../../protocol/crypto/pinblock/iso3.js";
import { panBlockIso0 } from "../../../../protocol/crypto/pinblock/pan.js";
import { PinBlockError } from "../../../../protocol/crypto/pinblock/pinblock-error.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";
import { flipNibble, outcomeOf, panArb, pinArb, pinOf, prng, seedArb } from "./support.js";

type V = Record<string, string>;
const vectors = loadVectors<Record<string, V[]>>("crypto-public.json").pinblock_iso3!;

describe("ISO format 3 against the public vectors", () => {
  it("has vectors", () => expect(vectors.length).toBe(9));
  for (const v of vectors) {
    it(v.name!, () => {
      if (v.expected_error) {
        expect(() => decodePinBlockIso3(fromHex(v.pinblock!), v.pan!)).toThrow(
          /fill nibble 15 is not A\.\.F/,
        );
      } else if (v.expected_pinblock_prefix) {
        const block = encodePinBlockIso3(pinOf(v.pin!), v.pan!);
        expect(toHex(block).startsWith(v.expected_pinblock_prefix)).toBe(true);
        expect(decodePinBlockIso3(block, v.pan!)).toEqual(pinOf(v.pin!));
      } else {
        expect(decodePinBlockIso3(fromHex(v.pinblock!), v.pan!)).toEqual(pinOf(v.expected_pin!));
      }
    });
  }
});

describe("ISO format 3, derived", () => {
  it("decode(encode(pin)) = pin, with every clear fill nibble in A..F", () => {
    fc.assert(
      fc.property(pinArb, panArb(13), seedArb, (pin, pan, seed) => {
        const block = encodePinBlockIso3(pin, pan, { random: prng(seed) });
        expect(decodePinBlockIso3(block, pan)).toEqual(pin);
        const clear = toHex(xor(block, panBlockIso0(pan)));
        expect(clear.slice(2 + pin.length)).toMatch(/^[A-F]*$/);
      }),
      { seed: 70, numRuns: 300 },
    );
  });

  it("fill nibbles are spread over all of A..F", () => {
    const seen = new Set<string>();
    const random = prng(7);
    for (let i = 0; i < 20; i++) {
      const clear = toHex(
        xor(encodePinBlockIso3(pinOf("1234"), "4012345678909", { random }), panBlockIso0("4012345678909")),
      );
      for (const c of clear.slice(6)) seen.add(c);
    }
    expect([...seen].sort().join("")).toBe("ABCDEF");
  });

  it("corruption: rejected or a different PIN, except a fill flip that stays in A..F (same PIN)", () => {
    fc.assert(
      fc.property(pinArb, panArb(13), seedArb, (pin, pan, seed) => {
        const block = encodePinBlockIso3(pin, pan, { random: prng(seed) });
        const clear = xor(block, panBlockIso0(pan));
        for (let p = 0; p < 16; p++) {
          for (let mask = 1; mask < 16; mask++) {
            const outcome = outcomeOf(() => decodePinBlockIso3(flipNibble(block, p, mask), pan), pin);
            if (p < 2) expect(outcome).toBe("rejected");
            else if (p < 2 + pin.length) expect(outcome).not.toBe("same PIN");
            else {
              const nibble = (p % 2 === 0 ? clear[p >> 1]! >> 4 : clear[p >> 1]! & 0xf) ^ mask;
              expect(outcome).toBe(nibble >= 0xa ? "same PIN" : "rejected");
            }
          }
        }
      }),
      { seed: 71, numRuns: 40 },
    );
  });

  it("a stuck random source ends in PinBlockError, not a hang", () => {
    expect(() =>
      encodePinBlockIso3(pinOf("1234"), "4012345678909", { random: (n) => Buffer.alloc(n, 0xff) }),
    ).toThrow(/no usable A–F fill/);
  });

  it("random and truncated input only ever throws PinBlockError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), panArb(0), (bytes, pan) => {
        try {
          decodePinBlockIso3(Buffer.from(bytes), pan);
        } catch (error) {
          expect(error).toBeInstanceOf(PinBlockError);
        }
      }),
      { seed: 72, numRuns: 500 },
    );
  });
});
