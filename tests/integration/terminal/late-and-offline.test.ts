import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { UNIONPAY_DEFAULTS } from "../../../firmware/emv/shared/terminal-config.js";
import {
  type Day,
  ledger,
  pay,
  quick,
  requestOf,
  row,
  startDay,
  swipe,
  tap,
  twin,
} from "./support/rig-day.js";

describe("late answers and store-and-forward on the rig", () => {
  let day: Day | undefined;
  afterEach(async () => {
    await day?.t.stop();
    day = undefined;
  });

  it("a late approval is never matched to the next request: the first sale is reversed, the next gets its own answer", async () => {
    // Response timeout 1 s; the first answer comes at 1.5 s, while the next sale (answered at 0.8 s) is in flight.
    day = await startDay(quick({}, 1000));
    const { t, wire } = day;
    t.host.addBehaviour({ match: { mti: "0200", amount: 7777 }, delayMs: 1500, times: 1 });
    t.host.addBehaviour({ match: { mti: "0200", amount: 7878 }, delayMs: 800, times: 1 });

    const late = await pay(t, { amount: 7777, card: swipe("cup-magstripe") });
    expect(late.status).toBe("reversed");
    const lateRow = row(t, late);
    expect(lateRow).toMatchObject({ status: "reversed", reversal: { state: "confirmed", reason: "98" } });
    expect(lateRow.rrn).toBeUndefined();

    const next = await pay(t, { amount: 7878, card: swipe("cup-magstripe") });
    expect(next).toMatchObject({ status: "approved", responseCode: "00" });
    const nextRow = row(t, next);
    const hostNext = twin(t, nextRow)!;
    const hostLate = twin(t, lateRow)!;
    // Its own answer: the RRN and auth code the host gave THIS STAN, not the late one's.
    expect(nextRow.rrn).toBe(hostNext.rrn);
    expect(nextRow.authCode).toBe(hostNext.authCode);
    expect(nextRow.rrn).not.toBe(hostLate.rrn);
    expect(nextRow.amount).toBe(7878);
    expect(hostLate).toMatchObject({ approved: true, status: "reversed" });
    expect(hostNext).toMatchObject({ approved: true, status: "approved" });
    // The late 0210 arrived while the next sale waited and was set aside (logged by STAN).
    const log = readFileSync(t.logPath, "utf8")
      .split("\n")
      .filter((l) => l.includes("late or unmatched host response ignored"))
      .map((l) => JSON.parse(l) as { stan: string });
    expect(log.map((l) => l.stan)).toContain(lateRow.stan);
    expect(requestOf(wire, "0400", lateRow.stan)!.fields[39]).toBe("98");
    // The late row stays reversed: the approval that came later changed nothing.
    expect(t.app.journal.get(lateRow.id)!.status).toBe("reversed");
  });

  it("an offline contactless approval under the floor limit is queued and sent as 0220 before settlement", async () => {
    // The UnionPay debit AID with a 500-yuan contactless floor: the card approves small taps offline (TC).
    const aids = UNIONPAY_DEFAULTS.aids.map((aid) =>
      aid.aid === "A000000333010101" && aid.contactless
        ? { ...aid, contactless: { ...aid.contactless, floorLimit: 50_000 } }
        : aid,
    );
    day = await startDay(quick({ settings: (s) => ({ ...s, emv: { aids } }) }));
    const { t, wire } = day;
    const result = await pay(t, { amount: 2000, card: tap("cup-debit") });
    expect(result).toMatchObject({ status: "approved" });
    const record = row(t, result);
    expect(record).toMatchObject({
      entryMode: "tap",
      status: "approved",
      advice: "queued",
      responseCode: "Y1",
      amount: 2000,
    });
    expect(record.reversal).toBeUndefined();
    expect(record.emv?.cryptogram).toMatch(/^[0-9A-F]{16}$/);
    // Nothing went online for it.
    expect(wire.filter((r) => r.fields[11] === record.stan)).toHaveLength(0);
    expect(ledger(t).filter((e) => e.stan === record.stan)).toHaveLength(0);
    expect(t.app.journal.queuedAdvices().map((r) => r.id)).toEqual([record.id]);

    const settled = await t.app.settle();
    const advice = requestOf(wire, "0220", record.stan)!;
    expect(advice).toBeDefined();
    expect(advice.fields[4]).toBe("000000002000");
    const adviceAt = wire.indexOf(advice);
    expect(adviceAt).toBeLessThan(wire.findIndex((r) => r.mti === "0500"));
    expect(twin(t, record)).toMatchObject({
      mti: "0220",
      transaction: "offlineSale",
      approved: true,
      amount: 2000,
    });
    expect(t.app.journal.get(record.id)).toMatchObject({ advice: "sent", settlement: "settled" });
    expect(settled.result).toBe("balanced");
    expect(settled.terminalTotals.domestic).toMatchObject({ debitAmount: 2000, debitCount: 1 });
  });
});
