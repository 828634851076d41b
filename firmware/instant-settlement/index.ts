export { queryInstantSettlement } from "./instant-settlement-query.js";
export {
  type InstantPayoutLine,
  type InstantSettlementReport,
  instantSettlementReport,
  instantSummaryText,
  PAYOUT_NAMES,
  SETTLEMENT_NAMES,
} from "./instant-settlement-report.js";
export { buildInstantSettlementQuery, type InstantQueryValues } from "./query-message.js";
