import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BatchTotals } from "../../../firmware/journal/transaction-record.js";
import {
  buildSettlementSlip,
  displayWidth,
  type SettlementSlipData,
  tableRow,
} from "../../../firmware/receipts/index.js";
import { encodeReceipt, renderReceiptText } from "../../../protocol/escpos/index.js";
import { options32, options48 } from "./fixtures.js";

const zero = { debitAmount: 0, debitCount: 0, creditAmount: 0, creditCount: 0 };
const ours: BatchTotals = {
  domestic: { debitAmount: 30000, debitCount: 3, creditAmount: 5000, creditCount: 1 },
  foreign: { debitAmount: 12345, debitCount: 1, creditAmount: 0, creditCount: 0 },
};

function data(over: Partial<SettlementSlipData> = {}): SettlementSlipData {
  return {
    terminalId: "10000123",
    merchantId: "898310058120001",
    batch: "000123",
    operator: "01",
    settledAt: new Date("2024-06-15T10:00:00Z"),
    result: "balanced",
    terminalTotals: ours,
    byType: [
      { type: "sale", count: 4, amount: 42345 },
      { type: "refund", count: 1, amount: -5000 },
    ],
    ...over,
  };
}

describe("tableRow", () => {
  it("aligns count and amount in fixed columns", () => {
    expect(tableRow(" 借记 DEBIT", "3", "300.00", 32)).toEqual([" 借记 DEBIT       3       300.00"]);
    expect(tableRow(" 借记 DEBIT", "3", "300.00", 48)).toEqual([
      " 借记 DEBIT                    3          300.00",
    ]);
  });

  it("falls back to two lines when a cell is too wide, never past the columns", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", " ", "内", "卡"), maxLength: 30 }),
        fc.nat(),
        fc.maxSafeInteger(),
        fc.constantFrom(32, 48),
        (label, count, amount, columns) => {
          for (const line of tableRow(label, String(count), String(amount), columns)) {
            expect(displayWidth(line)).toBeLessThanOrEqual(columns);
          }
        },
      ),
      { seed: 7201, numRuns: 300 },
    );
  });
});

describe("settlement slip", () => {
  it("balanced: 对账平, the terminal's totals per domestic/foreign × debit/credit", () => {
    const doc = buildSettlementSlip(data(), options32);
    const lines = renderReceiptText(doc);
    expect(doc.elements[0]).toMatchObject({ kind: "text", text: "结算单" });
    expect(lines).toContain("        对账平 BALANCED");
    expect(lines).toContain("类型 TYPE      笔数         金额");
    const domestic = lines.indexOf("内卡 DOMESTIC");
    expect(lines.slice(domestic, domestic + 6)).toEqual([
      "内卡 DOMESTIC",
      " 借记 DEBIT       3       300.00",
      " 贷记 CREDIT      1        50.00",
      "外卡 FOREIGN",
      " 借记 DEBIT       1       123.45",
      " 贷记 CREDIT      0         0.00",
    ]);
    expect(lines.some((l) => l.includes("HOST"))).toBe(false);
    expect(lines).toContain("批次号 BATCH NO.          000123");
    expect(lines).toContain("             2024/06/15 18:00:00");
    expect(lines).toContain("消费 SALE         4       423.45");
    expect(lines).toContain("退货 REFUND       1       -50.00");
  });

  it("unbalanced: 对账不平 and the host's figures under ours, '*' where they differ", () => {
    const host: BatchTotals = {
      domestic: { debitAmount: 20000, debitCount: 2, creditAmount: 5000, creditCount: 1 },
      foreign: { ...zero, debitAmount: 12345, debitCount: 1 },
    };
    const lines = renderReceiptText(
      buildSettlementSlip(data({ result: "unbalanced", hostTotals: host }), options32),
    );
    expect(lines).toContain("      对账不平 UNBALANCED");
    const domestic = lines.indexOf("内卡 DOMESTIC");
    expect(lines.slice(domestic, domestic + 7)).toEqual([
      "内卡 DOMESTIC",
      " 借记 DEBIT",
      "  终端 TERM       3       300.00",
      "  主机 HOST*      2       200.00",
      " 贷记 CREDIT",
      "  终端 TERM       1        50.00",
      "  主机 HOST       1        50.00",
    ]);
  });

  it("unbalanced without the host's totals says so", () => {
    const lines = renderReceiptText(buildSettlementSlip(data({ result: "unbalanced" }), options32));
    expect(lines).toContain("主机总额未知 HOST TOTALS UNKNOWN");
  });

  it("fee estimate, D0 instant settlement, 80 mm", () => {
    const lines = renderReceiptText(
      buildSettlementSlip(
        data({
          fees: [
            { label: "借记卡 DEBIT", amount: 30000, fee: 150 },
            { label: "贷记卡 CREDIT", amount: 12345, fee: 74 },
          ],
          instantSettlement: { status: "已到账 PAID", amount: 42121 },
        }),
        options48,
      ),
    );
    expect(lines).toContain("手续费(估算) FEE ESTIMATE");
    expect(lines).toContain("  300.00                                    1.50");
    expect(lines).toContain("合计 TOTAL FEE                          RMB 2.24");
    expect(lines).toContain("实时到账 D0                          已到账 PAID");
    expect(lines).toContain("到账金额 AMOUNT                       RMB 421.21");
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(48);
  });

  it("encodes as GB18030 and fits 32 columns with large figures", () => {
    const big: BatchTotals = {
      domestic: { debitAmount: 999_999_999_999, debitCount: 99_999, creditAmount: 1, creditCount: 1 },
      foreign: zero,
    };
    const doc = buildSettlementSlip(
      data({ terminalTotals: big, hostTotals: ours, result: "unbalanced" }),
      options32,
    );
    expect(() => encodeReceipt(doc)).not.toThrow();
    for (const line of renderReceiptText(doc)) expect(displayWidth(line)).toBeLessThanOrEqual(32);
  });
});
