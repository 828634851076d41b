import type { TransactionType } from "../journal/transaction-record.js";

export type RefusalCode =
  | "over-transaction-limit"
  | "over-daily-limit"
  | "velocity"
  | "zero-amount"
  | "feature-disabled";

/**
 * What the terminal does before it reads the card: go on, ask the operator to confirm, or stop with
 * a message. `zh` / `en` are operator messages that name the limit and the amounts in yuan.
 */
export type RiskDecision =
  | { kind: "allow" }
  | { kind: "confirm"; code: "large-amount"; zh: string; en: string }
  | { kind: "refuse"; code: RefusalCode; zh: string; en: string };

export interface RiskRequest {
  type: TransactionType;
  /** Fen, tip included. Ignored for balance inquiries and voids. */
  amount: number;
  /** Identifies the card for velocity (the masked PAN is enough); without it velocity is not checked. */
  cardKey?: string;
}

export interface RiskHistory {
  /** Approved charges of the current day, fen (sales and completions, after voids). */
  todayApprovedAmount: number;
  /** Approval times of earlier transactions on this card. */
  cardRecent: Date[];
}
