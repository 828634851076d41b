import { chmodSync, closeSync, existsSync, openSync } from "node:fs";
import Database from "better-sqlite3";
import { updatePoint } from "./commit-points.js";
import { formatCounter, nextCounterValue, parseCounter } from "./counters.js";
import { JournalError } from "./journal-error.js";
import { type ExportedRecord, toCsv, toExportedRecord, toJson } from "./journal-export.js";
import { compileFilter, type JournalFilter } from "./journal-filter.js";
import {
  batchTotals,
  COUNTED_STATUSES_SQL,
  checkTotals,
  type DailyTotals,
  dailyTotals,
  dayBounds,
  TOTALLED_TYPES,
  type TotalsGroup,
} from "./journal-totals.js";
import { checkNewKeys, checkPatchKeys, checkRecord, RECORD_FIELDS } from "./record-check.js";
import { decodeRow, encodeRecord, normaliseNested, type TransactionRow, WRITE_COLUMNS } from "./row-codec.js";
import { ensureSchema } from "./schema.js";
import {
  applySettlementPatch,
  decodeSettlement,
  type SettlementPatch,
  type SettlementRow,
  type SettlementRun,
} from "./settlement-run.js";
import type { BatchTotals, NewTransaction, TransactionRecord } from "./transaction-record.js";

export interface JournalOptions {
  /** The terminal's clock (createdAt/updatedAt, receipts, settlement runs). */
  clock?: () => Date;
  /** Called synchronously right after each commit with its label (see commit-points.ts). */
  onCommit?: (point: string) => void;
}

export const RECEIPT_COPIES = ["merchant", "cardholder", "bank"] as const;
export type ReceiptCopy = (typeof RECEIPT_COPIES)[number];

export interface StoredReceipt {
  copy: ReceiptCopy;
  text: string;
  savedAt: string;
}

export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

const QUERY_CACHE_LIMIT = 64;
const TOTALLED_IN = TOTALLED_TYPES.map((t) => `'${t}'`).join(", ");

/**
 * The terminal's transaction journal on SQLite (WAL, synchronous=FULL, file mode 0600). Every state
 * change is one commit, reported to `onCommit` after it lands, so a power cut leaves either the state
 * before or the state after — never half a sale, half a settlement or a STAN handed out twice.
 */
