import { KIND_OF } from "../../../firmware/transactions/kinds.js";
import type { LedgerEntry } from "../../../tools/host-sim/ledger.js";
import type { PowerCutReport } from "../../../tools/terminal/power-cut-child.js";
import type { HostExchange } from "./power-cut-harness.js";

type Row = PowerCutReport["journal"]["rows"][number];

/** What one power-cut run left, seen from both sides after the terminal recovered. */
export interface RunEvidence {
  /** The report of the recover-and-check life. */
  report: PowerCutReport;
  /** The host ledger, this run's terminal only. */
  ledger: LedgerEntry[];
  /** Every request the host processed for this terminal (its transaction log). */
  exchanges: HostExchange[];
  /** Fen the test cards' accounts lost over the run (host balances before − after). */
  charged: number;
  /** Fen the test cards' accounts hold for pre-authorisations at the end (held after − before). */
  held?: number;
}

const key = (batch: string, stan: string) => `${batch}/${stan}`;
/** Ledger transactions that move money or hold it (balance inquiries and management do neither). */
const MONEY: ReadonlySet<string> = new Set([
  "sale",
  "void",
  "refund",
  "preAuth",
  "preAuthVoid",
  "completion",
  "completionAdvice",
  "completionVoid",
  "offlineSale",
]);
const DEBITS: ReadonlySet<string> = new Set(["sale", "completion", "completionAdvice", "offlineSale"]);
const CREDITS: ReadonlySet<string> = new Set(["void", "refund", "completionVoid"]);
const isMoney = (e: LedgerEntry) => e.mti !== "0400" && MONEY.has(e.transaction);
const inForce = (e: LedgerEntry) => e.approved && e.status !== "reversed";
/** A 0400 that undid an approved original (the host notes "reversed seq N"). */
const tookEffect = (e: LedgerEntry) => e.mti === "0400" && /reversed seq \d+/.test(e.note ?? "");
/** The ledger's name for a journal row's type: the factor-table kind (balance inquiries move no money). */
const SIM_KIND: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(KIND_OF).filter(([type]) => type !== "balance"),
);

/**
 * Nothing charged twice: per STAN at most one money request of a kind reached the host, and at most one
 * is in force; at most one 0400 per STAN undid anything; the money that left the cards is exactly the
 * debits still in force at the host less the credits in force, and the amount held is exactly the
 * pre-authorisations still open.
 */
export function nothingChargedTwice(run: RunEvidence): string[] {
  const problems: string[] = [];
  const requests = new Map<string, LedgerEntry[]>();
  for (const e of run.ledger.filter(isMoney)) {
    const k = `${key(e.batch, e.stan)} ${e.transaction}`;
    requests.set(k, [...(requests.get(k) ?? []), e]);
  }
  for (const [k, list] of requests) {
    if (list.length > 1) problems.push(`STAN ${k}: ${list.length} requests reached the host`);
  }
  const byStan = new Map<string, number>();
  for (const e of run.ledger.filter((x) => isMoney(x) && inForce(x)))
    byStan.set(key(e.batch, e.stan), (byStan.get(key(e.batch, e.stan)) ?? 0) + 1);
  for (const [k, n] of byStan) if (n > 1) problems.push(`STAN ${k}: ${n} entries in force`);
  const effective = new Map<string, number>();
  for (const e of run.ledger.filter(tookEffect))
    effective.set(key(e.batch, e.stan), (effective.get(key(e.batch, e.stan)) ?? 0) + 1);
  for (const [k, n] of effective) if (n > 1) problems.push(`STAN ${k}: ${n} reversals took effect`);
  const live = run.ledger.filter((e) => isMoney(e) && inForce(e));
  const net =
    live.filter((e) => DEBITS.has(e.transaction)).reduce((sum, e) => sum + e.amount, 0) -
    live.filter((e) => CREDITS.has(e.transaction)).reduce((sum, e) => sum + e.amount, 0);
  if (run.charged !== net)
    problems.push(`cards charged ${run.charged} fen, host debits less credits in force ${net} fen`);
  const open = live
    .filter((e) => e.transaction === "preAuth" && e.status === "approved")
    .reduce((sum, e) => sum + e.amount, 0);
  if ((run.held ?? 0) !== open)
    problems.push(`cards hold ${run.held ?? 0} fen, open pre-authorisations ${open} fen`);
  return problems;
}

/**
 * The journal and the host agree once recovery is over: no row left pending, no reversal left pending;
 * approved (or voided later) ⇔ in force at the host; a row the terminal reversed is not in force at the
 * host (never arrived, declined, or reversed there by exactly one 0400 that took effect); and every money
 * entry in force at the host has its row (no approval lost).
 */
