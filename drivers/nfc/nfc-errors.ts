import { describeStatus, type Pn532Status } from "../../protocol/pn532/status.js";
import { DeviceError, DeviceProtocolError } from "../core/device-error.js";

/** The card left the field (or stopped answering) during an exchange: status 01 or 2B. */
export class CardRemovedError extends DeviceError {}

/** An In* command came back with an error status; `status` says which. */
export class Pn532StatusError extends DeviceProtocolError {
  constructor(
    device: string,
    readonly status: Pn532Status,
    what: string,
  ) {
    super(device, `${what} failed with status ${describeStatus(status)}`);
  }
}

/**
 * A transmission error on the RF side (CRC, parity, framing, protocol, bad 14443-4 frame). The APDU
 * may or may not have reached the card, so the driver never repeats it itself; the EMV kernel decides
 * (device-protocols.md §1.4: retryable once).
 */
export class RfError extends Pn532StatusError {
  readonly retryable = true;
}

/** transmit/presence before poll found a card, or after release. */
export class NoActiveCardError extends DeviceError {}

/** The PN532 answered with its syntax-error frame: it rejected the command's parameters. */
export class Pn532SyntaxError extends DeviceProtocolError {}
