/**
 * MDR (刷卡手续费) as the seeds quote it, in hundredths of a percent so every computation stays in
 * integers: credit 0.60%, debit 0.50% capped at 25 yuan a transaction (借记卡封顶), QR 0.38%.
 */
export interface FeeRate {
  /** Basis points ×1: 60 = 0.60%. */
  basisPoints: number;
  /** Largest fee per transaction in fen, if capped. */
  capFen?: number;
}

export const FEE_RATES = {
  credit: { basisPoints: 60 },
  debit: { basisPoints: 50, capFen: 2_500 },
  qr: { basisPoints: 38 },
} as const satisfies Record<string, FeeRate>;

export type FeeCategory = keyof typeof FEE_RATES;
