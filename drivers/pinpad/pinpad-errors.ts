import { describeStatus, formatStatus, type PinPadStatus } from "../../protocol/pinpad/status.js";
import { DeviceCancelledError, DeviceProtocolError, DeviceTimeoutError } from "../core/device-error.js";

/**
 * Typed errors for the pad's return codes, so the app can tell "the cardholder pressed Cancel" (013)
 * from "nobody typed" (012), "no key loaded, sign in again" (042) and "wait and retry" (044). Each
 * carries the decoded status; the class hierarchy follows what happened, not how it was reported.
 */
export interface WithPinPadStatus {
  readonly status: PinPadStatus;
  /** The command the status answered (GPN, LWK…). */
  readonly command: string;
}

function message(command: string, status: PinPadStatus): string {
  return `${command} answered ${formatStatus(status.code)}: ${status.text}`;
}

/** Any refusal the pad reports that has no more specific class. */
export class PinPadStatusError extends DeviceProtocolError implements WithPinPadStatus {
  constructor(
    device: string,
    readonly command: string,
    readonly status: PinPadStatus,
  ) {
    super(device, message(command, status));
  }
}

/** 042: the master key, working key or DUKPT key the command needs is not loaded. */
export class PinPadKeyMissingError extends PinPadStatusError {}

/** 044: PIN entry blocked for now (capture rate limit); retry later. */
export class PinPadBusyError extends PinPadStatusError {}

/** 091: a working key whose check value did not match; the pad kept the key it had. */
export class PinPadKeyCheckError extends PinPadStatusError {}

/** 012: the cardholder did not finish entering the PIN in time. */
export class PinEntryTimeoutError extends DeviceTimeoutError implements WithPinPadStatus {
  constructor(
    device: string,
    readonly command: string,
    readonly status: PinPadStatus,
  ) {
    super(device, message(command, status));
  }
}

/** 013: the cardholder pressed Cancel on the pad. */
export class PinEntryCancelledError extends DeviceCancelledError implements WithPinPadStatus {
  constructor(
    device: string,
    readonly command: string,
    readonly status: PinPadStatus,
  ) {
    super(device, message(command, status));
  }
}

/** The error for a non-zero status. */
export function pinPadStatusError(device: string, command: string, code: number): Error & WithPinPadStatus {
  const status = describeStatus(code);
  switch (status.name) {
    case "TIMEOUT":
      return new PinEntryTimeoutError(device, command, status);
    case "CANCELLED":
      return new PinEntryCancelledError(device, command, status);
    case "KEY_MISSING":
      return new PinPadKeyMissingError(device, command, status);
    case "PIN_BUSY":
      return new PinPadBusyError(device, command, status);
    case "KCV_MISMATCH":
      return new PinPadKeyCheckError(device, command, status);
    default:
      return new PinPadStatusError(device, command, status);
  }
}
