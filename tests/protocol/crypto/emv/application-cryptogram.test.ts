import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  generateApplicationCryptogram,
  verifyApplicationCryptogram,
} from "../../../../protocol/crypto/emv/application-cryptogram.js";
import { EmvCryptoError } from "../../../../protocol/crypto/emv/emv-error.js";
import {
  deriveIccMasterKeyOptionA,
  deriveIccMasterKeyOptionB,
} from "../../../../protocol/crypto/emv/icc-master-key.js";
import { deriveCommonSessionKey } from "../../../../protocol/crypto/emv/session-key.js";
import { kcvTdes } from "../../../../protocol/crypto/kcv.js";
import { macIso9797Alg3 } from "../../../../protocol/crypto/mac.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";

interface AcVector {
  name: string;
  session_key?: string;
  issuer_master_key?: string;
  mk_option?: "A" | "B";
  pan?: string;
  psn?: string;
  r?: string;
  expected_session_key_kcv?: string;
  data: string;
  padding: 1 | 2;
  expected_ac: string;
  researcher_computed?: { icc_master_key: string; session_key: string };
}
const vectors = loadVectors<{ emv_application_cryptogram: AcVector[] }>(
  "crypto-public.json",
).emv_application_cryptogram;

function sessionKeyOf(v: AcVector): Buffer {
  if (v.session_key) return fromHex(v.session_key);
  const derive = v.mk_option === "A" ? deriveIccMasterKeyOptionA : deriveIccMasterKeyOptionB;
  const mk = derive(fromHex(v.issuer_master_key!), v.pan!, v.psn!);
  const sk = deriveCommonSessionKey(mk, fromHex(v.r!));
  expect(toHex(kcvTdes(sk, 2))).toBe(v.expected_session_key_kcv);
  if (v.researcher_computed) {
    expect(toHex(mk)).toBe(v.researcher_computed.icc_master_key);
    expect(toHex(sk)).toBe(v.researcher_computed.session_key);
  }
  return sk;
}

describe("application cryptograms against the public vectors (full IMK → MK → SK → AC chains)", () => {
  it("has vectors with both paddings", () => {
    expect(vectors.length).toBe(12);
    expect(new Set(vectors.map((v) => v.padding))).toEqual(new Set([1, 2]));
  });
  for (const v of vectors) {
    it(v.name, () => {
      const sk = sessionKeyOf(v);
      const data = fromHex(v.data);
      expect(toHex(generateApplicationCryptogram(sk, data, v.padding))).toBe(v.expected_ac);
      expect(verifyApplicationCryptogram(sk, data, fromHex(v.expected_ac), v.padding)).toBe(true);
      expect(verifyApplicationCryptogram(sk, data, fromHex(v.expected_ac), v.padding === 1 ? 2 : 1)).toBe(
        false,
      );
    });
  }
});

describe("application cryptograms, derived", () => {
  const keyArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((k) => Buffer.from(k));
  const dataArb = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((d) => Buffer.from(d));

  it("is ISO 9797-1 algorithm 3, 8 bytes, padding 2 by default", () => {
    fc.assert(
      fc.property(keyArb, dataArb, (sk, data) => {
        expect(generateApplicationCryptogram(sk, data)).toEqual(macIso9797Alg3(sk, data, { padding: 2 }));
        expect(generateApplicationCryptogram(sk, data, 1)).toEqual(macIso9797Alg3(sk, data, { padding: 1 }));
      }),
      { seed: 150, numRuns: 100 },
    );
  });

  it("verification fails when any data byte or cryptogram byte flips", () => {
    fc.assert(
      fc.property(keyArb, dataArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (sk, data, at, flip) => {
        const arqc = generateApplicationCryptogram(sk, data);
        const changed = Buffer.from(data);
        changed[at % changed.length]! ^= flip;
        expect(verifyApplicationCryptogram(sk, changed, arqc)).toBe(false);
        const badArqc = Buffer.from(arqc);
        badArqc[at % 8]! ^= flip;
        expect(verifyApplicationCryptogram(sk, data, badArqc)).toBe(false);
      }),
      { seed: 151, numRuns: 150 },
    );
  });

  it("refuses bad key, padding and cryptogram lengths with EmvCryptoError", () => {
    expect(() => generateApplicationCryptogram(Buffer.alloc(8), Buffer.alloc(8))).toThrow(EmvCryptoError);
    expect(() => generateApplicationCryptogram(Buffer.alloc(16), Buffer.alloc(8), 3 as 1)).toThrow(/padding/);
    expect(() => verifyApplicationCryptogram(Buffer.alloc(16), Buffer.alloc(8), Buffer.alloc(4))).toThrow(
      /application cryptogram: must be 8 bytes/,
    );
  });
});
