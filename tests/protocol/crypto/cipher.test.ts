import { createCipheriv } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aesCbcDecrypt,
  aesCbcEncrypt,
  aesEcbDecrypt,
  aesEcbEncrypt,
  tdesCbcDecrypt,
  tdesCbcEncrypt,
  tdesEcbDecrypt,
  tdesEcbEncrypt,
} from "../../../protocol/crypto/cipher.js";
import { cmac } from "../../../protocol/crypto/cmac.js";
import { CryptoError } from "../../../protocol/crypto/crypto-error.js";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { loadVectors } from "../../support/vectors.js";

type Vector = Record<string, string>;
const vectors = loadVectors<Record<string, Vector[]>>("crypto-public.json");

describe("cipher primitives against the public vectors", () => {
  const primitives = vectors.primitives!;
  it("has vectors to run", () => expect(primitives.length).toBeGreaterThan(3));
  for (const v of primitives) {
    it(v.name!, () => {
      const key = fromHex(v.key!);
      const plain = fromHex(v.plaintext!);
      const iv = v.iv ? fromHex(v.iv) : undefined;
      const alg = v.alg!;
      const cbc = alg.endsWith("CBC");
      const isAes = alg.startsWith("AES");
      const enc = isAes
        ? cbc
          ? aesCbcEncrypt(key, plain, iv)
          : aesEcbEncrypt(key, plain)
        : cbc
          ? tdesCbcEncrypt(key, plain, iv)
          : tdesEcbEncrypt(key, plain);
      expect(toHex(enc)).toBe(v.expected_ciphertext!.toUpperCase());
      const dec = isAes
        ? cbc
          ? aesCbcDecrypt(key, enc, iv)
          : aesEcbDecrypt(key, enc)
        : cbc
          ? tdesCbcDecrypt(key, enc, iv)
          : tdesEcbDecrypt(key, enc);
      expect(toHex(dec)).toBe(toHex(plain));
    });
  }
});

describe("cipher primitives, derived", () => {
  it("single DES equals two-key TDES with K||K and three-key with K||K||K", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        (k, d) => {
          const key = Buffer.from(k);
          const data = Buffer.from(d);
          const single = tdesEcbEncrypt(key, data);
          expect(single).toEqual(tdesEcbEncrypt(Buffer.concat([key, key]), data));
          expect(single).toEqual(tdesEcbEncrypt(Buffer.concat([key, key, key]), data));
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it("two-key CBC agrees with OpenSSL's three-key CBC on K1||K2||K1", () => {
    const key = fromHex("0123456789ABCDEFFEDCBA9876543210");
    const iv = fromHex("1122334455667788");
    const data = Buffer.alloc(32, 0x5a);
    const expanded = Buffer.concat([key, key.subarray(0, 8)]);
    const c = createCipheriv("des-ede3-cbc", expanded, iv).setAutoPadding(false);
    const reference = Buffer.concat([c.update(data), c.final()]);
    expect(tdesCbcEncrypt(key, data, iv)).toEqual(reference);
  });

  it("does not alter the caller's 8-byte key when expanding it", () => {
    const key = fromHex("0123456789ABCDEF");
    tdesEcbEncrypt(key, Buffer.alloc(8));
    expect(toHex(key)).toBe("0123456789ABCDEF");
  });

  it("refuses bad key, data and IV lengths with typed errors", () => {
    expect(() => tdesEcbEncrypt(Buffer.alloc(7), Buffer.alloc(8))).toThrow(CryptoError);
    expect(() => tdesEcbEncrypt(Buffer.alloc(16), Buffer.alloc(9))).toThrow(/multiple of 8/);
    expect(() => aesEcbEncrypt(Buffer.alloc(20), Buffer.alloc(16))).toThrow(/AES key/);
    expect(() => aesCbcEncrypt(Buffer.alloc(16), Buffer.alloc(16), Buffer.alloc(8))).toThrow(/IV/);
  });
});

describe("CMAC", () => {
  for (const group of ["cmac_aes", "cmac_tdes"] as const) {
    for (const v of vectors[group]!) {
      it(`${group}: ${v.name}`, () => {
        const mac = cmac(group === "cmac_aes" ? "aes" : "tdes", fromHex(v.key!), fromHex(v.data!));
        expect(toHex(mac)).toBe(v.expected_mac!.toUpperCase());
      });
    }
  }

  it("changes when any message byte flips", () => {
    const key = fromHex("2B7E151628AED2A6ABF7158809CF4F3C");
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 80 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (m, at, flip) => {
          const message = Buffer.from(m);
          const base = cmac("aes", key, message);
          const i = at % message.length;
          message[i]! ^= flip;
          expect(cmac("aes", key, message).equals(base)).toBe(false);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
});
