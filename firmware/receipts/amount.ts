import { ReceiptError } from "./receipt-error.js";

/**
 * Fen → yuan text with integer arithmetic only ("12.34", "-0.05", "0.00"): money is never divided as a
 * float, so 0.1 + 0.2 style errors cannot reach a slip. Exported for every screen and report.
 */
export function formatAmount(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new ReceiptError(`${fen} is not a whole number of fen`, "amount");
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100);
  const cents = abs - yuan * 100;
  return `${sign}${yuan}.${String(cents).padStart(2, "0")}`;
}

/** "RMB 12.34": the currency as UnionPay slips print it. */
export function formatRmb(fen: number): string {
  return `RMB ${formatAmount(fen)}`;
}
