import type { SettlementRun } from "../journal/settlement-run.js";
import type { BatchTotals, SideTotals } from "../journal/transaction-record.js";
import { type Column, column } from "./columns.js";
import { localTime } from "./local-day.js";
import { yuan } from "./money.js";

/**
 * One row of the settlement list: a settlement run of a batch (已结算 when closed, 结算中 while open),
 * or a batch with money the terminal has not settled yet (待结算, the terminal's totals so far).
 */
export interface SettlementRow {
  terminalId: string;
  merchantId: string;
  batch: string;
  run?: SettlementRun;
  totals: BatchTotals;
  transactionCount: number;
  utcOffsetMinutes: number;
}

export const SETTLEMENT_STATUS = { closed: "已结算", open: "结算中", none: "待结算" } as const;

export function settlementStatus(row: SettlementRow): string {
  if (!row.run) return SETTLEMENT_STATUS.none;
  return row.run.stage === "closed" ? SETTLEMENT_STATUS.closed : SETTLEMENT_STATUS.open;
}

/** Debit (sales side) minus credit (refund side), both domestic and foreign. */
export function settlementNetFen(totals: BatchTotals): number {
  const side = (s: SideTotals) => s.debitAmount - s.creditAmount;
  return side(totals.domestic) + side(totals.foreign);
}

function sideColumns(prefix: "domestic" | "foreign"): Column<SettlementRow>[] {
  return [
    column(`${prefix}DebitCount`, "integer", (r) => r.totals[prefix].debitCount),
    column(`${prefix}DebitFen`, "integer", (r) => r.totals[prefix].debitAmount),
    column(`${prefix}DebitYuan`, "yuan", (r) => yuan(r.totals[prefix].debitAmount)),
    column(`${prefix}CreditCount`, "integer", (r) => r.totals[prefix].creditCount),
    column(`${prefix}CreditFen`, "integer", (r) => r.totals[prefix].creditAmount),
    column(`${prefix}CreditYuan`, "yuan", (r) => yuan(r.totals[prefix].creditAmount)),
  ];
}

/** The settlement list's columns, in file order (docs/reconciliation-files.md documents each). */
export const SETTLEMENT_COLUMNS: readonly Column<SettlementRow>[] = [
  column("terminalId", "string", (r) => r.terminalId),
  column("merchantId", "string", (r) => r.merchantId),
  column("batch", "digits", (r) => r.batch),
  column("settlementStatus", "string", settlementStatus),
  column("stage", "string", (r) => r.run?.stage),
  column("result", "string", (r) => r.run?.result),
  column("responseCode", "string", (r) => r.run?.responseCode),
  column("startedAt", "timestamp", (r) => r.run?.startedAt),
  column("closedAt", "timestamp", (r) => r.run?.closedAt),
  column("localClosedTime", "local-time", (r) =>
    r.run?.closedAt ? localTime(r.run.closedAt, r.utcOffsetMinutes) : undefined,
  ),
  column("transactionCount", "integer", (r) => r.transactionCount),
  ...sideColumns("domestic"),
  ...sideColumns("foreign"),
  column("netFen", "integer", (r) => settlementNetFen(r.totals)),
  column("netYuan", "yuan", (r) => yuan(settlementNetFen(r.totals))),
];
