import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tdesEcbEncrypt } from "../../../../protocol/crypto/cipher.js";
import { generateApplicationCryptogram } from "../../../../protocol/crypto/emv/application-cryptogram.js";
import {
  generateArpcMethod1,
  generateArpcMethod2,
  verifyArpcMethod1,
  verifyArpcMethod2,
} from "../../../../protocol/crypto/emv/arpc.js";
import { EmvCryptoError } from "../../../../protocol/crypto/emv/emv-error.js";
import { deriveIccMasterKeyOptionA } from "../../../../protocol/crypto/emv/icc-master-key.js";
import { deriveCommonSessionKey } from "../../../../protocol/crypto/emv/session-key.js";
import { macIso9797Alg3 } from "../../../../protocol/crypto/mac.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";

// crypto-public.json has no ARPC group; these are knovichikhin/pyemv's own known answers
// (pyemv/ac.py docstrings and tests/test_ac_hsm.py, HSM-produced), transcribed as test data.
describe("ARPC known answers (pyemv)", () => {
  const sk = fromHex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB");
  const arqc = fromHex("1234567890ABCDEF");

  it("method 1 docstring: F5E6F44147E2F1B0", () => {
    expect(toHex(generateArpcMethod1(sk, arqc, fromHex("0000")))).toBe("F5E6F44147E2F1B0");
  });

  it("method 2 docstring: 9308BEBC", () => {
    expect(toHex(generateArpcMethod2(sk, arqc, fromHex("00000000")))).toBe("9308BEBC");
  });

  // IMK 0123…3210, option A, PAN 9901234567890123 PSN 45, CSK R = 1234567890123456.
  const mk = deriveIccMasterKeyOptionA(fromHex("0123456789ABCDEFFEDCBA9876543210"), "9901234567890123", "45");
  const chainSk = deriveCommonSessionKey(mk, fromHex("1234567890123456"));
  const data = fromHex("0123456789ABCDEF0123456789ABCDEF");

  it("method 1 under the ICC master key (HSM chains, both paddings)", () => {
    const cases: [Buffer, 1 | 2, string, string][] = [
      [data, 2, "4B46013359B7A58B", "F8C9CECAABD55AD1"],
      [fromHex("0123456789ABCDEF0123456789ABCDEF01"), 1, "2E141C6BC4A20DA8", "16A49AAB314B9262"],
      [data, 1, "922F3E83125EB46B", "8AE6E836084B0E80"],
    ];
    for (const [input, padding, expectedArqc, expectedArpc] of cases) {
      const chainArqc = generateApplicationCryptogram(chainSk, input, padding);
      expect(toHex(chainArqc)).toBe(expectedArqc);
      const arpc = generateArpcMethod1(mk, chainArqc, fromHex("0000"));
      expect(toHex(arpc)).toBe(expectedArpc);
      expect(verifyArpcMethod1(mk, chainArqc, fromHex("0000"), arpc)).toBe(true);
    }
  });

  it("method 2 under the session key, with and without proprietary data", () => {
    const chainArqc = generateApplicationCryptogram(chainSk, data, 2);
    const csu = fromHex("00000000");
    const withData = generateArpcMethod2(chainSk, chainArqc, csu, fromHex("1234567890ABCDEF"));
    expect(toHex(withData)).toBe("4962B76C");
    expect(toHex(generateArpcMethod2(chainSk, chainArqc, csu))).toBe("7DFB1188");
    expect(verifyArpcMethod2(chainSk, chainArqc, csu, withData, fromHex("1234567890ABCDEF"))).toBe(true);
    expect(verifyArpcMethod2(chainSk, chainArqc, csu, withData)).toBe(false);
  });
});

describe("ARPC, derived", () => {
  const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b));

  it("method 1 is TDES(K, ARQC XOR (ARC ‖ 00×6)); method 2 is alg 3, pad 2, 4 bytes", () => {
    fc.assert(
      fc.property(
        bytes(16),
        bytes(8),
        bytes(2),
        bytes(4),
        fc.uint8Array({ maxLength: 8 }),
        (k, arqc, arc, csu, p) => {
          const pad = Buffer.concat([arc, Buffer.alloc(6)]);
          const xored = Buffer.from(arqc.map((b, i) => b ^ pad[i]!));
          expect(generateArpcMethod1(k, arqc, arc)).toEqual(tdesEcbEncrypt(k, xored));
          const prop = Buffer.from(p);
          expect(generateArpcMethod2(k, arqc, csu, prop)).toEqual(
            macIso9797Alg3(k, Buffer.concat([arqc, csu, prop]), { padding: 2, length: 4 }),
          );
        },
      ),
      { seed: 160, numRuns: 100 },
    );
  });

  it("verification fails for a flipped ARPC, ARC or CSU byte", () => {
    fc.assert(
      fc.property(
        bytes(16),
        bytes(8),
        bytes(2),
        bytes(4),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (k, arqc, arc, csu, at, flip) => {
          const arpc1 = generateArpcMethod1(k, arqc, arc);
          const arpc2 = generateArpcMethod2(k, arqc, csu);
          const badArc = Buffer.from(arc);
          badArc[at % 2]! ^= flip;
          const badCsu = Buffer.from(csu);
          badCsu[at % 4]! ^= flip;
          expect(verifyArpcMethod1(k, arqc, badArc, arpc1)).toBe(false);
          expect(verifyArpcMethod2(k, arqc, badCsu, arpc2)).toBe(false);
          const bad1 = Buffer.from(arpc1);
          bad1[at % 8]! ^= flip;
          expect(verifyArpcMethod1(k, arqc, arc, bad1)).toBe(false);
          expect(verifyArpcMethod2(k, arqc, csu, arpc2.subarray(0, 3))).toBe(false);
        },
      ),
      { seed: 161, numRuns: 100 },
    );
  });

  it("refuses bad ARQC, ARC, CSU, proprietary data and key lengths with EmvCryptoError", () => {
    const k = Buffer.alloc(16);
    expect(() => generateArpcMethod1(k, Buffer.alloc(7), Buffer.alloc(2))).toThrow(/ARQC: must be 8 bytes/);
    expect(() => generateArpcMethod1(k, Buffer.alloc(8), Buffer.alloc(1))).toThrow(/ARC: must be 2 bytes/);
    expect(() => generateArpcMethod2(k, Buffer.alloc(8), Buffer.alloc(3))).toThrow(/CSU/);
    expect(() => generateArpcMethod2(k, Buffer.alloc(8), Buffer.alloc(4), Buffer.alloc(9))).toThrow(
      EmvCryptoError,
    );
    expect(() => generateArpcMethod1(Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(2))).toThrow(/ARPC key/);
  });
});
