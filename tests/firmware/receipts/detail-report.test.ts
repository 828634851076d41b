import { describe, expect, it } from "vitest";
import { buildDetailReport, detailTotals, displayWidth } from "../../../firmware/receipts/index.js";
import { encodeReceipt, renderReceiptText } from "../../../protocol/escpos/index.js";
import { options32, options48, saleRecord } from "./fixtures.js";

const records = [
  saleRecord({ id: 1, stan: "000101", amount: 10000 }),
  saleRecord({ id: 2, stan: "000102", amount: 2550, entryMode: "tap", maskedPan: "621700******9876" }),
  saleRecord({ id: 3, stan: "000103", amount: 3000, status: "voided" }),
  saleRecord({
    id: 4,
    stan: "000104",
    type: "void",
    amount: 3000,
    original: { stan: "000103", batch: "000123" },
  }),
  saleRecord({ id: 5, stan: "000105", type: "refund", amount: 1500 }),
  saleRecord({ id: 6, stan: "000106", amount: 99900, status: "declined" }),
  saleRecord({ id: 7, stan: "000107", type: "preauth", amount: 50000 }),
  saleRecord({ id: 8, stan: "000108", type: "preauth-completion", amount: 45000 }),
  saleRecord({
    id: 9,
    stan: "000109",
    entryMode: "qr",
    maskedPan: undefined,
    panLast4: undefined,
    amount: 800,
  }),
  saleRecord({ id: 10, stan: "000110", amount: 700, status: "reversed" }),
];

describe("detail totals", () => {
  it("counts approved money only; a void and its voided sale net to zero", () => {
    expect(detailTotals(records)).toEqual({
      count: 10,
      salesCount: 4,
      salesAmount: 10000 + 2550 + 45000 + 800,
      refundCount: 1,
      refundAmount: 1500,
      net: 10000 + 2550 + 45000 + 800 - 1500,
    });
  });
});

describe("detail report", () => {
  it("one line per transaction on 58 mm: STAN, type, card tail, signed amount, status", () => {
    const lines = renderReceiptText(buildDetailReport(records, options32));
    expect(lines).toContain("凭证号 类型 卡号       金额 状态");
    expect(lines).toContain("000101 SALE *1234    100.00 成功");
    expect(lines).toContain("000102 SALE *9876     25.50 成功");
    expect(lines).toContain("000103 SALE *1234     30.00 撤销");
    expect(lines).toContain("000104 VOID *1234    -30.00 成功");
    expect(lines).toContain("000105 RFND *1234    -15.00 成功");
    expect(lines).toContain("000106 SALE *1234    999.00 拒绝");
    expect(lines).toContain("000108 AUCP *1234    450.00 成功");
    expect(lines).toContain("000109 SALE QR         8.00 成功");
    expect(lines).toContain("000110 SALE *1234      7.00 冲正");
  });

  it("ends with the totals", () => {
    const lines = renderReceiptText(buildDetailReport(records, options32));
    expect(lines).toContain("消费 SALES          4 RMB 583.50");
    expect(lines).toContain("退货 REFUNDS        1 RMB -15.00");
    expect(lines).toContain("合计 NET              RMB 568.50");
    expect(lines).toContain("总笔数 TOTAL                  10");
  });

  it("puts a big amount on a second line rather than overflow", () => {
    const lines = renderReceiptText(buildDetailReport([saleRecord({ amount: 123_456_789 })], options32));
    const at = lines.findIndex((l) => l.startsWith("000456 SALE *1234"));
    expect(lines[at + 1]).toBe("                      1234567.89");
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(32);
  });

  it("80 mm, a custom title, an empty list", () => {
    const lines = renderReceiptText(buildDetailReport([], options48, "当日明细 TODAY"));
    expect(lines).toContain(`${" ".repeat(13)}无交易 NO TRANSACTIONS`);
    expect(lines.some((l) => l.includes("TRANSACTION DETAIL"))).toBe(false);
    expect(lines).toContain(`合计 NET${" ".repeat(48 - 8 - 8)}RMB 0.00`);
  });

  it("never shows more than the card's last 4 and encodes as GB18030", () => {
    const doc = buildDetailReport(records, options32);
    const text = renderReceiptText(doc).join("\n");
    expect(text).not.toContain("622848");
    expect(() => encodeReceipt(doc)).not.toThrow();
  });
});
