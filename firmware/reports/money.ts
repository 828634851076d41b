import { formatAmount } from "../receipts/amount.js";

/** Fen → the yuan string of the files ("12.34", "-0.05"), integer arithmetic only. */
export function yuan(fen: number): string {
  return formatAmount(fen);
}