export function journalAgreesWithHost(run: RunEvidence): string[] {
  const problems: string[] = [];
  const { rows, pendingReversals } = run.report.journal;
  if (pendingReversals.length > 0) problems.push(`reversals still pending: ${pendingReversals.join(", ")}`);
  const twinOf = (r: Row) =>
    run.ledger.find(
      (e) => isMoney(e) && e.transaction === SIM_KIND[r.type] && e.batch === r.batch && e.stan === r.stan,
    );
  for (const r of rows.filter((row) => SIM_KIND[row.type] !== undefined)) {
    const twin = twinOf(r);
    const at = `${r.type} STAN ${key(r.batch, r.stan)}`;
    switch (r.status) {
      case "approved":
      case "voided":
        if (!twin || !inForce(twin))
          problems.push(`${at}: ${r.status} in the journal, host ${twin?.status ?? "never saw it"}`);
        break;
      case "reversed": {
        if (twin && inForce(twin)) problems.push(`${at}: reversed in the journal but in force at the host`);
        const undone = run.ledger.filter(
          (e) => tookEffect(e) && e.batch === r.batch && e.stan === r.stan,
        ).length;
        if (twin?.approved && undone !== 1)
          problems.push(`${at}: approved at the host, ${undone} reversals took effect`);
        if (r.reversal?.state !== "confirmed")
          problems.push(`${at}: reversed without a confirmed reversal record`);
        break;
      }
      case "declined":
      case "failed":
        if (twin && inForce(twin))
          problems.push(`${at}: ${r.status} in the journal but in force at the host`);
        break;
      default:
        problems.push(`${at}: still ${r.status} after recovery`);
    }
  }
  for (const e of run.ledger.filter((x) => isMoney(x) && inForce(x))) {
    const row = rows.find(
      (r) => SIM_KIND[r.type] === e.transaction && r.batch === e.batch && r.stan === e.stan,
    );
    if (row?.status !== "approved" && row?.status !== "voided")
      problems.push(
        `${e.transaction} STAN ${key(e.batch, e.stan)}: in force at the host, journal ${row?.status ?? "has no row"}`,
      );
  }
  return problems;
}

/**
 * Counters never reused: every request the host saw from this terminal (0400 and 0320 repeat an original's
 * STAN by design, so they are left out, and a 0220 may be sent again as it was) has its own STAN, the journal's rows too, and the terminal's next
 * STAN is past every one the host saw.
 */
export function countersNeverReused(run: RunEvidence): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const e of run.exchanges.filter((x) => x.mti !== "0400" && x.mti !== "0320")) {
    const before = seen.get(e.stan);
    // A 0220 whose answer was lost goes again as it left (same STAN): a repeat, not a reuse.
    if (before === `${e.mti} ${e.transaction}` && e.mti === "0220") continue;
    if (before) problems.push(`STAN ${e.stan} used twice: ${before} and ${e.mti} ${e.transaction}`);
    seen.set(e.stan, `${e.mti} ${e.transaction}`);
  }
  const rowStans = run.report.journal.rows.map((r) => r.stan);
  if (new Set(rowStans).size !== rowStans.length)
    problems.push(`journal STANs repeat: ${rowStans.join(", ")}`);
  const next = Number(run.report.journal.nextStan);
  const highest = Math.max(0, ...[...seen.keys()].map(Number));
  if (next <= highest)
    problems.push(`next STAN ${run.report.journal.nextStan} is not past ${highest}, already used`);
  return problems;
}

/**
 * Every approved slip survives the cut: at boot each approved row either has all its e-receipt copies
 * stored or is on the print list (unprinted()); after recovery printed it, every configured copy is on
 * paper and stored as an e-receipt.
 */
export function slipsComplete(run: RunEvidence): string[] {
  const problems: string[] = [];
  const { rows, copies, unprinted } = run.report.journal;
  const result = run.report.result as {
    atBoot?: { stan: string; copiesPrinted: number; receipts: number }[];
    unprintedAtBoot?: string[];
    printed?: { stan: string; ok: boolean }[];
  };
  for (const r of result.atBoot ?? []) {
    if (r.receipts < copies && !result.unprintedAtBoot?.includes(r.stan))
      problems.push(
        `STAN ${r.stan}: at boot ${r.receipts} of ${copies} e-receipts and not on the print list`,
      );
  }
  for (const p of result.printed ?? [])
    if (!p.ok) problems.push(`STAN ${p.stan}: reprint after the cut failed`);
  if (unprinted.length > 0) problems.push(`slips still unprinted: ${unprinted.join(", ")}`);
  for (const r of rows.filter((row) => row.status === "approved" && row.type !== "balance")) {
    if (r.copiesPrinted !== copies)
      problems.push(`STAN ${r.stan}: ${r.copiesPrinted} of ${copies} copies printed`);
    if (r.receipts.length !== copies)
      problems.push(`STAN ${r.stan}: ${r.receipts.length} of ${copies} e-receipts stored`);
  }
  return problems;
}

export interface HostSettlements {
  /** The host's current batch for this terminal. */
  batch: string;
  /** 0500s the host accepted (it closes the batch on each), by batch. */
  settled: { batch: string; uploadEnd?: { code: string; count: number } }[];
}

/**
 * The batch closes exactly once: one 0500 accepted for it at the host, one closed run in the journal, every
 * row of it settled, the upload ended, and terminal and host moved on to the same next batch.
 */
export function settledOnce(run: RunEvidence, batch: string, host: HostSettlements): string[] {
  const problems: string[] = [];
  const { journal } = run.report;
  const accepted = host.settled.filter((s) => s.batch === batch);
  if (accepted.length !== 1) problems.push(`host accepted ${accepted.length} settlements of batch ${batch}`);
  if (accepted[0] && !accepted[0].uploadEnd) problems.push(`host never saw the batch upload END of ${batch}`);
  const runs = journal.settlements.filter((s) => s.batch === batch);
  if (runs.length !== 1 || runs[0]?.stage !== "closed")
    problems.push(
      `journal has ${runs.length} settlement runs of ${batch}: ${runs.map((r) => r.stage).join(", ")}`,
    );
  const open = journal.settlements.filter((s) => s.stage !== "closed");
  if (open.length > 0) problems.push(`settlement runs still open: ${open.map((s) => s.batch).join(", ")}`);
  for (const r of journal.rows.filter((row) => row.batch === batch && row.settlement !== "settled"))
    problems.push(`STAN ${r.stan} of batch ${batch} is ${r.settlement}`);
  if (journal.batch !== host.batch)
    problems.push(`terminal at batch ${journal.batch}, host at ${host.batch}`);
  if (Number(journal.batch) !== Number(batch) + 1)
    problems.push(`terminal at batch ${journal.batch} after closing ${batch}`);
  return problems;
}
