import { describe, expect, it } from "vitest";
import { deriveAesInitialKey } from "../../../../protocol/crypto/dukpt/aes-initial-key.js";
import {
  AES_COUNTER_LIMIT,
  AES_COUNTER_MAX,
  AES_MAX_ONE_BITS,
  aesKsn,
  aesKsnCounter,
} from "../../../../protocol/crypto/dukpt/aes-ksn.js";
import { AesDukptTerminal } from "../../../../protocol/crypto/dukpt/aes-terminal.js";
import { deriveAesTransactionKey } from "../../../../protocol/crypto/dukpt/aes-transaction-key.js";
import { countOneBits, nextCounter } from "../../../../protocol/crypto/dukpt/counter-bits.js";
import { DukptError, DukptExhaustedError } from "../../../../protocol/crypto/dukpt/dukpt-error.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";
import { AES256_SUPPLEMENT } from "./aes256-supplement.js";
import { aesStateAt } from "./state-at-counter.js";

const IKID = fromHex("1234567890123456");
const IK128 = deriveAesInitialKey(fromHex("FEDCBA9876543210F1F1F1F1F1F1F1F1"), IKID);
const IK256 = fromHex(AES256_SUPPLEMENT.initialKey);
const vectors = loadVectors<{ dukpt_aes128: { ksn: string; expected_txn_key: string }[] }>(
  "crypto-public.json",
).dukpt_aes128;

function runAgainstHost(
  terminal: AesDukptTerminal,
  initialKey: Buffer,
  limit: number,
): { counters: number[]; error?: unknown } {
  const counters: number[] = [];
  let expected: number | undefined = terminal.counter;
  for (let i = 0; i < limit; i++) {
    let txn: ReturnType<AesDukptTerminal["nextTransaction"]>;
    try {
      txn = terminal.nextTransaction();
    } catch (error) {
      return { counters, error };
    }
    const counter = aesKsnCounter(txn.ksn);
    if (counter !== expected)
      throw new Error(`terminal used ${counter.toString(16)}, host expects ${expected}`);
    const host = deriveAesTransactionKey(initialKey, txn.ksn);
    if (!host.equals(txn.transactionKey)) throw new Error(`key mismatch at counter ${counter.toString(16)}`);
    host.fill(0);
    txn.transactionKey.fill(0);
    counters.push(counter);
    expected = nextCounter(counter, AES_MAX_ONE_BITS, AES_COUNTER_LIMIT);
  }
  return { counters };
}

function strictlyIncreasing(counters: number[]): boolean {
  return counters.every((c, i) => i === 0 || c > counters[i - 1]!);
}

