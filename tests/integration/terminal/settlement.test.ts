import { afterEach, describe, expect, it } from "vitest";
import type { TransactionRecord } from "../../../firmware/journal/index.js";
import { TransactionError } from "../../../firmware/transactions/transaction-error.js";
import { parseSettlementTotals } from "../../../protocol/iso8583/subfields/field48.js";
import { reconcile } from "../../../tools/terminal/demo-day.js";
import {
  type Day,
  field60,
  insert,
  ledger,
  pay,
  QR_CODE,
  quick,
  row,
  scan,
  startDay,
  swipe,
  tap,
  type WireRequest,
} from "./support/rig-day.js";

const isChip = (r: TransactionRecord) => r.entryMode === "insert" || r.entryMode === "tap";
const counted = (r: TransactionRecord) =>
  (r.status === "approved" || r.status === "voided") && r.type !== "balance" && r.type !== "preauth";

/** 0320s by their 60.3 network-management code. */
function uploads(wire: readonly WireRequest[], code?: string): WireRequest[] {
  return wire.filter((r) => r.mti === "0320" && (code === undefined || field60(r).netMgmtCode === code));
}

/** A mixed day: every entry mode, a void, a refund, a decline. */
async function mixedDay(day: Day): Promise<void> {
  const { t } = day;
  const swiped = row(t, await pay(t, { amount: 1234, card: swipe("cup-magstripe") }));
  const inserted = row(t, await pay(t, { amount: 8800, card: insert("cup-debit") }));
  for (const [amount, card] of [
    [60_000, tap("cup-debit")],
    [3900, scan(QR_CODE)],
    [500, swipe("cup-credit")],
  ] as const) {
    const result = await pay(t, { amount, card });
    expect(result.status, `${amount}: ${result.en}`).toBe("approved");
  }
  expect((await pay(t, { amount: 1500, card: swipe("cup-declined") })).status).toBe("declined");
  expect((await pay(t, { type: "void", amount: 0, original: { stan: swiped.stan } })).status).toBe(
    "approved",
  );
  const refund = await pay(t, {
    type: "refund",
    amount: 2000,
    card: insert("cup-debit"),
    original: { stan: inserted.stan, rrn: inserted.rrn! },
  });
  expect(refund.status).toBe("approved");
}

