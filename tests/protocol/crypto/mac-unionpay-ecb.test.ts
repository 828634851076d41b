import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tdesEcbDecrypt, tdesEcbEncrypt, xor } from "../../../protocol/crypto/cipher.js";
import { macAnsiX99, macAnsiX919 } from "../../../protocol/crypto/mac.js";
import { MacError } from "../../../protocol/crypto/mac-error.js";
import {
  unionPayEcbMac,
  unionPayMabXor,
  verifyUnionPayEcbMac,
} from "../../../protocol/crypto/mac-unionpay-ecb.js";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { loadVectors } from "../../support/vectors.js";

interface EcbVector {
  name: string;
  key: string;
  mab: string;
  expected_xor_block: string;
  expected_xor_block_expanded_ascii_hex: string;
  expected_enc_left_half: string;
  expected_xor_with_right_half: string;
  expected_final_block: string;
  expected_mac_text: string;
  expected_mac_ascii_hex: string;
}
const ecbVectors = loadVectors<{ mac_unionpay_pos_ecb: EcbVector[] }>(
  "crypto-public.json",
).mac_unionpay_pos_ecb;
const frame = loadVectors<{ name: string; hex: string; notes: string }[]>("iso8583-cup-public.json").find(
  (e) => e.name === "cup-mac-pos-ecb-worked-example",
)!;

describe("UnionPay POS ECB MAC against the public vectors", () => {
  it("has the vector", () => expect(ecbVectors.length).toBeGreaterThan(0));
  for (const v of ecbVectors) {
    it(v.name, () => {
      const mak = fromHex(v.key);
      const mab = fromHex(v.mab);
      const r = unionPayMabXor(mab);
      expect(toHex(r)).toBe(v.expected_xor_block);
      const h = Buffer.from(toHex(r), "ascii");
      expect(toHex(h)).toBe(v.expected_xor_block_expanded_ascii_hex);
      // The intermediate steps, recomputed with the primitives, pin down the construction.
      const e1 = tdesEcbEncrypt(mak, h.subarray(0, 8));
      expect(toHex(e1)).toBe(v.expected_enc_left_half);
      expect(toHex(xor(e1, h.subarray(8)))).toBe(v.expected_xor_with_right_half);
      expect(toHex(tdesEcbEncrypt(mak, xor(e1, h.subarray(8))))).toBe(v.expected_final_block);
      const mac = unionPayEcbMac(mak, mab);
      expect(mac.toString("ascii")).toBe(v.expected_mac_text);
      expect(toHex(mac)).toBe(v.expected_mac_ascii_hex);
      expect(verifyUnionPayEcbMac(mak, mab, mac)).toBe(true);
    });
  }
});

describe("UnionPay POS ECB MAC over the worked-example 0200 frame", () => {
  // The vector's hex is MTI..field 60 (bitmap with bit 64 set); the TAK arrives 3DES-encrypted under the TMK.
  const mab = fromHex(frame.hex);
  const tmk = fromHex("70F2A84CCBC2AE8625CBB0F2C22AB923");
  const tak = tdesEcbDecrypt(tmk, fromHex("96D605EA176B7E9E"));

  it("decrypts the TAK named in the notes", () => {
    expect(frame.notes).toContain("TMK=70F2A84CCBC2AE8625CBB0F2C22AB923");
    expect(toHex(tak)).toBe("C24A8FB57AA20123");
  });

  it("gives R = 4D08F434464FE7BF and MAC 8A9E91B8", () => {
    expect(toHex(unionPayMabXor(mab))).toBe("4D08F434464FE7BF");
    const mac = unionPayEcbMac(tak, mab);
    expect(mac.toString("ascii")).toBe("8A9E91B8");
    expect(toHex(mac)).toBe("3841394539314238");
    expect(verifyUnionPayEcbMac(tak, mab, Buffer.from("8A9E91B8", "ascii"))).toBe(true);
  });

  it("differs from X9.19 and X9.9 over the same MAB", () => {
    const ecb = unionPayEcbMac(tak, mab);
    const x919 = macAnsiX919(Buffer.concat([tak, tak]), mab, { length: 4 });
    const x99 = macAnsiX99(tak, mab, { length: 4 });
    for (const other of [x919, x99]) {
      expect(Buffer.from(toHex(other), "ascii").equals(ecb)).toBe(false);
      expect(other.equals(ecb.subarray(0, 4))).toBe(false);
    }
  });

  it("rejects a lowercase, truncated or wrong field 64", () => {
    expect(verifyUnionPayEcbMac(tak, mab, Buffer.from("8a9e91b8", "ascii"))).toBe(false);
    expect(verifyUnionPayEcbMac(tak, mab, Buffer.from("8A9E91B", "ascii"))).toBe(false);
    expect(verifyUnionPayEcbMac(tak, mab, Buffer.from("8A9E91B9", "ascii"))).toBe(false);
  });
});

