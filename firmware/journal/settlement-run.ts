import { JournalError } from "./journal-error.js";
import { checkTotals } from "./journal-totals.js";
import type { BatchTotals } from "./transaction-record.js";

/**
 * One settlement of one batch, persisted stage by stage so that a power cut anywhere in 0500 → 0320… →
 * close resumes where it stopped. Stages only move forward:
 *   totals-sent  the run was begun with these terminal totals; the 0500 is (being) sent
 *   uploading    the host answered "unbalanced" (or asked for the upload): 0320s are going out, rows
 *                carry their own `uploaded` flag
 *   upload-done  the batch upload ended (last 0320 answered)
 *   closed       rows settled and batch number advanced — only via Journal.closeSettlement, in one commit
 */
export const SETTLEMENT_STAGES = ["totals-sent", "uploading", "upload-done", "closed"] as const;
export type SettlementStage = (typeof SETTLEMENT_STAGES)[number];
export type SettlementResult = "balanced" | "unbalanced";

export interface SettlementRun {
  id: number;
  batch: string;
  stage: SettlementStage;
  /** The terminal's totals sent in the 0500. */
  totals: BatchTotals;
  result?: SettlementResult;
  responseCode?: string;
  /** The host's totals, where its reply carries them. */
  hostTotals?: BatchTotals;
  startedAt: string;
  updatedAt: string;
  closedAt?: string;
}

/** What a flow may change on an open run. */
export type SettlementPatch = Partial<
  Pick<SettlementRun, "stage" | "result" | "responseCode" | "hostTotals">
>;

const PATCH_KEYS: ReadonlySet<string> = new Set(["stage", "result", "responseCode", "hostTotals"]);

export interface SettlementRow {
  id: number;
  batch: string;
  stage: string;
  totals: string;
  result: string | null;
  response_code: string | null;
  host_totals: string | null;
  started_at: string;
  updated_at: string;
  closed_at: string | null;
}

export function decodeSettlement(row: SettlementRow): SettlementRun {
  const run: SettlementRun = {
    id: Number(row.id),
    batch: row.batch,
    stage: row.stage as SettlementStage,
    totals: JSON.parse(row.totals) as BatchTotals,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
  };
  if (row.result !== null) run.result = row.result as SettlementResult;
  if (row.response_code !== null) run.responseCode = row.response_code;
  if (row.host_totals !== null) run.hostTotals = JSON.parse(row.host_totals) as BatchTotals;
  if (row.closed_at !== null) run.closedAt = row.closed_at;
  return run;
}

/** The run after `patch`, refusing unknown keys, backward stages and closing outside closeSettlement. */
export function applySettlementPatch(run: SettlementRun, patch: SettlementPatch): SettlementRun {
  if (typeof patch !== "object" || patch === null) throw new JournalError("must be an object", "patch");
  for (const key of Object.keys(patch)) {
    if (!PATCH_KEYS.has(key)) throw new JournalError("cannot be changed on a settlement run", key);
  }
  const next: SettlementRun = { ...run };
  if (patch.stage !== undefined) {
    const to = SETTLEMENT_STAGES.indexOf(patch.stage);
    if (to < 0) throw new JournalError(`must be one of ${SETTLEMENT_STAGES.join(", ")}`, "stage");
    if (patch.stage === "closed") throw new JournalError("a run is closed only by closeSettlement", "stage");
    if (to < SETTLEMENT_STAGES.indexOf(run.stage)) {
      throw new JournalError(`cannot go back from ${run.stage} to ${patch.stage}`, "stage");
    }
    next.stage = patch.stage;
  }
  if (patch.result !== undefined) {
    if (patch.result !== "balanced" && patch.result !== "unbalanced") {
      throw new JournalError(`must be balanced or unbalanced, got ${JSON.stringify(patch.result)}`, "result");
    }
    next.result = patch.result;
  }
  if (patch.responseCode !== undefined) {
    if (typeof patch.responseCode !== "string") throw new JournalError("must be a string", "responseCode");
    next.responseCode = patch.responseCode;
  }
  if (patch.hostTotals !== undefined) next.hostTotals = checkTotals(patch.hostTotals, "hostTotals");
  return next;
}
