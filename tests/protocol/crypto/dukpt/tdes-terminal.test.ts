import { describe, expect, it } from "vitest";
import { countOneBits, nextCounter } from "../../../../protocol/crypto/dukpt/counter-bits.js";
import { DukptError, DukptExhaustedError } from "../../../../protocol/crypto/dukpt/dukpt-error.js";
import { deriveTdesIpek } from "../../../../protocol/crypto/dukpt/tdes-ipek.js";
import {
  TDES_COUNTER_LIMIT,
  TDES_COUNTER_MAX,
  TDES_MAX_ONE_BITS,
  tdesKsnCounter,
  withTdesKsnCounter,
} from "../../../../protocol/crypto/dukpt/tdes-ksn.js";
import {
  TDES_DUKPT_STATE_LENGTH,
  TdesDukptTerminal,
} from "../../../../protocol/crypto/dukpt/tdes-terminal.js";
import { deriveTdesTransactionKey } from "../../../../protocol/crypto/dukpt/tdes-transaction-key.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { loadVectors } from "../../../support/vectors.js";
import { tdesStateAt } from "./state-at-counter.js";

const BDK = fromHex("0123456789ABCDEFFEDCBA9876543210");
const IKSN = fromHex("FFFF9876543210E00000");
const IPEK = deriveTdesIpek(BDK, IKSN);
const vectors = loadVectors<{ dukpt_tdes: { ksn: string; expected_txn_key: string }[] }>(
  "crypto-public.json",
).dukpt_tdes;

/** Run the terminal until it throws or `limit` transactions, checking each against the host. */
function runAgainstHost(terminal: TdesDukptTerminal, limit: number): { counters: number[]; error?: unknown } {
  const counters: number[] = [];
  let expected: number | undefined = terminal.counter;
  for (let i = 0; i < limit; i++) {
    let txn: ReturnType<TdesDukptTerminal["nextTransaction"]>;
    try {
      txn = terminal.nextTransaction();
    } catch (error) {
      return { counters, error };
    }
    const counter = tdesKsnCounter(txn.ksn);
    if (counter !== expected)
      throw new Error(`terminal used ${counter.toString(16)}, host expects ${expected}`);
    const host = deriveTdesTransactionKey(IPEK, txn.ksn);
    if (!host.equals(txn.transactionKey)) throw new Error(`key mismatch at counter ${counter.toString(16)}`);
    host.fill(0);
    txn.transactionKey.fill(0);
    counters.push(counter);
    expected = nextCounter(counter, TDES_MAX_ONE_BITS, TDES_COUNTER_LIMIT);
  }
  return { counters };
}

