import { describe, expect, it } from "vitest";
import { JournalError, type NewTransaction, TRANSACTION_TYPES } from "../../../firmware/journal/index.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { openJournal, pendingSale } from "./journal-fixtures.js";

const tempDir = useTempDirs();

const approved = (o: Partial<NewTransaction>) => pendingSale({ status: "approved", ...o });

describe("Journal.totals", () => {
  it("splits domestic/foreign × debit/credit the CUP way: sales and completions debit, voids and refunds credit", () => {
    const { journal } = openJournal(tempDir());
    // Counted.
    journal.insert(approved({ amount: 1000 }));
    journal.insert(approved({ amount: 200, type: "refund" }));
    journal.insert(approved({ amount: 3000, domestic: false, entryMode: "tap" }));
    journal.insert(approved({ amount: 700, domestic: false, type: "preauth-completion" }));
    journal.insert(approved({ amount: 300, domestic: false, type: "preauth-completion-advice" }));
    journal.insert(approved({ amount: 50, domestic: false, type: "refund" }));
    // Counted too: a voided sale stays in debit, its void and a completion void count in credit.
    journal.insert(pendingSale({ amount: 500, status: "voided" }));
    journal.insert(approved({ amount: 500, type: "void" }));
    journal.insert(approved({ amount: 9999, type: "preauth-completion-void" }));
    // Not counted: other statuses, pre-authorisations and their voids, balance, another batch.
    for (const status of ["declined", "failed", "pending", "reversed"] as const) {
      journal.insert(pendingSale({ amount: 11, status }));
      journal.insert(pendingSale({ amount: 13, status, type: "refund" }));
    }
    journal.insert(approved({ amount: 9999, type: "preauth" }));
    journal.insert(approved({ amount: 9999, type: "preauth-void" }));
    journal.insert(approved({ amount: 0, type: "balance" }));
    journal.insert(approved({ amount: 77_777, batch: "000002" }));

    expect(journal.totals("000001")).toEqual({
      domestic: { debitAmount: 1500, debitCount: 2, creditAmount: 200 + 500 + 9999, creditCount: 3 },
      foreign: { debitAmount: 4000, debitCount: 3, creditAmount: 50, creditCount: 1 },
    });
    expect(journal.totals("000002")).toEqual({
      domestic: { debitAmount: 77_777, debitCount: 1, creditAmount: 0, creditCount: 0 },
      foreign: { debitAmount: 0, debitCount: 0, creditAmount: 0, creditCount: 0 },
    });
    expect(journal.totals("000003").domestic.debitCount).toBe(0);
    expect(() => journal.totals("3")).toThrow(JournalError);
    journal.close();
  });

  it("keeps a voided sale in debit and counts its void in credit (CUP §1.7, as the host does)", () => {
    const { journal } = openJournal(tempDir());
    const sale = journal.insert(approved({ amount: 1500 }));
    expect(journal.totals("000001").domestic.debitAmount).toBe(1500);
    journal.insert(
      approved({ type: "void", amount: 1500, original: { stan: sale.stan, batch: sale.batch } }),
    );
    journal.update(sale.id, { status: "voided" });
    expect(journal.totals("000001").domestic).toEqual({
      debitAmount: 1500,
      debitCount: 1,
      creditAmount: 1500,
      creditCount: 1,
    });
    journal.close();
  });
});

describe("Journal.dailyTotals", () => {
  it("sums one UTC day: net count/amount, by entry mode, every approved type", () => {
    const { journal, clock } = openJournal(tempDir());
    clock.set("2025-03-01T23:59:59.999Z");
    journal.insert(approved({ amount: 99 }));
    clock.set("2025-03-02T00:00:00.000Z");
    journal.insert(approved({ amount: 1000, entryMode: "tap" }));
    journal.insert(approved({ amount: 2000, entryMode: "qr" }));
    journal.insert(approved({ amount: 300, entryMode: "tap", type: "refund" }));
    journal.insert(approved({ amount: 400, type: "void" }));
    journal.insert(approved({ amount: 5000, type: "preauth" }));
    journal.insert(pendingSale({ amount: 8000, status: "declined" }));
    clock.set("2025-03-02T23:59:59.999Z");
    journal.insert(approved({ amount: 600, entryMode: "swipe", type: "preauth-completion" }));
    clock.set("2025-03-03T00:00:00.000Z");
    journal.insert(approved({ amount: 123 }));

    const day = journal.dailyTotals("2025-03-02");
    expect(day.day).toBe("2025-03-02");
    expect(day.count).toBe(5);
    expect(day.amount).toBe(1000 + 2000 - 300 + 600 - 400);
    expect(day.byEntryMode.tap).toEqual({ count: 2, amount: 700 });
    expect(day.byEntryMode.qr).toEqual({ count: 1, amount: 2000 });
    expect(day.byEntryMode.swipe).toEqual({ count: 1, amount: 600 });
    expect(day.byEntryMode.insert).toEqual({ count: 1, amount: -400 });
    expect(day.byType.sale).toEqual({ count: 2, amount: 3000 });
    expect(day.byType.refund).toEqual({ count: 1, amount: 300 });
    expect(day.byType.void).toEqual({ count: 1, amount: 400 });
    expect(day.byType.preauth).toEqual({ count: 1, amount: 5000 });
    expect(Object.keys(day.byType).sort()).toEqual([...TRANSACTION_TYPES].sort());
    expect(journal.dailyTotals("2025-03-04").count).toBe(0);
    for (const bad of ["2025-3-2", "2025-02-30", "today", "2025-03-02T00:00:00Z"]) {
      expect(() => journal.dailyTotals(bad)).toThrow(JournalError);
    }
    journal.close();
  });
});
