import type { CardKind } from "../journal/transaction-record.js";
import { FEE_RATES, type FeeCategory } from "./fee-rates.js";

export interface FeeInput {
  channel: "card" | "qr";
  cardKind: CardKind;
  domestic: boolean;
  /** Fen, ≥ 0. */
  amount: number;
}

/**
 * Which rate applies. QR is one rate whatever funds it. Foreign cards (外卡) are charged at the
 * credit rate whatever their kind: the seeds quote no foreign rate and the debit cap is a domestic
 * (UnionPay 借记卡) rule — an assumption, and a conservative one (never below the domestic debit fee).
 * An unknown card kind is estimated as credit for the same reason.
 */
export function feeCategory(input: Pick<FeeInput, "channel" | "cardKind" | "domestic">): FeeCategory {
  if (input.channel === "qr") return "qr";
  return input.domestic && input.cardKind === "debit" ? "debit" : "credit";
}

/**
 * The estimated fee in fen: amount × rate rounded half up to the fen (0.5 fen → 1 fen, the way a
 * rounded-to-the-fen bank fee is usually quoted), then capped. Exact: BigInt arithmetic, no floats.
 */
export function estimateFee(input: FeeInput): number {
  const { amount } = input;
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`amount must be a non-negative integer in fen, got ${amount}`);
  }
  const rate: { basisPoints: number; capFen?: number } = FEE_RATES[feeCategory(input)];
  const fee = Number((BigInt(amount) * BigInt(rate.basisPoints) + 5_000n) / 10_000n);
  return rate.capFen === undefined ? fee : Math.min(fee, rate.capFen);
}
