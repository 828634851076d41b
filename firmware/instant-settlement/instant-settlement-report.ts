import type {
  InstantPayoutStatus,
  InstantSettlementSummary,
} from "../../protocol/iso8583/subfields/instant-settlement.js";
import type { SettlementState, TransactionRecord, TransactionStatus } from "../journal/transaction-record.js";

/** 待结算 / 已结算 as the merchant's books (and firmware/reports) name a journal row's settlement. */
export const SETTLEMENT_NAMES: Record<SettlementState, { zh: string; en: string }> = {
  unsettled: { zh: "待结算", en: "Unsettled" },
  settled: { zh: "已结算", en: "Settled" },
};

export const PAYOUT_NAMES: Record<InstantPayoutStatus, { zh: string; en: string }> = {
  paid: { zh: "已到账", en: "Paid" },
  reversed: { zh: "已冲正扣回", en: "Reversed" },
  voided: { zh: "已撤销扣回", en: "Voided" },
};

/** One sale the host paid D0, joined with this terminal's journal row where it has one. */
export interface InstantPayoutLine {
  stan: string;
  payout: InstantPayoutStatus;
  /** Fen. */
  net: number;
  /** The journal row's status and settlement state (待结算 until the batch closes). */
  journal?: { id: number; status: TransactionStatus; settlement: SettlementState; amount: number };
}

export interface InstantSettlementReport {
  summary: InstantSettlementSummary;
  lines: InstantPayoutLine[];
}

/** Joins the host's per-STAN records with the journal (`find` looks a STAN up, newest batch first). */
export function instantSettlementReport(
  summary: InstantSettlementSummary,
  find: (stan: string) => TransactionRecord | undefined,
): InstantSettlementReport {
  return {
    summary,
    lines: summary.records.map((record) => {
      const row = find(record.stan);
      const line: InstantPayoutLine = { stan: record.stan, payout: record.status, net: record.net };
      if (row) {
        line.journal = { id: row.id, status: row.status, settlement: row.settlement, amount: row.amount };
      }
      return line;
    }),
  };
}

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

/** The summary screen's line: balance first (what the merchant asks for), then the day's counts. */
export function instantSummaryText(summary: InstantSettlementSummary): { zh: string; en: string } {
  if (!summary.enabled) return { zh: "本商户未开通实时到账", en: "Instant settlement (D0) is not enabled" };
  return {
    zh:
      `可用余额 ¥${yuan(summary.balance)} 到账${summary.paidCount}笔 ¥${yuan(summary.net)}` +
      ` 手续费 ¥${yuan(summary.fees)} 扣回${summary.clawedBackCount}笔 ¥${yuan(summary.clawedBackAmount)}`,
    en:
      `Balance CNY ${yuan(summary.balance)}; paid ${summary.paidCount}, net CNY ${yuan(summary.net)}` +
      `, fees CNY ${yuan(summary.fees)}; clawed back ${summary.clawedBackCount}, CNY ${yuan(summary.clawedBackAmount)}`,
  };
}
