import { afterEach, describe, expect, it } from "vitest";
import { TransactionError } from "../../../firmware/transactions/transaction-error.js";
import type { BehaviourRuleInput } from "../../../tools/host-sim/config.js";
import { DEFAULT_CARDS } from "../../../tools/host-sim/default-cards.js";
import {
  type Day,
  insert,
  ledger,
  PAN,
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
  until,
} from "./support/rig-day.js";

/** A short response timeout: the no-answer cases wait it out once each. */
const TIMEOUT_MS = 1000;

/** Issuer script (template 71 value): tag 9F18 script id, then 86 APPLICATION BLOCK (84 1E) with its MAC. */
const APPLICATION_BLOCK_SCRIPT = "9F180400000002860D841E0000088877665544332211";

/** The host's reversal entries (0400) for a STAN. */
function reversalsOf(day: Day, stan: string) {
  return ledger(day.t).filter((e) => e.mti === "0400" && e.stan === stan);
}

describe("declines on the rig", () => {
  let day: Day | undefined;
  afterEach(async () => {
    await day?.t.stop();
    day = undefined;
  });

  it("cup-declined: 05 declined, no reversal, host twin declined", async () => {
    day = await startDay(quick());
    const { t, wire } = day;
    const result = await pay(t, { amount: 1500, card: swipe("cup-declined") });
    expect(result).toMatchObject({ status: "declined", responseCode: "05" });
    const record = row(t, result);
    expect(record).toMatchObject({ status: "declined", responseCode: "05", settlement: "unsettled" });
    expect(record.reversal).toBeUndefined();
    expect(t.app.reversals.pending()).toHaveLength(0);
    expect(twin(t, record)).toMatchObject({ approved: false, status: "declined", responseCode: "05" });
    expect(wire.filter((r) => r.mti === "0400")).toHaveLength(0);
    expect(t.app.session.reSignInRequired).toBe(false);
  });

  for (const code of ["A0", "99"]) {
    it(`response code ${code} asks for a new sign-in: the next sale signs in first`, async () => {
      day = await startDay(quick());
      const { t, wire } = day;
      t.host.addBehaviour({ match: { mti: "0200" }, respondWith: code, times: 1 });
      const result = await pay(t, { amount: 700, card: swipe("cup-magstripe") });
      expect(result).toMatchObject({ status: "declined", responseCode: code });
      expect(row(t, result).reversal).toBeUndefined();
      expect(t.app.session.reSignInRequired).toBe(true);
      expect(wire.filter((r) => r.mti === "0800")).toHaveLength(1);

      const next = await pay(t, { amount: 800, card: swipe("cup-magstripe") });
      expect(next).toMatchObject({ status: "approved", responseCode: "00" });
      expect(t.app.session.reSignInRequired).toBe(false);
      const mtis = wire.map((r) => r.mti);
      expect(mtis.filter((m) => m === "0800")).toHaveLength(2);
      // The second sign-in went after the refused sale and before the next one.
      const nextStan = row(t, next).stan;
      const signIn = mtis.lastIndexOf("0800");
      const sale = wire.findIndex((r) => r.mti === "0200" && r.fields[11] === nextStan);
      expect(signIn).toBeLessThan(sale);
      expect(signIn).toBeGreaterThan(wire.findIndex((r) => r.mti === "0200"));
      expect(
        t.host.terminal(t.app.settings.terminal.terminalId, t.app.settings.terminal.merchantId),
      ).toMatchObject({ signedIn: true });
    });
  }
  it("the cardholder presses Cancel, or walks away, at the PIN prompt: the flow's own error, nothing sent", async () => {
    day = await startDay(quick());
    const { t, wire } = day;
    const sent = wire.length;
    for (const [act, code, en] of [
      ["cancelByCardholder", "cancelled", /Cancelled by the cardholder/],
      ["timeout", "pin", /PIN entry timed out/],
    ] as const) {
      t.rig.pinpad.cardholder[act]();
      const error = await pay(t, { amount: 880, card: swipe("cup-magstripe") }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransactionError);
      expect(error).toMatchObject({ code, message: expect.stringMatching(en) });
    }
    expect(wire.length).toBe(sent);
    // The pad is usable at once: the next cardholder pays.
    expect(await pay(t, { amount: 880, card: swipe("cup-magstripe") })).toMatchObject({ status: "approved" });
  });

  it("the header's processing requirement 3 on an approval also makes the next sale sign in first", async () => {
    day = await startDay(quick());
    const { t, wire } = day;
    t.host.addBehaviour({ match: { mti: "0200" }, processingRequirement: 3, times: 1 });
    const first = await pay(t, { amount: 900, card: swipe("cup-magstripe") });
    expect(first).toMatchObject({ status: "approved", responseCode: "00" });
    expect(t.app.session.reSignInRequired).toBe(true);
    const next = await pay(t, { amount: 901, card: swipe("cup-magstripe") });
    expect(next.status).toBe("approved");
    expect(wire.map((r) => r.mti)).toEqual(["0800", "0200", "0800", "0200"]);
  });
});