describe("settlement on the rig", () => {
  let day: Day | undefined;
  afterEach(async () => {
    await day?.t.stop();
    day = undefined;
  });

  it("balanced after a mixed day: result 1, IC rows uploaded, every row settled, batch + 1", async () => {
    day = await startDay(quick());
    const { t, wire } = day;
    await mixedDay(day);
    const batch = t.app.journal.batch();
    const rows = t.app.journal.query({ batch });
    expect(reconcile(rows, ledger(t))).toEqual([]);

    const outcome = await t.app.settle();
    expect(outcome).toMatchObject({ batch, result: "balanced" });
    expect(outcome.nextBatch).toBe(String(Number(batch) + 1).padStart(6, "0"));
    expect(t.app.journal.batch()).toBe(outcome.nextBatch);
    expect(outcome.hostTotals).toEqual(outcome.terminalTotals);
    expect(outcome.terminalTotals.domestic).toMatchObject({
      // Sales 12.34 (voided, still counted) + 88 + 600 + 39 + 5; credits: the void and the refund.
      debitAmount: 1234 + 8800 + 60_000 + 3900 + 500,
      debitCount: 5,
      creditAmount: 1234 + 2000,
      creditCount: 2,
    });

    const settlementRequest = wire.find((r) => r.mti === "0500")!;
    expect(field60(settlementRequest).batch).toBe(batch);
    expect(parseSettlementTotals(settlementRequest.fields[48]!).domestic).toMatchObject({ result: 0 });
    const hostRun = t.host.ledger().terminals[0]!.settlements.find((s) => s.batch === batch)!;
    expect(hostRun).toMatchObject({ domesticResult: 1, uploadEnd: { code: "207" } });

    const after = t.app.journal.query({ batch });
    expect(after.length).toBe(rows.length);
    for (const r of after) expect(r.settlement).toBe("settled");
    // Balanced: only the IC transactions go up (their TC), one 0320 each; stripe and QR rows do not.
    const chipRows = after.filter((r) => counted(r) && isChip(r));
    expect(chipRows.length).toBe(3);
    for (const r of chipRows) expect(r.uploaded).toBe(true);
    for (const r of after.filter((r) => !isChip(r))) expect(r.uploaded).toBe(false);
    expect(
      uploads(wire, "203")
        .map((r) => r.fields[11])
        .sort(),
    ).toEqual(chipRows.map((r) => r.stan).sort());
    expect(uploads(wire, "201")).toHaveLength(0);
    const end = uploads(wire, "207");
    expect(end).toHaveLength(1);
    expect(outcome.uploaded).toBe(3);
    expect(t.app.journal.currentSettlement()).toBeUndefined();
    expect(
      t.host.terminal(t.app.settings.terminal.terminalId, t.app.settings.terminal.merchantId)!.batch,
    ).toBe(outcome.nextBatch);
  });

  it("unbalanced (a reversal the host never took): everything uploaded, END 202, batch still closes", async () => {
    day = await startDay(quick({ settings: (s) => ({ ...s, host: { ...s.host, reversalRetries: 1 } }) }));
    const { t, wire } = day;
    await pay(t, { amount: 1234, card: swipe("cup-magstripe") });
    await pay(t, { amount: 8800, card: insert("cup-debit") });
    // The host approves this one and drops the line; its reversal is refused until abandoned: the host
    // keeps a sale the terminal does not count.
    t.host.addBehaviour({ match: { mti: "0200", amount: 999 }, drop: "after", times: 1 });
    t.host.addBehaviour({ match: { mti: "0400" }, respondWith: "96" });
    const lost = row(t, await pay(t, { amount: 999, card: swipe("cup-credit") }));
    expect(lost.status).toBe("pending");
    const batch = t.app.journal.batch();

    const outcome = await t.app.settle();
    expect(outcome).toMatchObject({ batch, result: "unbalanced" });
    // The host's own totals (its ledger) carry the sale the terminal does not count.
    const hostRun = t.host.ledger().terminals[0]!.settlements.find((s) => s.batch === batch)!;
    expect(parseSettlementTotals(hostRun.hostTotals).domestic.debitAmount).toBe(
      outcome.terminalTotals.domestic.debitAmount + 999,
    );
    expect(t.app.journal.get(lost.id)!.reversal).toMatchObject({ state: "abandoned" });
    // Every counted row went up: stripe rows in a 201 record upload, the chip sale as a 205 IC upload.
    const after = t.app.journal.query({ batch });
    const countedRows = after.filter(counted);
    expect(countedRows).toHaveLength(2);
    for (const r of countedRows) expect(r.uploaded).toBe(true);
    expect(uploads(wire, "201")).toHaveLength(1);
    expect(uploads(wire, "205")).toHaveLength(1);
    const end = uploads(wire, "202");
    expect(end).toHaveLength(1);
    expect(t.host.ledger().terminals[0]!.settlements.find((s) => s.batch === batch)).toMatchObject({
      domesticResult: 2,
      uploadEnd: { code: "202", count: 2 },
    });
    for (const r of after) expect(r.settlement).toBe("settled");
    expect(t.app.journal.batch()).toBe(outcome.nextBatch);
    expect(outcome.nextBatch).not.toBe(batch);
  });

  it("an interrupted settlement (its first upload lost) resumes where it stopped on the next settle", async () => {
    day = await startDay(quick());
    const { t, wire } = day;
    await pay(t, { amount: 8800, card: insert("cup-debit") });
    await pay(t, { amount: 2500, card: tap("cup-credit-scripts") });
    await pay(t, { amount: 1234, card: swipe("cup-magstripe") });
    const batch = t.app.journal.batch();
    t.host.addBehaviour({ match: { mti: "0320" }, drop: "before", times: 1 });

    await expect(t.app.settle()).rejects.toThrow();
    const run = t.app.journal.currentSettlement()!;
    expect(run).toMatchObject({ batch, stage: "uploading", result: "balanced" });
    expect(t.app.journal.query({ batch }).every((r) => r.settlement === "unsettled")).toBe(true);
    expect(t.app.journal.batch()).toBe(batch);

    // No new transaction while the batch is half settled (the host has already closed it).
    const sent = wire.length;
    const blocked = await pay(t, { amount: 100, card: swipe("cup-magstripe") }).catch((e) => e);
    expect(blocked).toBeInstanceOf(TransactionError);
    expect(blocked).toMatchObject({ code: "settlement-pending" });
    expect(wire.length).toBe(sent);

    const outcome = await t.app.settle();
    expect(outcome).toMatchObject({ batch, result: "balanced", uploaded: 2 });
    // One 0500 only: the resumed run knew its result.
    expect(wire.filter((r) => r.mti === "0500")).toHaveLength(1);
    // Each IC row reached the host exactly once.
    const icAtHost = t.host
      .ledger()
      .batchUploads.filter((u) => u.batch === batch && u.netMgmtCode === "203")
      .flatMap((u) => u.records.map((r) => r.stan));
    expect(icAtHost.sort()).toEqual([...new Set(icAtHost)].sort());
    expect(icAtHost).toHaveLength(2);
    expect(t.host.ledger().terminals[0]!.settlements.find((s) => s.batch === batch)).toMatchObject({
      uploadEnd: { code: "207", count: 2 },
    });
    for (const r of t.app.journal.query({ batch })) expect(r.settlement).toBe("settled");
    expect(t.app.journal.currentSettlement()).toBeUndefined();
    expect(t.app.journal.batch()).toBe(outcome.nextBatch);
  });
});
