import { csvField } from "../journal/journal-export.js";
import type { JournalFilter } from "../journal/journal-filter.js";
import type { SettlementRun } from "../journal/settlement-run.js";
import type { BatchTotals, TransactionRecord } from "../journal/transaction-record.js";
import { DEFAULT_UTC_OFFSET_MINUTES } from "../receipts/slip-time.js";
import type { CellValue, Column } from "./columns.js";
import { localDay, localDayBounds } from "./local-day.js";
import { yuan } from "./money.js";
import { ReportError } from "./report-error.js";
import { SETTLEMENT_COLUMNS, type SettlementRow } from "./settlement-columns.js";
import { netFen, TRANSACTION_COLUMNS } from "./transaction-columns.js";

/** What the reports read from the journal (Journal implements it; read-only). */
export interface ReconciliationSource {
  query(filter?: JournalFilter): TransactionRecord[];
  settlementHistory(): SettlementRun[];
  totals(batch: string): BatchTotals;
}

export type ReconciliationScope = { batch: string } | { day: string };
export const RECONCILIATION_KINDS = ["transactions", "settlements"] as const;
export type ReconciliationKind = (typeof RECONCILIATION_KINDS)[number];
export const RECONCILIATION_FORMATS = ["csv", "json"] as const;
export type ReconciliationFormat = (typeof RECONCILIATION_FORMATS)[number];

export interface ReconciliationOptions {
  scope: ReconciliationScope;
  kind: ReconciliationKind;
  format: ReconciliationFormat;
  /** Whose files these are (the settlement rows carry them; transactions carry their own). */
  identity: { terminalId: string; merchantId: string };
  /** The merchant's local time: days and local times (default 480, Beijing). */
  utcOffsetMinutes?: number;
  generatedAt?: Date;
}

export const SCHEMA_VERSION = 1;

/** The transactions of a batch, or created on a local day, oldest first. */
export function transactionsIn(
  source: ReconciliationSource,
  scope: ReconciliationScope,
  utcOffsetMinutes = DEFAULT_UTC_OFFSET_MINUTES,
): TransactionRecord[] {
  if ("batch" in scope) return source.query({ batch: checkBatch(scope.batch) });
  const { from, to } = localDayBounds(scope.day, utcOffsetMinutes);
  return source.query({ from, to });
}

/**
 * The settlement list: for a batch, its settlement run(s) or, when it has none yet, one 待结算 row with
 * the terminal's totals so far; for a day, the same for every batch with a transaction created or a
 * settlement run started or closed that local day.
 */
export function settlementsIn(
  source: ReconciliationSource,
  scope: ReconciliationScope,
  identity: { terminalId: string; merchantId: string },
  utcOffsetMinutes = DEFAULT_UTC_OFFSET_MINUTES,
): SettlementRow[] {
  const history = source.settlementHistory();
  let batches: string[];
  if ("batch" in scope) batches = [checkBatch(scope.batch)];
  else {
    const onDay = (iso: string | undefined) =>
      iso !== undefined && localDay(iso, utcOffsetMinutes) === scope.day;
    const found = new Set(transactionsIn(source, scope, utcOffsetMinutes).map((r) => r.batch));
    for (const run of history) if (onDay(run.startedAt) || onDay(run.closedAt)) found.add(run.batch);
    batches = [...found].sort();
  }
  const rows: SettlementRow[] = [];
  for (const batch of batches) {
    const base = { ...identity, batch, utcOffsetMinutes, transactionCount: source.query({ batch }).length };
    const runs = history.filter((run) => run.batch === batch);
    for (const run of runs) rows.push({ ...base, run, totals: run.totals });
    if (runs.length === 0 && base.transactionCount > 0) rows.push({ ...base, totals: source.totals(batch) });
  }
  return rows;
}

/** One reconciliation file's text (CSV or JSON) as docs/reconciliation-files.md describes it. */
export function reconciliationFile(source: ReconciliationSource, options: ReconciliationOptions): string {
  const offset = options.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES;
  if (!RECONCILIATION_KINDS.includes(options.kind)) {
    throw new ReportError(`must be one of ${RECONCILIATION_KINDS.join(", ")}`, "kind");
  }
  if (!RECONCILIATION_FORMATS.includes(options.format)) {
    throw new ReportError(`must be one of ${RECONCILIATION_FORMATS.join(", ")}`, "format");
  }
  let table: {
    columns: readonly Column<never>[];
    rows: Record<string, CellValue>[];
    totals: Record<string, number | string>;
  };
  if (options.kind === "transactions") {
    const records = transactionsIn(source, options.scope, offset);
    const rows = transactionCells(records, offset);
    const net = records.reduce((sum, r) => sum + netFen(r), 0);
    table = {
      columns: TRANSACTION_COLUMNS,
      rows,
      totals: { count: rows.length, netFen: net, netYuan: yuan(net) },
    };
  } else {
    const list = settlementsIn(source, options.scope, options.identity, offset);
    const rows = list.map((row) => cells(SETTLEMENT_COLUMNS, row));
    const net = rows.reduce((sum, r) => sum + (r.netFen as number), 0);
    table = {
      columns: SETTLEMENT_COLUMNS,
      rows,
      totals: { count: rows.length, netFen: net, netYuan: yuan(net) },
    };
  }
  const names = table.columns.map((c) => c.name);
  if (options.format === "csv") return csvText(names, table.rows);
  const scope =
    "batch" in options.scope
      ? { batch: options.scope.batch }
      : { day: options.scope.day, utcOffsetMinutes: offset };
  return `${JSON.stringify(
    {
      schema: `pos.reconciliation.${options.kind}`,
      version: SCHEMA_VERSION,
      terminalId: options.identity.terminalId,
      merchantId: options.identity.merchantId,
      scope,
      generatedAt: (options.generatedAt ?? new Date()).toISOString(),
      columns: names,
      rows: table.rows,
      totals: table.totals,
    },
    null,
    2,
  )}\n`;
}

/** The transaction list's rows (column name → value) of some records, e.g. a query's result. */
export function transactionCells(
  records: readonly TransactionRecord[],
  utcOffsetMinutes = DEFAULT_UTC_OFFSET_MINUTES,
): Record<string, CellValue>[] {
  return records.map((record) => cells(TRANSACTION_COLUMNS, { record, utcOffsetMinutes }));
}

/** RFC 4180 text: the header line, then one line per row, CRLF line ends, absent values empty. */
export function csvText(names: readonly string[], rows: readonly Record<string, CellValue>[]): string {
  const lines = [names.map(csvField).join(",")];
  for (const row of rows) lines.push(names.map((n) => csvField(row[n] ?? undefined)).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function cells<R>(columns: readonly Column<R>[], row: R): Record<string, CellValue> {
  return Object.fromEntries(columns.map((c) => [c.name, c.value(row)]));
}

function checkBatch(batch: string): string {
  if (typeof batch !== "string" || !/^\d{6}$/.test(batch) || batch === "000000") {
    throw new ReportError(`must be six digits 000001..999999, got ${JSON.stringify(batch)}`, "batch");
  }
  return batch;
}