export class Journal {
  private readonly clock: () => Date;
  private readonly onCommit: (point: string) => void;
  private readonly queries = new Map<string, Database.Statement>();
  private readonly sql;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    options: JournalOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.onCommit = options.onCommit ?? (() => {});
    const assignments = WRITE_COLUMNS.map((c) => `${c} = @${c}`).join(", ");
    this.sql = {
      insert: db.prepare(
        `INSERT INTO transactions (${WRITE_COLUMNS.join(", ")}) VALUES (${WRITE_COLUMNS.map((c) => `@${c}`).join(", ")})`,
      ),
      update: db.prepare(`UPDATE transactions SET ${assignments} WHERE id = @id`),
      get: db.prepare("SELECT * FROM transactions WHERE id = ?"),
      byStan: db.prepare("SELECT * FROM transactions WHERE stan = ? ORDER BY id DESC LIMIT 1"),
      byStanBatch: db.prepare(
        "SELECT * FROM transactions WHERE stan = ? AND batch = ? ORDER BY id DESC LIMIT 1",
      ),
      byRrn: db.prepare("SELECT * FROM transactions WHERE rrn = ? ORDER BY id DESC LIMIT 1"),
      last: db.prepare("SELECT * FROM transactions ORDER BY id DESC LIMIT 1"),
      pendingReversals: db.prepare("SELECT * FROM transactions WHERE reversal_state = 'pending' ORDER BY id"),
      queuedAdvices: db.prepare("SELECT * FROM transactions WHERE advice = 'queued' ORDER BY id"),
      unprinted: db.prepare(
        "SELECT * FROM transactions WHERE status = 'approved' AND copies_printed < ? AND type <> 'balance' ORDER BY id",
      ),
      unsettled: db.prepare("SELECT * FROM transactions WHERE settlement = 'unsettled' ORDER BY id"),
      unsettledBatch: db.prepare(
        "SELECT * FROM transactions WHERE settlement = 'unsettled' AND batch = ? ORDER BY id",
      ),
      counter: db.prepare("SELECT value FROM counters WHERE name = ?").pluck(),
      setCounter: db.prepare("UPDATE counters SET value = ? WHERE name = ?"),
      stepCounter: db
        .prepare("UPDATE counters SET value = value % 999999 + 1 WHERE name = ? RETURNING value")
        .pluck(),
      batchGroups: db.prepare(
        `SELECT type, domestic, COUNT(*) AS count, SUM(amount) AS amount FROM transactions
         WHERE batch = ? AND status IN ${COUNTED_STATUSES_SQL} AND type IN (${TOTALLED_IN}) GROUP BY type, domestic`,
      ),
      dayGroups: db.prepare(
        `SELECT type, entry_mode AS entryMode, COUNT(*) AS count, SUM(amount) AS amount FROM transactions
         WHERE created_at >= ? AND created_at < ? AND status IN ${COUNTED_STATUSES_SQL} GROUP BY type, entry_mode`,
      ),
      markUploaded: db.prepare("UPDATE transactions SET uploaded = 1, updated_at = ? WHERE id = ?"),
      settleBatch: db.prepare(
        "UPDATE transactions SET settlement = 'settled', updated_at = ? WHERE batch = ? AND settlement = 'unsettled'",
      ),
      saveReceipt: db.prepare(
        `INSERT INTO receipts (transaction_id, copy, text, saved_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (transaction_id, copy) DO UPDATE SET text = excluded.text, saved_at = excluded.saved_at`,
      ),
      receipts: db.prepare(
        "SELECT copy, text, saved_at AS savedAt FROM receipts WHERE transaction_id = ? ORDER BY id",
      ),
      exists: db.prepare("SELECT 1 FROM transactions WHERE id = ?").pluck(),
      openRun: db.prepare("SELECT * FROM settlement_runs WHERE stage <> 'closed' ORDER BY id DESC LIMIT 1"),
      runById: db.prepare("SELECT * FROM settlement_runs WHERE id = ?"),
      insertRun: db.prepare(
        "INSERT INTO settlement_runs (batch, stage, totals, started_at, updated_at) VALUES (?, 'totals-sent', ?, ?, ?)",
      ),
      updateRun: db.prepare(
        `UPDATE settlement_runs SET stage = @stage, result = @result, response_code = @responseCode,
         host_totals = @hostTotals, updated_at = @updatedAt, closed_at = @closedAt WHERE id = @id`,
      ),
      history: db.prepare("SELECT * FROM settlement_runs ORDER BY id"),
    };
  }

  /** Opens (creating when new) the journal at `path`; ":memory:" gives a throw-away one for tests. */
  static open(path: string, options: JournalOptions = {}): Journal {
    const onDisk = path !== ":memory:" && path !== "";
    // Create the file 0600 before SQLite does, so the -wal/-shm files it derives inherit that mode.
    if (onDisk && !existsSync(path)) closeSync(openSync(path, "a", 0o600));
    const db = new Database(path);
    try {
      let mode: unknown;
      try {
        mode = db.pragma("journal_mode = WAL", { simple: true });
      } catch (error) {
        throw new JournalError(`${path} is not a journal database`, "path", { cause: error });
      }
      if (onDisk && mode !== "wal")
        throw new JournalError(`cannot switch to WAL (got ${String(mode)})`, "journal_mode");
      db.pragma("synchronous = FULL");
      db.pragma("foreign_keys = ON");
      if (onDisk) restrictMode(path);
      const created = ensureSchema(db);
      const journal = new Journal(db, path, options);
      if (onDisk) restrictMode(path);
      if (created) journal.onCommit("schema:create");
      return journal;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  // ---- counters ------------------------------------------------------------------------------------

  /** The next STAN, committed before it is returned: a power cut can skip one, never repeat one. */
  nextStan(): string {
    this.ready();
    const value = this.sql.stepCounter.get("stan") as number;
    this.onCommit("counter:stan");
    return formatCounter(value);
  }

  /** The STAN nextStan() will return, without taking it. */
  peekStan(): string {
    this.ready();
    return formatCounter(nextCounterValue(this.sql.counter.get("stan") as number));
  }

  batch(): string {
    this.ready();
    return formatCounter(this.sql.counter.get("batch") as number);
  }

  /** Adopts the host's batch number (sign-in, field 60.2). */
  setBatch(batch: string): void {
    this.ready();
    const value = parseCounter(batch, "batch");
    this.sql.setCounter.run(value, "batch");
    this.onCommit("counter:batch");
  }

  /** Batch + 1 after settlement (999999 → 000001); returns the new batch. */
  advanceBatch(): string {
    this.ready();
    const value = this.sql.stepCounter.get("batch") as number;
    this.onCommit("counter:batch");
    return formatCounter(value);
  }

  // ---- rows ----------------------------------------------------------------------------------------

  /** Writes a new row (write-ahead: usually status "pending" before the request leaves). */
  insert(tx: NewTransaction): TransactionRecord {
    this.ready();
    checkNewKeys(tx);
    const now = this.now();
    const record = normaliseNested({
      ...tx,
      id: 0,
      settlement: tx.settlement ?? "unsettled",
      advice: tx.advice ?? "none",
      uploaded: false,
      copiesPrinted: 0,
      createdAt: now,
      updatedAt: now,
    });
    checkRecord(record);
    const { id: _unassigned, ...fields } = record;
    const id = Number(this.sql.insert.run(encodeRecord(fields)).lastInsertRowid);
    this.onCommit("insert");
    return this.get(id)!;
  }

  /**
   * Changes a row. A key present with `undefined` (or null) clears an optional field; updatedAt is set
   * from the clock whatever the patch says.
   */
  update(id: number, patch: Partial<Omit<TransactionRecord, "id" | "createdAt">>): TransactionRecord {
    this.ready();
    checkPatchKeys(patch);
    const current = this.get(id);
    if (!current) throw new JournalError(`no transaction with id ${JSON.stringify(id)}`, "id");
    const record = normaliseNested({
      ...current,
      ...patch,
      id: current.id,
      createdAt: current.createdAt,
      updatedAt: this.now(),
    });
    checkRecord(record);
    const { id: rowId, ...fields } = record;
    this.sql.update.run({ ...encodeRecord(fields), id: rowId });
    this.onCommit(updatePoint(Object.keys(patch), RECORD_FIELDS));
    return this.get(id)!;
  }

  get(id: number): TransactionRecord | undefined {
    this.ready();
    if (!Number.isSafeInteger(id)) return undefined;
    return this.decode(this.sql.get.get(id));
  }

  /** The latest row with this STAN (in this batch when given). */
  findByStan(stan: string, batch?: string): TransactionRecord | undefined {
    this.ready();
    const row = batch === undefined ? this.sql.byStan.get(stan) : this.sql.byStanBatch.get(stan, batch);
    return this.decode(row);
  }

  findByRrn(rrn: string): TransactionRecord | undefined {
    this.ready();
    return this.decode(this.sql.byRrn.get(rrn));
  }

  /** The latest row (reprint last, recovery at boot). */
  last(): TransactionRecord | undefined {
    this.ready();
    return this.decode(this.sql.last.get());
  }

  query(filter: JournalFilter = {}): TransactionRecord[] {
    this.ready();
    const { where, params, tail } = compileFilter(filter);
    return this.rows(this.cachedQuery(`SELECT * FROM transactions${where}${tail}`).all(...params));
  }

  // ---- work lists (recovery at boot, before settlement) ---------------------------------------------

  pendingReversals(): TransactionRecord[] {
    this.ready();
    return this.rows(this.sql.pendingReversals.all());
  }

  queuedAdvices(): TransactionRecord[] {
    this.ready();
    return this.rows(this.sql.queuedAdvices.all());
  }

  /** Approved slips not yet printed `copies` times (balance inquiries print none). */
  unprinted(copies: number): TransactionRecord[] {
    this.ready();
    if (!Number.isSafeInteger(copies) || copies < 0)
      throw new JournalError("must be a non-negative integer", "copies");
    return this.rows(this.sql.unprinted.all(copies));
  }

  unsettled(batch?: string): TransactionRecord[] {
    this.ready();
    return this.rows(batch === undefined ? this.sql.unsettled.all() : this.sql.unsettledBatch.all(batch));
  }

  // ---- totals --------------------------------------------------------------------------------------

  /** The batch's settlement totals (field 48 of the 0500). */
  totals(batch: string): BatchTotals {
    this.ready();
    parseCounter(batch, "batch");
    return batchTotals(this.sql.batchGroups.all(batch) as TotalsGroup[]);
  }

  /** The takings of one UTC day "YYYY-MM-DD" (see DailyTotals for what counts). */
  dailyTotals(day: string): DailyTotals {
    this.ready();
    const [start, end] = dayBounds(day);
    return dailyTotals(day, this.sql.dayGroups.all(start, end) as TotalsGroup[]);
  }

  // ---- exports -------------------------------------------------------------------------------------

  exportCsv(filter?: JournalFilter): string {
    return toCsv(this.query(filter));
  }

  /** JSON text: an array of records without panCipher. */
  exportJson(filter?: JournalFilter): string {
    return toJson(this.query(filter));
  }

  /** The same records as objects (panCipher omitted), for callers that serialise themselves. */
  exportRecords(filter?: JournalFilter): ExportedRecord[] {
    return this.query(filter).map(toExportedRecord);
  }

  // ---- e-receipts ----------------------------------------------------------------------------------

  /** Keeps the rendered slip of one copy (a later save of the same copy replaces it). */
  saveReceipt(id: number, copy: ReceiptCopy, text: string): void {
    this.ready();
    if (!RECEIPT_COPIES.includes(copy))
      throw new JournalError(`must be one of ${RECEIPT_COPIES.join(", ")}`, "copy");
    if (typeof text !== "string") throw new JournalError("must be a string", "text");
    const savedAt = this.now();
    this.db.transaction(() => {
      if (!this.sql.exists.get(id))
        throw new JournalError(`no transaction with id ${JSON.stringify(id)}`, "id");
      this.sql.saveReceipt.run(id, copy, text, savedAt);
    })();
    this.onCommit("receipt:save");
  }

  receipts(id: number): StoredReceipt[] {
    this.ready();
    return this.sql.receipts.all(id) as StoredReceipt[];
  }

  // ---- settlement runs -----------------------------------------------------------------------------

  /** Opens the settlement of `batch` with the totals about to go out in the 0500. */
  beginSettlement(batch: string, totals: BatchTotals): SettlementRun {
    this.ready();
    parseCounter(batch, "batch");
    const checked = JSON.stringify(checkTotals(totals, "totals"));
    const now = this.now();
    const id = this.db.transaction(() => {
      const open = this.openRun();
      if (open) {
        throw new JournalError(
          `the settlement of batch ${open.batch} is still open (${open.stage}): resume it`,
          "batch",
        );
      }
      return Number(this.sql.insertRun.run(batch, checked, now, now).lastInsertRowid);
    })();
    this.onCommit("settlement:begin");
    return this.runById(id);
  }

  /** The open run an interrupted settlement resumes, if any. */
  currentSettlement(): SettlementRun | undefined {
    this.ready();
    return this.openRun();
  }

  updateSettlement(batch: string, patch: SettlementPatch): SettlementRun {
    this.ready();
    const now = this.now();
    const id = this.db.transaction(() => {
      const next = applySettlementPatch(this.requireOpenRun(batch), patch);
      this.writeRun({ ...next, updatedAt: now });
      return next.id;
    })();
    this.onCommit("settlement:update");
    return this.runById(id);
  }

  /** Flags rows as sent in the batch upload, all in one commit; an unknown id rolls back all of them. */
  markUploaded(ids: readonly number[]): void {
    this.ready();
    if (ids.length === 0) return;
    const now = this.now();
    this.db.transaction(() => {
      for (const id of ids) {
        if (this.sql.markUploaded.run(now, id).changes !== 1) {
          throw new JournalError(`no transaction with id ${JSON.stringify(id)}`, "id");
        }
      }
    })();
    this.onCommit("settlement:upload");
  }

  /**
   * Ends the settlement in one commit: every unsettled row of the batch becomes settled, the run is
   * closed, and the batch number advances (when it is still this batch: a sign-in may have moved it).
   */
  closeSettlement(batch: string): SettlementRun {
    this.ready();
    const now = this.now();
    const id = this.db.transaction(() => {
      const run = this.requireOpenRun(batch);
      this.sql.settleBatch.run(now, batch);
      this.writeRun({ ...run, stage: "closed", updatedAt: now, closedAt: now });
      const current = this.sql.counter.get("batch") as number;
      if (current === Number(batch)) this.sql.setCounter.run(nextCounterValue(current), "batch");
      return run.id;
    })();
    this.onCommit("settlement:close");
    return this.runById(id);
  }

  settlementHistory(): SettlementRun[] {
    this.ready();
    return (this.sql.history.all() as SettlementRow[]).map(decodeSettlement);
  }

  // ---- maintenance ---------------------------------------------------------------------------------

  /** Folds the WAL into the database file and truncates it (idle time, before a firmware update). */
  checkpoint(): CheckpointResult {
    this.ready();
    const [result] = this.db.pragma("wal_checkpoint(TRUNCATE)") as CheckpointResult[];
    return result ?? { busy: 0, log: 0, checkpointed: 0 };
  }

  /** SQLite's quick_check: [] when the file is sound, else the problems it lists (boot-time recovery). */
  integrityProblems(): string[] {
    this.ready();
    const lines = this.db.pragma("quick_check", { simple: false }) as { quick_check: string }[];
    return lines.map((l) => l.quick_check).filter((l) => l !== "ok");
  }

  // ---- internals -----------------------------------------------------------------------------------

  private ready(): void {
    if (!this.db.open) throw new JournalError("is closed", "journal");
  }

  private now(): string {
    const date = this.clock();
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
      throw new JournalError("returned an invalid date", "clock");
    }
    return date.toISOString();
  }

  private decode(row: unknown): TransactionRecord | undefined {
    return row === undefined ? undefined : decodeRow(row as TransactionRow);
  }

  private rows(rows: unknown[]): TransactionRecord[] {
    return rows.map((row) => decodeRow(row as TransactionRow));
  }

  private cachedQuery(sql: string): Database.Statement {
    let statement = this.queries.get(sql);
    if (!statement) {
      if (this.queries.size >= QUERY_CACHE_LIMIT) this.queries.clear();
      statement = this.db.prepare(sql);
      this.queries.set(sql, statement);
    }
    return statement;
  }

  private openRun(): SettlementRun | undefined {
    const row = this.sql.openRun.get() as SettlementRow | undefined;
    return row && decodeSettlement(row);
  }

  private requireOpenRun(batch: string): SettlementRun {
    parseCounter(batch, "batch");
    const run = this.openRun();
    if (!run || run.batch !== batch)
      throw new JournalError(`no open settlement run for batch ${batch}`, "batch");
    return run;
  }

  private runById(id: number): SettlementRun {
    return decodeSettlement(this.sql.runById.get(id) as SettlementRow);
  }

  private writeRun(run: SettlementRun): void {
    this.sql.updateRun.run({
      id: run.id,
      stage: run.stage,
      result: run.result ?? null,
      responseCode: run.responseCode ?? null,
      hostTotals: run.hostTotals ? JSON.stringify(run.hostTotals) : null,
      updatedAt: run.updatedAt,
      closedAt: run.closedAt ?? null,
    });
  }
}

/** The journal holds PANs (masked and enciphered) and e-receipts: owner-only, with its WAL and index. */
function restrictMode(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
}
