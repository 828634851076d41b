export { estimateFee, type FeeInput, feeCategory } from "./estimate-fee.js";
export { FEE_RATES, type FeeCategory, type FeeRate } from "./fee-rates.js";
export { FEE_TOTAL_LABEL, type FeeSummaryRow, feeSummary } from "./fee-summary.js";
