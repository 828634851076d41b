/**
 * Named conditions the chart's key transitions combine (`when` all true, `unless` none true). Named
 * rather than inline so a test can read, from the chart's config alone, which keys a state reacts to.
 */
import { MIN_PASSWORD_DIGITS } from "../admin/password-policy.js";
import { ORIGINAL_FIELDS, padStan, USER_ID_DIGITS } from "./digit-entry.js";
import { AUTHORIZED_STEPS, type TerminalContext } from "./terminal-context.js";
import type { TerminalServices } from "./terminal-services.js";

export const CONDITION_NAMES = [
  "signedIn",
  "hasCard",
  "tipsApply",
  "voidEnabled",
  "refundEnabled",
  "preauthEnabled",
  "balanceEnabled",
  "amountPositive",
  "stanValid",
  "rrnValid",
  "authCodeValid",
  "dateValid",
  "originalInJournal",
  "voidOfJournalEntry",
  "isRefund",
  "hasLastTransaction",
  "hasJournalEntry",
  "userIdValid",
  "passwordComplete",
  "passwordTyped",
  "authFromManagement",
  "authFromPreauthMenu",
] as const;
export type ConditionName = (typeof CONDITION_NAMES)[number];
export type Conditions = Record<ConditionName, (context: TerminalContext) => boolean>;

export function terminalConditions(services: TerminalServices): Conditions {
  const { features } = services;
  return {
    signedIn: (c) => c.signedIn,
    hasCard: (c) => c.card !== undefined,
    tipsApply: (c) => features.tips && c.type === "sale",
    voidEnabled: () => features.void,
    refundEnabled: () => features.refund,
    preauthEnabled: () => features.preauth,
    balanceEnabled: () => features.balance,
    amountPositive: (c) => c.amountDigits !== "",
    stanValid: (c) => ORIGINAL_FIELDS.stan.valid(c.entry),
    rrnValid: (c) => ORIGINAL_FIELDS.rrn.valid(c.entry),
    authCodeValid: (c) => ORIGINAL_FIELDS.authCode.valid(c.entry),
    dateValid: (c) => ORIGINAL_FIELDS.date.valid(c.entry),
    /** The STAN being typed is in this terminal's journal. */
    originalInJournal: (c) => services.findByStan(padStan(c.entry)) !== undefined,
    /** Voids reverse a transaction of this terminal's own batch, so the original must be in the journal. */
    voidOfJournalEntry: (c) => c.type === "void" || c.type === "preauth-completion-void",
    isRefund: (c) => c.type === "refund",
    hasLastTransaction: () => services.lastJournalId() !== undefined,
    hasJournalEntry: (c) => c.outcome?.journalId !== undefined,
    userIdValid: (c) => c.entry.length === USER_ID_DIGITS,
    /** A password shorter than the policy allows cannot verify: do not spend a lockout attempt on it. */
    passwordComplete: (c) => c.passwordLength >= MIN_PASSWORD_DIGITS,
    /** A new password: any length goes to the admin module, whose rules (6 to 12 digits) answer it. */
    passwordTyped: (c) => c.passwordLength > 0,
    authFromManagement: (c) =>
      c.auth !== undefined && AUTHORIZED_STEPS[c.auth.step].menu === "managementMenu",
    authFromPreauthMenu: (c) => c.auth !== undefined && AUTHORIZED_STEPS[c.auth.step].menu === "preauthMenu",
  };
}
