import type { Clock } from "../../drivers/core/clock.js";
import { systemClock } from "../../drivers/core/clock.js";
import type { FeatureSettings, LimitSettings } from "../config/terminal-settings.js";
import type { TransactionType } from "../journal/transaction-record.js";
import type { RiskDecision, RiskHistory, RiskRequest } from "./risk-decision.js";
import { riskMessages } from "./risk-messages.js";

/** How each transaction type meets the limits. */
interface TypeRule {
  /** The feature switch that must be on (sale has none: it is what a terminal is for). */
  feature?: keyof FeatureSettings;
  /** Amount must be above zero and within the per-transaction limit; large amounts are confirmed. */
  amount: boolean;
  /** Counts toward the daily limit (money actually charged to a card). */
  daily: boolean;
  /** A fresh card presentment: velocity applies. */
  velocity: boolean;
}

/**
 * - sale, completion (and its advice): every check. A completion charges the card, so it counts
 *   toward the daily limit; it follows a presentment already counted by its pre-authorisation, so no velocity.
 * - pre-authorisation: amount and velocity checks, not the daily limit (it holds funds; its completion is the charge).
 * - refund: capped by the per-transaction limit and confirmed when large (refunds are the classic
 *   merchant-side fraud); no daily limit or velocity (money goes back to the card).
 * - voids of any kind: no amount checks at all (they cancel an approval the limits already let
 *   through); only the feature switch. Balance inquiry: feature switch only, no amount.
 */
const RULES: Record<TransactionType, TypeRule> = {
  sale: { amount: true, daily: true, velocity: true },
  preauth: { feature: "preauth", amount: true, daily: false, velocity: true },
  "preauth-completion": { feature: "preauth", amount: true, daily: true, velocity: false },
  "preauth-completion-advice": { feature: "preauth", amount: true, daily: true, velocity: false },
  refund: { feature: "refund", amount: true, daily: false, velocity: false },
  void: { feature: "void", amount: false, daily: false, velocity: false },
  "preauth-void": { feature: "preauth", amount: false, daily: false, velocity: false },
  "preauth-completion-void": { feature: "preauth", amount: false, daily: false, velocity: false },
  balance: { feature: "balance", amount: false, daily: false, velocity: false },
};

/**
 * The terminal's own risk rules, checked before the card is read (the host and the issuer apply
 * theirs after). Boundaries: an amount equal to a limit is allowed, one fen more is refused; the
 * large-amount confirmation starts AT `largeAmount` (大额 thresholds are "… 元以上(含)"); velocity
 * counts approvals inside the last `windowMinutes` (an approval exactly windowMinutes old has left
 * the window) and refuses when there are already `maxPerCard`.
 */
export class RiskPolicy {
  constructor(
    private readonly limits: LimitSettings,
    private readonly clock: Pick<Clock, "now"> = systemClock,
    private readonly features?: Partial<FeatureSettings>,
  ) {}

  check(request: RiskRequest, history: RiskHistory): RiskDecision {
    const rule = RULES[request.type];
    if (rule.feature && this.features?.[rule.feature] === false) {
      return { kind: "refuse", code: "feature-disabled", ...riskMessages.featureDisabled(request.type) };
    }
    if (!rule.amount) return { kind: "allow" };

    const { amount } = request;
    if (!Number.isSafeInteger(amount)) throw new RangeError(`amount must be integer fen, got ${amount}`);
    if (amount <= 0) return { kind: "refuse", code: "zero-amount", ...riskMessages.zeroAmount(amount) };
    const { perTransaction, daily, largeAmount, velocity } = this.limits;
    if (amount > perTransaction) {
      return {
        kind: "refuse",
        code: "over-transaction-limit",
        ...riskMessages.overTransactionLimit(amount, perTransaction),
      };
    }
    if (rule.daily && history.todayApprovedAmount + amount > daily) {
      return {
        kind: "refuse",
        code: "over-daily-limit",
        ...riskMessages.overDailyLimit(amount, history.todayApprovedAmount, daily),
      };
    }
    if (rule.velocity && request.cardKey !== undefined && velocity.maxPerCard > 0) {
      const since = this.clock.now() - velocity.windowMinutes * 60_000;
      const count = history.cardRecent.filter((at) => at.getTime() > since).length;
      if (count >= velocity.maxPerCard) {
        return {
          kind: "refuse",
          code: "velocity",
          ...riskMessages.velocity(count, velocity.maxPerCard, velocity.windowMinutes),
        };
      }
    }
    if (amount >= largeAmount) {
      return { kind: "confirm", code: "large-amount", ...riskMessages.largeAmount(amount, largeAmount) };
    }
    return { kind: "allow" };
  }
}
