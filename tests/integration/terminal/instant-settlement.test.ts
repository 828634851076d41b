import { afterEach, describe, expect, it } from "vitest";
import { terminalServices } from "../../../firmware/app/terminal-services.js";
import { DEFAULT_MERCHANT_ID } from "../../../tools/host-sim/default-cards.js";
import { type Day, field60, pay, quick, row, signal, startDay, swipe } from "./support/rig-day.js";

const D0 = {
  host: { merchants: [{ merchantId: DEFAULT_MERCHANT_ID, instantSettlement: true, feeRate: 0.006 }] },
};
const yuan = (fen: number) => (fen / 100).toFixed(2);

describe("D0 (实时到账) funds query on the rig", () => {
  let day: Day | undefined;
  afterEach(async () => {
    await day?.t.stop();
    day = undefined;
  });

  it("a D0 merchant sells twice and voids once: totals, balance, per-STAN statuses, screen text and slip", async () => {
    day = await startDay(quick(D0));
    const { t, wire } = day;
    expect(t.app.settings.terminal.merchantId).toBe(DEFAULT_MERCHANT_ID);
    const first = row(t, await pay(t, { amount: 12_345, card: swipe("cup-magstripe") }));
    const second = row(t, await pay(t, { amount: 5_000, card: swipe("cup-credit") }));
    const voided = await pay(t, { type: "void", amount: 0, original: { stan: first.stan } });
    expect(voided.status).toBe("approved");

    const report = await t.app.queryInstantSettlement(signal());
    const fee1 = Math.round(12_345 * 0.006);
    const fee2 = Math.round(5_000 * 0.006);
    const net1 = 12_345 - fee1;
    const net2 = 5_000 - fee2;
    expect(report.summary).toMatchObject({
      enabled: true,
      paidCount: 2,
      paidAmount: 17_345,
      fees: fee1 + fee2,
      net: net1 + net2,
      clawedBackCount: 1,
      clawedBackAmount: net1,
      balance: net2,
    });
    expect(report.summary.lastPayout).toMatch(/^\d{14}$/);
    expect(report.lines).toEqual([
      {
        stan: first.stan,
        payout: "voided",
        net: net1,
        journal: { id: first.id, status: "voided", settlement: "unsettled", amount: 12_345 },
      },
      {
        stan: second.stan,
        payout: "paid",
        net: net2,
        journal: { id: second.id, status: "approved", settlement: "unsettled", amount: 5_000 },
      },
    ]);
    // The query went out as an unMAC'd 0820 with 60.3 601 and a STAN of its own.
    const query = wire.filter((r) => r.mti === "0820").at(-1)!;
    expect(field60(query).netMgmtCode).toBe("601");
    expect(query.fields[64]).toBeUndefined();
    expect(query.fields[11]).not.toBe(first.stan);

    // The chart's services: the summary line and the slip.
    const services = terminalServices(t.app);
    const shown = await services.queryInstantSettlement(signal());
    expect(shown).toMatchObject({ ok: true, enabled: true });
    expect(shown.zh).toContain(`可用余额 ¥${yuan(net2)}`);
    expect(shown.en).toContain(`Balance CNY ${yuan(net2)}`);
    expect(await services.printInstantSettlement()).toEqual({ ok: true });
    const slip = (await t.app.printInstantSettlement(report))!;
    expect(slip).toContain("实时到账查询");
    expect(slip).toMatch(new RegExp(`可用余额 BALANCE.*${yuan(net2)}`));
    expect(slip).toMatch(new RegExp(`扣回金额 CLAWED AMT.*${yuan(net1)}`));
    expect(slip).toMatch(new RegExp(`${first.stan} 已撤销扣回 +${yuan(net1)}`));
    expect(slip).toMatch(new RegExp(`${second.stan} 已到账 +${yuan(net2)}`));
    expect(slip).toContain("待结算 UNSETTLED");
    expect(slip).toContain(DEFAULT_MERCHANT_ID);

    // After the batch is settled the journal rows read 已结算; the D0 payouts are unchanged.
    await t.app.settle(signal(60_000));
    const after = await t.app.queryInstantSettlement(signal());
    expect(after.summary.balance).toBe(net2);
    expect(after.lines.map((l) => l.journal?.settlement)).toEqual(["settled", "settled"]);
  });

  it("a merchant without D0 is told it has none", async () => {
    day = await startDay(quick());
    const { t } = day;
    await pay(t, { amount: 800, card: swipe("cup-magstripe") });
    const report = await t.app.queryInstantSettlement(signal());
    expect(report.summary).toMatchObject({ enabled: false, paidCount: 0, balance: 0, records: [] });
    const shown = await terminalServices(t.app).queryInstantSettlement(signal());
    expect(shown).toEqual({
      ok: true,
      enabled: false,
      zh: "本商户未开通实时到账",
      en: "Instant settlement (D0) is not enabled",
    });
  });
});
