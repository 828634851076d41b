import { describe, expect, it } from "vitest";
import type { InstantSettlementReport } from "../../../firmware/instant-settlement/index.js";
import {
  buildInstantSettlementSlip,
  displayWidth,
  type InstantSettlementSlipData,
} from "../../../firmware/receipts/index.js";
import { encodeReceipt, renderReceiptText } from "../../../protocol/escpos/index.js";
import { options32, options48 } from "./fixtures.js";

const report: InstantSettlementReport = {
  summary: {
    enabled: true,
    date: "20261123",
    paidCount: 2,
    paidAmount: 17_345,
    fees: 104,
    net: 17_241,
    clawedBackCount: 1,
    clawedBackAmount: 12_271,
    balance: 4_970,
    lastPayout: "20261123101502",
    records: [
      { stan: "000002", status: "voided", net: 12_271 },
      { stan: "000003", status: "paid", net: 4_970 },
    ],
  },
  lines: [
    {
      stan: "000002",
      payout: "voided",
      net: 12_271,
      journal: { id: 1, status: "voided", settlement: "unsettled", amount: 12_345 },
    },
    {
      stan: "000003",
      payout: "paid",
      net: 4_970,
      journal: { id: 2, status: "approved", settlement: "settled", amount: 5_000 },
    },
    { stan: "000009", payout: "reversed", net: 100 },
  ],
};

const data = (over: Partial<InstantSettlementSlipData> = {}): InstantSettlementSlipData => ({
  terminalId: "10000001",
  merchantId: "898310048990001",
  operator: "01",
  queriedAt: new Date("2026-11-23T02:20:00Z"),
  report,
  ...over,
});

describe("实时到账查询单 (buildInstantSettlementSlip)", () => {
  for (const options of [options32, options48]) {
    it(`${options.columns} columns: merchant block, totals, per-STAN rows with 待结算/已结算, no line too wide`, () => {
      const document = buildInstantSettlementSlip(data(), options);
      const lines = renderReceiptText(document);
      for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(options.columns);
      const text = lines.join("\n");
      expect(text).toContain("实时到账查询");
      expect(text).toContain("INSTANT SETTLEMENT (D0)");
      expect(text).toContain("898310048990001");
      expect(text).toMatch(/可用余额 BALANCE +RMB 49\.70/);
      expect(text).toMatch(/手续费 FEES +RMB 1\.04/);
      expect(text).toMatch(/扣回金额 CLAWED AMT +RMB 122\.71/);
      expect(text).toMatch(/最后到账 LAST PAYOUT\s+2026\/11\/23 10:15:02/);
      expect(text).toMatch(/000002 已撤销扣回 +122\.71\n +VOIDED 待结算 UNSETTLED/);
      expect(text).toMatch(/000003 已到账 +49\.70\n +PAID 已结算 SETTLED/);
      // A STAN the journal does not know: only the payout status.
      expect(text).toMatch(/000009 已冲正扣回 +1\.00\n +REVERSED\n/);
      expect(() => encodeReceipt(document)).not.toThrow();
    });
  }

  it("Chinese only when English is off; a merchant without D0 gets one line saying so", () => {
    const zhOnly = renderReceiptText(
      buildInstantSettlementSlip(data(), { ...options32, showEnglish: false }),
    ).join("\n");
    expect(zhOnly).not.toContain("BALANCE");
    expect(zhOnly).toMatch(/000002 已撤销扣回 +122\.71\n +待结算/);
    const none = renderReceiptText(
      buildInstantSettlementSlip(
        data({ report: { summary: { ...report.summary, enabled: false, records: [] }, lines: [] } }),
        options32,
      ),
    ).join("\n");
    expect(none).toMatch(/ 本商户未开通实时到账\n +INSTANT SETTLEMENT NOT ENABLED\n/);
    expect(none).not.toContain("BALANCE");
  });
});
