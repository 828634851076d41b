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
}

const key = (batch: string, stan: string) => `${batch}/${stan}`;
const isSale = (e: LedgerEntry) => e.mti === "0200" && e.transaction === "sale";
const inForce = (e: LedgerEntry) => e.approved && e.status !== "reversed";
/** A 0400 that undid an approved original (the host notes "reversed seq N"). */
const tookEffect = (e: LedgerEntry) => e.mti === "0400" && /reversed seq \d+/.test(e.note ?? "");

/**
 * Nothing charged twice: per STAN at most one sale request reached the host, and at most one of them is
 * in force; at most one 0400 per STAN undid anything; the money that left the cards is exactly the sales
 * still in force at the host.
 */
export function nothingChargedTwice(run: RunEvidence): string[] {
  const problems: string[] = [];
  const sales = new Map<string, LedgerEntry[]>();
  for (const e of run.ledger.filter(isSale))
    sales.set(key(e.batch, e.stan), [...(sales.get(key(e.batch, e.stan)) ?? []), e]);
  for (const [k, list] of sales) {
    if (list.length > 1) problems.push(`STAN ${k}: ${list.length} sale requests reached the host`);
    if (list.filter(inForce).length > 1)
      problems.push(`STAN ${k}: charged ${list.filter(inForce).length} times`);
  }
  const effective = new Map<string, number>();
  for (const e of run.ledger.filter(tookEffect))
    effective.set(key(e.batch, e.stan), (effective.get(key(e.batch, e.stan)) ?? 0) + 1);
  for (const [k, n] of effective) if (n > 1) problems.push(`STAN ${k}: ${n} reversals took effect`);
  const inForceTotal = run.ledger
    .filter((e) => isSale(e) && inForce(e))
    .reduce((sum, e) => sum + e.amount, 0);
  if (run.charged !== inForceTotal)
    problems.push(`cards charged ${run.charged} fen, host sales in force ${inForceTotal} fen`);
  return problems;
}

/**
 * The journal and the host agree once recovery is over: no row left pending, no reversal left pending;
 * approved ⇔ approved and not reversed at the host; a row the terminal reversed is not in force at the host
 * (never arrived, declined, or reversed there by exactly one 0400 that took effect); and every sale in force
 * at the host has its approved row (no approval lost).
 */
export function journalAgreesWithHost(run: RunEvidence): string[] {
  const problems: string[] = [];
  const { rows, pendingReversals } = run.report.journal;
  if (pendingReversals.length > 0) problems.push(`reversals still pending: ${pendingReversals.join(", ")}`);
  const twinOf = (r: Row) => run.ledger.find((e) => isSale(e) && e.batch === r.batch && e.stan === r.stan);
  for (const r of rows.filter((row) => row.type === "sale")) {
    const twin = twinOf(r);
    const at = `STAN ${key(r.batch, r.stan)}`;
    switch (r.status) {
      case "approved":
        if (!twin || !inForce(twin))
          problems.push(`${at}: approved in the journal, host ${twin?.status ?? "never saw it"}`);
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
  for (const e of run.ledger.filter((x) => isSale(x) && inForce(x))) {
    const row = rows.find((r) => r.type === "sale" && r.batch === e.batch && r.stan === e.stan);
    if (row?.status !== "approved")
      problems.push(
        `STAN ${key(e.batch, e.stan)}: in force at the host, journal ${row?.status ?? "has no row"}`,
      );
  }
  return problems;
}

/**
 * Counters never reused: every request the host saw from this terminal (0400 and 0320 repeat an original's
 * STAN by design, so they are left out) has its own STAN, the journal's rows too, and the terminal's next
 * STAN is past every one the host saw.
 */
export function countersNeverReused(run: RunEvidence): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const e of run.exchanges.filter((x) => x.mti !== "0400" && x.mti !== "0320")) {
    const before = seen.get(e.stan);
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
