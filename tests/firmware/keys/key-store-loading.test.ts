import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileSecureElement } from "../../../firmware/keys/file-secure-element.js";
import { KeyStore } from "../../../firmware/keys/key-store.js";
import { tdesEcbEncrypt } from "../../../protocol/crypto/cipher.js";
import { deriveAesInitialKey } from "../../../protocol/crypto/dukpt/aes-initial-key.js";
import { deriveAesTransactionKey } from "../../../protocol/crypto/dukpt/aes-transaction-key.js";
import { deriveAesWorkingKey } from "../../../protocol/crypto/dukpt/aes-working-key.js";
import { deriveTdesIpek } from "../../../protocol/crypto/dukpt/tdes-ipek.js";
import { deriveTdesTransactionKey } from "../../../protocol/crypto/dukpt/tdes-transaction-key.js";
import { deriveTdesWorkingKey } from "../../../protocol/crypto/dukpt/tdes-working-keys.js";
import { macAnsiX919 } from "../../../protocol/crypto/mac.js";
import { decryptPinBlock } from "../../../protocol/crypto/pinblock/encrypted.js";
import { decipherPinBlockIso4 } from "../../../protocol/crypto/pinblock/iso4.js";
import { Tr31Error } from "../../../protocol/crypto/tr31/tr31-error.js";
import { wrapTr31 } from "../../../protocol/crypto/tr31/wrap.js";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { useTempDirs } from "../../support/temp-dir.js";

const tempDir = useTempDirs();
const KBPK = fromHex("89E88CF7931444F334BD7547FC3F380C");
const TMK = fromHex("CA5D92598DCA48CE8A4C76361A9269E9");
// The X9.24-1 test BDK and initial KSN.
const BDK = fromHex("0123456789ABCDEFFEDCBA9876543210");
const KSN = fromHex("FFFF9876543210E00000");

function openStore(dir = tempDir()): KeyStore {
  return new KeyStore(join(dir, "keys"), new FileSecureElement(join(dir, "device.key")));
}

describe("KeyStore: TR-31 loading", () => {
  it("loads the TMK from a K0 key block and reports its check value", () => {
    const store = openStore();
    const block = wrapTr31(KBPK, { version: "D", keyUsage: "K0", algorithm: "T", modeOfUse: "D" }, TMK);
    const status = store.loadTmkFromTr31(KBPK, block);
    expect(status.kcv).toBe(toHex(tdesEcbEncrypt(TMK, Buffer.alloc(8)).subarray(0, 4)));
  });

  it("refuses a block whose usage or mode does not fit the TMK slot, and a forged block", () => {
    const store = openStore();
    const pinKey = wrapTr31(KBPK, { version: "B", keyUsage: "P0", algorithm: "T", modeOfUse: "E" }, TMK);
    expect(() => store.loadTmkFromTr31(KBPK, pinKey)).toThrow(/key usage P0/);
    const encryptOnly = wrapTr31(KBPK, { version: "B", keyUsage: "K0", algorithm: "T", modeOfUse: "E" }, TMK);
    expect(() => store.loadTmkFromTr31(KBPK, encryptOnly)).toThrow(Tr31Error);
    const good = wrapTr31(KBPK, { version: "D", keyUsage: "K0", algorithm: "T", modeOfUse: "B" }, TMK);
    const forged = `${good.slice(0, -1)}${good.endsWith("0") ? "1" : "0"}`;
    expect(() => store.loadTmkFromTr31(KBPK, forged)).toThrow(Tr31Error);
    expect(store.has("tmk")).toBe(false);
  });
});

describe("KeyStore: DUKPT slot", () => {
  it("TDES: every transaction's PIN block and MAC match the host derivation, and KSNs never repeat", () => {
    const dir = tempDir();
    const ipek = deriveTdesIpek(BDK, KSN);
    openStore(dir).loadDukptInitialKey("tdes", ipek, KSN);
    const seen = new Set<string>();
    for (let i = 0; i < 25; i++) {
      // A fresh store object each time: the engine must be persisted after every transaction.
      const txn = openStore(dir).beginDukptTransaction();
      const ksnHex = toHex(txn.ksn);
      expect(seen.has(ksnHex)).toBe(false);
      seen.add(ksnHex);
      const hostKey = deriveTdesTransactionKey(ipek, txn.ksn);
      const pinBlock = txn.encryptPin(Buffer.from("1234"), "4012345678909");
      const pinKey = deriveTdesWorkingKey(hostKey, "pin");
      expect(decryptPinBlock(pinKey, pinBlock, { format: 0, pan: "4012345678909" }).toString()).toBe("1234");
      const data = Buffer.from(`message ${i}`);
      expect(toHex(txn.macRequest(data))).toBe(
        toHex(macAnsiX919(deriveTdesWorkingKey(hostKey, "mac-request"), data)),
      );
      const responseMac = macAnsiX919(deriveTdesWorkingKey(hostKey, "mac-response"), data);
      expect(txn.verifyResponseMac(data, responseMac)).toBe(true);
      expect(txn.verifyResponseMac(data, Buffer.alloc(0))).toBe(false);
      txn.close();
      expect(() => txn.encryptPin(Buffer.from("1234"), "4012345678909")).toThrow(/closed/);
    }
  });

  it("AES: PIN (format 4) and CMAC match the host derivation; the slot survives a restart", () => {
    const dir = tempDir();
    const bdk = fromHex("FEDCBA9876543210F1F1F1F1F1F1F1F1");
    const ikId = fromHex("1234567890123456");
    const initialKey = deriveAesInitialKey(bdk, ikId);
    openStore(dir).loadDukptInitialKey("aes", initialKey, Buffer.concat([ikId, Buffer.alloc(4)]));
    const before = openStore(dir).dukptStatus()!.nextKsn;
    const txn = openStore(dir).beginDukptTransaction();
    expect(toHex(txn.ksn)).toBe(before);
    expect(openStore(dir).dukptStatus()!.nextKsn).not.toBe(before);
    const hostKey = deriveAesTransactionKey(initialKey, txn.ksn);
    const pinKey = deriveAesWorkingKey(hostKey, txn.ksn, "pin-encryption", "aes128");
    const block = txn.encryptPin(Buffer.from("987654"), "5413330089604111");
    expect(decipherPinBlockIso4(pinKey, block, "5413330089604111").toString()).toBe("987654");
    txn.close();
  });

  it("loads a DUKPT initial key from a B1 key block with its KSN in a KS block, refusing other usages", () => {
    const store = openStore();
    const ipek = deriveTdesIpek(BDK, KSN);
    const block = wrapTr31(
      KBPK,
      {
        version: "B",
        keyUsage: "B1",
        algorithm: "T",
        modeOfUse: "X",
        optionalBlocks: [{ id: "KS", value: toHex(KSN) }],
      },
      ipek,
    );
    expect(store.loadDukptFromTr31(KBPK, block).nextKsn).toBe("FFFF9876543210E00001");
    const mac = wrapTr31(KBPK, { version: "B", keyUsage: "M3", algorithm: "T", modeOfUse: "C" }, ipek);
    expect(() => store.loadDukptFromTr31(KBPK, mac, KSN)).toThrow(/key usage M3/);
  });

  it("reports no DUKPT key after a tamper erase", () => {
    const store = openStore();
    store.loadDukptInitialKey("tdes", deriveTdesIpek(BDK, KSN), KSN);
    store.erase();
    expect(store.dukptStatus()).toBeUndefined();
    expect(() => store.beginDukptTransaction()).toThrow(/no DUKPT key/);
  });
});
