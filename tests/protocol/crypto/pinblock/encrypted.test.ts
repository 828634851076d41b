import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tdesEcbDecrypt } from "../../../../protocol/crypto/cipher.js";
import { CryptoError } from "../../../../protocol/crypto/crypto-error.js";
import { decryptPinBlock, encryptPinBlock } from "../../../../protocol/crypto/pinblock/encrypted.js";
import { PinBlockError } from "../../../../protocol/crypto/pinblock/pinblock-error.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";
import { panArb, pinArb, pinOf, prng, seedArb } from "./support.js";

interface EncV {
  name: string;
  key: string;
  pin?: string;
  pan?: string;
  expected_encrypted_pinblock?: string;
  encrypted_pinblock?: string;
  expected_pin?: string;
  researcher_computed: { clear_pinblock: string };
}
const vectors = loadVectors<{ pinblock_encrypted_tdes: EncV[] }>(
  "crypto-public.json",
).pinblock_encrypted_tdes;

describe("TDES-enciphered PIN blocks against the public vectors", () => {
  it("has vectors", () => expect(vectors.length).toBe(3));
  for (const v of vectors) {
    it(v.name, () => {
      const key = fromHex(v.key);
      if (v.expected_encrypted_pinblock) {
        const spec = { format: 0 as const, pan: v.pan! };
        const encrypted = encryptPinBlock(key, pinOf(v.pin!), spec);
        expect(toHex(encrypted)).toBe(v.expected_encrypted_pinblock);
        expect(toHex(tdesEcbDecrypt(key, encrypted))).toBe(v.researcher_computed.clear_pinblock);
        expect(decryptPinBlock(key, encrypted, spec)).toEqual(pinOf(v.pin!));
      } else {
        const encrypted = fromHex(v.encrypted_pinblock!);
        expect(toHex(tdesEcbDecrypt(key, encrypted))).toBe(v.researcher_computed.clear_pinblock);
        expect(decryptPinBlock(key, encrypted, { format: 1 })).toEqual(pinOf(v.expected_pin!));
      }
    });
  }
});

describe("TDES-enciphered PIN blocks, derived", () => {
  const keyArb = fc.constantFrom(8, 16, 24).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));

  it("decrypt(encrypt(pin)) = pin for every format 0..3 and key length", () => {
    fc.assert(
      fc.property(
        keyArb,
        pinArb,
        panArb(13),
        fc.constantFrom(0, 1, 2, 3),
        seedArb,
        (k, pin, pan, format, seed) => {
          const key = Buffer.from(k);
          const spec = format === 0 || format === 3 ? { format, pan } : { format };
          const encrypted = encryptPinBlock(key, pin, spec, { random: prng(seed) });
          expect(decryptPinBlock(key, encrypted, spec)).toEqual(pin);
        },
      ),
      { seed: 90, numRuns: 200 },
    );
  });

  it("a wrong key is rejected as a bad PIN block, never as another error", () => {
    const key = fromHex("12345678123456781234567812345678");
    const wrong = fromHex("1234567812345678123456781234565A"); // not just a parity bit
    const encrypted = encryptPinBlock(key, pinOf("1234"), { format: 0, pan: "1234567890123456" });
    expect(() => decryptPinBlock(wrong, encrypted, { format: 0, pan: "1234567890123456" })).toThrow(
      PinBlockError,
    );
  });

  it("refuses bad block and key lengths with typed errors", () => {
    expect(() => decryptPinBlock(Buffer.alloc(16), Buffer.alloc(7), { format: 2 })).toThrow(PinBlockError);
    expect(() => encryptPinBlock(Buffer.alloc(10), pinOf("1234"), { format: 2 })).toThrow(CryptoError);
  });
});
