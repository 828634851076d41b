import { ProtocolError } from "../../errors.js";
import type { OdaMethod } from "../aip.js";
import type { TvrBit } from "../tvr.js";

/**
 * Why offline data authentication failed, named after the TVR byte 1 bit the kernel sets:
 * the method's own "failed" bit, "ICC data missing" (a certificate, remainder or exponent the card
 * should have given is absent) or "CA key missing" (no CAPK for RID + 8F in the terminal).
 */
export type OdaFailureReason =
  | "sda-failed"
  | "dda-failed"
  | "cda-failed"
  | "icc-data-missing"
  | "ca-key-missing";

/** The TVR bit for a method's failure; fDDA reports through the DDA bit (C-3/C-7 kernels). */
export function odaFailedBit(method: OdaMethod): TvrBit {
  switch (method) {
    case "sda":
      return "sdaFailed";
    case "cda":
      return "cdaFailed";
    default:
      return "ddaFailed";
  }
}

/** Failure reason for a method's own checks (hash, header, format, dates…). */
export function failedReason(method: OdaMethod): OdaFailureReason {
  return method === "sda" ? "sda-failed" : method === "cda" ? "cda-failed" : "dda-failed";
}

/**
 * A failed ODA step. `reason` says why; `tvrBits` are exactly the bits to set (Book 3 §10.3: missing ICC
 * data also fails the method, a missing CA key fails the method).
 */
export class OdaError extends ProtocolError {
  readonly reason: OdaFailureReason;
  readonly method: OdaMethod;
  readonly tvrBits: readonly TvrBit[];

  constructor(
    reason: OdaFailureReason,
    method: OdaMethod,
    message: string,
    options: { path?: string; offset?: number; cause?: unknown } = {},
  ) {
    super(`${method.toUpperCase()} ${reason}: ${message}`, options);
    this.reason = reason;
    this.method = method;
    this.tvrBits =
      reason === "icc-data-missing" ? ["iccDataMissing", odaFailedBit(method)] : [odaFailedBit(method)];
  }
}
