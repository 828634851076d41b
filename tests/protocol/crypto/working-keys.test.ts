import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tdesEcbEncrypt } from "../../../protocol/crypto/cipher.js";
import { CryptoError } from "../../../protocol/crypto/crypto-error.js";
import { splitSignInKeys, unwrapWorkingKeys } from "../../../protocol/crypto/working-keys.js";
import { fromHex, toHex } from "../../../protocol/hex.js";

// Worked example from the dialect reference §1.6: clear keys and their check values under a known TMK.
const TMK = fromHex("CA5D92598DCA48CE8A4C76361A9269E9");
const PIK = fromHex("807A23AD32B36D457AE91FDF927570EA");
const MAK = fromHex("5BB5C72CD00B7338");

/** Builds field 62 the way a host does: each key under the TMK, then the first 4 bytes of E(key, 0). */
function wrap(key: Buffer, width: number): Buffer {
  const ct = tdesEcbEncrypt(TMK, key);
  const field = Buffer.alloc(width);
  ct.copy(field);
  return Buffer.concat([field, tdesEcbEncrypt(key, Buffer.alloc(8)).subarray(0, 4)]);
}

describe("sign-in working keys (field 62)", () => {
  it("unwraps the 003 layout of the reference example and matches its published check values", () => {
    const field62 = Buffer.concat([wrap(PIK, 16), wrap(MAK, 16)]);
    expect(field62.length).toBe(40);
    const { layout, keys } = splitSignInKeys(field62);
    expect(layout).toBe("003");
    expect(keys.map((k) => toHex(k.checkValue))).toEqual(["8D0A74B8", "AB7153CA"]);
    const clear = unwrapWorkingKeys(TMK, keys);
    expect(toHex(clear.get("pik")!)).toBe(toHex(PIK));
    // The single-length MAK travels as 8 bytes + 00×8 filler and comes back as an 8-byte key.
    expect(toHex(clear.get("mak")!)).toBe(toHex(MAK));
  });

  it("unwraps the 001 (single DES) and 004 (with TDK) layouts", () => {
    const single = splitSignInKeys(Buffer.concat([wrap(PIK.subarray(0, 8), 8), wrap(MAK, 8)]));
    expect(single.layout).toBe("001");
    expect(unwrapWorkingKeys(TMK, single.keys).get("pik")!.length).toBe(8);

    const tdk = fromHex("0123456789ABCDEFFEDCBA9876543210");
    const withTdk = splitSignInKeys(Buffer.concat([wrap(PIK, 16), wrap(PIK, 16), wrap(tdk, 16)]));
    expect(withTdk.layout).toBe("004");
    const clear = unwrapWorkingKeys(TMK, withTdk.keys);
    expect(toHex(clear.get("tdk")!)).toBe(toHex(tdk));
    expect(clear.get("mak")!.length).toBe(16);
  });

  it("refuses the whole set when any check value is wrong, naming the key", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 39 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const field62 = Buffer.concat([wrap(PIK, 16), wrap(MAK, 16)]);
        field62[at]! ^= flip;
        // Flipping a filler byte turns the MAK into a 16-byte key, which also fails its check value.
        const { keys } = splitSignInKeys(field62);
        expect(() => unwrapWorkingKeys(TMK, keys)).toThrow(CryptoError);
        expect(() => unwrapWorkingKeys(TMK, keys)).toThrow(/field 62 (PIK|MAK)/);
      }),
      { seed: 62, numRuns: 200 },
    );
  });

  it("refuses a field of any other length", () => {
    expect(() => splitSignInKeys(Buffer.alloc(41))).toThrow(/41 bytes/);
  });
});
