import type { ReceiptDocument } from "../../protocol/escpos/document.js";
import type { TransactionRecord, TransactionType } from "../journal/transaction-record.js";
import { formatAmount, formatRmb } from "./amount.js";
import { STATUS_SHORT, signedAmount, TRANSACTION_TYPE_NAMES } from "./labels.js";
import { displayWidth, labelValue, padEndColumns, padStartColumns } from "./layout.js";
import { printedPan } from "./printed-pan.js";
import type { ReceiptOptions } from "./receipt-options.js";
import { SlipWriter } from "./slip-writer.js";

/** Types on the sales side of the totals: money from the card to the merchant. */
const SALES: ReadonlySet<TransactionType> = new Set([
  "sale",
  "preauth-completion",
  "preauth-completion-advice",
]);

export interface DetailTotals {
  count: number;
  salesCount: number;
  salesAmount: number;
  refundCount: number;
  refundAmount: number;
  /** Sales minus refunds, fen. */
  net: number;
}

/**
 * The totals line of the detail report. Only approved rows move money: a voided sale is "voided" (not
 * approved) and its void is not counted either, so the pair nets to zero as it does at the acquirer;
 * pre-authorizations and their voids hold funds without moving them, balance inquiries move nothing.
 */
export function detailTotals(records: readonly TransactionRecord[]): DetailTotals {
  const totals: DetailTotals = {
    count: records.length,
    salesCount: 0,
    salesAmount: 0,
    refundCount: 0,
    refundAmount: 0,
    net: 0,
  };
  for (const r of records) {
    if (r.status !== "approved") continue;
    if (SALES.has(r.type)) {
      totals.salesCount++;
      totals.salesAmount += r.amount;
    } else if (r.type === "refund") {
      totals.refundCount++;
      totals.refundAmount += r.amount;
    }
  }
  totals.net = totals.salesAmount - totals.refundAmount;
  return totals;
}

/** Card column: "*1234", or "QR" / "-" when there is no card number. */
function cardTail(record: TransactionRecord): string {
  const pan = printedPan(record);
  if (pan) return `*${pan.slice(-4)}`;
  return record.entryMode === "qr" ? "QR" : "-";
}

/**
 * One row per transaction: "000456 SALE *1234   128.50 成功" (STAN, type code, card tail, signed amount,
 * status). When the amount does not fit the row (58 mm paper, big amounts) it goes on a second line.
 */
function detailLines(record: TransactionRecord, columns: number): string[] {
  const head = `${record.stan} ${padEndColumns(TRANSACTION_TYPE_NAMES[record.type].code, 4)} ${padEndColumns(cardTail(record), 5)}`;
  const status = STATUS_SHORT[record.status];
  const amount = formatAmount(signedAmount(record.type, record.amount));
  const room = columns - displayWidth(head) - displayWidth(status) - 2;
  if (displayWidth(amount) <= room) {
    return [`${head} ${padStartColumns(amount, room)} ${status}`];
  }
  return [...labelValue(head, status, columns), padStartColumns(amount, columns)];
}

/** 交易明细: every record given (the caller picks batch or date range), oldest first, with totals. */
export function buildDetailReport(
  records: readonly TransactionRecord[],
  options: ReceiptOptions,
  title?: string,
): ReceiptDocument {
  const w = new SlipWriter(options.columns, options.showEnglish ?? true);
  w.text(title ?? "交易明细", { align: "center", bold: true, width: 2, height: 2 });
  if (!title && w.english) w.text("TRANSACTION DETAIL", { align: "center" });
  w.rule();
  w.text(options.merchantName);
  const first = records[0];
  if (first) {
    w.field("商户编号", "MERCHANT NO.", first.merchantId);
    w.field("终端编号", "TERMINAL NO.", first.terminalId);
    const batches = [...new Set(records.map((r) => r.batch))];
    w.field("批次号", "BATCH NO.", batches.join(","));
  }
  w.rule();
  w.pair("凭证号 类型 卡号", "金额 状态");
  for (const record of records) for (const line of detailLines(record, w.columns)) w.text(line);
  if (records.length === 0) w.text(w.english ? "无交易 NO TRANSACTIONS" : "无交易", { align: "center" });
  w.rule();
  const totals = detailTotals(records);
  w.field("消费", "SALES", `${totals.salesCount} ${formatRmb(totals.salesAmount)}`);
  w.field("退货", "REFUNDS", `${totals.refundCount} ${formatRmb(-totals.refundAmount)}`);
  w.field("合计", "NET", formatRmb(totals.net));
  w.field("总笔数", "TOTAL", String(totals.count));
  for (const line of options.footerLines ?? []) w.text(line, { align: "center" });
  return w.finish();
}
