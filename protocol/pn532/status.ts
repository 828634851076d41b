import { Pn532Error } from "./pn532-error.js";

/**
 * The status byte of In* replies (UM0701 §7.1; libnfc pn53x.c sErrorMessages; device-protocols.md §1.4):
 * bit 7 NAD present, bit 6 MI (the response continues), bits 5..0 the error code (0 = success).
 */
export const Pn532ErrorCode = {
  none: 0x00,
  timeout: 0x01,
  crc: 0x02,
  parity: 0x03,
  bitCount: 0x04,
  framing: 0x05,
  bitCollision: 0x06,
  bufferTooSmall: 0x07,
  rfBufferOverflow: 0x09,
  rfFieldNotOn: 0x0a,
  rfProtocol: 0x0b,
  overheating: 0x0d,
  internalBufferOverflow: 0x0e,
  invalidParameter: 0x10,
  depUnknownCommand: 0x12,
  invalidReceivedFrame: 0x13,
  mifareAuthentication: 0x14,
  wrongBcc: 0x23,
  depInvalidState: 0x25,
  operationNotAllowed: 0x26,
  notAcceptableInContext: 0x27,
  targetReleased: 0x29,
  cardIdMismatch: 0x2a,
  cardDisappeared: 0x2b,
  nfcid3Mismatch: 0x2c,
  overCurrent: 0x2d,
  nadMissing: 0x2e,
} as const;

export type Pn532ErrorName = keyof typeof Pn532ErrorCode;

const NAMES = new Map<number, Pn532ErrorName>(
  Object.entries(Pn532ErrorCode).map(([name, code]) => [code, name as Pn532ErrorName]),
);

const DESCRIPTIONS: Partial<Record<Pn532ErrorName, string>> = {
  timeout: "the card did not answer (gone or silent)",
  crc: "CRC error from the card",
  parity: "parity error from the card",
  bitCount: "wrong bit count during anticollision",
  framing: "framing error from the card",
  bitCollision: "bit collision (more than one card)",
  rfProtocol: "RF protocol error",
  invalidReceivedFrame: "invalid ISO 14443-4 frame from the card",
  invalidParameter: "invalid parameter",
  notAcceptableInContext: "command not acceptable in this context",
  operationNotAllowed: "operation not allowed in this configuration",
  targetReleased: "the target has been released",
  cardDisappeared: "the card disappeared (Type B)",
};

/** How a driver should treat an error code (device-protocols.md §1.4 mapping). */
export type Pn532ErrorClass = "ok" | "card-removed" | "rf-error" | "driver-bug" | "device-error";

export interface Pn532Status {
  /** The byte as received. */
  raw: number;
  /** Bits 5..0: 0 = success. */
  error: number;
  /** Name of the error code, or "unknown" for a code the PN532 documents no meaning for. */
  name: Pn532ErrorName | "unknown";
  moreInformation: boolean;
  nad: boolean;
  errorClass: Pn532ErrorClass;
}

export function classifyError(error: number): Pn532ErrorClass {
  switch (error) {
    case 0x00:
      return "ok";
    case 0x01:
    case 0x2b:
      return "card-removed";
    case 0x02:
    case 0x03:
    case 0x05:
    case 0x0b:
    case 0x13:
      return "rf-error";
    case 0x10:
    case 0x26:
    case 0x27:
      return "driver-bug";
    default:
      return "device-error";
  }
}

export function decodeStatus(raw: number): Pn532Status {
  if (!Number.isInteger(raw) || raw < 0 || raw > 0xff) {
    throw new Pn532Error(`status must be a byte, got ${raw}`, { path: "status" });
  }
  const error = raw & 0x3f;
  return {
    raw,
    error,
    name: NAMES.get(error) ?? "unknown",
    moreInformation: (raw & 0x40) !== 0,
    nad: (raw & 0x80) !== 0,
    errorClass: classifyError(error),
  };
}

export function encodeStatus(status: { error: number; moreInformation?: boolean; nad?: boolean }): number {
  if (!Number.isInteger(status.error) || status.error < 0 || status.error > 0x3f) {
    throw new Pn532Error(`error code must be 0..3F, got ${status.error}`, { path: "status.error" });
  }
  return status.error | (status.moreInformation ? 0x40 : 0) | (status.nad ? 0x80 : 0);
}

/** One line for messages and traces: "01 timeout: the card did not answer (gone or silent)". */
export function describeStatus(status: Pn532Status): string {
  const code = status.error.toString(16).toUpperCase().padStart(2, "0");
  const text = status.name === "unknown" ? undefined : DESCRIPTIONS[status.name];
  return `${code} ${status.name}${text ? `: ${text}` : ""}`;
}
