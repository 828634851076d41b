/**
 * ABECS return codes (§4.2; names from ACBrAbecsPinPad.pas), as typed values with the text an
 * operator or a log can show. 091 is this project's extension for the LWK key-load command.
 */
export const PINPAD_STATUS = {
  OK: 0,
  F1: 4,
  F2: 5,
  F3: 6,
  F4: 7,
  BACKSPACE: 8,
  INVALID_CALL: 10,
  INVALID_PARAMETER: 11,
  TIMEOUT: 12,
  CANCELLED: 13,
  INTERNAL_ERROR: 40,
  MAGSTRIPE_ERROR: 41,
  KEY_MISSING: 42,
  NO_CARD: 43,
  PIN_BUSY: 44,
  CARD_MUTE: 60,
  CARD_COMM_ERROR: 61,
  NO_MATCHING_APP: 70,
  FALLBACK_ALLOWED: 76,
  CARD_BLOCKED: 79,
  KCV_MISMATCH: 91,
} as const;

export type PinPadStatusName = keyof typeof PINPAD_STATUS;

export interface PinPadStatus {
  code: number;
  /** Name of a known code; "UNKNOWN" otherwise. */
  name: PinPadStatusName | "UNKNOWN";
  text: string;
}

const TEXT: Record<PinPadStatusName, string> = {
  OK: "command executed",
  F1: "F1 key pressed",
  F2: "F2 key pressed",
  F3: "F3 key pressed",
  F4: "F4 key pressed",
  BACKSPACE: "backspace pressed",
  INVALID_CALL: "invalid call (command not allowed now)",
  INVALID_PARAMETER: "invalid parameter",
  TIMEOUT: "timed out waiting for the cardholder",
  CANCELLED: "cancelled by the cardholder",
  INTERNAL_ERROR: "PIN pad internal error",
  MAGSTRIPE_ERROR: "magnetic stripe read error",
  KEY_MISSING: "key (master key, working key or DUKPT) absent",
  NO_CARD: "no card present",
  PIN_BUSY: "PIN entry temporarily blocked (capture rate limit)",
  CARD_MUTE: "card does not answer",
  CARD_COMM_ERROR: "card communication error",
  NO_MATCHING_APP: "no matching application",
  FALLBACK_ALLOWED: "chip failed, fallback to magstripe allowed",
  CARD_BLOCKED: "card blocked",
  KCV_MISMATCH: "working key refused: check value mismatch",
};

const BY_CODE = new Map<number, PinPadStatusName>(
  Object.entries(PINPAD_STATUS).map(([name, code]) => [code, name as PinPadStatusName]),
);

export function describeStatus(code: number): PinPadStatus {
  const name = BY_CODE.get(code);
  if (name === undefined) return { code, name: "UNKNOWN", text: `unknown status ${formatStatus(code)}` };
  return { code, name, text: TEXT[name] };
}

/** "012" — the code as it is written on the wire. */
export function formatStatus(code: number): string {
  return code.toString().padStart(3, "0");
}
