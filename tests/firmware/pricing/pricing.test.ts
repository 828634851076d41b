import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CardKind, TransactionRecord } from "../../../firmware/journal/transaction-record.js";
import {
  estimateFee,
  FEE_RATES,
  FEE_TOTAL_LABEL,
  type FeeInput,
  feeSummary,
} from "../../../firmware/pricing/index.js";

const debit = (amount: number): FeeInput => ({ channel: "card", cardKind: "debit", domestic: true, amount });
const credit = (amount: number): FeeInput => ({
  channel: "card",
  cardKind: "credit",
  domestic: true,
  amount,
});
const qr = (amount: number): FeeInput => ({ channel: "qr", cardKind: "unknown", domestic: true, amount });

describe("estimateFee", () => {
  it("charges the seeds' rates: 0.6% credit, 0.5% debit, 0.38% QR", () => {
    expect(estimateFee(credit(10_000))).toBe(60);
    expect(estimateFee(debit(10_000))).toBe(50);
    expect(estimateFee(qr(10_000))).toBe(38);
    expect(estimateFee(credit(0))).toBe(0);
  });

  it("caps domestic debit at 25 yuan: reached exactly at 5,000 yuan", () => {
    expect(estimateFee(debit(499_999))).toBe(2_500); // 2499.995 rounds half up
    expect(estimateFee(debit(499_899))).toBe(2_499); // 2499.495
    expect(estimateFee(debit(500_000))).toBe(2_500);
    expect(estimateFee(debit(100_000_000))).toBe(2_500);
    expect(estimateFee(credit(100_000_000))).toBe(600_000);
  });

  it("rounds half up on the fen", () => {
    expect(estimateFee(credit(249))).toBe(1); // 1.494
    expect(estimateFee(credit(250))).toBe(2); // 1.5
    expect(estimateFee(credit(83))).toBe(0); // 0.498
    expect(estimateFee(credit(84))).toBe(1); // 0.504
    expect(estimateFee(debit(100))).toBe(1); // 0.5
    expect(estimateFee(debit(99))).toBe(0); // 0.495
    expect(estimateFee(qr(2_500))).toBe(10); // 9.5
    expect(estimateFee(qr(2_499))).toBe(9); // 9.4962
  });

  it("charges foreign cards and unknown kinds at the credit rate; QR whatever funds it", () => {
    for (const cardKind of ["debit", "credit", "unknown"] as CardKind[]) {
      expect(estimateFee({ channel: "card", cardKind, domestic: false, amount: 1_000_000 })).toBe(6_000);
      expect(estimateFee({ channel: "qr", cardKind, domestic: false, amount: 1_000_000 })).toBe(3_800);
    }
    expect(estimateFee({ channel: "card", cardKind: "unknown", domestic: true, amount: 1_000_000 })).toBe(
      6_000,
    );
  });

  it("refuses amounts that are not non-negative integer fen", () => {
    for (const amount of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => estimateFee(credit(amount))).toThrow(RangeError);
    }
  });
});

describe("estimateFee properties", () => {
  const amount = fc.integer({ min: 0, max: 999_999_999_999 });
  const input = fc.record({
    channel: fc.constantFrom("card" as const, "qr" as const),
    cardKind: fc.constantFrom<CardKind>("debit", "credit", "unknown"),
    domestic: fc.boolean(),
  });

  it("never exceeds the debit cap on a domestic debit card", () => {
    fc.assert(
      fc.property(amount, (a) => estimateFee(debit(a)) <= FEE_RATES.debit.capFen),
      { seed: 1, numRuns: 1000 },
    );
  });

  it("is monotonic in the amount", () => {
    fc.assert(
      fc.property(input, amount, amount, (kind, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(estimateFee({ ...kind, amount: lo })).toBeLessThanOrEqual(
          estimateFee({ ...kind, amount: hi }),
        );
      }),
      { seed: 2, numRuns: 1000 },
    );
  });

  it("is within half a fen of the exact fee (when not capped), ties going up", () => {
    fc.assert(
      fc.property(input, amount, (kind, a) => {
        const fee = estimateFee({ ...kind, amount: a });
        const bp = kind.channel === "qr" ? 38 : kind.domestic && kind.cardKind === "debit" ? 50 : 60;
        const exact = BigInt(a) * BigInt(bp); // fee × 10,000
        const diff = BigInt(fee) * 10_000n - exact;
        if (fee === 2_500 && bp === 50) return;
        expect(diff > -5_000n && diff <= 5_000n).toBe(true);
      }),
      { seed: 3, numRuns: 1000 },
    );
  });
});

