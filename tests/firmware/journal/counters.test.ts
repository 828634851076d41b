import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { JournalError } from "../../../firmware/journal/index.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { openJournal } from "./journal-fixtures.js";

const tempDir = useTempDirs();

/** Sets a counter behind the journal's back (no API sets a STAN: only the wrap test needs it). */
function forceCounter(path: string, name: string, value: number): void {
  const db = new Database(path);
  db.prepare("UPDATE counters SET value = ? WHERE name = ?").run(value, name);
  db.close();
}

describe("Journal counters", () => {
  it("hands out STANs 000001, 000002, … and peeks without taking", () => {
    const { journal } = openJournal(tempDir());
    expect(journal.peekStan()).toBe("000001");
    expect(journal.peekStan()).toBe("000001");
    expect([journal.nextStan(), journal.nextStan(), journal.nextStan()]).toEqual([
      "000001",
      "000002",
      "000003",
    ]);
    expect(journal.peekStan()).toBe("000004");
    journal.close();
  });

  it("keeps the STAN across reopen: never the same value twice in a row", () => {
    const opened = openJournal(tempDir());
    const seen = [opened.journal.nextStan(), opened.journal.nextStan()];
    for (let i = 0; i < 3; i++) seen.push(opened.reopen().nextStan());
    expect(seen).toEqual(["000001", "000002", "000003", "000004", "000005"]);
    opened.journal.close();
  });

  it("wraps 999999 → 000001 (000000 is never handed out), also across reopen", () => {
    const opened = openJournal(tempDir());
    opened.journal.close();
    forceCounter(opened.path, "stan", 999_998);
    const journal = opened.reopen();
    expect(journal.nextStan()).toBe("999999");
    expect(journal.peekStan()).toBe("000001");
    expect(opened.reopen().nextStan()).toBe("000001");
    expect(opened.journal.nextStan()).toBe("000002");
    opened.journal.close();
  });

  it("commits each STAN before returning it (one counter:stan commit per STAN)", () => {
    const opened = openJournal(tempDir());
    opened.labels.length = 0;
    opened.journal.nextStan();
    opened.journal.peekStan();
    opened.journal.nextStan();
    expect(opened.labels).toEqual(["counter:stan", "counter:stan"]);
    opened.journal.close();
  });

  it("starts at batch 000001, adopts the host's batch and advances with wrap", () => {
    const opened = openJournal(tempDir());
    expect(opened.journal.batch()).toBe("000001");
    opened.journal.setBatch("000417");
    expect(opened.reopen().batch()).toBe("000417");
    expect(opened.journal.advanceBatch()).toBe("000418");
    opened.journal.setBatch("999999");
    expect(opened.journal.advanceBatch()).toBe("000001");
    expect(opened.reopen().batch()).toBe("000001");
    expect(opened.labels.filter((l) => l === "counter:batch")).toHaveLength(4);
    opened.journal.close();
  });

  it.each([["000000"], ["12345"], ["1234567"], ["12a456"], [""], [" 00001"]])(
    "refuses the invalid batch %j with a JournalError naming batch",
    (bad) => {
      const opened = openJournal(tempDir());
      const before = opened.labels.length;
      expect(() => opened.journal.setBatch(bad)).toThrow(JournalError);
      try {
        opened.journal.setBatch(bad);
      } catch (error) {
        expect((error as JournalError).field).toBe("batch");
      }
      expect(opened.journal.batch()).toBe("000001");
      expect(opened.labels.length).toBe(before);
      opened.journal.close();
    },
  );
});
