import { createCipheriv, createDecipheriv } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decipherPinBlockIso4,
  encipherPinBlockIso4,
  pinFieldIso4,
} from "../../../../protocol/crypto/pinblock/iso4.js";
import { panFieldIso4 } from "../../../../protocol/crypto/pinblock/pan.js";
import { PinBlockError } from "../../../../protocol/crypto/pinblock/pinblock-error.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";
import { flipNibble, outcomeOf, panArb, pinArb, pinOf, prng, seedArb } from "./support.js";

interface V4 {
  name: string;
  key: string;
  pin?: string;
  pan: string;
  random_pad?: string;
  pinblock?: string;
  expected_pinblock?: string;
  expected_pin?: string;
  researcher_computed: Record<string, string>;
}
type Field = Record<string, string>;
const all = loadVectors<{ pinblock_iso4: V4[]; pinblock_iso4_fields: Field[] }>("crypto-public.json");

function aesEcb(key: Buffer, data: Buffer, decrypt = false): Buffer {
  const name = `aes-${key.length * 8}-ecb`;
  const c = decrypt ? createDecipheriv(name, key, null) : createCipheriv(name, key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

describe("ISO format 4 against the public vectors", () => {
  it("has vectors", () => expect(all.pinblock_iso4.length).toBe(3));
  for (const v of all.pinblock_iso4) {
    it(v.name, () => {
      const key = fromHex(v.key);
      if (v.random_pad) {
        const random = () => fromHex(v.random_pad!);
        expect(toHex(pinFieldIso4(pinOf(v.pin!), { random }))).toBe(v.researcher_computed.pin_field);
        expect(toHex(panFieldIso4(v.pan))).toBe(v.researcher_computed.pan_field);
        expect(toHex(encipherPinBlockIso4(key, pinOf(v.pin!), v.pan, { random }))).toBe(v.expected_pinblock);
        expect(decipherPinBlockIso4(key, fromHex(v.expected_pinblock!), v.pan)).toEqual(pinOf(v.pin!));
      } else {
        expect(decipherPinBlockIso4(key, fromHex(v.pinblock!), v.pan)).toEqual(pinOf(v.expected_pin!));
      }
    });
  }

  it("has field vectors", () => expect(all.pinblock_iso4_fields.length).toBe(7));
  for (const v of all.pinblock_iso4_fields) {
    it(`field: ${v.name}`, () => {
      if (v.expected_pan_field) expect(toHex(panFieldIso4(v.pan!))).toBe(v.expected_pan_field);
      if (v.expected_pin_field_prefix) {
        const field = pinFieldIso4(pinOf(v.pin!), { random: prng(1) });
        expect(toHex(field.subarray(0, 8))).toBe(v.expected_pin_field_prefix);
      }
    });
  }
});

describe("ISO format 4, derived", () => {
  const keyArb = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));

  it("decipher(encipher(pin)) = pin over random keys, PINs and PANs (1..19 digits)", () => {
    fc.assert(
      fc.property(keyArb, pinArb, panArb(1), seedArb, (k, pin, pan, seed) => {
        const key = Buffer.from(k);
        const block = encipherPinBlockIso4(key, pin, pan, { random: prng(seed) });
        expect(block.length).toBe(16);
        expect(decipherPinBlockIso4(key, block, pan)).toEqual(pin);
      }),
      { seed: 80, numRuns: 200 },
    );
  });

  it("matches the standard's construction computed independently: AES(K, AES(K, PIN field) XOR PAN field)", () => {
    fc.assert(
      fc.property(keyArb, pinArb, panArb(1), seedArb, (k, pin, pan, seed) => {
        const key = Buffer.from(k);
        const pinField = pinFieldIso4(pin, { random: prng(seed) });
        const a = aesEcb(key, pinField);
        const panField = panFieldIso4(pan);
        const b = Buffer.from(a.map((x, i) => x ^ panField[i]!));
        const block = aesEcb(key, b);
        expect(encipherPinBlockIso4(key, pin, pan, { random: prng(seed) })).toEqual(block);
        const back = aesEcb(key, Buffer.from(aesEcb(key, block, true).map((x, i) => x ^ panField[i]!)), true);
        expect(back).toEqual(pinField);
      }),
      { seed: 81, numRuns: 100 },
    );
  });

  it("any flipped nibble of the enciphered block is rejected or gives a different PIN", () => {
    let rejected = 0;
    fc.assert(
      fc.property(pinArb, panArb(12), seedArb, (pin, pan, seed) => {
        const key = Buffer.from(prng(seed)(16));
        const block = encipherPinBlockIso4(key, pin, pan, { random: prng(seed + 1) });
        for (let p = 0; p < 32; p++) {
          for (let mask = 1; mask < 16; mask++) {
            const outcome = outcomeOf(() => decipherPinBlockIso4(key, flipNibble(block, p, mask), pan), pin);
            expect(outcome).not.toBe("same PIN");
            if (outcome === "rejected") rejected++;
          }
        }
      }),
      { seed: 82, numRuns: 15 },
    );
    // AES diffusion: a corrupted block deciphers to noise, which practically never validates.
    expect(rejected).toBe(15 * 32 * 15);
  });

  it("a wrong PAN or key is rejected", () => {
    const key = fromHex("C1D0F8FB4958670DBA40AB1F3752EF0D");
    const block = fromHex("CC17F65586BFD0953010226C4FC5B3CA");
    expect(() => decipherPinBlockIso4(key, block, "432198765432109871")).toThrow(PinBlockError);
    expect(() =>
      decipherPinBlockIso4(fromHex("C1D0F8FB4958670DBA40AB1F3752EF0E"), block, "432198765432109870"),
    ).toThrow(/corrupt block, wrong key, or not built for PAN \*+9870/);
  });

  it("refuses bad keys, PANs, block lengths and short random sources with PinBlockError", () => {
    const key = Buffer.alloc(16);
    expect(() => encipherPinBlockIso4(Buffer.alloc(8), pinOf("1234"), "1")).toThrow(/AES key/);
    expect(() => encipherPinBlockIso4(key, pinOf("1234"), "")).toThrow(PinBlockError);
    expect(() => encipherPinBlockIso4(key, pinOf("1234"), "12345678901234567890")).toThrow(PinBlockError);
    expect(() => encipherPinBlockIso4(key, pinOf("1234"), "1", { random: () => Buffer.alloc(7) })).toThrow(
      /random source/,
    );
    expect(() => decipherPinBlockIso4(key, Buffer.alloc(8), "1")).toThrow(/16 bytes/);
  });

  it("random and truncated input only ever throws PinBlockError", () => {
    const key = fromHex("00112233445566778899AABBCCDDEEFF");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 }), panArb(1), (bytes, pan) => {
        try {
          decipherPinBlockIso4(key, Buffer.from(bytes), pan);
        } catch (error) {
          expect(error).toBeInstanceOf(PinBlockError);
        }
      }),
      { seed: 83, numRuns: 500 },
    );
  });
});
