import { describe, expect, it } from "vitest";
import { tdesCbcEncrypt, tdesEcbDecrypt, tdesEcbEncrypt } from "../../../../protocol/crypto/cipher.js";
import { cmac } from "../../../../protocol/crypto/cmac.js";
import { CryptoError } from "../../../../protocol/crypto/crypto-error.js";
import { DukptError } from "../../../../protocol/crypto/dukpt/dukpt-error.js";
import { deriveTdesIpek } from "../../../../protocol/crypto/dukpt/tdes-ipek.js";
import {
  isUsableTdesCounter,
  TDES_COUNTER_MAX,
  tdesInitialKsn,
  tdesKsnCounter,
  withTdesKsnCounter,
} from "../../../../protocol/crypto/dukpt/tdes-ksn.js";
import { deriveTdesTransactionKey } from "../../../../protocol/crypto/dukpt/tdes-transaction-key.js";
import {
  deriveTdesWorkingKey,
  type TdesDukptKeyUsage,
} from "../../../../protocol/crypto/dukpt/tdes-working-keys.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";

interface TdesVector {
  name: string;
  bdk: string;
  iksn: string;
  expected_ipek: string;
  clear_pinblock_iso0: string;
  mac_data_ascii_hex: string;
  ksn: string;
  expected_txn_key: string;
  expected_encrypted_pinblock: string;
  expected_mac_request_x919: string;
  expected_mac_response_x919: string;
  expected_cmac_request_tdes: string;
  expected_cmac_response_tdes: string;
  expected_encrypted_request_data: string;
  researcher_computed: Record<string, string>;
}

const vectors = loadVectors<{ dukpt_tdes: TdesVector[] }>("crypto-public.json").dukpt_tdes;

function zeroPad(data: Buffer, block: number): Buffer {
  const length = Math.max(block, Math.ceil(data.length / block) * block);
  const out = Buffer.alloc(length);
  data.copy(out);
  return out;
}

/** ANSI X9.19 retail MAC (ISO 9797-1 alg 3, pad 1), computed locally from the cipher primitives. */
function retailMac(key: Buffer, data: Buffer): Buffer {
  const left = key.subarray(0, 8);
  const padded = zeroPad(data, 8);
  const chain = tdesCbcEncrypt(left, padded);
  const last = chain.subarray(chain.length - 8);
  return tdesEcbEncrypt(left, tdesEcbDecrypt(key.subarray(8, 16), last));
}

describe("TDES DUKPT host side against X9.24-1:2009 A.4.2", () => {
  it("has the 21 vectors", () => expect(vectors).toHaveLength(21));

  for (const v of vectors) {
    describe(v.name, () => {
      const ksn = fromHex(v.ksn);
      const ipek = deriveTdesIpek(fromHex(v.bdk), ksn);
      const txnKey = deriveTdesTransactionKey(ipek, ksn);
      const data = fromHex(v.mac_data_ascii_hex);

      it("IPEK and transaction key", () => {
        expect(toHex(ipek)).toBe(v.expected_ipek);
        expect(toHex(deriveTdesIpek(fromHex(v.bdk), fromHex(v.iksn)))).toBe(v.expected_ipek);
        expect(toHex(txnKey)).toBe(v.expected_txn_key);
      });

      it("working-key variants", () => {
        const rc = v.researcher_computed;
        const expected: Record<TdesDukptKeyUsage, string> = {
          pin: rc.pin_key!,
          "mac-request": rc.mac_request_key!,
          "mac-response": rc.mac_response_key!,
          "data-request": rc.data_request_key_after_owf!,
          "data-response": rc.data_response_key_after_owf!,
        };
        for (const [usage, key] of Object.entries(expected)) {
          expect(toHex(deriveTdesWorkingKey(txnKey, usage as TdesDukptKeyUsage)), usage).toBe(key);
        }
      });

      it("PIN block, X9.19 MACs, CMACs and request data", () => {
        const pinKey = deriveTdesWorkingKey(txnKey, "pin");
        expect(toHex(tdesEcbEncrypt(pinKey, fromHex(v.clear_pinblock_iso0)))).toBe(
          v.expected_encrypted_pinblock,
        );
        const macReq = deriveTdesWorkingKey(txnKey, "mac-request");
        const macResp = deriveTdesWorkingKey(txnKey, "mac-response");
        expect(toHex(retailMac(macReq, data).subarray(0, 4))).toBe(v.expected_mac_request_x919);
        expect(toHex(retailMac(macResp, data).subarray(0, 4))).toBe(v.expected_mac_response_x919);
        expect(toHex(cmac("tdes", macReq, data))).toBe(v.expected_cmac_request_tdes);
        expect(toHex(cmac("tdes", macResp, data))).toBe(v.expected_cmac_response_tdes);
        const dataKey = deriveTdesWorkingKey(txnKey, "data-request");
        expect(toHex(tdesCbcEncrypt(dataKey, zeroPad(data, 8)))).toBe(v.expected_encrypted_request_data);
      });
    });
  }
});

describe("TDES DUKPT KSN and input checks", () => {
  const ksn = fromHex("FFFF9876543210E00000");
  const ipek = fromHex("6AC292FAA1315B4D858AB3A3D7D5933A");

  it("reads and writes the 21-bit counter without touching the initial KSN", () => {
    const k = withTdesKsnCounter(ksn, 0x1ff800);
    expect(toHex(k)).toBe("FFFF9876543210FFF800");
    expect(tdesKsnCounter(k)).toBe(0x1ff800);
    expect(toHex(tdesInitialKsn(k))).toBe("FFFF9876543210E00000");
    expect(isUsableTdesCounter(TDES_COUNTER_MAX)).toBe(true);
    expect(isUsableTdesCounter(0x1ffc00)).toBe(false);
    expect(isUsableTdesCounter(0x7ff)).toBe(false); // eleven one-bits
  });

  it("refuses wrong lengths and counters no device emits with DukptError", () => {
    expect(() => deriveTdesIpek(Buffer.alloc(8), ksn)).toThrow(DukptError);
    expect(() => deriveTdesIpek(Buffer.alloc(16), Buffer.alloc(9))).toThrow(DukptError);
    expect(() => deriveTdesTransactionKey(ipek, ksn)).toThrow(/ksn.counter/);
    expect(() => deriveTdesTransactionKey(ipek, withTdesKsnCounter(ksn, 0x7ff))).toThrow(DukptError);
    expect(() => deriveTdesTransactionKey(Buffer.alloc(24), withTdesKsnCounter(ksn, 1))).toThrow(CryptoError);
    expect(() => withTdesKsnCounter(ksn, 0x200000)).toThrow(DukptError);
    expect(() => deriveTdesWorkingKey(Buffer.alloc(8), "pin")).toThrow(DukptError);
  });

  it("does not modify the caller's IPEK", () => {
    const copy = Buffer.from(ipek);
    deriveTdesTransactionKey(copy, withTdesKsnCounter(ksn, 0x1ff800));
    expect(copy.equals(ipek)).toBe(true);
  });
});
