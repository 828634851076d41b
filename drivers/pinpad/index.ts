/** The PIN pad: typed interface, ABECS-style driver and session, status errors. */
export { AbecsPinPad, type AbecsPinPadOptions } from "./abecs-pinpad.js";
export type {
  PinBlock,
  PinEntryProgress,
  PinKeyManagement,
  PinPad,
  PinPadInfo,
  PinRequest,
  WorkingKeyLoad,
} from "./pinpad-driver.js";
export {
  PinEntryCancelledError,
  PinEntryTimeoutError,
  PinPadBusyError,
  PinPadKeyCheckError,
  PinPadKeyMissingError,
  PinPadStatusError,
  pinPadStatusError,
  type WithPinPadStatus,
} from "./pinpad-errors.js";
export {
  type Exchange,
  type ExchangeOptions,
  type PinPadCounters,
  PinPadSession,
  type PinPadSessionOptions,
  type PinPadSessionState,
  type PinPadTraceEvent,
} from "./pinpad-session.js";
