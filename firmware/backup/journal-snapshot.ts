import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import Database from "better-sqlite3";
import { COUNTER_MAX, formatCounter, nextCounterValue, parseCounter } from "../journal/counters.js";
import { SCHEMA_VERSION } from "../journal/schema.js";
import type { BackupCounters } from "./backup-container.js";
import { BackupError } from "./backup-error.js";

/**
 * The journal file as the backup sees it: a consistent snapshot taken with VACUUM INTO on a read-only
 * connection (WAL readers see one committed state, so a terminal writing meanwhile is no problem), and
 * the restored file installed with its counters raised in the same transaction before it is renamed
 * into place. The counters table holds the last STAN handed out and the current batch (schema.ts).
 */

export interface JournalSnapshot {
  bytes: Buffer;
  counters: BackupCounters;
  transactions: number;
  settlementRuns: number;
}

export function snapshotJournal(journalPath: string): JournalSnapshot {
  if (!existsSync(journalPath)) throw new BackupError("source", `no journal at ${journalPath}`);
  const dir = mkdtempSync(join(tmpdir(), "pos-backup-"));
  const copy = join(dir, "journal.db");
  let db: Database.Database | undefined;
  try {
    db = new Database(journalPath, { readonly: true, fileMustExist: true });
    checkVersion(db, journalPath);
    const counters = readCounterRows(db);
    const transactions = db.prepare("SELECT COUNT(*) FROM transactions").pluck().get() as number;
    const settlementRuns = db.prepare("SELECT COUNT(*) FROM settlement_runs").pluck().get() as number;
    db.prepare("VACUUM INTO ?").run(copy);
    return { bytes: readFileSync(copy), counters, transactions, settlementRuns };
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError("source", `cannot snapshot ${journalPath}: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The counters of a journal file nobody is writing (undefined when there is no file). */
export function readJournalCounters(journalPath: string): BackupCounters | undefined {
  if (!existsSync(journalPath)) return undefined;
  const db = new Database(journalPath, { readonly: true, fileMustExist: true });
  try {
    return readCounterRows(db);
  } finally {
    db.close();
  }
}

/** max(a, b) of two counter sets, field by field (six-digit values compared as numbers). */
export function maxCounters(a: BackupCounters, b: BackupCounters | undefined): BackupCounters {
  if (!b) return a;
  return {
    stan: formatCounter(Math.max(parseCounter(a.stan, "stan"), parseCounter(b.stan, "stan"))),
    batch: formatCounter(Math.max(parseCounter(a.batch, "batch"), parseCounter(b.batch, "batch"))),
  };
}

/**
 * Puts restored journal bytes at `journalPath` with its counters at least `atLeast`: written beside
 * the target (0600), checked (schema version, SQLite quick_check), counters raised in one transaction,
 * fsync'd, the old WAL and index removed (they belong to the old file), then renamed over the journal.
 * Nobody may have the journal open. Returns the counters the installed journal now carries.
 */
export function installJournal(
  bytes: Buffer,
  journalPath: string,
  atLeast: BackupCounters | undefined,
): BackupCounters {
  const tmp = join(dirname(journalPath), `.${basename(journalPath)}.${process.pid}.restore`);
  const cleanup = () => {
    for (const file of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`]) rmSync(file, { force: true });
  };
  cleanup();
  writeFileSync(tmp, bytes, { mode: 0o600 });
  let counters: BackupCounters;
  try {
    const db = new Database(tmp, { fileMustExist: true });
    try {
      checkVersion(db, "the backup's journal");
      const check = db.pragma("quick_check", { simple: true });
      if (check !== "ok")
        throw new BackupError("integrity", `the backup's journal fails SQLite's check (${String(check)})`);
      counters = db.transaction(() => {
        const target = maxCounters(readCounterRows(db), atLeast);
        // The counters row holds the last STAN handed out: the next one is target.stan.
        const lastStan = (parseCounter(target.stan, "stan") + COUNTER_MAX - 1) % COUNTER_MAX;
        db.prepare("UPDATE counters SET value = ? WHERE name = 'stan'").run(lastStan);
        db.prepare("UPDATE counters SET value = ? WHERE name = 'batch'").run(
          parseCounter(target.batch, "batch"),
        );
        return readCounterRows(db);
      })();
    } finally {
      db.close();
    }
    const fd = openSync(tmp, "r+");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    for (const file of [`${journalPath}-wal`, `${journalPath}-shm`]) rmSync(file, { force: true });
    renameSync(tmp, journalPath);
    const dirFd = openSync(dirname(journalPath), "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch (error) {
    cleanup();
    if (error instanceof BackupError) throw error;
    throw new BackupError(
      "integrity",
      `the backup's journal cannot be installed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return counters;
}

function checkVersion(db: Database.Database, what: string): void {
  const version = db.pragma("user_version", { simple: true });
  if (typeof version !== "number" || version < 1 || version > SCHEMA_VERSION) {
    throw new BackupError(
      "source",
      `${what} is not a journal this firmware knows (schema ${String(version)})`,
    );
  }
}

function readCounterRows(db: Database.Database): BackupCounters {
  const get = db.prepare("SELECT value FROM counters WHERE name = ?").pluck();
  const last = get.get("stan") as number;
  const batch = get.get("batch") as number;
  return { stan: formatCounter(nextCounterValue(last)), batch: formatCounter(batch) };
}
