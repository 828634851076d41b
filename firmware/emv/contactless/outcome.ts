/**
 * The EMV Book A outcome parameter set as a typed value: what a contactless kernel (or the entry point
 * itself) hands back to the terminal. The kernel never drives the screen, the LEDs or the host; it says
 * what should happen, and the terminal state machine renders it (emv-research.md §2.1, §7.1).
 */

export type OutcomeKind =
  | "approved"
  | "declined"
  | "online-request"
  | "try-another-interface"
  | "try-again"
  | "select-next"
  | "end-application";

/** Where the entry point restarts: B = poll again (re-tap), C = next combination, D = second tap with host data. */
export type StartPoint = "A" | "B" | "C" | "D" | "N/A";

export type OutcomeCvm = "online-pin" | "signature" | "no-cvm" | "confirmation-code-verified" | "N/A";

/** Book A UI messages the terminal knows how to show (Chinese and English text live in the UI layer). */
export type UiMessage =
  | "approved"
  | "declined"
  | "enter-pin"
  | "authorising"
  | "card-read-ok"
  | "remove-card"
  | "present-card-again"
  | "present-one-card"
  | "insert-or-swipe"
  | "try-other-card"
  | "sign-receipt"
  | "processing-error"
  | "see-phone";

export type UiStatus =
  | "not-ready"
  | "idle"
  | "ready-to-read"
  | "processing"
  | "card-read-successfully"
  | "processing-error";

export interface UiRequest {
  message: UiMessage;
  status: UiStatus;
  /** How long the message stays (ms); Book A "hold time". */
  holdTimeMs?: number;
  /** E-cash balance to show (9F5D / 9F79), minor units. */
  balance?: number;
}

export interface OutcomeParameterSet {
  outcome: OutcomeKind;
  start: StartPoint;
  /** Data the kernel needs back on a second tap (Start D); "N/A" for the one-tap kernels here. */
  onlineResponseData: "N/A" | "EMV data" | "any";
  cvm: OutcomeCvm;
  uiRequestOnOutcome?: UiRequest;
  uiRequestOnRestart?: UiRequest;
  /** Data record: the tags the terminal sends online or logs (tag → value). */
  dataRecord?: Map<string, Buffer>;
  /** Kernel discretionary data (e.g. error indication, e-cash balance). */
  discretionaryData?: Map<string, Buffer>;
  alternateInterfacePreference: "contact-chip" | "magstripe" | "N/A";
  receipt: boolean;
  /** Field-off request: turn the RF field off for this long (ms) before restarting; undefined = no request. */
  fieldOffRequestMs?: number;
  /** How long the terminal waits for the card to leave before continuing (ms); 0 = do not wait. */
  removalTimeoutMs: number;
}

/** Defaults every outcome starts from (Book A §6.2: fields not set by the kernel are N/A / no). */
export function outcome(kind: OutcomeKind, fields: Partial<OutcomeParameterSet> = {}): OutcomeParameterSet {
  return {
    outcome: kind,
    start: "N/A",
    onlineResponseData: "N/A",
    cvm: "N/A",
    alternateInterfacePreference: "N/A",
    receipt: false,
    removalTimeoutMs: 0,
    ...fields,
  };
}

/** Try Again (Start B) after the card left mid-transaction: ask for the same card again. */
export function tryAgain(): OutcomeParameterSet {
  return outcome("try-again", {
    start: "B",
    uiRequestOnRestart: { message: "present-card-again", status: "ready-to-read" },
    fieldOffRequestMs: 0,
  });
}

/** Try Another Interface: insert or swipe. */
export function tryAnotherInterface(): OutcomeParameterSet {
  return outcome("try-another-interface", {
    alternateInterfacePreference: "contact-chip",
    uiRequestOnOutcome: { message: "insert-or-swipe", status: "processing-error" },
  });
}

/** End Application with a "try another card" message. */
export function endApplication(message: UiMessage = "try-other-card"): OutcomeParameterSet {
  return outcome("end-application", { uiRequestOnOutcome: { message, status: "processing-error" } });
}
