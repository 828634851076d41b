import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tdesEcbDecrypt, tdesEcbEncrypt } from "../../../protocol/crypto/cipher.js";
import { fromHex } from "../../../protocol/hex.js";
import { bcdLength, writeBcd } from "../../../protocol/iso8583/encoding/bcd.js";
import {
  decryptTrackDigits,
  encryptTrackDigits,
  MIN_ENCRYPTED_TRACK_DIGITS,
  TrackCipherError,
  TrackError,
  trackCipherOffset,
} from "../../../protocol/track/index.js";
import { loadVectors } from "../../support/vectors.js";

/** The public double-length test key (KCV 08D7B4 in crypto-public.json). */
const TDK = fromHex("0123456789ABCDEFFEDCBA9876543210", "tdk");
const enc = (key: Buffer) => (block: Buffer) => tdesEcbEncrypt(key, block);
const dec = (key: Buffer) => (block: Buffer) => tdesEcbDecrypt(key, block);

describe("TDK block offset", () => {
  it("is the 8 packed bytes just before the last byte of the z (left-aligned BCD) form", () => {
    for (let length = 1; length <= 104; length++) {
      const start = trackCipherOffset(length);
      if (length < MIN_ENCRYPTED_TRACK_DIGITS) {
        expect(start).toBeUndefined();
        continue;
      }
      const bytes = bcdLength(length);
      // Same block counted in bytes of the packed field, as the acquirer's code does on its BCD copy.
      expect(start).toBe(2 * (bytes - 9));
      expect(start).toBe(length % 2 === 0 ? length - 18 : length - 17);
      // 1 clear digit after the block for odd lengths (last byte = digit + pad), 2 for even ones.
      expect(length - (start! + 16)).toBe(length % 2 === 0 ? 2 : 1);
      // And the 16 digits really are those bytes: pack with the z unit and compare.
      const digits = Array.from({ length }, (_, i) => String(i % 10)).join("");
      const packed = Buffer.alloc(bytes);
      writeBcd(packed, 0, digits, "left", "track", "field 35");
      expect(packed.subarray(bytes - 9, bytes - 1).toString("hex")).toBe(digits.slice(start, start! + 16));
    }
  });
});

describe("hand-derived vectors (TDK 0123456789ABCDEFFEDCBA9876543210)", () => {
  it("odd length 31", () => {
    // Track "6222021000000000014D30122011234": L = 31 (odd) → packed in 16 bytes, the last one "40" (4 + pad).
    // Block = bytes 7..14 = digits [31 - 17, 31 - 1) = [14, 30) = "00014D3012201123".
    // 3DES-ECB(TDK, 00 01 4D 30 12 20 11 23) = 90 08 64 AB F5 80 44 F5 (checked with `openssl enc -des-ede`).
    // Result: "62220210000000" ‖ "900864ABF58044F5" ‖ "4".
    const clear = "6222021000000000014D30122011234";
    const sent = "62220210000000900864ABF58044F54";
    expect(encryptTrackDigits(clear, enc(TDK))).toBe(sent);
    expect(decryptTrackDigits(sent, dec(TDK))).toBe(clear);
    // '=' separator on input is the same track.
    expect(encryptTrackDigits(clear.replace("D", "="), enc(TDK))).toBe(sent);
  });

  it("even length 30", () => {
    // Track "6222021000000000014D3012201123": L = 30 (even) → 15 bytes, the last one "23".
    // Block = bytes 6..13 = digits [30 - 18, 30 - 2) = [12, 28) = "0000014D30122011".
    // 3DES-ECB(TDK, 00 00 01 4D 30 12 20 11) = 48 94 71 8D C8 41 E9 1D (openssl enc -des-ede).
    // Result: "622202100000" ‖ "4894718DC841E91D" ‖ "23".
    const clear = "6222021000000000014D3012201123";
    const sent = "6222021000004894718DC841E91D23";
    expect(encryptTrackDigits(clear, enc(TDK))).toBe(sent);
    expect(decryptTrackDigits(sent, dec(TDK))).toBe(clear);
  });

  it("shortest encrypted track (17 digits) ties to the public KCV vector", () => {
    // L = 17 → start 0: the block is the first 16 digits. With sixteen zeros it is E(TDK, 00×8), whose
    // first 3 bytes are the key's published check value.
    const kcv = loadVectors<{ kcv_tdes_legacy: { key: string; expected_kcv: string }[] }>(
      "crypto-public.json",
    ).kcv_tdes_legacy.find((v) => v.key === "0123456789ABCDEFFEDCBA9876543210")!;
    const sent = encryptTrackDigits("00000000000000009", enc(TDK));
    expect(sent.startsWith(kcv.expected_kcv)).toBe(true);
    expect(sent).toBe("08D7B4FB629D08859");
  });

  it("sends tracks shorter than 17 digits clear (separator written as D)", () => {
    const never = () => {
      throw new Error("cipher must not be called");
    };
    expect(encryptTrackDigits("6222021000=2512", never)).toBe("6222021000D2512");
    expect(decryptTrackDigits("6222021000000000", never)).toBe("6222021000000000");
    expect(encryptTrackDigits("", never)).toBe("");
  });
});

