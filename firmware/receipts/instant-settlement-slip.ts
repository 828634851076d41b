import type { ReceiptDocument } from "../../protocol/escpos/document.js";
import {
  type InstantSettlementReport,
  PAYOUT_NAMES,
  SETTLEMENT_NAMES,
} from "../instant-settlement/instant-settlement-report.js";
import { formatAmount, formatRmb } from "./amount.js";
import type { ReceiptOptions } from "./receipt-options.js";
import { DEFAULT_UTC_OFFSET_MINUTES, formatDateTime } from "./slip-time.js";
import { SlipWriter } from "./slip-writer.js";

/** What the D0 query hands the printer: who asked, when, and the host's answer joined with the journal. */
export interface InstantSettlementSlipData {
  terminalId: string;
  merchantId: string;
  operator: string;
  queriedAt: Date;
  report: InstantSettlementReport;
}

/** YYYYMMDDhhmmss (host time) → YYYY/MM/DD hh:mm:ss. */
function hostTime(stamp: string): string {
  return `${stamp.slice(0, 4)}/${stamp.slice(4, 6)}/${stamp.slice(6, 8)} ${stamp.slice(8, 10)}:${stamp.slice(10, 12)}:${stamp.slice(12, 14)}`;
}

/**
 * 实时到账查询单: merchant block, the day's D0 totals (paid, fees, net, clawed back, available balance, last
 * payout), then one row per sale the host paid: STAN, payout status, net, and the journal's 待结算/已结算.
 */
export function buildInstantSettlementSlip(
  data: InstantSettlementSlipData,
  options: ReceiptOptions,
): ReceiptDocument {
  const w = new SlipWriter(options.columns, options.showEnglish ?? true);
  const en = w.english;
  const { summary, lines } = data.report;

  w.text("实时到账查询", { align: "center", bold: true, width: 2, height: 2 });
  if (en) w.text("INSTANT SETTLEMENT (D0)", { align: "center" });
  for (const line of options.headerLines ?? []) w.text(line, { align: "center" });
  w.rule();
  w.merchant(options, data);
  w.field(
    "查询时间",
    "QUERIED",
    formatDateTime(data.queriedAt, options.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES),
  );
  w.field(
    "到账日期",
    "DATE",
    `${summary.date.slice(0, 4)}/${summary.date.slice(4, 6)}/${summary.date.slice(6, 8)}`,
  );
  w.rule();
  if (!summary.enabled) {
    w.text("本商户未开通实时到账", { align: "center", bold: true });
    if (en) w.text("INSTANT SETTLEMENT NOT ENABLED", { align: "center" });
  } else {
    w.field("到账笔数", "PAID COUNT", String(summary.paidCount));
    w.field("交易金额", "AMOUNT", formatRmb(summary.paidAmount));
    w.field("手续费", "FEES", formatRmb(summary.fees));
    w.field("到账净额", "NET PAID", formatRmb(summary.net));
    w.field("扣回笔数", "CLAWED BACK", String(summary.clawedBackCount));
    w.field("扣回金额", "CLAWED AMT", formatRmb(summary.clawedBackAmount));
    w.field("可用余额", "BALANCE", formatRmb(summary.balance), { bold: true });
    w.field("最后到账", "LAST PAYOUT", summary.lastPayout ? hostTime(summary.lastPayout) : "-");
    if (lines.length > 0) {
      w.rule();
      w.pair(w.label("凭证号", "TRACE"), w.label("净额", "NET"));
      for (const line of lines) {
        const payout = PAYOUT_NAMES[line.payout];
        w.pair(`${line.stan} ${payout.zh}`, formatAmount(line.net));
        // The journal's side: 待结算 until the batch closes, 已结算 after (absent: not this journal's row).
        const settled = line.journal ? SETTLEMENT_NAMES[line.journal.settlement] : undefined;
        const notes = [
          en ? payout.en.toUpperCase() : undefined,
          settled?.zh,
          en ? settled?.en.toUpperCase() : undefined,
        ];
        const note = notes.filter((n) => n !== undefined).join(" ");
        if (note) w.text(`  ${note}`);
      }
    }
  }
  for (const line of options.footerLines ?? []) w.text(line, { align: "center" });
  return w.finish();
}
