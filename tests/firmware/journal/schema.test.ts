import { chmodSync, existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Journal, JournalError, SCHEMA_VERSION } from "../../../firmware/journal/index.js";
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

describe("Journal file", () => {
  it("creates the schema once (one schema:create commit), in WAL with synchronous=FULL", () => {
    const opened = openJournal(tempDir());
    expect(opened.labels).toEqual(["schema:create"]);
    opened.reopen();
    expect(opened.labels).toEqual(["schema:create"]);
    opened.journal.close();
    const db = new Database(opened.path);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("keeps the journal, its WAL and shared-memory index owner-only (0600)", () => {
    const { journal, path } = openJournal(tempDir());
    journal.insert(pendingSale());
    const files = [path, `${path}-wal`, `${path}-shm`].filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) expect((statSync(file).mode & 0o777).toString(8)).toBe("600");
    journal.close();
  });

  it("tightens the mode of an existing journal that was left readable", () => {
    const opened = openJournal(tempDir());
    opened.journal.close();
    chmodSync(opened.path, 0o644);
    opened.reopen();
    expect(statSync(opened.path).mode & 0o777).toBe(0o600);
    opened.journal.close();
  });

  it("refuses a journal written by newer firmware, naming user_version, and leaves it untouched", () => {
    const path = join(tempDir(), "journal.db");
    Journal.open(path).close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const error = caught(() => Journal.open(path));
    expect(error.field).toBe("user_version");
    expect(error.setting).toBe("user_version");
    expect(error.message).toMatch(/newer firmware/);
    const check = new Database(path);
    expect(check.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION + 1);
    check.close();
  });

  it("refuses a file that is not a database with a JournalError", () => {
    const path = join(tempDir(), "journal.db");
    writeFileSync(path, Buffer.alloc(4096, 0x5a));
    expect(caught(() => Journal.open(path)).field).toBe("path");
  });

  it("passes its integrity check, checkpoints the WAL to empty and refuses use after close", () => {
    const { journal, path } = openJournal(tempDir());
    journal.insert(pendingSale());
    expect(journal.integrityProblems()).toEqual([]);
    const result = journal.checkpoint();
    expect(result.busy).toBe(0);
    expect(statSync(`${path}-wal`).size).toBe(0);
    journal.close();
    journal.close();
    expect(journal.isOpen).toBe(false);
    expect(caught(() => journal.last()).field).toBe("journal");
  });

  it("works in memory for tests of other modules", () => {
    const journal = Journal.open(":memory:");
    expect(journal.insert(pendingSale()).id).toBe(1);
    journal.close();
  });

  it("refuses a clock that returns an invalid date", () => {
    const journal = Journal.open(":memory:", { clock: () => new Date(Number.NaN) });
    expect(caught(() => journal.insert(pendingSale())).field).toBe("clock");
    journal.close();
  });
});
