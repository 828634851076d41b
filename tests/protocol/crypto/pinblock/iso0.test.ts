import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePinBlockIso0, encodePinBlockIso0 } from "../../../../protocol/crypto/pinblock/iso0.js";
import { panBlockIso0 } from "../../../../protocol/crypto/pinblock/pan.js";
import { PinBlockError } from "../../../../protocol/crypto/pinblock/pinblock-error.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";
import { flipNibble, outcomeOf, panArb, pinArb, pinOf } from "./support.js";

type V = Record<string, string>;
const all = loadVectors<Record<string, V[]>>("crypto-public.json");

describe("ISO format 0 against the public vectors", () => {
  it("has vectors", () => expect(all.pinblock_iso0!.length).toBe(7));
  for (const v of all.pinblock_iso0!) {
    it(v.name!, () => {
      expect(toHex(encodePinBlockIso0(pinOf(v.pin!), v.pan!))).toBe(v.expected_pinblock);
      expect(decodePinBlockIso0(fromHex(v.expected_pinblock!), v.pan!)).toEqual(pinOf(v.pin!));
      if (v.expected_pan_block) expect(toHex(panBlockIso0(v.pan!))).toBe(v.expected_pan_block);
    });
  }
});

describe("ISO format 0 decode errors against the public vectors", () => {
  const expectedMessage: Record<string, RegExp> = {
    "wrong control nibble": /not an ISO format 0 PIN block \(control field 2\)/,
    "PIN length 15": /PIN length must be 4\.\.12, got 15/,
    "PIN length 2": /PIN length must be 4\.\.12, got 2/,
    "bad filler": /fill nibble 15 is not F/,
    "non-numeric PIN digit": /PIN digit 5 is not a decimal digit/,
    "wrong PAN must not decode (openemv)":
      /fill nibble \d+ is not F \(corrupt block, or not built for PAN \*+8909\)/,
  };
  it("has vectors", () => expect(all.pinblock_iso0_decode_errors!.length).toBe(6));
  for (const v of all.pinblock_iso0_decode_errors!) {
    it(v.name!, () => {
      const decode = () => decodePinBlockIso0(fromHex(v.pinblock!), v.pan!);
      expect(decode).toThrow(PinBlockError);
      expect(decode).toThrow(expectedMessage[v.name!]!);
    });
  }

  it("never puts PIN digits or the full PAN in a message", () => {
    // 041261AAAAEDCBA9 with PAN 5555555551234567 holds PIN 1234; corrupt the fill.
    try {
      decodePinBlockIso0(fromHex("041261AAAAEDCBA8"), "5555555551234567");
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).not.toContain("1234");
      expect(message).not.toContain("5555555551234567");
      expect(message).toContain("************4567");
    }
  });
});

describe("ISO format 0, derived", () => {
  it("decode(encode(pin)) = pin over random PINs and PANs", () => {
    fc.assert(
      fc.property(pinArb, panArb(2), (pin, pan) => {
        const block = encodePinBlockIso0(pin, pan);
        expect(block.length).toBe(8);
        expect(decodePinBlockIso0(block, pan)).toEqual(pin);
      }),
      { seed: 40, numRuns: 300 },
    );
  });

  it("every single-nibble corruption is rejected or gives a different PIN, never the same PIN", () => {
    fc.assert(
      fc.property(pinArb, panArb(13), (pin, pan) => {
        const block = encodePinBlockIso0(pin, pan);
        for (let p = 0; p < 16; p++) {
          for (let mask = 1; mask < 16; mask++) {
            const outcome = outcomeOf(() => decodePinBlockIso0(flipNibble(block, p, mask), pan), pin);
            // Digit nibbles may turn into other digits; every other nibble is fully checked.
            if (p >= 2 && p < 2 + pin.length) expect(outcome).not.toBe("same PIN");
            else expect(outcome).toBe("rejected");
          }
        }
      }),
      { seed: 41, numRuns: 40 },
    );
  });

  it("the PAN block uses the 12 digits left of the check digit, zero-padded when short", () => {
    expect(toHex(panBlockIso0("4012345678909"))).toBe("0000401234567890");
    expect(toHex(panBlockIso0("123456789"))).toBe("0000000012345678");
    expect(toHex(panBlockIso0("1234567890123456789"))).toBe("0000789012345678");
  });

  it("refuses bad PINs, PANs and block lengths with PinBlockError", () => {
    const pan = "5555555551234567";
    for (const pin of ["123", "1234567890123", "12a4", "12 4"]) {
      expect(() => encodePinBlockIso0(pinOf(pin), pan)).toThrow(PinBlockError);
    }
    for (const badPan of ["", "1", "12345678901234567890", "4012 3456 7890 9", "401234567890F"]) {
      expect(() => encodePinBlockIso0(pinOf("1234"), badPan)).toThrow(PinBlockError);
    }
    expect(() => decodePinBlockIso0(Buffer.alloc(7), pan)).toThrow(/must be 8 bytes/);
    expect(() => decodePinBlockIso0(Buffer.alloc(16), pan)).toThrow(PinBlockError);
  });

  it("random and truncated input only ever throws PinBlockError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), panArb(0), (bytes, pan) => {
        try {
          decodePinBlockIso0(Buffer.from(bytes), pan);
        } catch (error) {
          expect(error).toBeInstanceOf(PinBlockError);
        }
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});
