import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { type BatchTotals, JournalError } from "../../../firmware/journal/index.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { openJournal, pendingSale } from "./journal-fixtures.js";

const tempDir = useTempDirs();

function caught(fn: () => unknown): JournalError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(JournalError);
    return error as JournalError;
  }
  throw new Error("expected a JournalError");
}

const HOST_TOTALS: BatchTotals = {
  domestic: { debitAmount: 1, debitCount: 1, creditAmount: 0, creditCount: 0 },
  foreign: { debitAmount: 0, debitCount: 0, creditAmount: 0, creditCount: 0 },
};

describe("Journal settlement runs", () => {
  it("goes begin → uploading → upload-done → close, resumable across reopen, with its labels", () => {
    const opened = openJournal(tempDir());
    let journal = opened.journal;
    const a = journal.insert(pendingSale({ status: "approved", amount: 1000 }));
    const b = journal.insert(pendingSale({ status: "approved", amount: 2000, stan: "000002" }));
    const other = journal.insert(pendingSale({ status: "approved", batch: "000009", stan: "000003" }));
    opened.labels.length = 0;
    const totals = journal.totals("000001");
    const begun = journal.beginSettlement("000001", totals);
    expect(begun).toMatchObject({ batch: "000001", stage: "totals-sent", totals });
    expect(begun.result).toBeUndefined();

    journal = opened.reopen();
    expect(journal.currentSettlement()).toEqual(begun);
    journal.updateSettlement("000001", { result: "unbalanced", responseCode: "00", hostTotals: HOST_TOTALS });
    journal.updateSettlement("000001", { stage: "uploading" });
    journal.markUploaded([a.id]);
    journal = opened.reopen();
    // Resume after the power cut: the run says "uploading", the rows say which are still to send.
    expect(journal.currentSettlement()?.stage).toBe("uploading");
    expect(
      journal
        .unsettled("000001")
        .filter((r) => !r.uploaded)
        .map((r) => r.id),
    ).toEqual([b.id]);
    journal.markUploaded([b.id]);
    journal.updateSettlement("000001", { stage: "upload-done" });
    const closed = journal.closeSettlement("000001");

    expect(closed).toMatchObject({
      batch: "000001",
      stage: "closed",
      result: "unbalanced",
      responseCode: "00",
      hostTotals: HOST_TOTALS,
    });
    expect(closed.closedAt).toBe(closed.updatedAt);
    expect(journal.currentSettlement()).toBeUndefined();
    expect(journal.unsettled("000001")).toEqual([]);
    expect(journal.get(a.id)).toMatchObject({ settlement: "settled", uploaded: true });
    expect(journal.get(other.id)?.settlement).toBe("unsettled");
    expect(journal.batch()).toBe("000002");
    expect(journal.settlementHistory()).toEqual([closed]);
    expect(opened.labels).toEqual([
      "settlement:begin",
      "settlement:update",
      "settlement:update",
      "settlement:upload",
      "settlement:upload",
      "settlement:update",
      "settlement:close",
    ]);
    journal.close();
  });

  it("closes in ONE commit: a failure at the last step leaves rows, run and batch as they were", () => {
    const opened = openJournal(tempDir());
    const { journal } = opened;
    journal.insert(pendingSale({ status: "approved" }));
    journal.beginSettlement("000001", journal.totals("000001"));
    // A second connection makes closing the run fail, after the rows were already updated in the transaction.
    const saboteur = new Database(opened.path);
    saboteur.exec(`CREATE TRIGGER refuse_close BEFORE UPDATE OF stage ON settlement_runs WHEN NEW.stage = 'closed'
                   BEGIN SELECT RAISE(ABORT, 'power cut'); END`);
    const commits = opened.labels.length;
    expect(() => journal.closeSettlement("000001")).toThrow(/power cut/);
    expect(opened.labels.length).toBe(commits);
    expect(journal.unsettled("000001")).toHaveLength(1);
    expect(journal.currentSettlement()?.stage).toBe("totals-sent");
    expect(journal.batch()).toBe("000001");
    saboteur.exec("DROP TRIGGER refuse_close");
    saboteur.close();
    journal.closeSettlement("000001");
    expect(opened.labels.slice(commits)).toEqual(["settlement:close"]);
    expect(journal.unsettled("000001")).toEqual([]);
    expect(journal.batch()).toBe("000002");
    journal.close();
  });

  it("advances the batch only when it is still the settled one, wrapping 999999 → 000001", () => {
    const { journal } = openJournal(tempDir());
    const zero = journal.totals("999999");
    journal.setBatch("999999");
    journal.beginSettlement("999999", zero);
    journal.closeSettlement("999999");
    expect(journal.batch()).toBe("000001");
    journal.beginSettlement("000001", zero);
    journal.setBatch("000500"); // a sign-in moved the batch meanwhile: closing must not move it again
    journal.closeSettlement("000001");
    expect(journal.batch()).toBe("000500");
    expect(journal.settlementHistory().map((r) => [r.batch, r.stage])).toEqual([
      ["999999", "closed"],
      ["000001", "closed"],
    ]);
    journal.close();
  });

  it("refuses out-of-order and malformed settlement changes with typed errors", () => {
    const opened = openJournal(tempDir());
    const { journal } = opened;
    const totals = journal.totals("000001");
    expect(caught(() => journal.updateSettlement("000001", { stage: "uploading" })).field).toBe("batch");
    expect(caught(() => journal.closeSettlement("000001")).field).toBe("batch");
    expect(caught(() => journal.beginSettlement("0001", totals)).field).toBe("batch");
    const bad = { ...totals, foreign: { ...totals.foreign, debitCount: -1 } };
    expect(caught(() => journal.beginSettlement("000001", bad)).field).toBe("totals.foreign.debitCount");
    journal.beginSettlement("000001", totals);
    expect(caught(() => journal.beginSettlement("000001", totals)).field).toBe("batch");
    expect(caught(() => journal.beginSettlement("000002", totals)).message).toMatch(/still open/);
    expect(caught(() => journal.updateSettlement("000002", { stage: "uploading" })).field).toBe("batch");
    journal.updateSettlement("000001", { stage: "upload-done" });
    expect(caught(() => journal.updateSettlement("000001", { stage: "uploading" })).field).toBe("stage");
    expect(caught(() => journal.updateSettlement("000001", { stage: "closed" })).field).toBe("stage");
    expect(caught(() => journal.updateSettlement("000001", { stage: "done" as never })).field).toBe("stage");
    expect(caught(() => journal.updateSettlement("000001", { result: "even" as never })).field).toBe(
      "result",
    );
    expect(caught(() => journal.updateSettlement("000001", { batch: "000002" } as never)).field).toBe(
      "batch",
    );
    expect(caught(() => journal.updateSettlement("000001", { hostTotals: {} as never })).field).toBe(
      "hostTotals.domestic",
    );
    expect(journal.currentSettlement()?.stage).toBe("upload-done");
    journal.close();
  });

  it("marks uploads all-or-nothing: an unknown id rolls back the others", () => {
    const opened = openJournal(tempDir());
    const { journal } = opened;
    const a = journal.insert(pendingSale({ status: "approved" }));
    const commits = opened.labels.length;
    expect(caught(() => journal.markUploaded([a.id, 404])).field).toBe("id");
    expect(journal.get(a.id)?.uploaded).toBe(false);
    journal.markUploaded([]);
    expect(opened.labels.length).toBe(commits);
    journal.markUploaded([a.id]);
    expect(journal.get(a.id)?.uploaded).toBe(true);
    journal.close();
  });
});

