import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileSecureElement } from "../../../firmware/keys/file-secure-element.js";
import { KeyStore } from "../../../firmware/keys/key-store.js";
import { KeyStoreError } from "../../../firmware/keys/key-store-error.js";
import { tdesEcbEncrypt } from "../../../protocol/crypto/cipher.js";
import { unionPayEcbMac } from "../../../protocol/crypto/mac-unionpay-ecb.js";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { useTempDirs } from "../../support/temp-dir.js";

const TMK = fromHex("CA5D92598DCA48CE8A4C76361A9269E9");
const PIK = fromHex("807A23AD32B36D457AE91FDF927570EA");
const MAK = fromHex("5BB5C72CD00B7338");
const TDK = fromHex("0123456789ABCDEFFEDCBA9876543210");

function wrap(key: Buffer, width = 16): Buffer {
  const field = Buffer.alloc(width);
  tdesEcbEncrypt(TMK, key).copy(field);
  return Buffer.concat([field, tdesEcbEncrypt(key, Buffer.alloc(8)).subarray(0, 4)]);
}

const tempDir = useTempDirs();

function openStore(dir: string): KeyStore {
  return new KeyStore(join(dir, "keys"), new FileSecureElement(join(dir, "device.key")));
}

describe("KeyStore", () => {
  it("signs in: unwraps PIK/MAK under the TMK and reports their check values", () => {
    const store = openStore(tempDir());
    store.loadTmk(Buffer.from(TMK));
    const status = store.installSignInKeys(Buffer.concat([wrap(PIK), wrap(MAK)]));
    expect(status.map((s) => [s.slot, s.kcv])).toEqual([
      ["pik", "8D0A74B8"],
      ["mak", "AB7153CA"],
    ]);
  });

  it("uses each key for its purpose and gives the same bytes as the clear-key computation", () => {
    const store = openStore(tempDir());
    store.loadTmk(Buffer.from(TMK));
    store.installSignInKeys(Buffer.concat([wrap(PIK), wrap(MAK), wrap(TDK)]));
    const block = fromHex("041234FEDCBA9876");
    expect(toHex(store.encryptPinBlock(block))).toBe(toHex(tdesEcbEncrypt(PIK, block)));
    const mab = Buffer.from("0200 a message authentication block");
    const mac = store.macUnionPayEcb(mab);
    expect(toHex(mac)).toBe(toHex(unionPayEcbMac(MAK, mab)));
    expect(store.verifyMacUnionPayEcb(mab, mac)).toBe(true);
    const tampered = Buffer.from(mac);
    tampered[0]! ^= 1;
    expect(store.verifyMacUnionPayEcb(mab, tampered)).toBe(false);
    const track = fromHex("6226097806938388");
    expect(toHex(store.encryptTrackData(track))).toBe(toHex(tdesEcbEncrypt(TDK, track)));
  });

  it("keeps data at rest under its own storage key: made once, outliving sign-ins and re-keying, gone on erase", () => {
    const dir = tempDir();
    const DEK = fromHex("00112233445566778899AABBCCDDEEFF");
    const store = new KeyStore(join(dir, "keys"), new FileSecureElement(join(dir, "device.key")), () =>
      Buffer.from(DEK),
    );
    store.loadTmk(Buffer.from(TMK));
    const pan = Buffer.from("6222021000000000014FFFFF", "latin1");
    const first = store.encryptStoredData(pan);
    expect(toHex(first.cipher)).toBe(toHex(tdesEcbEncrypt(DEK, pan)));
    expect(first.kcv).toBe(toHex(tdesEcbEncrypt(DEK, Buffer.alloc(8)).subarray(0, 4)));
    // A new session's keys, a sign-out, a new TMK, a reopened store: the same key opens the same cipher.
    store.installSignInKeys(Buffer.concat([wrap(PIK), wrap(MAK), wrap(TDK)]));
    store.dropWorkingKeys();
    store.loadTmk(Buffer.from(TMK));
    const reopened = openStore(dir);
    expect(reopened.status("dek")?.kcv).toBe(first.kcv);
    expect(reopened.decryptStoredData(first.cipher).toString("latin1")).toBe(pan.toString("latin1"));
    expect(reopened.encryptStoredData(pan).cipher.equals(first.cipher)).toBe(true);
    // Its purpose only: the storage key is not the TDK and the TDK is not the storage key.
    expect(reopened.status("tdk")).toBeUndefined();
    expect(() => reopened.encryptTrackData(pan)).toThrow(KeyStoreError);
    reopened.erase();
    expect(reopened.status("dek")).toBeUndefined();
    expect(() => reopened.decryptStoredData(first.cipher)).toThrow(/no key/);
  });

  it("checks the TMK's check value when one is given", () => {
    const store = openStore(tempDir());
    const kcv = tdesEcbEncrypt(TMK, Buffer.alloc(8)).subarray(0, 3);
    expect(store.loadTmk(Buffer.from(TMK), kcv).slot).toBe("tmk");
    const wrong = Buffer.from(kcv);
    wrong[2]! ^= 0x10;
    expect(() => store.loadTmk(Buffer.from(TMK), wrong)).toThrow(/check value/);
  });

  it("keeps the previous key set when a sign-in's check value is wrong", () => {
    const store = openStore(tempDir());
    store.loadTmk(Buffer.from(TMK));
    store.installSignInKeys(Buffer.concat([wrap(PIK), wrap(MAK)]));
    const bad = Buffer.concat([wrap(TDK), wrap(MAK)]);
    bad[39]! ^= 0xff; // MAK check value
    expect(() => store.installSignInKeys(bad)).toThrow(/MAK/);
    expect(store.status("pik")!.kcv).toBe("8D0A74B8");
  });

  it("refuses operations without the key they need", () => {
    const store = openStore(tempDir());
    expect(() => store.installSignInKeys(Buffer.concat([wrap(PIK), wrap(MAK)]))).toThrow(KeyStoreError);
    store.loadTmk(Buffer.from(TMK));
    expect(() => store.encryptPinBlock(Buffer.alloc(8))).toThrow(/pik: no key/);
    store.installSignInKeys(Buffer.concat([wrap(PIK), wrap(MAK)]));
    expect(() => store.encryptTrackData(Buffer.alloc(8))).toThrow(/tdk/);
  });

  it("survives a restart and refuses to open under another device key", () => {
    const dir = tempDir();
    const first = openStore(dir);
    first.loadTmk(Buffer.from(TMK));
    first.installSignInKeys(Buffer.concat([wrap(PIK), wrap(MAK)]));
    const again = openStore(dir);
    expect(toHex(again.encryptPinBlock(Buffer.alloc(8)))).toBe(toHex(tdesEcbEncrypt(PIK, Buffer.alloc(8))));
    const stranger = new KeyStore(join(dir, "keys"), new FileSecureElement(join(tempDir(), "other.key")));
    expect(() => stranger.encryptPinBlock(Buffer.alloc(8))).toThrow(KeyStoreError);
  });

  it("writes files that reveal no key and that only the owner can read", () => {
    const dir = tempDir();
    const store = openStore(dir);
    store.loadTmk(Buffer.from(TMK));
    store.installSignInKeys(Buffer.concat([wrap(PIK), wrap(MAK)]));
    const storeFile = readFileSync(join(dir, "keys", "keys.json"));
    for (const key of [TMK, PIK, MAK]) {
      expect(storeFile.includes(key)).toBe(false);
      expect(storeFile.toString("utf8").toUpperCase().includes(toHex(key))).toBe(false);
      expect(storeFile.toString("utf8").includes(key.toString("base64"))).toBe(false);
    }
    expect(statSync(join(dir, "keys", "keys.json")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "device.key")).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, "keys")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("erases every key on tamper and refuses to work until re-keyed", () => {
    const dir = tempDir();
    const store = openStore(dir);
    store.loadTmk(Buffer.from(TMK));
    store.installSignInKeys(Buffer.concat([wrap(PIK), wrap(MAK)]));
    store.erase();
    expect(store.status()).toEqual([]);
    expect(() => store.macUnionPayEcb(Buffer.alloc(8))).toThrow(KeyStoreError);
    expect(readdirSync(dir).includes("device.key")).toBe(false);
    expect(openStore(dir).status()).toEqual([]);
  });

  it("refuses a store file that was edited by hand", () => {
    const dir = tempDir();
    const store = openStore(dir);
    store.loadTmk(Buffer.from(TMK));
    const file = join(dir, "keys", "keys.json");
    const json = JSON.parse(readFileSync(file, "utf8"));
    json.slots.tmk.sealed = Buffer.from("not sealed").toString("base64");
    // Rewrite with the same permissions the store uses.
    writeFileSync(file, JSON.stringify(json));
    expect(() => openStore(dir).installSignInKeys(Buffer.concat([wrap(PIK), wrap(MAK)]))).toThrow(
      KeyStoreError,
    );
  });
});
