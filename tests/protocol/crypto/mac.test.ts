import { createCipheriv, createDecipheriv } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CryptoError } from "../../../protocol/crypto/crypto-error.js";
import {
  macAnsiX99,
  macAnsiX919,
  macIso9797Alg1,
  macIso9797Alg3,
  verifyMacIso9797Alg1,
  verifyMacIso9797Alg3,
} from "../../../protocol/crypto/mac.js";
import { MacError } from "../../../protocol/crypto/mac-error.js";
import type { PaddingMethod } from "../../../protocol/crypto/padding.js";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { loadVectors } from "../../support/vectors.js";

interface MacVector {
  name: string;
  key: string;
  data?: string;
  data_ascii_hex?: string;
  padding: PaddingMethod;
  expected_mac: string;
  researcher_computed?: { full_8_byte_mac?: string };
}
const all = loadVectors<Record<string, MacVector[]>>("crypto-public.json");
const dataOf = (v: MacVector) => fromHex(v.data ?? v.data_ascii_hex!);

/** Independent single-DES CBC over OpenSSL's 3-key EDE with K‖K‖K, for cross-checks. */
function desCbcLastBlock(key: Buffer, data: Buffer): Buffer {
  const c = createCipheriv("des-ede3-cbc", Buffer.concat([key, key, key]), Buffer.alloc(8)).setAutoPadding(
    false,
  );
  const out = Buffer.concat([c.update(data), c.final()]);
  return out.subarray(out.length - 8);
}

describe("ISO 9797-1 algorithm 3 (retail MAC, X9.19) against the public vectors", () => {
  const vectors = all.mac_iso9797_1_alg3_retail!;
  it("has vectors", () => expect(vectors.length).toBe(7));
  for (const v of vectors) {
    it(v.name, () => {
      const key = fromHex(v.key);
      const expected = fromHex(v.expected_mac);
      const mac = macIso9797Alg3(key, dataOf(v), { padding: v.padding, length: expected.length });
      expect(toHex(mac)).toBe(v.expected_mac);
      if (v.researcher_computed?.full_8_byte_mac) {
        expect(toHex(macIso9797Alg3(key, dataOf(v), { padding: v.padding }))).toBe(
          v.researcher_computed.full_8_byte_mac,
        );
      }
      expect(verifyMacIso9797Alg3(key, dataOf(v), expected, { padding: v.padding })).toBe(true);
    });
  }
});

describe("ISO 9797-1 algorithm 1 (CBC-MAC) against the public vectors", () => {
  const vectors = all.mac_iso9797_1_alg1_cbc_tdes!;
  it("has vectors", () => expect(vectors.length).toBe(4));
  for (const v of vectors) {
    it(v.name, () => {
      const key = fromHex(v.key);
      expect(toHex(macIso9797Alg1(key, dataOf(v), { padding: v.padding }))).toBe(v.expected_mac);
      expect(verifyMacIso9797Alg1(key, dataOf(v), fromHex(v.expected_mac), { padding: v.padding })).toBe(
        true,
      );
    });
  }
});