describe("Journal commit labels", () => {
  it("names every write of a scripted sale, deterministically", () => {
    const opened = openJournal(tempDir());
    const { journal } = opened;
    const stan = journal.nextStan();
    const row = journal.insert(pendingSale({ stan, batch: journal.batch() }));
    journal.update(row.id, { reversal: { state: "pending", reason: "98", attempts: 0 } });
    journal.update(row.id, {
      status: "approved",
      responseCode: "00",
      rrn: "250301000001",
      reversal: undefined,
    });
    journal.saveReceipt(row.id, "merchant", "slip");
    journal.update(row.id, { copiesPrinted: 1 });
    journal.update(row.id, { copiesPrinted: 2, signatureRequired: false });
    journal.update(row.id, { rrn: "250301000002" });
    journal.update(row.id, {});
    expect(opened.labels).toEqual([
      "schema:create",
      "counter:stan",
      "insert",
      "update:reversal",
      "update:status",
      "receipt:save",
      "update:copiesPrinted",
      "update:copiesPrinted",
      "update:rrn",
      "update:updatedAt",
    ]);
    journal.close();
  });

  it("calls onCommit after the commit: the listener already sees the new state", () => {
    const seen: (string | undefined)[] = [];
    const opened = openJournal(tempDir(), {
      onCommit: (point) => {
        if (point.startsWith("update")) seen.push(opened?.journal.get(1)?.status);
      },
    });
    opened.journal.insert(pendingSale());
    opened.journal.update(1, { status: "approved" });
    expect(seen).toEqual(["approved"]);
    opened.journal.close();
  });
});