describe("UnionPay POS ECB MAC, derived", () => {
  it("a double-length MAK uses 2-key TDES in both steps (K‖K equals the single-length MAC)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ maxLength: 80 }), (k, m) => {
        const mak = Buffer.from(k);
        const mab = Buffer.from(m);
        expect(unionPayEcbMac(Buffer.concat([mak, mak]), mab)).toEqual(unionPayEcbMac(mak, mab));
      }),
      { seed: 21, numRuns: 100 },
    );
  });

  it("matches an independent step-by-step computation for a double-length MAK", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ maxLength: 80 }),
        (k, m) => {
          const mak = Buffer.from(k);
          const mab = Buffer.from(m);
          const padded = Buffer.alloc(Math.max(8, Math.ceil(mab.length / 8) * 8));
          mab.copy(padded);
          let r: Buffer = Buffer.alloc(8);
          for (let i = 0; i < padded.length; i += 8) r = xor(r, padded.subarray(i, i + 8));
          const h = Buffer.from(toHex(r), "ascii");
          const e2 = tdesEcbEncrypt(mak, xor(tdesEcbEncrypt(mak, h.subarray(0, 8)), h.subarray(8)));
          expect(unionPayEcbMac(mak, mab).toString("ascii")).toBe(toHex(e2).slice(0, 8));
        },
      ),
      { seed: 22, numRuns: 100 },
    );
  });

  it("is 8 uppercase ASCII hex characters and changes when any MAB byte flips", () => {
    const mak = fromHex("C24A8FB57AA20123");
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 120 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (m, at, flip) => {
          const mab = Buffer.from(m);
          const mac = unionPayEcbMac(mak, mab);
          expect(mac.toString("ascii")).toMatch(/^[0-9A-F]{8}$/);
          mab[at % mab.length]! ^= flip;
          expect(unionPayEcbMac(mak, mab).equals(mac)).toBe(false);
          expect(verifyUnionPayEcbMac(mak, mab, mac)).toBe(false);
        },
      ),
      { seed: 23, numRuns: 300 },
    );
  });

  it("does not pad a MAB that is already whole blocks, and treats trailing zero bytes as padding", () => {
    const mak = fromHex("2222222222222222");
    const mab = fromHex("1234567890ABCDEF");
    // Zero padding is what the definition says, so appending zeros does not change R (a known weakness).
    expect(unionPayEcbMac(mak, Buffer.concat([mab, Buffer.alloc(3)]))).toEqual(unionPayEcbMac(mak, mab));
  });

  it("refuses a MAK that is not 8 or 16 bytes", () => {
    expect(() => unionPayEcbMac(Buffer.alloc(24), Buffer.alloc(8))).toThrow(MacError);
    expect(() => unionPayEcbMac(Buffer.alloc(7), Buffer.alloc(8))).toThrow(/8 or 16 bytes/);
  });
});
