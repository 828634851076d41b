export type { RefusalCode, RiskDecision, RiskHistory, RiskRequest } from "./risk-decision.js";
export { riskMessages } from "./risk-messages.js";
export { RiskPolicy } from "./risk-policy.js";
export { formatYuan } from "./yuan.js";