describe("MACs, derived", () => {
  const keyArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((k) => Buffer.from(k));
  const dataArb = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((d) => Buffer.from(d));

  it("X9.19 equals single-DES CBC under K, then D(K′), E(K), computed independently", () => {
    fc.assert(
      fc.property(keyArb, dataArb, (key, data) => {
        const padded = Buffer.alloc(Math.ceil(data.length / 8) * 8);
        data.copy(padded);
        const k = key.subarray(0, 8);
        const kp = key.subarray(8);
        const y = desCbcLastBlock(k, padded);
        const expected = desBlock(k, false, desBlock(kp, true, y));
        expect(macAnsiX919(key, data)).toEqual(expected);
      }),
      { seed: 5, numRuns: 100 },
    );
  });

  it("X9.9 equals the last block of single-DES CBC with IV 0", () => {
    fc.assert(
      fc.property(keyArb, dataArb, (key, data) => {
        const k = key.subarray(0, 8);
        const padded = Buffer.alloc(Math.ceil(data.length / 8) * 8);
        data.copy(padded);
        expect(macAnsiX99(k, data)).toEqual(desCbcLastBlock(k, padded));
      }),
      { seed: 6, numRuns: 100 },
    );
  });

  it("algorithm 3 with K′ = K degenerates to single-DES CBC-MAC (sanity of the final step)", () => {
    const k = fromHex("0123456789ABCDEF");
    const data = Buffer.from("hello world, payments", "ascii");
    expect(macIso9797Alg3(Buffer.concat([k, k]), data)).toEqual(macAnsiX99(k, data));
  });

  it("changes when any input byte flips (algorithms 1 and 3, every padding)", () => {
    fc.assert(
      fc.property(
        keyArb,
        dataArb,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom<PaddingMethod>(1, 2, 3),
        (key, data, at, flip, padding) => {
          const a1 = macIso9797Alg1(key, data, { padding });
          const a3 = macIso9797Alg3(key, data, { padding });
          const changed = Buffer.from(data);
          changed[at % changed.length]! ^= flip;
          expect(macIso9797Alg1(key, changed, { padding }).equals(a1)).toBe(false);
          expect(macIso9797Alg3(key, changed, { padding }).equals(a3)).toBe(false);
          expect(verifyMacIso9797Alg3(key, changed, a3, { padding })).toBe(false);
        },
      ),
      { seed: 13, numRuns: 200 },
    );
  });

  it("truncates to the leftmost bytes of the full MAC", () => {
    const key = fromHex("0123456789ABCDEFFEDCBA9876543210");
    const data = Buffer.from("Now is the time for all ", "ascii");
    const full = macIso9797Alg3(key, data);
    for (let n = 4; n <= 8; n++)
      expect(macIso9797Alg3(key, data, { length: n })).toEqual(full.subarray(0, n));
  });

  it("does not alter the caller's key or data", () => {
    const key = fromHex("0123456789ABCDEFFEDCBA9876543210");
    const data = fromHex("1234567890ABCDEF12");
    macIso9797Alg3(key, data, { padding: 2 });
    macIso9797Alg1(key, data);
    expect(toHex(key)).toBe("0123456789ABCDEFFEDCBA9876543210");
    expect(toHex(data)).toBe("1234567890ABCDEF12");
  });

  it("verify refuses a wrong MAC and wrong lengths without throwing", () => {
    const key = fromHex("0123456789ABCDEFFEDCBA9876543210");
    const data = Buffer.from("x");
    const mac = macIso9797Alg3(key, data, { length: 4 });
    expect(verifyMacIso9797Alg3(key, data, mac)).toBe(true);
    expect(verifyMacIso9797Alg3(key, data, Buffer.alloc(4))).toBe(false);
    expect(verifyMacIso9797Alg3(key, data, Buffer.alloc(3))).toBe(false);
    expect(verifyMacIso9797Alg1(key, data, Buffer.alloc(9))).toBe(false);
  });

  it("refuses bad key and output lengths with MacError", () => {
    expect(() => macIso9797Alg3(Buffer.alloc(8), Buffer.alloc(8))).toThrow(MacError);
    expect(() => macIso9797Alg3(Buffer.alloc(24), Buffer.alloc(8))).toThrow(MacError);
    expect(() => macIso9797Alg1(Buffer.alloc(7), Buffer.alloc(8))).toThrow(MacError);
    expect(() => macAnsiX99(Buffer.alloc(16), Buffer.alloc(8))).toThrow(/X9.9 key/);
    expect(() => macIso9797Alg1(Buffer.alloc(8), Buffer.alloc(8), { length: 3 })).toThrow(MacError);
    expect(() => macIso9797Alg1(Buffer.alloc(8), Buffer.alloc(8), { length: 9 })).toThrow(CryptoError);
  });
});

/** One single-DES block operation through OpenSSL's 3-key EDE with K‖K‖K. */
function desBlock(key8: Buffer, decrypt: boolean, block: Buffer): Buffer {
  const k = Buffer.concat([key8, key8, key8]);
  const c = decrypt ? createDecipheriv("des-ede3", k, null) : createCipheriv("des-ede3", k, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}
