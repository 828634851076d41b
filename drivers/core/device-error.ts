/**
 * Errors every driver raises. `device` names the device ("pinpad", "nfc", "printer", …) so the app's
 * message and the log say which one failed; subclasses say how.
 */
export class DeviceError extends Error {
  constructor(
    readonly device: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${device}: ${message}`, options);
    this.name = new.target.name;
  }
}

/** The device did not answer within the command's time limit. */
export class DeviceTimeoutError extends DeviceError {}

/** The caller cancelled the command (AbortSignal); the driver has told the device where the protocol allows. */
export class DeviceCancelledError extends DeviceError {}

/** The link went away (port vanished, cable pulled, emulator stopped). */
export class DeviceDisconnectedError extends DeviceError {}

/** The device answered, but not in a way the protocol allows (bad frame after retries, NAK storm, error status). */
export class DeviceProtocolError extends DeviceError {}