describe("AesDukptTerminal (X9.24-3:2017)", () => {
  it("emits the supplement's first KSNs and transaction keys (AES-128 BDK)", () => {
    const terminal = AesDukptTerminal.loadInitialKey(IK128, IKID);
    for (const v of vectors) {
      const txn = terminal.nextTransaction();
      expect(toHex(txn.ksn)).toBe(v.ksn);
      expect(toHex(txn.transactionKey)).toBe(v.expected_txn_key);
    }
  });

  it("agrees with the host for the first 2,000 transactions (AES-128 and AES-256 initial keys)", () => {
    for (const ik of [IK128, IK256]) {
      const { counters, error } = runAgainstHost(AesDukptTerminal.loadInitialKey(ik, IKID), ik, 2000);
      expect(error).toBeUndefined();
      expect(counters[0]).toBe(1);
      expect(counters.at(-1)).toBe(2000);
    }
  });

  it("crosses 0x1FFFE → 0x20000, skipping 0x1FFFF (17 one-bits), with the supplement's keys", () => {
    const terminal = AesDukptTerminal.fromState(aesStateAt(IK256, IKID, 0x1fffe));
    const expected = AES256_SUPPLEMENT.txnKeys.filter((e) => e.counter >= 0x1fffe && e.counter <= 0x20001);
    for (const entry of expected) {
      const txn = terminal.nextTransaction();
      expect(aesKsnCounter(txn.ksn)).toBe(entry.counter);
      expect(toHex(txn.transactionKey)).toBe(entry.txnKey);
    }
  });

  it("agrees with the host from 0xFFF00000 to exhaustion, ending on the supplement's last keys", () => {
    const terminal = AesDukptTerminal.fromState(aesStateAt(IK128, IKID, 0xfff00000));
    const { counters, error } = runAgainstHost(terminal, IK128, 10_000);
    // Twelve one-bits at the top; the 20 below may carry at most four more: Σ C(20,k), k ≤ 4.
    expect(counters).toHaveLength(6196);
    expect(counters.slice(-4)).toEqual([0xfffe2000, 0xfffe4000, 0xfffe8000, AES_COUNTER_MAX]);
    expect(strictlyIncreasing(counters)).toBe(true);
    expect(counters.every((c) => countOneBits(c) <= 16)).toBe(true);
    expect(error).toBeInstanceOf(DukptExhaustedError);
    expect(() => terminal.nextTransaction()).toThrow(DukptExhaustedError);
    expect(terminal.state().inUse.every((b) => b === 0)).toBe(true);
    expect(terminal.state().registers.every((b) => b === 0)).toBe(true);
  });

  it("reaches the supplement's last AES-256 transaction keys from a near-end state", () => {
    const terminal = AesDukptTerminal.fromState(aesStateAt(IK256, IKID, 0xfffe2000));
    const last = AES256_SUPPLEMENT.txnKeys.filter((e) => e.counter >= 0xfffe2000);
    const seen = new Map<number, string>();
    for (;;) {
      try {
        const txn = terminal.nextTransaction();
        seen.set(aesKsnCounter(txn.ksn), toHex(txn.transactionKey));
      } catch (error) {
        expect(error).toBeInstanceOf(DukptExhaustedError);
        break;
      }
    }
    expect([...seen.keys()]).toEqual([0xfffe2000, 0xfffe4000, 0xfffe8000, 0xffff0000]);
    for (const entry of last) expect(seen.get(entry.counter)).toBe(entry.txnKey);
  });

  it("persists and restores mid-run (object and flat Buffer)", () => {
    const a = AesDukptTerminal.loadInitialKey(IK256, IKID);
    for (let i = 0; i < 21; i++) a.nextTransaction();
    const b = AesDukptTerminal.fromState(a.state());
    const c = AesDukptTerminal.fromBuffer(a.toBuffer());
    for (let i = 0; i < 40; i++) {
      const [ta, tb, tc] = [a.nextTransaction(), b.nextTransaction(), c.nextTransaction()];
      expect(tb.ksn.equals(ta.ksn) && tc.ksn.equals(ta.ksn)).toBe(true);
      expect(tb.transactionKey.equals(ta.transactionKey) && tc.transactionKey.equals(ta.transactionKey)).toBe(
        true,
      );
    }
  });

  it("erases each used register and refuses malformed states", () => {
    const terminal = AesDukptTerminal.loadInitialKey(IK128, IKID);
    terminal.nextTransaction(); // counter 1 → register 0
    const state = terminal.state();
    expect(state.inUse[0]).toBe(0);
    expect(state.registers.subarray(0, 16).every((b) => b === 0)).toBe(true);
    expect(() => AesDukptTerminal.fromState({ ...state, ksn: Buffer.alloc(10) })).toThrow(DukptError);
    expect(() => AesDukptTerminal.fromState({ ...state, registers: Buffer.alloc(31 * 16) })).toThrow(
      DukptError,
    );
    expect(() => AesDukptTerminal.fromState({ ...state, inUse: Buffer.alloc(32, 2) })).toThrow(DukptError);
    expect(() => AesDukptTerminal.fromState({ ...state, ksn: aesKsn(IKID, 0x1ffff) })).toThrow(DukptError);
    expect(() => AesDukptTerminal.fromBuffer(Buffer.alloc(20))).toThrow(DukptError);
    expect(() => AesDukptTerminal.loadInitialKey(Buffer.alloc(15), IKID)).toThrow(DukptError);
  });

  it("zeroize stops the device", () => {
    const terminal = AesDukptTerminal.loadInitialKey(IK128, IKID);
    terminal.zeroize();
    expect(
      terminal
        .toBuffer()
        .subarray(12)
        .every((b) => b === 0),
    ).toBe(true);
    expect(() => terminal.nextTransaction()).toThrow(DukptExhaustedError);
  });
});
