import { maskPan } from "../../protocol/pan-mask.js";
import type { TransactionRecord } from "../journal/transaction-record.js";

/**
 * The card number as a slip may print it. The journal keeps only the masked form, but a slip is paper
 * handed to strangers, so the 6 + 4 rule is enforced again here: whatever `maskedPan` holds, no digit
 * outside the first 6 and last 4 positions is printed, and a short value shows its last 4 at most.
 * (Some CUP terminals print the full PAN on pre-auth slips; this terminal never holds it in clear.)
 */
export function printedPan(record: Pick<TransactionRecord, "maskedPan" | "panLast4">): string | undefined {
  const masked = record.maskedPan;
  if (masked) {
    if (/^\d+$/.test(masked)) return maskPan(masked);
    const chars = [...masked];
    const keepHead = chars.length >= 11 ? 6 : 0;
    return chars.map((ch, i) => (/\d/.test(ch) && i >= keepHead && i < chars.length - 4 ? "*" : ch)).join("");
  }
  if (record.panLast4 && /^\d{4}$/.test(record.panLast4)) return `************${record.panLast4}`;
  return undefined;
}
