import type { ReceiptDocument } from "../../protocol/escpos/document.js";
import type { TransactionRecord } from "../journal/transaction-record.js";
import { formatRmb } from "./amount.js";
import {
  COPY_NAMES,
  COPY_TITLES,
  ENTRY_MODE_LETTERS,
  REFERS_TO_ORIGINAL,
  signedAmount,
  TRANSACTION_TYPE_NAMES,
} from "./labels.js";
import { displayWidth } from "./layout.js";
import { printedPan } from "./printed-pan.js";
import { ReceiptError } from "./receipt-error.js";
import { eReceiptUrl, type ReceiptOptions } from "./receipt-options.js";
import { DEFAULT_UTC_OFFSET_MINUTES, slipDateTime } from "./slip-time.js";
import { SlipWriter } from "./slip-writer.js";

export interface SlipCopy {
  /** 0 merchant copy (商户存根), 1 cardholder (持卡人存根), 2 bank (银行存根). */
  index: number;
  /** Printed again on request (重打印): marked REPRINT under the copy name. */
  reprint?: boolean;
}

export const CONFIRMATION_CN = "本人确认以上交易，同意将其记入本卡账户";
export const CONFIRMATION_EN = "I ACKNOWLEDGE SATISFACTORY RECEIPT OF RELATIVE GOODS/SERVICES";

/**
 * The 签购单 of one transaction (JR/T 0001 §8 elements, the layout of device-protocols.md §5.5): merchant
 * block, transaction block, remarks (EMV data), signature or no-signature line, e-receipt QR, cut.
 * Pure: the same record and options give the same document, so a reprint or an e-receipt is exact.
 * The card number is the record's masked PAN, masked again here whatever it holds (see printed-pan.ts).
 */
export function buildTransactionSlip(
  record: TransactionRecord,
  options: ReceiptOptions,
  copy: SlipCopy,
): ReceiptDocument {
  const copyName = COPY_NAMES[copy.index];
  if (copyName === undefined || !Number.isInteger(copy.index)) {
    throw new ReceiptError(`copy index ${copy.index} is not 0, 1 or 2`, "copy.index");
  }
  const w = new SlipWriter(options.columns, options.showEnglish ?? true);
  const en = w.english;
  const type = TRANSACTION_TYPE_NAMES[record.type];
  const title = COPY_TITLES[copyName];

  // Heading.
  w.text("POS签购单", { align: "center", bold: true, width: 2, height: 2 });
  if (en) w.text("POS SALES SLIP", { align: "center" });
  w.text(en ? `${title.cn} ${title.en}` : title.cn, { align: "center" });
  if (copy.reprint) w.text(en ? "重打印 REPRINT" : "重打印", { align: "center", bold: true });
  for (const line of options.headerLines ?? []) w.text(line, { align: "center" });
  w.rule();

  // Merchant block.
  w.merchant(options, record);
  w.rule();

  // Card and transaction block.
  w.field("发卡行", "ISSUER", record.issuerCode);
  const acquirer = [options.acquirerName, record.acquirerCode].filter((v) => v).join(" ");
  w.field("收单行", "ACQUIRER", acquirer);
  const pan = printedPan(record);
  if (pan !== undefined) {
    w.text(`${w.label("卡号", "CARD NO.")}:`);
    w.text(`${pan} /${ENTRY_MODE_LETTERS[record.entryMode]}`, { bold: true });
  } else {
    w.field("支付方式", "ENTRY MODE", ENTRY_MODE_LETTERS[record.entryMode]);
  }
  if (record.expiry) w.field("有效期", "EXP DATE", "**/**");
  w.text(`${w.label("交易类型", "TXN TYPE")}:`);
  w.text(en ? `${type.cn}/${type.en}` : type.cn, { bold: true });
  w.field("批次号", "BATCH NO.", record.batch);
  w.field("凭证号", "VOUCHER NO.", record.stan);
  w.field("授权码", "AUTH NO.", record.authCode);
  w.field("参考号", "REF NO.", record.rrn);
  w.field(
    "日期/时间",
    "DATE/TIME",
    slipDateTime(record, options.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES),
  );
  if (record.orderId) w.field("订单号", "ORDER NO.", record.orderId);
  if (REFERS_TO_ORIGINAL.has(record.type) && record.original) {
    w.field("原批次号", "ORIG BATCH", record.original.batch);
    w.field("原凭证号", "ORIG VOUCHER", record.original.stan);
    w.field("原参考号", "ORIG REF NO.", record.original.rrn);
    w.field("原授权码", "ORIG AUTH NO.", record.original.authCode);
    w.field("原交易日期", "ORIG DATE", record.original.date);
  }

  // Amount (a balance inquiry carries none).
  if (record.type !== "balance") {
    w.text(`${w.label("金额", "AMOUNT")}:`);
    w.big(formatRmb(signedAmount(record.type, record.amount)));
    if (record.tip > 0) w.field("小费", "TIP", formatRmb(record.tip));
  }
  w.rule();

  // Remarks: the chip data a dispute needs (tranprint.c IC block).
  if (record.emv) {
    const emv = record.emv;
    w.text(`${w.label("备注", "REFERENCE")}:`);
    const lines: [string, string | undefined][] = [
      ["AID", emv.aid],
      ["APP LABEL", emv.label],
      // A contactless (qPBOC) online approval carries the ARQC; a contact one ends with the TC.
      [record.entryMode === "tap" ? "ARQC" : "TC", emv.cryptogram],
      ["TVR", emv.tvr],
      ["TSI", emv.tsi],
      ["ATC", emv.atc],
    ];
    for (const [label, value] of lines) if (value) w.pair(label, value);
    w.rule();
  }

  // Signature: the merchant keeps the signed copy; other copies need no line.
  if (record.signatureRequired) {
    if (copyName === "merchant") {
      w.text(`${w.label("持卡人签名", "CARDHOLDER SIGNATURE")}:`);
      w.feed(3);
      w.rule("_");
      // Broken after the comma rather than mid-phrase when it does not fit on one line.
      const phrases =
        displayWidth(CONFIRMATION_CN) <= w.columns ? [CONFIRMATION_CN] : CONFIRMATION_CN.split(/(?<=，)/);
      for (const phrase of phrases) w.text(phrase);
      if (en) w.text(CONFIRMATION_EN);
    }
  } else {
    w.text(en ? "免签 NO SIGNATURE REQUIRED" : "免签");
  }

  if (options.eReceipt) {
    w.qr(eReceiptUrl(options.eReceipt.urlTemplate, record));
    w.text(en ? "扫码获取电子签购单 E-RECEIPT" : "扫码获取电子签购单", { align: "center" });
  }
  for (const line of options.footerLines ?? []) w.text(line, { align: "center" });
  return w.finish();
}
