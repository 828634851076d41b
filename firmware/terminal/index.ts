export { CONDITION_NAMES, type ConditionName, type Conditions, terminalConditions } from "./conditions.js";
export {
  AMOUNT_MAX_DIGITS,
  backspace,
  digitsToFen,
  formatFen,
  isValidMmdd,
  ORIGINAL_FIELDS,
  type OriginalField,
  padStan,
  typeAmountDigit,
  typeFieldDigit,
  typeUserIdDigit,
  USER_ID_DIGITS,
} from "./digit-entry.js";
export { changeOwnPassword, type PasswordChanger } from "./password-change.js";
export {
  CHANGE_SLOTS,
  PASSWORD_MAX_DIGITS,
  PasswordEntries,
  PasswordEntry,
  type PasswordSlot,
} from "./password-entry.js";
export {
  SCREEN_PLACEHOLDERS,
  type ScreenMeta,
  type ScreenPlaceholder,
  type StateMeta,
} from "./screen-meta.js";
export {
  ADMIN_FUNCTION_NAMES,
  AUTH_REFUSALS,
  MESSAGES,
  PASSWORD_CHANGE_REFUSALS,
  SCREENS,
  type TerminalStateName,
  TRANSACTION_NAMES,
} from "./screens.js";
export {
  AUTHORIZED_STEPS,
  type AuthorizationInProgress,
  type AuthorizedStep,
  amountOf,
  EMPTY_TRANSACTION,
  initialTerminalContext,
  type TerminalContext,
  tipOf,
  totalOf,
  transactionRequest,
} from "./terminal-context.js";
export type { TerminalEvent } from "./terminal-events.js";
export {
  createTerminalMachine,
  DEFAULT_APPROVED_DISPLAY_MS,
  DEFAULT_CARD_TIMEOUT_MS,
  type KeyGuardParams,
  press,
  type TerminalMachine,
  type TerminalMachineOptions,
} from "./terminal-machine.js";
export * from "./terminal-services.js";
