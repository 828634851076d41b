import { describe, expect, it } from "vitest";
import { type Journal, JournalError, type JournalFilter } from "../../../firmware/journal/index.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { openJournal, pendingSale } from "./journal-fixtures.js";

const tempDir = useTempDirs();

/** Five rows over two days, each distinguishable by one field. */
function seeded(): { journal: Journal; ids: (filter: JournalFilter) => number[] } {
  const { journal, clock } = openJournal(tempDir());
  clock.set("2025-03-01T09:00:00.000Z");
  journal.insert(
    pendingSale({ stan: "000001", amount: 1000, status: "approved", rrn: "R1", panLast4: "1111" }),
  );
  clock.set("2025-03-01T12:30:00.000Z");
  journal.insert(
    pendingSale({ stan: "000002", amount: 2500, status: "declined", type: "sale", panLast4: "2222" }),
  );
  clock.set("2025-03-01T23:59:59.999Z");
  journal.insert(pendingSale({ stan: "000003", amount: 500, status: "approved", type: "refund", rrn: "R3" }));
  clock.set("2025-03-02T00:00:00.000Z");
  journal.insert(
    pendingSale({ stan: "000004", batch: "000002", amount: 9900, status: "pending", settlement: "settled" }),
  );
  clock.set("2025-03-02T10:00:00.000Z");
  journal.insert(
    pendingSale({ stan: "000001", batch: "000002", amount: 0, type: "balance", status: "approved" }),
  );
  return { journal, ids: (filter) => journal.query(filter).map((r) => r.id) };
}

describe("Journal.query", () => {
  it("with no filter returns every row ordered by id; limit and newestFirst", () => {
    const { journal, ids } = seeded();
    expect(ids({})).toEqual([1, 2, 3, 4, 5]);
    expect(journal.query().length).toBe(5);
    expect(ids({ limit: 2 })).toEqual([1, 2]);
    expect(ids({ newestFirst: true, limit: 2 })).toEqual([5, 4]);
    journal.close();
  });

  it("filters by createdAt range (Date or ISO, inclusive; a date-only `to` covers its whole day)", () => {
    const { journal, ids } = seeded();
    expect(ids({ from: "2025-03-01T12:30:00.000Z" })).toEqual([2, 3, 4, 5]);
    expect(ids({ to: new Date("2025-03-01T12:30:00.000Z") })).toEqual([1, 2]);
    expect(ids({ from: "2025-03-01", to: "2025-03-01" })).toEqual([1, 2, 3]);
    expect(ids({ from: "2025-03-02", to: "2025-03-02" })).toEqual([4, 5]);
    expect(ids({ from: new Date("2025-03-01T10:00:00Z"), to: "2025-03-02T00:00:00Z" })).toEqual([2, 3, 4]);
    journal.close();
  });

  it("filters by amount range, STAN, RRN, last 4, batch and settlement", () => {
    const { journal, ids } = seeded();
    expect(ids({ minAmount: 1000 })).toEqual([1, 2, 4]);
    expect(ids({ maxAmount: 1000 })).toEqual([1, 3, 5]);
    expect(ids({ minAmount: 1000, maxAmount: 2500 })).toEqual([1, 2]);
    expect(ids({ stan: "000001" })).toEqual([1, 5]);
    expect(ids({ stan: "000001", batch: "000002" })).toEqual([5]);
    expect(ids({ rrn: "R3" })).toEqual([3]);
    expect(ids({ last4: "2222" })).toEqual([2]);
    expect(ids({ last4: "1234" })).toEqual([3, 4, 5]);
    expect(ids({ batch: "000001" })).toEqual([1, 2, 3]);
    expect(ids({ settlement: "settled" })).toEqual([4]);
    expect(ids({ settlement: "unsettled" })).toEqual([1, 2, 3, 5]);
    journal.close();
  });

  it("filters by status and type, one value or several", () => {
    const { journal, ids } = seeded();
    expect(ids({ status: "approved" })).toEqual([1, 3, 5]);
    expect(ids({ status: ["declined", "pending"] })).toEqual([2, 4]);
    expect(ids({ type: "refund" })).toEqual([3]);
    expect(ids({ type: ["sale", "balance"], status: "approved" })).toEqual([1, 5]);
    expect(ids({ type: "void" })).toEqual([]);
    journal.close();
  });

  it.each<[string, JournalFilter]>([
    ["from", { from: "yesterday" }],
    ["to", { to: new Date(Number.NaN) }],
    ["minAmount", { minAmount: -5 }],
    ["maxAmount", { maxAmount: 1.25 }],
    ["stan", { stan: "12" }],
    ["last4", { last4: "12a4" }],
    ["batch", { batch: "1" }],
    ["rrn", { rrn: "" }],
    ["status", { status: "ok" as never }],
    ["status", { status: [] }],
    ["type", { type: ["sale", "payout" as never] }],
    ["settlement", { settlement: "done" as never }],
    ["limit", { limit: 0 }],
    ["pan", { pan: "6222021234561234" } as never],
  ])("refuses a bad %s with a JournalError naming it", (field, filter) => {
    const { journal } = seeded();
    let error: unknown;
    try {
      journal.query(filter);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).field).toBe(field);
    journal.close();
  });
});

describe("Journal work lists", () => {
  it("lists pending reversals, queued advices, unprinted slips and unsettled rows", () => {
    const { journal } = openJournal(tempDir());
    const sale = journal.insert(pendingSale({ status: "approved" }));
    const reversed = journal.insert(
      pendingSale({ reversal: { state: "pending", reason: "98", attempts: 1 } }),
    );
    journal.insert(
      pendingSale({ status: "reversed", reversal: { state: "confirmed", reason: "A0", attempts: 1 } }),
    );
    const advice = journal.insert(
      pendingSale({ type: "preauth-completion-advice", status: "approved", advice: "queued" }),
    );
    journal.insert(pendingSale({ type: "balance", status: "approved" }));
    journal.insert(pendingSale({ status: "declined" }));
    const settled = journal.insert(
      pendingSale({ status: "approved", batch: "000002", settlement: "settled" }),
    );

    expect(journal.pendingReversals().map((r) => r.id)).toEqual([reversed.id]);
    expect(journal.queuedAdvices().map((r) => r.id)).toEqual([advice.id]);
    expect(journal.unprinted(2).map((r) => r.id)).toEqual([sale.id, advice.id, settled.id]);
    journal.update(sale.id, { copiesPrinted: 1 });
    expect(journal.unprinted(2).map((r) => r.id)).toEqual([sale.id, advice.id, settled.id]);
    journal.update(sale.id, { copiesPrinted: 2 });
    expect(journal.unprinted(2).map((r) => r.id)).toEqual([advice.id, settled.id]);
    expect(journal.unprinted(0)).toEqual([]);
    expect(journal.unsettled().map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(journal.unsettled("000002")).toEqual([]);
    journal.update(reversed.id, {
      status: "reversed",
      reversal: { state: "confirmed", reason: "98", attempts: 2 },
    });
    expect(journal.pendingReversals()).toEqual([]);
    expect(() => journal.unprinted(-1)).toThrow(JournalError);
    journal.close();
  });
});
