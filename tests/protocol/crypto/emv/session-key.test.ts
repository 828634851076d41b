import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tdesEcbEncrypt } from "../../../../protocol/crypto/cipher.js";
import { EmvCryptoError } from "../../../../protocol/crypto/emv/emv-error.js";
import {
  deriveIccMasterKeyOptionA,
  deriveIccMasterKeyOptionB,
} from "../../../../protocol/crypto/emv/icc-master-key.js";
import { withOddParity } from "../../../../protocol/crypto/emv/key-parity.js";
import {
  acSessionKeyDiversifier,
  deriveAcSessionKey,
  deriveCommonSessionKey,
  deriveMastercardSessionKey,
  deriveVisaSmSessionKey,
  mastercardSessionKeyDiversifier,
} from "../../../../protocol/crypto/emv/session-key.js";
import { kcvTdes } from "../../../../protocol/crypto/kcv.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";

interface SkVector {
  name: string;
  method: string;
  icc_master_key?: string;
  issuer_master_key?: string;
  mk_option?: "A" | "B";
  pan?: string;
  psn?: string;
  r?: string;
  atc?: string;
  expected_session_key?: string;
  expected_session_key_kcv?: string;
  expected_icc_master_key_kcv?: string;
  researcher_computed?: { icc_master_key: string; session_key: string };
}
const vectors = loadVectors<{ emv_session_key: SkVector[] }>("crypto-public.json").emv_session_key;

describe("EMV session keys against the public vectors", () => {
  it("has vectors", () => expect(vectors.length).toBe(9));
  for (const v of vectors) {
    it(v.name, () => {
      let mk: Buffer;
      if (v.icc_master_key) mk = fromHex(v.icc_master_key);
      else {
        const derive = v.mk_option === "A" ? deriveIccMasterKeyOptionA : deriveIccMasterKeyOptionB;
        mk = derive(fromHex(v.issuer_master_key!), v.pan!, v.psn!);
        if (v.expected_icc_master_key_kcv) expect(toHex(kcvTdes(mk, 2))).toBe(v.expected_icc_master_key_kcv);
      }
      const sk =
        v.method === "Visa SM"
          ? deriveVisaSmSessionKey(mk, fromHex(v.atc!))
          : deriveCommonSessionKey(mk, fromHex(v.r!));
      if (v.expected_session_key) expect(toHex(sk)).toBe(v.expected_session_key);
      if (v.expected_session_key_kcv) expect(toHex(kcvTdes(sk, 2))).toBe(v.expected_session_key_kcv);
      if (v.researcher_computed) expect(toHex(sk)).toBe(v.researcher_computed.session_key);
    });
  }
});

describe("EMV session keys, derived", () => {
  const keyArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((k) => Buffer.from(k));
  const atcArb = fc.uint8Array({ minLength: 2, maxLength: 2 }).map((a) => Buffer.from(a));

  it("common derivation is TDES(MK, R with byte 2 = F0) ‖ TDES(MK, R with byte 2 = 0F), odd parity", () => {
    fc.assert(
      fc.property(keyArb, fc.uint8Array({ minLength: 8, maxLength: 8 }), (mk, rBytes) => {
        const r = Buffer.from(rBytes);
        const left = Buffer.from(r);
        left[2] = 0xf0;
        const right = Buffer.from(r);
        right[2] = 0x0f;
        const expected = withOddParity(Buffer.concat([tdesEcbEncrypt(mk, left), tdesEcbEncrypt(mk, right)]));
        expect(deriveCommonSessionKey(mk, r)).toEqual(expected);
        expect(r).toEqual(Buffer.from(rBytes));
      }),
      { seed: 140, numRuns: 150 },
    );
  });

  it("AC session key uses R = ATC ‖ 00×6; Mastercard SKD uses R = ATC ‖ 0000 ‖ UN", () => {
    fc.assert(
      fc.property(keyArb, atcArb, fc.uint8Array({ minLength: 4, maxLength: 4 }), (mk, atc, unBytes) => {
        const un = Buffer.from(unBytes);
        expect(toHex(acSessionKeyDiversifier(atc))).toBe(`${toHex(atc)}000000000000`);
        expect(toHex(mastercardSessionKeyDiversifier(atc, un))).toBe(`${toHex(atc)}0000${toHex(un)}`);
        expect(deriveAcSessionKey(mk, atc)).toEqual(deriveCommonSessionKey(mk, acSessionKeyDiversifier(atc)));
        expect(deriveMastercardSessionKey(mk, atc, un)).toEqual(
          deriveCommonSessionKey(mk, Buffer.concat([atc, Buffer.alloc(2), un])),
        );
      }),
      { seed: 141, numRuns: 100 },
    );
  });

  it("the pyemv docstring example: R = ATC 001C ‖ 00×6", () => {
    const mk = fromHex("0123456789ABCDEFFEDCBA9876543210");
    expect(toHex(deriveAcSessionKey(mk, fromHex("001C")))).toBe("E9FB384AF807B940FEDCEA613461B0C4");
  });

  it("different ATCs give different session keys", () => {
    fc.assert(
      fc.property(keyArb, atcArb, atcArb, (mk, a, b) => {
        fc.pre(!a.equals(b));
        expect(deriveAcSessionKey(mk, a).equals(deriveAcSessionKey(mk, b))).toBe(false);
      }),
      { seed: 142, numRuns: 100 },
    );
  });

  it("refuses bad ATC, UN, R and key lengths with EmvCryptoError", () => {
    const mk = Buffer.alloc(16);
    expect(() => deriveAcSessionKey(mk, Buffer.alloc(3))).toThrow(
      /ATC, .*must be 2 bytes|ATC: must be 2 bytes/,
    );
    expect(() => deriveVisaSmSessionKey(mk, Buffer.alloc(1))).toThrow(EmvCryptoError);
    expect(() => deriveMastercardSessionKey(mk, Buffer.alloc(2), Buffer.alloc(3))).toThrow(
      /unpredictable number/,
    );
    expect(() => deriveCommonSessionKey(mk, Buffer.alloc(7))).toThrow(EmvCryptoError);
    expect(() => deriveCommonSessionKey(Buffer.alloc(24), Buffer.alloc(8))).toThrow(/ICC master key/);
  });
});
