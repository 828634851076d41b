import { describe, expect, it } from "vitest";
import { aesEcbEncrypt, xor } from "../../../../protocol/crypto/cipher.js";
import { aesDerivationData } from "../../../../protocol/crypto/dukpt/aes-derivation-data.js";
import { deriveAesInitialKey } from "../../../../protocol/crypto/dukpt/aes-initial-key.js";
import {
  AES_DUKPT_USAGE_CODES,
  type AesDukptKeyType,
} from "../../../../protocol/crypto/dukpt/aes-key-type.js";
import { aesKsn, aesKsnCounter, isUsableAesCounter } from "../../../../protocol/crypto/dukpt/aes-ksn.js";
import { deriveAesTransactionKey } from "../../../../protocol/crypto/dukpt/aes-transaction-key.js";
import { deriveAesWorkingKey } from "../../../../protocol/crypto/dukpt/aes-working-key.js";
import { DukptError } from "../../../../protocol/crypto/dukpt/dukpt-error.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";
import { AES256_SUPPLEMENT } from "./aes256-supplement.js";

interface AesVector {
  name: string;
  bdk: string;
  initial_key_id: string;
  expected_initial_key: string;
  ksn: string;
  expected_txn_key: string;
  expected_pin_key_aes128: string;
  expected_mac_gen_key_aes128: string;
  expected_data_enc_key_aes128: string;
  pin_field: string;
  pan: string;
  expected_encrypted_pinblock_iso4: string;
  researcher_computed: Record<string, string>;
}

const vectors = loadVectors<{ dukpt_aes128: AesVector[] }>("crypto-public.json").dukpt_aes128;

/** ISO 9564-1 format 4 encipherment, computed locally: AES(K, AES(K, PIN field) ⊕ PAN field). */
function encipherIso4(key: Buffer, pinField: Buffer, pan: string): Buffer {
  const m = Math.max(0, pan.length - 12);
  const panField = Buffer.from(`${m.toString(16)}${pan.padStart(12, "0")}`.padEnd(32, "0"), "hex");
  return aesEcbEncrypt(key, xor(aesEcbEncrypt(key, pinField), panField));
}

describe("AES DUKPT host side against the X9.24-3:2017 supplement (AES-128 BDK)", () => {
  it("has vectors", () => expect(vectors.length).toBeGreaterThanOrEqual(6));

  for (const v of vectors) {
    it(v.name, () => {
      const ik = deriveAesInitialKey(fromHex(v.bdk), fromHex(v.initial_key_id));
      expect(toHex(ik)).toBe(v.expected_initial_key);
      const ksn = fromHex(v.ksn);
      expect(toHex(deriveAesInitialKey(fromHex(v.bdk), ksn))).toBe(v.expected_initial_key);
      const txnKey = deriveAesTransactionKey(ik, ksn);
      expect(toHex(txnKey)).toBe(v.expected_txn_key);
      const pinKey = deriveAesWorkingKey(txnKey, ksn, "pin-encryption", "aes128");
      expect(toHex(pinKey)).toBe(v.expected_pin_key_aes128);
      expect(toHex(deriveAesWorkingKey(txnKey, ksn, "mac-generation", "aes128"))).toBe(
        v.expected_mac_gen_key_aes128,
      );
      expect(toHex(deriveAesWorkingKey(txnKey, ksn, "data-encryption", "aes128"))).toBe(
        v.expected_data_enc_key_aes128,
      );
      expect(toHex(deriveAesWorkingKey(txnKey, ksn, "mac-verification", "aes128"))).toBe(
        v.researcher_computed.mac_verification_key_aes128_usage_2001,
      );
      expect(toHex(deriveAesWorkingKey(txnKey, ksn, "data-decryption", "aes128"))).toBe(
        v.researcher_computed.data_decrypt_key_aes128_usage_3001,
      );
      expect(toHex(encipherIso4(pinKey, fromHex(v.pin_field), v.pan))).toBe(
        v.expected_encrypted_pinblock_iso4,
      );
    });
  }
});

