import type { TransactionKind } from "../../protocol/iso8583/cup/transactions.js";
import type { EntryMode, TransactionType } from "../journal/transaction-record.js";

/** Journal transaction type → the CUP factor-table kind that builds its request. */
export const KIND_OF: Readonly<Record<TransactionType, TransactionKind>> = {
  sale: "sale",
  void: "void",
  refund: "refund",
  preauth: "preAuth",
  "preauth-void": "preAuthVoid",
  "preauth-completion": "completion",
  "preauth-completion-advice": "completionAdvice",
  "preauth-completion-void": "completionVoid",
  balance: "balanceInquiry",
};

/** Types that refer to an original transaction (fields 37/38/61). */
export const NEEDS_ORIGINAL: ReadonlySet<TransactionType> = new Set([
  "void",
  "refund",
  "preauth-void",
  "preauth-completion",
  "preauth-completion-advice",
  "preauth-completion-void",
]);

/** Voids and their originals: what a void undoes. */
export const VOIDS: Readonly<Partial<Record<TransactionType, TransactionType>>> = {
  void: "sale",
  "preauth-void": "preauth",
  "preauth-completion-void": "preauth-completion",
};

/** Amount on the credit side of the batch (money back to the card). */
export const CREDITS: ReadonlySet<TransactionType> = new Set(["refund", "void", "preauth-completion-void"]);

/** Field 22.1 (two digits) per entry mode; a fallback swipe is 02 with 60.5 = 2. */
const ENTRY_MODE_CODE: Readonly<Record<EntryMode, string>> = {
  swipe: "02",
  fallback: "02",
  insert: "05",
  tap: "07",
  qr: "03",
  manual: "01",
};

/** Field 22: mode + PIN digit (1 PIN entered, 2 no PIN). */
export function entryModeField(mode: EntryMode, pinEntered: boolean): string {
  return `${ENTRY_MODE_CODE[mode]}${pinEntered ? "1" : "2"}`;
}

/** 60.4 read capability (6: stripe + contact + contactless) and 60.5 IC condition (2 after a chip failure). */
export function terminalFlags(mode: EntryMode): { readCapability: string; icCondition: string } {
  return { readCapability: "6", icCondition: mode === "fallback" ? "2" : "0" };
}
