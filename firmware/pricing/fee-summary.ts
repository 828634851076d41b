import type { TransactionRecord, TransactionType } from "../journal/transaction-record.js";
import { estimateFee, feeCategory } from "./estimate-fee.js";
import type { FeeCategory } from "./fee-rates.js";

export interface FeeSummaryRow {
  label: string;
  /** Transactions counted (refunds included: a count, not a net). */
  count: number;
  /** Net amount in fen: charges minus refunds. */
  amount: number;
  /** Net estimated fee in fen: each transaction's fee, refunds' fees subtracted. */
  fee: number;
}

/** Charges add; a refund subtracts (acquirers return the fee on a refunded amount). */
const SIGN: Partial<Record<TransactionType, 1 | -1>> = {
  sale: 1,
  "preauth-completion": 1,
  "preauth-completion-advice": 1,
  refund: -1,
};

/** Report rows in this order, bilingual like the rest of the settlement slip. */
const ROWS: readonly { category: FeeCategory; foreign: boolean; label: string }[] = [
  { category: "debit", foreign: false, label: "内卡借记 Domestic debit" },
  { category: "credit", foreign: false, label: "内卡贷记 Domestic credit" },
  { category: "credit", foreign: true, label: "外卡 Foreign card" },
  { category: "qr", foreign: false, label: "扫码 QR" },
];
export const FEE_TOTAL_LABEL = "合计 Total";

/**
 * The fee estimate of the settlement report. Counted: approved sales, completions (online and
 * advice) and refunds of the records given (the caller passes the batch). Left out: voided and
 * reversed ones (their status is no longer "approved"), approvals whose reversal is pending or
 * confirmed, voids themselves, pre-authorisations (they hold, not charge) and balance inquiries.
 * Unknown-kind domestic cards fall in the credit row (estimated at the credit rate). Rows appear
 * when they have transactions; the total row always comes last.
 */
export function feeSummary(records: readonly TransactionRecord[]): FeeSummaryRow[] {
  const rows = ROWS.map((r) => ({ ...r, count: 0, amount: 0, fee: 0 }));
  for (const record of records) {
    const sign = SIGN[record.type];
    if (sign === undefined || record.status !== "approved") continue;
    if (record.reversal && record.reversal.state !== "abandoned") continue;
    const input = {
      channel: record.entryMode === "qr" ? "qr" : "card",
      cardKind: record.cardKind,
      domestic: record.domestic,
      amount: record.amount,
    } as const;
    const category = feeCategory(input);
    const foreign = category === "credit" && !record.domestic;
    const row = rows.find((r) => r.category === category && r.foreign === foreign)!;
    row.count += 1;
    row.amount += sign * record.amount;
    row.fee += sign * estimateFee(input);
  }
  const used = rows
    .filter((r) => r.count > 0)
    .map(({ label, count, amount, fee }) => ({ label, count, amount, fee }));
  const total: FeeSummaryRow = { label: FEE_TOTAL_LABEL, count: 0, amount: 0, fee: 0 };
  for (const row of used) {
    total.count += row.count;
    total.amount += row.amount;
    total.fee += row.fee;
  }
  return [...used, total];
}