describe("AES DUKPT host side, AES-256 BDK (X9.24-3 supplement via openemv/dukpt)", () => {
  const s = AES256_SUPPLEMENT;
  const ik = deriveAesInitialKey(fromHex(s.bdk), fromHex(s.initialKeyId));

  it("initial key", () => expect(toHex(ik)).toBe(s.initialKey));

  for (const entry of s.byCounter) {
    it(`working keys at counter ${entry.counter}`, () => {
      const ksn = aesKsn(fromHex(s.initialKeyId), entry.counter);
      const txn = deriveAesTransactionKey(ik, ksn);
      expect(toHex(txn)).toBe(entry.txnKey);
      expect(toHex(deriveAesWorkingKey(txn, ksn, "pin-encryption", "aes128"))).toBe(entry.pinKeyAes128);
      expect(toHex(deriveAesWorkingKey(txn, ksn, "pin-encryption", "aes256"))).toBe(entry.pinKeyAes256);
      if ("macGenKeyAes128" in entry) {
        expect(toHex(deriveAesWorkingKey(txn, ksn, "mac-generation", "aes128"))).toBe(entry.macGenKeyAes128);
        expect(toHex(deriveAesWorkingKey(txn, ksn, "mac-generation", "aes256"))).toBe(entry.macGenKeyAes256);
        expect(toHex(deriveAesWorkingKey(txn, ksn, "data-encryption", "aes128"))).toBe(
          entry.dataEncKeyAes128,
        );
        expect(toHex(deriveAesWorkingKey(txn, ksn, "data-encryption", "aes256"))).toBe(
          entry.dataEncKeyAes256,
        );
      }
    });
  }

  for (const entry of s.txnKeys) {
    it(`transaction key at counter ${entry.counter.toString(16)}`, () => {
      const ksn = aesKsn(fromHex(s.initialKeyId), entry.counter);
      expect(toHex(deriveAesTransactionKey(ik, ksn))).toBe(entry.txnKey);
    });
  }
});

describe("AES DUKPT derivation data, key types and input checks", () => {
  const ikid = fromHex("1234567890123456");
  const ik128 = fromHex("1273671EA26AC29AFA4D1084127652A1");
  const ksn = aesKsn(ikid, 1);
  const txn128 = deriveAesTransactionKey(ik128, ksn);

  it("lays out the derivation data as 01|counter|usage|algorithm|bits|data", () => {
    const dd = aesDerivationData(
      AES_DUKPT_USAGE_CODES["pin-encryption"],
      "aes256",
      fromHex("9012345600000001"),
    );
    expect(toHex(dd)).toBe("0101100000040100" + "9012345600000001");
    expect(toHex(aesDerivationData(0x8001, "tdes3", ikid))).toBe("01018001000100C01234567890123456");
  });

  it("derives 2-key and 3-key TDES and AES-192 working keys of the right length from an AES-256 key", () => {
    const txn256 = fromHex(AES256_SUPPLEMENT.byCounter[0]!.txnKey);
    const lengths: [AesDukptKeyType, number][] = [
      ["tdes2", 16],
      ["tdes3", 24],
      ["aes128", 16],
      ["aes192", 24],
      ["aes256", 32],
    ];
    for (const [type, length] of lengths) {
      expect(deriveAesWorkingKey(txn256, ksn, "data-both", type)).toHaveLength(length);
    }
    // The key type is bound into the derivation data: a 3TDEA key does not start with the 2TDEA one.
    expect(
      deriveAesWorkingKey(txn256, ksn, "data-both", "tdes3")
        .subarray(0, 16)
        .equals(deriveAesWorkingKey(txn256, ksn, "data-both", "tdes2")),
    ).toBe(false);
  });

  it("refuses a working key stronger than its transaction key", () => {
    expect(() => deriveAesWorkingKey(txn128, ksn, "pin-encryption", "aes256")).toThrow(/keyType/);
    expect(() => deriveAesWorkingKey(txn128, ksn, "pin-encryption", "aes192")).toThrow(DukptError);
    expect(deriveAesWorkingKey(txn128, ksn, "mac-both", "tdes3")).toHaveLength(24);
  });

  it("checks lengths and counters", () => {
    expect(() => deriveAesInitialKey(Buffer.alloc(8), ikid)).toThrow(DukptError);
    expect(() => deriveAesInitialKey(Buffer.alloc(16), Buffer.alloc(7))).toThrow(DukptError);
    expect(() => deriveAesTransactionKey(ik128, aesKsn(ikid, 0))).toThrow(/ksn.counter/);
    expect(() => deriveAesTransactionKey(ik128, aesKsn(ikid, 0x1ffff))).toThrow(DukptError); // 17 one-bits
    expect(() => deriveAesTransactionKey(ik128, Buffer.alloc(10))).toThrow(DukptError);
    expect(() => deriveAesWorkingKey(txn128, Buffer.alloc(10), "pin-encryption", "aes128")).toThrow(
      DukptError,
    );
    expect(aesKsnCounter(aesKsn(ikid, 0xffff0000))).toBe(0xffff0000);
    expect(isUsableAesCounter(0xffff0000)).toBe(true);
    expect(isUsableAesCounter(0xffff8000)).toBe(false);
    expect(isUsableAesCounter(0x1ffff)).toBe(false);
  });
});
