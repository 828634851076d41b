import type { BatchTotals, TransactionRecord } from "../../firmware/journal/transaction-record.js";
import { FAULT_KINDS, FAULTS, type FaultKind } from "./faults.js";
import type { ScenarioKind } from "./scenario.js";

/** One soak transaction as it ended. */
export interface StepOutcome {
  index: number;
  kind: ScenarioKind;
  /** What actually ran (a void with nothing to void runs as a sale). */
  type: string;
  entry: string;
  amount: number;
  /** Journal status after the reversal queue was flushed, or "refused" / "error". */
  status: string;
  responseCode?: string;
  stan?: string;
  fault?: FaultKind;
  /** Faulted steps: back at a usable state with its invariants holding. */
  survived?: boolean;
  note?: string;
  /** What was thrown, when something was. */
  error?: string;
  /** What the terminal showed when it did not approve. */
  message?: string;
  problems: string[];
}

export interface KindTally {
  attempted: number;
  approved: number;
  declined: number;
  reversed: number;
  failed: number;
  refused: number;
}

export interface FaultTally {
  description: string;
  injected: number;
  survived: number;
}

export interface SoakReport {
  ok: boolean;
  options: { transactions: number; faultRate: number; seed: number };
  byKind: Record<string, KindTally>;
  totals: KindTally;
  faults: Partial<Record<FaultKind, FaultTally>>;
  faultsInjected: number;
  faultsSurvived: number;
  probes: { run: number; approved: number };
  journalRows: number;
  requestsSent: number;
  reversals: { total: number; confirmed: number; byReason: Record<string, number> };
  ledger: { matches: boolean; problems: string[] };
  reversalProblems: string[];
  stans: { unique: boolean; problems: string[] };
  settlement:
    | {
        batch: string;
        nextBatch: string;
        result: "balanced" | "unbalanced";
        uploaded: number;
        debit: BatchTotals;
      }
    | { error: string };
  elapsedMs: number;
  transactionsPerSecond: number;
  violations: string[];
  /** Survived, but worth a look (e.g. an error type the flow does not promise). */
  notes: string[];
  steps: StepOutcome[];
}

export interface ReportInput {
  options: SoakReport["options"];
  outcomes: StepOutcome[];
  records: TransactionRecord[];
  probes: SoakReport["probes"];
  ledgerProblems: string[];
  reversalProblems: string[];
  stanProblems: string[];
  requestsSent: number;
  settlement: SoakReport["settlement"];
  violations: string[];
  notes: string[];
  elapsedMs: number;
}

const emptyTally = (): KindTally => ({
  attempted: 0,
  approved: 0,
  declined: 0,
  reversed: 0,
  failed: 0,
  refused: 0,
});

function count(tally: KindTally, status: string): void {
  tally.attempted++;
  if (status === "approved" || status === "voided") tally.approved++;
  else if (status === "declined") tally.declined++;
  else if (status === "reversed") tally.reversed++;
  else if (status === "refused" || status === "error") tally.refused++;
  else tally.failed++;
}

