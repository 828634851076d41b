import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tdesEcbEncrypt } from "../../../../protocol/crypto/cipher.js";
import { EmvCryptoError } from "../../../../protocol/crypto/emv/emv-error.js";
import {
  deriveIccMasterKey,
  deriveIccMasterKeyOptionA,
  deriveIccMasterKeyOptionB,
} from "../../../../protocol/crypto/emv/icc-master-key.js";
import { withOddParity } from "../../../../protocol/crypto/emv/key-parity.js";
import { kcvTdes } from "../../../../protocol/crypto/kcv.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";

interface MkVector {
  name: string;
  option: "A" | "B";
  issuer_master_key: string;
  issuer_master_key_kcv?: string;
  pan: string;
  psn: string;
  expected_icc_master_key?: string;
  expected_icc_master_key_kcv?: string;
  researcher_computed?: { icc_master_key: string };
}
const vectors = loadVectors<{ emv_icc_master_key: MkVector[] }>("crypto-public.json").emv_icc_master_key;
const derive = (v: MkVector) =>
  (v.option === "A" ? deriveIccMasterKeyOptionA : deriveIccMasterKeyOptionB)(
    fromHex(v.issuer_master_key),
    v.pan,
    v.psn,
  );

describe("ICC master key derivation against the public vectors", () => {
  it("has vectors for both options", () => {
    expect(vectors.length).toBe(11);
    expect(new Set(vectors.map((v) => v.option))).toEqual(new Set(["A", "B"]));
  });
  for (const v of vectors) {
    it(v.name, () => {
      const mk = derive(v);
      if (v.issuer_master_key_kcv) {
        expect(toHex(kcvTdes(fromHex(v.issuer_master_key), 2))).toBe(v.issuer_master_key_kcv);
      }
      if (v.expected_icc_master_key) expect(toHex(mk)).toBe(v.expected_icc_master_key);
      if (v.expected_icc_master_key_kcv) expect(toHex(kcvTdes(mk, 2))).toBe(v.expected_icc_master_key_kcv);
      if (v.researcher_computed) expect(toHex(mk)).toBe(v.researcher_computed.icc_master_key);
    });
  }
});

describe("ICC master key derivation, derived", () => {
  const imk = fromHex("0123456789ABCDEFFEDCBA9876543210");
  const digits = (min: number, max: number) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(""));

  it("option A matches TDES(IMK, Y) ‖ TDES(IMK, ~Y) with odd parity, Y from the rightmost 16 digits", () => {
    fc.assert(
      fc.property(digits(1, 19), digits(2, 2), (pan, psn) => {
        const y = fromHex(`${pan}${psn}`.slice(-16).padStart(16, "0"));
        const expected = Buffer.concat([
          tdesEcbEncrypt(imk, y),
          tdesEcbEncrypt(imk, Buffer.from(y.map((b) => b ^ 0xff))),
        ]);
        expect(deriveIccMasterKeyOptionA(imk, pan, psn)).toEqual(withOddParity(expected));
      }),
      { seed: 120, numRuns: 150 },
    );
  });

  it("option B equals option A up to 16 digits and is SHA-1 based above", () => {
    fc.assert(
      fc.property(digits(1, 19), digits(2, 2), (pan, psn) => {
        const b = deriveIccMasterKeyOptionB(imk, pan, psn);
        expect(deriveIccMasterKey(imk, pan, psn)).toEqual(b);
        if (pan.length <= 16) expect(b).toEqual(deriveIccMasterKeyOptionA(imk, pan, psn));
        else {
          const text = `${pan}${psn}`;
          const hex = createHash("sha1")
            .update(fromHex(text.length % 2 ? `0${text}` : text))
            .digest("hex");
          const decimals = [...hex].filter((c) => c <= "9");
          const letters = [...hex].filter((c) => c > "9").map((c) => String(c.charCodeAt(0) - 97));
          const y = fromHex([...decimals, ...letters].slice(0, 16).join(""));
          const raw = Buffer.concat([
            tdesEcbEncrypt(imk, y),
            tdesEcbEncrypt(imk, Buffer.from(y.map((x) => x ^ 0xff))),
          ]);
          expect(b).toEqual(withOddParity(raw));
        }
      }),
      { seed: 121, numRuns: 150 },
    );
  });

  it("defaults the PSN to 00", () => {
    expect(deriveIccMasterKeyOptionA(imk, "12345678901234567")).toEqual(
      deriveIccMasterKeyOptionA(imk, "12345678901234567", "00"),
    );
  });

  it("refuses bad PAN, PSN and key lengths with EmvCryptoError, without echoing the PAN", () => {
    expect(() => deriveIccMasterKeyOptionA(imk, "", "00")).toThrow(EmvCryptoError);
    expect(() => deriveIccMasterKeyOptionA(imk, "12345678901234567890", "00")).toThrow(
      /1\.\.19 decimal digits/,
    );
    expect(() => deriveIccMasterKeyOptionB(imk, "1234567890123456789X", "00")).toThrow(EmvCryptoError);
    expect(() => deriveIccMasterKeyOptionA(imk, "1234567890123456", "1")).toThrow(/PAN sequence number/);
    expect(() => deriveIccMasterKeyOptionB(imk, "12345678901234567", "0A")).toThrow(EmvCryptoError);
    expect(() => deriveIccMasterKeyOptionA(Buffer.alloc(8), "1234567890123456")).toThrow(/16 bytes/);
    try {
      deriveIccMasterKeyOptionA(imk, "1234567890123456X");
    } catch (error) {
      expect((error as Error).message).not.toContain("1234567890");
    }
  });
});
