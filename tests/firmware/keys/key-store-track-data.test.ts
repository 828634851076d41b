import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FileSecureElement } from "../../../firmware/keys/file-secure-element.js";
import { KeyStore } from "../../../firmware/keys/key-store.js";
import { KeyStoreError } from "../../../firmware/keys/key-store-error.js";
import { tdesEcbDecrypt, tdesEcbEncrypt } from "../../../protocol/crypto/cipher.js";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { buildField62 } from "../../../protocol/iso8583/subfields/field62.js";
import { decryptTrackDigits, encryptTrackDigits } from "../../../protocol/track/index.js";
import { useTempDirs } from "../../support/temp-dir.js";

const TMK = fromHex("CA5D92598DCA48CE8A4C76361A9269E9");
const PIK = fromHex("807A23AD32B36D457AE91FDF927570EA");
const MAK = fromHex("5BB5C72CD00B73385BB5C72CD00B7339");
const TDK = fromHex("0123456789ABCDEFFEDCBA9876543210");

const wrap = (key: Buffer) => tdesEcbEncrypt(TMK, key);
const kcv = (key: Buffer) => tdesEcbEncrypt(key, Buffer.alloc(8)).subarray(0, 4);

/** A genuine 60.3 = 004 field 62 (60 bytes: PIK, MAK, TDK, each double-length + 4-byte check value). */
function layout004(withTdk = TDK): Buffer {
  return buildField62({
    layout: "004",
    pik: wrap(PIK),
    pikKcv: kcv(PIK),
    mak: wrap(MAK),
    makKcv: kcv(MAK),
    tdk: wrap(withTdk),
    tdkKcv: kcv(withTdk),
  });
}

const tempDir = useTempDirs();

function signedInStore(dir = tempDir()): KeyStore {
  const store = new KeyStore(join(dir, "keys"), new FileSecureElement(join(dir, "device.key")));
  store.loadTmk(Buffer.from(TMK));
  store.installSignInKeys(layout004());
  return store;
}

describe("KeyStore track data under the TDK (sign-in layout 004)", () => {
  it("installs the TDK and deciphers what encryptTrackData enciphered", () => {
    const store = signedInStore();
    expect(store.status("tdk")?.length).toBe(16);
    const pan = Buffer.from("6222021000000000014FFFFFFFFFFFFF", "hex"); // 16 bytes: a PAN padded to blocks
    const sealed = store.encryptTrackData(pan);
    expect(toHex(sealed)).toBe(toHex(tdesEcbEncrypt(TDK, pan)));
    expect(toHex(store.decryptTrackData(sealed))).toBe(toHex(pan));
    expect(toHex(store.decryptTrackData(sealed))).toBe(toHex(tdesEcbDecrypt(TDK, sealed)));
  });

  it("reads back data enciphered before a restart", () => {
    const dir = tempDir();
    const sealed = signedInStore(dir).encryptTrackData(Buffer.from("6228480000000000", "hex"));
    const reopened = new KeyStore(join(dir, "keys"), new FileSecureElement(join(dir, "device.key")));
    expect(toHex(reopened.decryptTrackData(sealed))).toBe("6228480000000000");
  });

  it("drives the field 35 TDK rule both ways", () => {
    const store = signedInStore();
    const track2 = "6222021000000000014D30122011234";
    const sent = encryptTrackDigits(track2, (block) => store.encryptTrackData(block));
    // Same bytes as the clear-key computation (hand-derived vector in tests/protocol/track).
    expect(sent).toBe("62220210000000900864ABF58044F54");
    expect(decryptTrackDigits(sent, (block) => store.decryptTrackData(block))).toBe(track2);
  });

  it("round-trips random whole blocks", () => {
    const store = signedInStore();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) => fc.uint8Array({ minLength: 8 * n, maxLength: 8 * n })),
        (bytes) => {
          const data = Buffer.from(bytes);
          expect(store.decryptTrackData(store.encryptTrackData(data)).equals(data)).toBe(true);
        },
      ),
      { seed: 4004, numRuns: 60 },
    );
  });

  it("refuses partial blocks, and works only with a TDK installed", () => {
    const store = signedInStore();
    for (const length of [0, 7, 9, 15]) {
      expect(() => store.decryptTrackData(Buffer.alloc(length))).toThrow(KeyStoreError);
      expect(() => store.decryptTrackData(Buffer.alloc(length))).toThrow(/key slot tdk: .*8-byte blocks/);
    }
    store.dropWorkingKeys();
    expect(() => store.decryptTrackData(Buffer.alloc(8))).toThrow(/key slot tdk: no key/);
    const dir = tempDir();
    const bare = new KeyStore(join(dir, "keys"), new FileSecureElement(join(dir, "device.key")));
    expect(() => bare.decryptTrackData(Buffer.alloc(8))).toThrow(KeyStoreError);
  });

  it("refuses the whole 004 set when the TDK check value is wrong, keeping the old TDK", () => {
    const store = signedInStore();
    const bad = layout004(fromHex("FEDCBA98765432100123456789ABCDEF"));
    bad[59]! ^= 0xff; // TDK check value
    expect(() => store.installSignInKeys(bad)).toThrow(/TDK/);
    const sealed = tdesEcbEncrypt(TDK, Buffer.from("0123456789012345", "hex"));
    expect(toHex(store.decryptTrackData(sealed))).toBe("0123456789012345");
  });
});