export function buildReport(input: ReportInput): SoakReport {
  const byKind: Record<string, KindTally> = {};
  const totals = emptyTally();
  const faults: Partial<Record<FaultKind, FaultTally>> = {};
  for (const o of input.outcomes) {
    byKind[o.type] ??= emptyTally();
    count(byKind[o.type]!, o.status);
    count(totals, o.status);
    if (o.fault) {
      faults[o.fault] ??= { description: FAULTS[o.fault].description, injected: 0, survived: 0 };
      const f = faults[o.fault]!;
      f.injected++;
      if (o.survived) f.survived++;
    }
  }
  const reversed = input.records.filter((r) => r.reversal);
  const byReason: Record<string, number> = {};
  for (const r of reversed) byReason[r.reversal!.reason] = (byReason[r.reversal!.reason] ?? 0) + 1;
  const list = Object.values(faults);
  return {
    ok: input.violations.length === 0,
    options: input.options,
    byKind,
    totals,
    faults,
    faultsInjected: list.reduce((n, f) => n + f.injected, 0),
    faultsSurvived: list.reduce((n, f) => n + f.survived, 0),
    probes: input.probes,
    journalRows: input.records.length,
    requestsSent: input.requestsSent,
    reversals: {
      total: reversed.length,
      confirmed: reversed.filter((r) => r.reversal!.state === "confirmed").length,
      byReason,
    },
    ledger: { matches: input.ledgerProblems.length === 0, problems: input.ledgerProblems },
    reversalProblems: input.reversalProblems,
    stans: { unique: input.stanProblems.length === 0, problems: input.stanProblems },
    settlement: input.settlement,
    elapsedMs: input.elapsedMs,
    transactionsPerSecond:
      Math.round((input.outcomes.length / Math.max(1, input.elapsedMs)) * 1000 * 100) / 100,
    violations: input.violations,
    notes: input.notes,
    steps: input.outcomes,
  };
}

const pad = (text: string | number, width: number) => String(text).padEnd(width);
const num = (n: number, width = 10) => String(n).padStart(width);

const HEADINGS = ["attempted", "approved", "declined", "reversed", "failed", "refused"];

/** The reconciliation report as the operator reads it. */
export function formatReport(report: SoakReport): string {
  const lines: string[] = [];
  const { options } = report;
  lines.push(
    `Soak: ${options.transactions} transactions, fault rate ${options.faultRate}, seed ${options.seed}`,
    "",
    `${pad("kind", 22)}${HEADINGS.map((h) => h.padStart(10)).join("")}`,
  );
  const row = (name: string, t: KindTally) =>
    `${pad(name, 22)}${num(t.attempted)}${num(t.approved)}${num(t.declined)}${num(t.reversed)}${num(t.failed)}${num(t.refused)}`;
  for (const [kind, tally] of Object.entries(report.byKind).sort()) lines.push(row(kind, tally));
  lines.push(row("total", report.totals), "");
  lines.push(`Faults injected ${report.faultsInjected}, survived ${report.faultsSurvived}`);
  for (const kind of FAULT_KINDS) {
    const f = report.faults[kind];
    if (f)
      lines.push(
        `  ${pad(kind, 24)}${num(f.injected, 4)} injected ${num(f.survived, 4)} survived   ${f.description}`,
      );
  }
  lines.push(
    `Probe sales after faults: ${report.probes.approved}/${report.probes.run} approved`,
    "",
    `Journal rows ${report.journalRows}, requests sent ${report.requestsSent}`,
    `Reversals ${report.reversals.total} (${report.reversals.confirmed} acknowledged) by reason ${JSON.stringify(report.reversals.byReason)}`,
    `Journal vs host ledger: ${report.ledger.matches ? "match" : `${report.ledger.problems.length} mismatches`}`,
    `STANs: ${report.stans.unique ? "unique, never reused" : `${report.stans.problems.length} reused`}`,
  );
  const s = report.settlement;
  lines.push(
    "error" in s
      ? `Settlement: FAILED ${s.error}`
      : `Settlement: batch ${s.batch} ${s.result}, ${s.uploaded} uploaded, next batch ${s.nextBatch}`,
    `Elapsed ${(report.elapsedMs / 1000).toFixed(1)} s, ${report.transactionsPerSecond} transactions/s`,
    "",
  );
  if (report.notes.length > 0) {
    lines.push(`Notes (${report.notes.length}):`);
    for (const n of report.notes) lines.push(`  - ${n}`);
    lines.push("");
  }
  if (report.ok) lines.push("Result: OK, every invariant holds");
  else {
    lines.push(`Result: FAILED, ${report.violations.length} violation(s):`);
    for (const v of report.violations) lines.push(`  - ${v}`);
  }
  return lines.join("\n");
}
