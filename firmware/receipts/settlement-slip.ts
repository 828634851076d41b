import type { ReceiptDocument } from "../../protocol/escpos/document.js";
import type { BatchTotals, SideTotals, TransactionType } from "../journal/transaction-record.js";
import { formatAmount, formatRmb } from "./amount.js";
import { TRANSACTION_TYPE_NAMES } from "./labels.js";
import type { ReceiptOptions } from "./receipt-options.js";
import { DEFAULT_UTC_OFFSET_MINUTES, formatDateTime } from "./slip-time.js";
import { SlipWriter } from "./slip-writer.js";
import { tableRow } from "./table-row.js";

/** What the settlement flow hands the printer after 0510 (and the batch upload, when unbalanced). */
export interface SettlementSlipData {
  terminalId: string;
  merchantId: string;
  batch: string;
  operator: string;
  settledAt: Date;
  /** 对账平 / 对账不平: the host's answer in field 48 of 0510. */
  result: "balanced" | "unbalanced";
  terminalTotals: BatchTotals;
  /** The host's totals, printed beside the terminal's when they differ. */
  hostTotals?: BatchTotals;
  /** Counts per transaction type, signed fen as the journal sums them. */
  byType: { type: TransactionType | string; count: number; amount: number }[];
  /** Fee estimate per card kind / channel ("借记卡 DEBIT", "贷记卡 CREDIT", "扫码 QR"). */
  fees?: { label: string; amount: number; fee: number }[];
  /** 实时到账 (D0) where the merchant has it. */
  instantSettlement?: { status: string; amount: number };
}

const SIDES = [
  { key: "debit", cn: "借记", en: "DEBIT" },
  { key: "credit", cn: "贷记", en: "CREDIT" },
] as const;

function side(totals: SideTotals, key: "debit" | "credit"): { count: number; amount: number } {
  return key === "debit"
    ? { count: totals.debitCount, amount: totals.debitAmount }
    : { count: totals.creditCount, amount: totals.creditAmount };
}

/**
 * 结算单: merchant and batch, 对账平/对账不平, the totals per 内卡/外卡 × 借记/贷记 (field 48's split:
 * debit = sales side, credit = refunds side), the host's figures beside ours when unbalanced (a '*'
 * marks the rows that differ), counts per type, the fee estimate and the D0 line.
 */
export function buildSettlementSlip(data: SettlementSlipData, options: ReceiptOptions): ReceiptDocument {
  const w = new SlipWriter(options.columns, options.showEnglish ?? true);
  const en = w.english;
  const row = (label: string, count: number | string, amount: string) => {
    for (const line of tableRow(label, String(count), amount, w.columns)) w.text(line);
  };

  w.text("结算单", { align: "center", bold: true, width: 2, height: 2 });
  if (en) w.text("SETTLEMENT", { align: "center" });
  for (const line of options.headerLines ?? []) w.text(line, { align: "center" });
  w.rule();
  w.merchant(options, data);
  w.field("批次号", "BATCH NO.", data.batch);
  w.field(
    "日期/时间",
    "DATE/TIME",
    formatDateTime(data.settledAt, options.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES),
  );
  w.rule();
  const balanced = data.result === "balanced";
  const verdict = balanced ? { cn: "对账平", en: "BALANCED" } : { cn: "对账不平", en: "UNBALANCED" };
  w.text(w.label(verdict.cn, verdict.en), { align: "center", bold: true });
  w.rule();

  row(w.label("类型", "TYPE"), "笔数", "金额");
  const host = balanced ? undefined : data.hostTotals;
  for (const region of [
    { key: "domestic", cn: "内卡", en: "DOMESTIC" },
    { key: "foreign", cn: "外卡", en: "FOREIGN" },
  ] as const) {
    w.text(w.label(region.cn, region.en));
    for (const s of SIDES) {
      const ours = side(data.terminalTotals[region.key], s.key);
      const label = ` ${w.label(s.cn, s.en)}`;
      if (!host) {
        row(label, ours.count, formatAmount(ours.amount));
        continue;
      }
      const theirs = side(host[region.key], s.key);
      const differs = theirs.count !== ours.count || theirs.amount !== ours.amount;
      w.text(label);
      row(`  ${w.label("终端", "TERM")}`, ours.count, formatAmount(ours.amount));
      row(`  ${w.label("主机", "HOST")}${differs ? "*" : ""}`, theirs.count, formatAmount(theirs.amount));
    }
  }
  if (!balanced && !data.hostTotals) w.text(en ? "主机总额未知 HOST TOTALS UNKNOWN" : "主机总额未知");

  if (data.byType.length > 0) {
    w.rule();
    w.text(w.label("交易类型", "BY TYPE"));
    for (const entry of data.byType) {
      const names = TRANSACTION_TYPE_NAMES[entry.type as TransactionType];
      const label = names ? (en ? `${names.cn} ${names.en}` : names.cn) : entry.type;
      row(label, entry.count, formatAmount(entry.amount));
    }
  }

  if (data.fees && data.fees.length > 0) {
    w.rule();
    w.text(w.label("手续费(估算)", "FEE ESTIMATE"));
    w.pair(w.label("交易额", "AMOUNT"), w.label("手续费", "FEE"));
    let total = 0;
    for (const fee of data.fees) {
      w.text(fee.label);
      w.pair(`  ${formatAmount(fee.amount)}`, formatAmount(fee.fee));
      total += fee.fee;
    }
    w.field("合计", "TOTAL FEE", formatRmb(total));
  }

  if (data.instantSettlement) {
    w.rule();
    w.field("实时到账", "D0", data.instantSettlement.status);
    w.field("到账金额", "AMOUNT", formatRmb(data.instantSettlement.amount));
  }
  for (const line of options.footerLines ?? []) w.text(line, { align: "center" });
  return w.finish();
}