describe("reversals on the rig", () => {
  let day: Day | undefined;
  afterEach(async () => {
    await day?.t.stop();
    day = undefined;
  });

  const cases: { name: string; rule: Omit<BehaviourRuleInput, "match">; reason: string }[] = [
    { name: "no answer (timeout)", rule: { noAnswer: true }, reason: "98" },
    { name: "a bad response MAC", rule: { badMac: true }, reason: "A0" },
    { name: "the connection dropped after the host processed it", rule: { drop: "after" }, reason: "98" },
  ];
  for (const c of cases) {
    it(`${c.name} → reversal ${c.reason} confirmed, host original reversed`, async () => {
      day = await startDay(quick({}, TIMEOUT_MS));
      const { t, wire } = day;
      t.host.addBehaviour({ match: { mti: "0200", amount: 6666 }, times: 1, ...c.rule });
      const result = await pay(t, { amount: 6666, card: swipe("cup-credit") });
      expect(result.status).toBe("reversed");
      const record = row(t, result);
      expect(record).toMatchObject({
        status: "reversed",
        reversal: { state: "confirmed", reason: c.reason, attempts: 1 },
      });
      // The host had approved it; the reversal undid it.
      expect(twin(t, record)).toMatchObject({ approved: true, status: "reversed" });
      const reversals = reversalsOf(day, record.stan);
      expect(reversals).toHaveLength(1);
      expect(reversals[0]).toMatchObject({ matched: true, amount: 6666 });
      expect(reversals[0]!.note).toContain(`reason ${c.reason}`);
      const request = requestOf(wire, "0400", record.stan)!;
      expect(request.fields[39]).toBe(c.reason);
      expect(request.fields[2]).toBe(PAN["cup-credit"]);
      expect(t.app.reversals.pending()).toHaveLength(0);
      // The card is untouched at the host.
      expect(t.host.card(PAN["cup-credit"])!.balance).toBe(5_000_000);
    });
  }

  it("a reversal answer with a bad MAC does not clear the reversal: it is sent again", async () => {
    day = await startDay(quick());
    const { t, wire } = day;
    t.host.addBehaviour({ match: { mti: "0200", amount: 4444 }, drop: "after", times: 1 });
    t.host.addBehaviour({ match: { mti: "0400" }, badMac: true, times: 1 });
    const result = await pay(t, { amount: 4444, card: swipe("cup-credit") });
    expect(result.status).toBe("pending");
    const record = row(t, result);
    expect(record.reversal).toMatchObject({ state: "pending", attempts: 1 });

    const next = await pay(t, { amount: 500, card: swipe("cup-magstripe") });
    expect(next.status).toBe("approved");
    expect(t.app.journal.get(record.id)).toMatchObject({
      status: "reversed",
      reversal: { state: "confirmed", attempts: 2 },
    });
    expect(wire.filter((r) => r.mti === "0400" && r.fields[11] === record.stan)).toHaveLength(2);
    expect(twin(t, record)).toMatchObject({ status: "reversed" });
  });

  it("the chip refuses the host's approval (2nd GENERATE AC = AAC) → reversal 06", async () => {
    // The issuer's script 71 (run before the 2nd GENERATE AC) blocks the application: the card then
    // declines whatever the host said, so the terminal must undo the host's approval.
    const cards = DEFAULT_CARDS.map((c) =>
      c.pan === PAN["cup-credit-scripts"] && c.emv
        ? { ...c, emv: { ...c.emv, issuerScripts: { "71": APPLICATION_BLOCK_SCRIPT } } }
        : c,
    );
    day = await startDay(quick({ host: { cards } }));
    const { t, wire } = day;
    const result = await pay(t, { amount: 2600, card: insert("cup-credit-scripts") });
    expect(result).toMatchObject({ status: "reversed", responseCode: "00" });
    const record = row(t, result);
    expect(record).toMatchObject({ status: "reversed", reversal: { state: "confirmed", reason: "06" } });
    expect(twin(t, record)).toMatchObject({ approved: true, status: "reversed" });
    expect(requestOf(wire, "0400", record.stan)!.fields[39]).toBe("06");
    expect(t.host.card(PAN["cup-credit-scripts"])!.balance).toBe(5_000_000);
  });

  it("connection refused: failed, nothing to reverse", async () => {
    day = await startDay(quick());
    const { t, wire } = day;
    await t.host.stop();
    const result = await pay(t, { amount: 1200, card: swipe("cup-magstripe") });
    expect(result.status).toBe("failed");
    const record = row(t, result);
    expect(record.status).toBe("failed");
    expect(record.reversal).toBeUndefined();
    expect(t.app.reversals.pending()).toHaveLength(0);
    expect(wire.filter((r) => r.mti === "0400")).toHaveLength(0);
    expect(ledger(t).filter((e) => e.stan === record.stan)).toHaveLength(0);
  });

  it("a reversal the host cannot take stays pending, blocks the next sale, and goes first once the host is back", async () => {
    day = await startDay(
      quick({ settings: (s) => ({ ...s, host: { ...s.host, reversalRetries: 5 } }) }, TIMEOUT_MS),
    );
    const { t, wire } = day;
    const address = t.host.address!;
    t.host.addBehaviour({ match: { mti: "0200", amount: 5555 }, noAnswer: true, times: 1 });
    const card = await present(t, swipe("cup-magstripe"));
    const paying = t.app.pay({ type: "sale", amount: 5555, card, signal: signal() });
    // The host takes the sale (approves it) and then goes down before answering.
    await until(() => ledger(t).some((e) => e.amount === 5555), "the host to take the sale");
    await t.host.stop();
    const result = await paying;
    await removeCard(t);
    expect(result.status).toBe("pending");
    const record = row(t, result);
    expect(record).toMatchObject({ status: "pending", reversal: { state: "pending", reason: "98" } });
    expect(t.app.reversals.pending().map((r) => r.id)).toEqual([record.id]);

    // While the host is down the next sale is refused before its card is even used for a request.
    const blocked = await pay(t, { amount: 100, card: swipe("cup-magstripe") }).catch((e) => e);
    expect(blocked).toBeInstanceOf(TransactionError);
    expect(blocked).toMatchObject({ code: "reversal-pending" });
    expect(wire.filter((r) => r.mti === "0200" && r.fields[4] === "000000000100")).toHaveLength(0);

    await t.host.start(address);
    // The link waits out its connect backoff after the failed attempts (the operator retries a moment later).
    await until(() => t.app.link.backoffRemainingMs === 0, "the connect backoff");
    const next = await pay(t, { amount: 4000, card: swipe("cup-magstripe") });
    expect(next.status).toBe("approved");
    const after = t.app.journal.get(record.id)!;
    expect(after.status).toBe("reversed");
    expect(after.reversal).toMatchObject({ state: "confirmed", reason: "98" });
    // Refused connections cost no attempt (the 0400 never left): only the one that reached the host counts.
    expect(after.reversal!.attempts).toBe(1);
    // Host ledger order: the sale, its reversal, then the next sale.
    const entries = ledger(t);
    const saleAt = entries.findIndex((e) => e.stan === record.stan && e.mti === "0200");
    const reversalAt = entries.findIndex((e) => e.stan === record.stan && e.mti === "0400");
    const nextAt = entries.findIndex((e) => e.stan === row(t, next).stan && e.mti === "0200");
    expect(saleAt).toBeGreaterThanOrEqual(0);
    expect(reversalAt).toBeGreaterThan(saleAt);
    expect(nextAt).toBeGreaterThan(reversalAt);
    expect(entries[saleAt]).toMatchObject({ status: "reversed" });
  });

  it("a reversal the host keeps refusing is abandoned after reversalRetries attempts", async () => {
    day = await startDay(
      quick({ settings: (s) => ({ ...s, host: { ...s.host, reversalRetries: 2 } }) }, TIMEOUT_MS),
    );
    const { t, wire } = day;
    t.host.addBehaviour({ match: { mti: "0200", amount: 3333 }, noAnswer: true, times: 1 });
    t.host.addBehaviour({ match: { mti: "0400" }, respondWith: "96" });
    const first = await pay(t, { amount: 3333, card: swipe("cup-magstripe") });
    expect(first.status).toBe("pending");
    const record = row(t, first);
    expect(record.reversal).toMatchObject({ state: "pending", attempts: 1 });

    await expect(pay(t, { amount: 200, card: swipe("cup-magstripe") })).rejects.toMatchObject({
      code: "reversal-pending",
    });
    expect(t.app.journal.get(record.id)!.reversal).toMatchObject({ state: "pending", attempts: 2 });

    // Retries spent: abandoned (kept and reported), and trading goes on.
    const next = await pay(t, { amount: 300, card: swipe("cup-magstripe") });
    expect(next.status).toBe("approved");
    expect(t.app.journal.get(record.id)!.reversal).toMatchObject({ state: "abandoned", attempts: 2 });
    expect(t.app.reversals.pending()).toHaveLength(0);
    expect(wire.filter((r) => r.mti === "0400" && r.fields[11] === record.stan)).toHaveLength(2);
  });
});
