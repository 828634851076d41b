import type { EntryMode, TransactionStatus, TransactionType } from "../journal/transaction-record.js";

/** The copies of a slip, in print order: index 0 merchant, 1 cardholder, 2 bank. */
export const COPY_NAMES = ["merchant", "cardholder", "bank"] as const;
export type CopyName = (typeof COPY_NAMES)[number];

export const COPY_TITLES: Record<CopyName, { cn: string; en: string }> = {
  merchant: { cn: "商户存根", en: "MERCHANT COPY" },
  cardholder: { cn: "持卡人存根", en: "CARDHOLDER COPY" },
  bank: { cn: "银行存根", en: "BANK COPY" },
};

/** 交易类型 as UnionPay slips print it, with a 4-letter code for the detail report. */
export const TRANSACTION_TYPE_NAMES: Record<TransactionType, { cn: string; en: string; code: string }> = {
  sale: { cn: "消费", en: "SALE", code: "SALE" },
  void: { cn: "消费撤销", en: "VOID", code: "VOID" },
  refund: { cn: "退货", en: "REFUND", code: "RFND" },
  preauth: { cn: "预授权", en: "AUTH", code: "AUTH" },
  "preauth-void": { cn: "预授权撤销", en: "AUTH VOID", code: "AUVD" },
  "preauth-completion": { cn: "预授权完成(请求)", en: "AUTH COMPLETE", code: "AUCP" },
  "preauth-completion-advice": { cn: "预授权完成(通知)", en: "AUTH SETTLE", code: "AUCA" },
  "preauth-completion-void": { cn: "预授权完成撤销", en: "COMPLETE VOID", code: "CPVD" },
  balance: { cn: "余额查询", en: "BALANCE", code: "BAL" },
};

/**
 * The letter printed after the masked card number (tranprint.c `GetEntryMode`): S swipe, I insert (chip),
 * C contactless (tap), M manual key entry; and two this terminal adds: Q a scanned QR code, F fallback (a
 * chip card read by its stripe after the chip failed; LiaoYang prints S there, we keep it distinct so a
 * fallback is visible on paper when a chargeback asks).
 */
export const ENTRY_MODE_LETTERS: Record<EntryMode, string> = {
  swipe: "S",
  insert: "I",
  tap: "C",
  qr: "Q",
  manual: "M",
  fallback: "F",
};

/** Status in the detail report: two Chinese characters, four columns. */
export const STATUS_SHORT: Record<TransactionStatus, string> = {
  pending: "未决",
  approved: "成功",
  declined: "拒绝",
  reversed: "冲正",
  voided: "撤销",
  failed: "失败",
};

/** Types whose money goes back to the card: printed with a minus sign. */
export const CREDIT_TYPES: ReadonlySet<TransactionType> = new Set([
  "void",
  "refund",
  "preauth-void",
  "preauth-completion-void",
]);

/** Types that refer to an original (原凭证号…): voids, refunds and completions. */
export const REFERS_TO_ORIGINAL: ReadonlySet<TransactionType> = new Set([
  "void",
  "refund",
  "preauth-void",
  "preauth-completion",
  "preauth-completion-advice",
  "preauth-completion-void",
]);

/** Signed fen as the slip shows it: credits to the card negative. */
export function signedAmount(type: TransactionType, fen: number): number {
  return CREDIT_TYPES.has(type) ? -fen : fen;
}
