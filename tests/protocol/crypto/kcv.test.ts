import { createCipheriv } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cmac } from "../../../protocol/crypto/cmac.js";
import { CryptoError } from "../../../protocol/crypto/crypto-error.js";
import { kcvAes, kcvTdes, keyCheckValue, verifyKeyCheckValue } from "../../../protocol/crypto/kcv.js";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { loadVectors } from "../../support/vectors.js";

interface KcvVector {
  name: string;
  key: string;
  expected_kcv: string;
  researcher_computed: Record<string, string>;
}
const all = loadVectors<Record<string, KcvVector[]>>("crypto-public.json");

describe("TDES legacy KCV against the public vectors", () => {
  const vectors = all.kcv_tdes_legacy!;
  it("has vectors", () => expect(vectors.length).toBe(10));
  for (const v of vectors) {
    it(v.name, () => {
      const key = fromHex(v.key);
      const expected = fromHex(v.expected_kcv);
      expect(toHex(kcvTdes(key, expected.length))).toBe(v.expected_kcv);
      expect(toHex(kcvTdes(key))).toBe(v.researcher_computed.kcv_3_bytes);
      expect(verifyKeyCheckValue("tdes", key, expected)).toBe(true);
    });
  }
});

describe("AES CMAC KCV against the public vectors", () => {
  const vectors = all.kcv_aes_cmac!;
  it("has vectors", () => expect(vectors.length).toBe(2));
  for (const v of vectors) {
    it(v.name, () => {
      const key = fromHex(v.key);
      const expected = fromHex(v.expected_kcv);
      expect(toHex(kcvAes(key, expected.length))).toBe(v.expected_kcv);
      expect(toHex(kcvAes(key))).toBe(v.researcher_computed.kcv_cmac_5_bytes);
      expect(toHex(keyCheckValue("aes", key, { method: "zero-block" }))).toBe(
        v.researcher_computed.legacy_aes_ecb_zero_block_kcv_3_bytes_for_contrast,
      );
      expect(verifyKeyCheckValue("aes", key, expected)).toBe(true);
      // The same 16 bytes as a TDES key have another check value: the algorithm must be stated.
      expect(verifyKeyCheckValue("tdes", key, expected)).toBe(false);
    });
  }
});

describe("CUP sign-in check values (4 bytes, iso8583-cup-dialect.md §1.6 worked example)", () => {
  it("PIK and MAK check values", () => {
    expect(toHex(kcvTdes(fromHex("807A23AD32B36D457AE91FDF927570EA"), 4))).toBe("8D0A74B8");
    expect(toHex(kcvTdes(fromHex("5BB5C72CD00B7338"), 4))).toBe("AB7153CA");
  });
});

describe("KCV, derived", () => {
  it("equals the first bytes of the zero block encrypted independently (DES, 2-key and 3-key TDES)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(8, 16, 24),
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        fc.integer({ min: 2, max: 8 }),
        (size, k, n) => {
          const key = Buffer.from(k.subarray(0, size));
          const expanded =
            size === 8
              ? Buffer.concat([key, key, key])
              : size === 16
                ? Buffer.concat([key, key.subarray(0, 8)])
                : key;
          const c = createCipheriv("des-ede3", expanded, null).setAutoPadding(false);
          const block = Buffer.concat([c.update(Buffer.alloc(8)), c.final()]);
          expect(kcvTdes(key, n)).toEqual(block.subarray(0, n));
        },
      ),
      { seed: 31, numRuns: 150 },
    );
  });

  it("AES KCV equals the first bytes of AES-CMAC over a zero block; AES zero-block equals AES-ECB", () => {
    fc.assert(
      fc.property(fc.constantFrom(16, 24, 32), fc.uint8Array({ minLength: 32, maxLength: 32 }), (size, k) => {
        const key = Buffer.from(k.subarray(0, size));
        expect(kcvAes(key)).toEqual(cmac("aes", key, Buffer.alloc(16)).subarray(0, 5));
        const c = createCipheriv(`aes-${size * 8}-ecb`, key, null).setAutoPadding(false);
        const block = Buffer.concat([c.update(Buffer.alloc(16)), c.final()]);
        expect(keyCheckValue("aes", key, { method: "zero-block" })).toEqual(block.subarray(0, 3));
      }),
      { seed: 32, numRuns: 60 },
    );
  });

  it("TDES CMAC KCV on request", () => {
    const key = fromHex("0123456789ABCDEFFEDCBA9876543210");
    expect(keyCheckValue("tdes", key, { method: "cmac" })).toEqual(
      cmac("tdes", key, Buffer.alloc(8)).subarray(0, 5),
    );
  });

  it("verify is false for a wrong, too short or too long check value", () => {
    const key = fromHex("12345678123456781234567812345678");
    expect(verifyKeyCheckValue("tdes", key, fromHex("6FB1C8"))).toBe(true);
    expect(verifyKeyCheckValue("tdes", key, fromHex("6FB1C9"))).toBe(false);
    expect(verifyKeyCheckValue("tdes", key, fromHex("6F"))).toBe(false);
    expect(verifyKeyCheckValue("tdes", key, Buffer.alloc(9))).toBe(false);
  });

  it("does not alter the key and refuses bad lengths with CryptoError", () => {
    const key = fromHex("0123456789ABCDEF");
    kcvTdes(key);
    expect(toHex(key)).toBe("0123456789ABCDEF");
    expect(() => kcvTdes(key, 9)).toThrow(CryptoError);
    expect(() => kcvTdes(key, 1)).toThrow(/KCV length/);
    expect(() => kcvAes(Buffer.alloc(15))).toThrow(CryptoError);
    expect(() => kcvTdes(Buffer.alloc(12))).toThrow(CryptoError);
  });
});
