import type { TransactionRecord } from "../../firmware/journal/index.js";
import type { LedgerEntry } from "../host-sim/ledger.js";

/** A request as it left the terminal: enough to see STAN reuse. */
export interface SentRequest {
  mti: string;
  stan: string;
}

const FINANCIAL_MTI = /^0[12][02]0$/;

/**
 * 对账, strict form: every approved-and-not-reversed journal row has its host twin (same STAN, batch,
 * amount) approved and in force; a reversed row's twin is absent (never reached the host) or reversed;
 * a declined or failed row took no money; nothing approved and in force at the host is unknown to the
 * journal or held there as anything but approved.
 */
export function compareWithLedger(
  records: readonly TransactionRecord[],
  ledger: readonly LedgerEntry[],
  terminalId: string,
): string[] {
  const problems: string[] = [];
  const ours = ledger.filter((e) => e.terminalId === terminalId && FINANCIAL_MTI.test(e.mti));
  const key = (stan: string, batch: string) => `${batch}/${stan}`;
  const twins = new Map<string, LedgerEntry[]>();
  for (const e of ours) {
    const k = key(e.stan, e.batch);
    twins.set(k, [...(twins.get(k) ?? []), e]);
  }
  const inForce = (e: LedgerEntry) => e.approved && e.status !== "reversed";
  for (const r of records) {
    const found = twins.get(key(r.stan, r.batch)) ?? [];
    const label = `STAN ${r.stan} batch ${r.batch} (${r.type} ${r.status} ${r.amount})`;
    if (found.length > 1) problems.push(`${label}: ${found.length} host entries for one STAN`);
    const twin = found[0];
    const confirmedReversal = r.reversal?.state === "confirmed";
    if ((r.status === "approved" || r.status === "voided") && !confirmedReversal) {
      if (!twin) problems.push(`${label}: approved in the journal, not in the host ledger`);
      else if (!inForce(twin)) problems.push(`${label}: approved in the journal, host ${twin.status}`);
      else if (r.type !== "balance" && twin.amount !== r.amount)
        problems.push(`${label}: host amount ${twin.amount}`);
    } else if (r.status === "reversed") {
      if (!confirmedReversal) problems.push(`${label}: reversed without a confirmed reversal`);
      if (twin && inForce(twin))
        problems.push(`${label}: reversed in the journal, still in force at the host`);
    } else if (r.status === "pending") {
      problems.push(`${label}: still pending (reversal ${r.reversal?.state ?? "none"})`);
    } else if (twin && inForce(twin)) {
      problems.push(`${label}: the host approved it and holds it in force`);
    }
  }
  const known = new Set(records.map((r) => key(r.stan, r.batch)));
  for (const e of ours) {
    if (inForce(e) && !known.has(key(e.stan, e.batch))) {
      problems.push(
        `host ${e.mti} STAN ${e.stan} batch ${e.batch} ${e.amount}: approved, unknown to the journal`,
      );
    }
  }
  return problems;
}

/** Every reversal the journal holds was acknowledged by the host (none pending or abandoned). */
export function checkReversals(records: readonly TransactionRecord[]): string[] {
  return records
    .filter((r) => r.reversal && r.reversal.state !== "confirmed")
    .map(
      (r) =>
        `STAN ${r.stan}: reversal ${r.reversal!.reason} ${r.reversal!.state} after ${r.reversal!.attempts} attempts`,
    );
}

/**
 * Counters never reused: each journal row has its own STAN, and on the wire a STAN belongs to one
 * request kind. A reversal (0400) and an IC batch upload (0320, reference §1.7: fields 2, 4, 11…) repeat
 * their original's STAN by design: they are left out.
 */
export function checkStans(records: readonly TransactionRecord[], sent: readonly SentRequest[]): string[] {
  const problems: string[] = [];
  const rows = new Map<string, number>();
  for (const r of records) rows.set(r.stan, (rows.get(r.stan) ?? 0) + 1);
  for (const [stan, n] of rows) if (n > 1) problems.push(`STAN ${stan}: ${n} journal rows`);
  const byStan = new Map<string, Map<string, number>>();
  for (const s of sent) {
    if (s.mti.startsWith("04") || s.mti === "0320") continue;
    const mtis = byStan.get(s.stan) ?? new Map<string, number>();
    mtis.set(s.mti, (mtis.get(s.mti) ?? 0) + 1);
    byStan.set(s.stan, mtis);
  }
  for (const [stan, mtis] of byStan) {
    if (mtis.size > 1) problems.push(`STAN ${stan}: sent as ${[...mtis.keys()].join(" and ")}`);
    for (const [mti, n] of mtis) {
      if (FINANCIAL_MTI.test(mti) && n > 1) problems.push(`STAN ${stan}: ${mti} sent ${n} times`);
    }
  }
  return problems;
}
