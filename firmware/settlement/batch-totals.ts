import type { SettlementTotals } from "../../protocol/iso8583/subfields/field48.js";
import { CREDIT_TYPES, DEBIT_TYPES } from "../journal/index.js";
import type { BatchTotals, SideTotals, TransactionRecord } from "../journal/transaction-record.js";

const empty = (): SideTotals => ({ debitAmount: 0, debitCount: 0, creditAmount: 0, creditCount: 0 });

/** Rows in the totals (journal-totals.ts has the rule): approved, or approved then voided. */
export function counted(record: TransactionRecord): boolean {
  return record.status === "approved" || record.status === "voided";
}

/** The side of the batch a row's amount is on, or undefined for rows not totalled. */
export function side(record: TransactionRecord): "debit" | "credit" | undefined {
  if (DEBIT_TYPES.includes(record.type)) return "debit";
  if (CREDIT_TYPES.includes(record.type)) return "credit";
  return undefined;
}

/** Field 48 of the 0500 (result digits 0 in a request). */
export function settlementField(totals: BatchTotals): SettlementTotals {
  return { domestic: { ...totals.domestic, result: 0 }, foreign: { ...totals.foreign, result: 0 } };
}

export function fromSettlementField(field: SettlementTotals): BatchTotals {
  const strip = ({ result: _r, ...block }: SettlementTotals["domestic"]): SideTotals => block;
  return { domestic: strip(field.domestic), foreign: field.foreign ? strip(field.foreign) : empty() };
}