describe("typed errors", () => {
  it("names the offset of a bad character", () => {
    const error = (() => {
      try {
        encryptTrackDigits("62220210000x0000014D30122011234", enc(TDK));
      } catch (e) {
        return e;
      }
    })() as TrackCipherError;
    expect(error).toBeInstanceOf(TrackCipherError);
    expect(error).toBeInstanceOf(TrackError);
    expect(error.offset).toBe(11);
    expect(error.message).toMatch(/track, offset 11/);
    // A-F only belong in the enciphered block of a received track.
    expect(() => encryptTrackDigits("62220210000000900864ABF58044F54", enc(TDK))).toThrow(/offset 20/);
    expect(() => decryptTrackDigits("6222021000000000014D3012201123A", dec(TDK))).toThrow(/offset 30/);
    expect(() => decryptTrackDigits("62220210000000900864abf58044F54", dec(TDK))).toThrow(/offset 20/);
  });

  it("refuses a deciphered block that is not track data (wrong key or altered ciphertext)", () => {
    const wrongKey = fromHex("FEDCBA98765432100123456789ABCDEF", "key");
    expect(() => decryptTrackDigits("62220210000000900864ABF58044F54", dec(wrongKey))).toThrow(
      TrackCipherError,
    );
    expect(() => decryptTrackDigits("62220210000000900864ABF58044F54", () => Buffer.alloc(7))).toThrow(
      /expected 8/,
    );
  });

  it("random strings only ever throw TrackCipherError", () => {
    const alphabet = fc.constantFrom(..."0123456789ABCDEFDDD==abcdefx ^?\u00e9".split(""));
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 120 }).map((a) => a.join("")),
        (text) => {
          for (const run of [
            () => encryptTrackDigits(text, enc(TDK)),
            () => decryptTrackDigits(text, dec(TDK)),
          ]) {
            try {
              expect(run()).toHaveLength(text.length);
            } catch (e) {
              expect(e).toBeInstanceOf(TrackCipherError);
            }
          }
        },
      ),
      { seed: 5361, numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          decryptTrackDigits(text, dec(TDK));
        } catch (e) {
          expect(e).toBeInstanceOf(TrackCipherError);
        }
      }),
      { seed: 5362, numRuns: 300 },
    );
  });
});

describe("round trip", () => {
  const trackText = fc
    .integer({ min: 17, max: 37 })
    .chain((length) => fc.array(fc.constantFrom(..."0123456789D="), { minLength: length, maxLength: length }))
    .map((chars) => chars.join(""));
  const key = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes));

  it("decrypt(encrypt(track)) is the track; only the 16-digit block changes", () => {
    fc.assert(
      fc.property(trackText, key, (track, tdk) => {
        const canonical = track.replaceAll("=", "D");
        const sent = encryptTrackDigits(track, enc(tdk));
        const start = trackCipherOffset(track.length)!;
        expect(sent).toHaveLength(track.length);
        expect(sent.slice(0, start)).toBe(canonical.slice(0, start));
        expect(sent.slice(start + 16)).toBe(canonical.slice(start + 16));
        expect(sent.slice(start, start + 16)).toMatch(/^[0-9A-F]{16}$/);
        expect(decryptTrackDigits(sent, dec(tdk))).toBe(canonical);
      }),
      { seed: 3517, numRuns: 300 },
    );
  });
});