describe("TdesDukptTerminal (X9.24-1:2009 A.2)", () => {
  it("emits the A.4.2 KSNs and transaction keys in order", () => {
    const terminal = TdesDukptTerminal.loadInitialKey(IPEK, IKSN);
    for (const v of vectors) {
      const txn = terminal.nextTransaction();
      expect(toHex(txn.ksn)).toBe(v.ksn);
      expect(toHex(txn.transactionKey)).toBe(v.expected_txn_key);
    }
  });

  it("agrees with the host derivation for the first 2,000 transactions", () => {
    const { counters, error } = runAgainstHost(TdesDukptTerminal.loadInitialKey(IPEK, IKSN), 2000);
    expect(error).toBeUndefined();
    expect(counters).toHaveLength(2000);
    expect(counters[0]).toBe(1);
    for (let i = 1; i < counters.length; i++) expect(counters[i]!).toBeGreaterThan(counters[i - 1]!);
  });

  it("agrees with the host from 0x1F0000 to exhaustion, skipping counters with > 10 one-bits", () => {
    const terminal = TdesDukptTerminal.fromState(tdesStateAt(IPEK, IKSN, 0x1f0000));
    const { counters, error } = runAgainstHost(terminal, 10_000);
    // 0x1F0000 has five one-bits; the 16 bits below may carry at most five more: Σ C(16,k), k ≤ 5.
    expect(counters).toHaveLength(6885);
    expect(counters.at(-1)).toBe(TDES_COUNTER_MAX);
    for (let i = 1; i < counters.length; i++) expect(counters[i]!).toBeGreaterThan(counters[i - 1]!);
    expect(counters.every((c) => countOneBits(c) <= 10)).toBe(true);
    expect(error).toBeInstanceOf(DukptExhaustedError);
    expect(terminal.exhausted).toBe(true);
    expect(() => terminal.nextTransaction()).toThrow(DukptExhaustedError);
    // Every future key register has been used and erased.
    expect(terminal.state().futureKeys.every((b) => b === 0)).toBe(true);
  });

  it("skips over a register whose LRC fails (a key erased or corrupted in storage)", () => {
    const state = tdesStateAt(IPEK, IKSN, 0x0f0000);
    // Corrupt the key for the current counter (lowest bit 0x010000 = FKR #5): the whole
    // 0x0Fxxxx subtree is lost and the device moves on to 0x100000.
    state.futureKeys[4 * 16]! ^= 0x01;
    const terminal = TdesDukptTerminal.fromState(state);
    const txn = terminal.nextTransaction();
    expect(tdesKsnCounter(txn.ksn)).toBe(0x100000);
    expect(txn.transactionKey.equals(deriveTdesTransactionKey(IPEK, txn.ksn))).toBe(true);
  });

  it("erases the key it has used and never hands out the same KSN twice", () => {
    const terminal = TdesDukptTerminal.loadInitialKey(IPEK, IKSN);
    const first = terminal.nextTransaction();
    const state = terminal.state();
    // Counter 1 used FKR #21; it must now be zeros with an invalid LRC.
    expect(state.futureKeys.subarray(20 * 16).every((b) => b === 0)).toBe(true);
    expect(state.lrc[20]).not.toBe(0);
    expect(terminal.nextTransaction().ksn.equals(first.ksn)).toBe(false);
  });

  it("persists and restores its state (object and flat Buffer) mid-run", () => {
    const a = TdesDukptTerminal.loadInitialKey(IPEK, IKSN);
    for (let i = 0; i < 37; i++) a.nextTransaction();
    const b = TdesDukptTerminal.fromState(a.state());
    const flat = a.toBuffer();
    expect(flat).toHaveLength(TDES_DUKPT_STATE_LENGTH);
    const c = TdesDukptTerminal.fromBuffer(flat);
    flat.fill(0); // the restored terminal keeps its own copy
    for (let i = 0; i < 50; i++) {
      const ta = a.nextTransaction();
      const tb = b.nextTransaction();
      const tc = c.nextTransaction();
      expect(tb.ksn.equals(ta.ksn) && tc.ksn.equals(ta.ksn)).toBe(true);
      expect(tb.transactionKey.equals(ta.transactionKey) && tc.transactionKey.equals(ta.transactionKey)).toBe(
        true,
      );
    }
  });

  it("refuses malformed states with DukptError", () => {
    const good = TdesDukptTerminal.loadInitialKey(IPEK, IKSN).state();
    expect(() => TdesDukptTerminal.fromState({ ...good, ksn: Buffer.alloc(9) })).toThrow(DukptError);
    expect(() => TdesDukptTerminal.fromState({ ...good, futureKeys: Buffer.alloc(20 * 16) })).toThrow(
      DukptError,
    );
    expect(() => TdesDukptTerminal.fromState({ ...good, lrc: Buffer.alloc(20) })).toThrow(DukptError);
    expect(() => TdesDukptTerminal.fromState({ ...good, ksn: withTdesKsnCounter(IKSN, 0x7ff) })).toThrow(
      DukptError,
    );
    expect(() => TdesDukptTerminal.fromBuffer(Buffer.alloc(10))).toThrow(DukptError);
    expect(() => TdesDukptTerminal.loadInitialKey(Buffer.alloc(8), IKSN)).toThrow(DukptError);
  });

  it("zeroize wipes every register and stops the device", () => {
    const terminal = TdesDukptTerminal.loadInitialKey(IPEK, IKSN);
    terminal.zeroize();
    expect(terminal.state().futureKeys.every((b) => b === 0)).toBe(true);
    expect(() => terminal.nextTransaction()).toThrow(DukptExhaustedError);
  });

  it("does not modify the caller's IPEK", () => {
    const ipek = Buffer.from(IPEK);
    TdesDukptTerminal.loadInitialKey(ipek, IKSN);
    expect(ipek.equals(IPEK)).toBe(true);
  });
});
