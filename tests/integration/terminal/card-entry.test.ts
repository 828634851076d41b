import { afterEach, describe, expect, it } from "vitest";
import { TransactionError } from "../../../firmware/transactions/transaction-error.js";
import {
  type Day,
  field60,
  insert,
  pay,
  present,
  quick,
  removeCard,
  requestOf,
  row,
  signal,
  startDay,
  swipe,
  twin,
} from "./support/rig-day.js";

/** Chip-required rules, fallback after a chip failure, and a slip that meets an empty printer. */
describe("card entry rules and the printer on the rig", () => {
  let day: Day | undefined;
  afterEach(async () => {
    await day?.t.stop();
    day = undefined;
  });

  it("a chip card (service code 220) swiped where the chip can be read is refused: insert it", async () => {
    day = await startDay(quick());
    const { t, wire } = day;
    const rowsBefore = t.app.journal.query({}).length;
    const sentBefore = wire.length;
    const card = await present(t, swipe("cup-debit"));
    const refused = await t.app.pay({ type: "sale", amount: 1000, card, signal: signal() }).catch((e) => e);
    await removeCard(t);
    expect(refused).toBeInstanceOf(TransactionError);
    expect(refused).toMatchObject({ code: "card" });
    expect((refused as TransactionError).en).toMatch(/insert/i);
    // Nothing journalled, nothing sent.
    expect(t.app.journal.query({}).length).toBe(rowsBefore);
    expect(wire.length).toBe(sentBefore);
  });

  it("a mute chip asks for fallback; the swipe then goes as entry mode fallback with 60.5 = 2", async () => {
    day = await startDay(quick());
    const { t, wire } = day;
    t.rig.contactReader!.inject({ on: "power-on", fault: { kind: "mute-card" } });
    const chip = await pay(t, { amount: 2500, card: insert("cup-debit") });
    expect(chip).toMatchObject({ status: "failed", fallback: true });
    expect(chip.journalId).toBeUndefined();
    expect(wire.filter((r) => r.mti === "0200")).toHaveLength(0);

    const fallback = await pay(t, { amount: 2500, card: swipe("cup-debit") });
    expect(fallback).toMatchObject({ status: "approved", responseCode: "00" });
    const record = row(t, fallback);
    expect(record).toMatchObject({ entryMode: "fallback", status: "approved", amount: 2500 });
    const request = requestOf(wire, "0200", record.stan)!;
    expect(field60(request).icCondition).toBe("2");
    expect(request.fields[22]).toBe("021");
    expect(request.fields[35]).toBeDefined();
    expect(twin(t, record)).toMatchObject({ approved: true, status: "approved", amount: 2500 });

    // The fallback was for that one swipe: the next swipe of the chip card is refused again.
    const card = await present(t, swipe("cup-debit"));
    await expect(t.app.pay({ type: "sale", amount: 100, card, signal: signal() })).rejects.toMatchObject({
      code: "card",
    });
    await removeCard(t);
  });

  it("a chip failure arms fallback for the next swipe only: another transaction in between disarms it", async () => {
    day = await startDay(quick());
    const { t } = day;
    t.rig.contactReader!.inject({ on: "power-on", fault: { kind: "mute-card" } });
    expect(await pay(t, { amount: 2500, card: insert("cup-debit") })).toMatchObject({ fallback: true });
    // The operator gives up on that card; another customer pays by chip.
    expect((await pay(t, { amount: 1000, card: insert("mc-credit") })).status).toBe("approved");
    // A later swipe of a chip card is not a fallback: insert it.
    const card = await present(t, swipe("cup-debit"));
    const refused = await t.app.pay({ type: "sale", amount: 100, card, signal: signal() }).catch((e) => e);
    await removeCard(t);
    expect(refused).toBeInstanceOf(TransactionError);
    expect(refused).toMatchObject({ code: "card" });
    expect(t.app.journal.query({}).filter((r) => r.entryMode === "fallback")).toHaveLength(0);
  });

  it("with fallback switched off a chip failure does not ask for a swipe", async () => {
    day = await startDay(
      quick({ settings: (s) => ({ ...s, features: { ...s.features, fallback: false } }) }),
    );
    const { t } = day;
    t.rig.contactReader!.inject({ on: "power-on", fault: { kind: "mute-card" } });
    const chip = await pay(t, { amount: 2500, card: insert("cup-debit") });
    expect(chip.status).toBe("failed");
    expect(chip.fallback).toBeUndefined();
    expect(chip.en).not.toMatch(/swipe/i);
    const card = await present(t, swipe("cup-debit"));
    await expect(t.app.pay({ type: "sale", amount: 2500, card, signal: signal() })).rejects.toMatchObject({
      code: "card",
    });
    await removeCard(t);
  });

  it("paper out before a slip: held, finished after paper is loaded, no copy printed twice", async () => {
    day = await startDay(quick({ settings: (s) => ({ ...s, receipts: { ...s.receipts, copies: 2 } }) }));
    const { t } = day;
    const sale = await pay(t, { amount: 4321, card: swipe("cup-magstripe") });
    expect(sale.status).toBe("approved");
    const id = sale.journalId!;
    const slipsBefore = t.rig.status().printer.slipsPrinted;

    t.rig.paperOut();
    const held = await t.app.printSlip(id);
    expect(held).toMatchObject({ ok: false, paperOut: true, waiting: true });
    expect(t.app.journal.get(id)!.copiesPrinted).toBeLessThan(2);
    expect(t.rig.status().printer.slipsPrinted).toBe(slipsBefore);
    // The held copy's text is already kept as an e-receipt.
    expect(t.app.journal.receipts(id).map((r) => r.copy)).toContain("merchant");

    t.rig.paperIn();
    await t.app.completeSlip(id, signal());
    expect(t.app.journal.get(id)!.copiesPrinted).toBe(2);
    expect(t.rig.status().printer.slipsPrinted - slipsBefore).toBe(2);
    expect(t.app.unprinted().map((r) => r.id)).not.toContain(id);

    // Asking again prints nothing more (only an explicit reprint would).
    expect(await t.app.printSlip(id)).toEqual({ ok: true });
    expect(t.rig.status().printer.slipsPrinted - slipsBefore).toBe(2);
    expect(
      t.app.journal
        .receipts(id)
        .map((r) => r.copy)
        .sort(),
    ).toEqual(["cardholder", "merchant"]);
  });
});