let nextId = 1;
function record(over: Partial<TransactionRecord>): TransactionRecord {
  const id = nextId++;
  return {
    id,
    stan: String(id).padStart(6, "0"),
    batch: "000001",
    type: "sale",
    entryMode: "insert",
    amount: 10_000,
    tip: 0,
    currency: "156",
    terminalId: "10000001",
    merchantId: "898310048160001",
    operator: "01",
    cardKind: "debit",
    domestic: true,
    status: "approved",
    settlement: "unsettled",
    advice: "none",
    uploaded: false,
    copiesPrinted: 2,
    signatureRequired: false,
    createdAt: "2025-03-14T10:00:00.000Z",
    updatedAt: "2025-03-14T10:00:00.000Z",
    ...over,
  };
}

describe("feeSummary", () => {
  it("adds approved sales and completions, subtracts refunds, one row per fee category", () => {
    const rows = feeSummary([
      record({ amount: 10_000 }), // debit 50
      record({ amount: 1_000_000 }), // debit, capped 2500
      record({ type: "refund", amount: 2_000 }), // debit -10
      record({ cardKind: "credit", amount: 10_000 }), // credit 60
      record({ cardKind: "credit", type: "preauth-completion", amount: 20_000 }), // credit 120
      record({ cardKind: "credit", type: "preauth-completion-advice", amount: 250 }), // credit 2 (1.5 up)
      record({ cardKind: "unknown", amount: 10_000 }), // credit row 60
      record({ domestic: false, cardKind: "debit", amount: 10_000 }), // foreign 60
      record({ entryMode: "qr", cardKind: "unknown", amount: 10_000 }), // qr 38
      record({ entryMode: "qr", type: "refund", cardKind: "unknown", amount: 2_500 }), // qr -10
    ]);
    expect(rows).toEqual([
      { label: "内卡借记 Domestic debit", count: 3, amount: 1_008_000, fee: 2_540 },
      { label: "内卡贷记 Domestic credit", count: 4, amount: 40_250, fee: 242 },
      { label: "外卡 Foreign card", count: 1, amount: 10_000, fee: 60 },
      { label: "扫码 QR", count: 2, amount: 7_500, fee: 28 },
      { label: FEE_TOTAL_LABEL, count: 10, amount: 1_065_750, fee: 2_870 },
    ]);
  });

  it("leaves out voided, reversed, declined, pending-reversal, voids, pre-authorisations and inquiries", () => {
    const rows = feeSummary([
      record({ status: "voided" }),
      record({ status: "reversed" }),
      record({ status: "declined" }),
      record({ status: "pending" }),
      record({ status: "failed" }),
      record({ reversal: { state: "pending", reason: "98", attempts: 1 } }),
      record({ reversal: { state: "confirmed", reason: "98", attempts: 1 } }),
      record({ type: "void" }),
      record({ type: "preauth" }),
      record({ type: "preauth-void" }),
      record({ type: "preauth-completion-void" }),
      record({ type: "balance", amount: 0 }),
    ]);
    expect(rows).toEqual([{ label: FEE_TOTAL_LABEL, count: 0, amount: 0, fee: 0 }]);
  });

  it("keeps an approval whose reversal was abandoned (the host may well have it)", () => {
    const rows = feeSummary([record({ reversal: { state: "abandoned", reason: "98", attempts: 3 } })]);
    expect(rows.at(-1)).toEqual({ label: FEE_TOTAL_LABEL, count: 1, amount: 10_000, fee: 50 });
  });

  it("the total row is the sum of the others (property)", () => {
    const arbRecord = fc
      .record({
        type: fc.constantFrom("sale", "refund", "void", "preauth", "preauth-completion", "balance" as const),
        entryMode: fc.constantFrom("swipe", "insert", "tap", "qr" as const),
        cardKind: fc.constantFrom<CardKind>("debit", "credit", "unknown"),
        domestic: fc.boolean(),
        status: fc.constantFrom("approved", "declined", "voided" as const),
        amount: fc.integer({ min: 1, max: 10_000_000 }),
      })
      .map((r) => record(r as Partial<TransactionRecord>));
    fc.assert(
      fc.property(fc.array(arbRecord, { maxLength: 30 }), (records) => {
        const rows = feeSummary(records);
        const total = rows.at(-1)!;
        const body = rows.slice(0, -1);
        expect(total.count).toBe(body.reduce((s, r) => s + r.count, 0));
        expect(total.amount).toBe(body.reduce((s, r) => s + r.amount, 0));
        expect(total.fee).toBe(body.reduce((s, r) => s + r.fee, 0));
        expect(body.every((r) => r.count > 0)).toBe(true);
      }),
      { seed: 5, numRuns: 200 },
    );
  });
});
