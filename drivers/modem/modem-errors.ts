import { DeviceDisconnectedError, DeviceError, DeviceProtocolError } from "../core/device-error.js";

/** A command ended in ERROR / +CME ERROR / +CMS ERROR / SEND FAIL / NO CARRIER. */
export class AtCommandError extends DeviceProtocolError {
  constructor(
    device: string,
    readonly command: string,
    /** The final result code (`ERROR`, `CME ERROR`, `SEND FAIL`…). */
    readonly result: string,
    /** +CME/+CMS error number when the module gave (or we could map) one. */
    readonly code: number | undefined,
    detail: string,
  ) {
    super(device, `${command} failed: ${detail}`);
  }
}

/** No SIM in the holder (+CME ERROR: 10 / "SIM not inserted"). */
export class SimMissingError extends DeviceError {}

/** The SIM waits for a PIN or PUK (`+CPIN: SIM PIN`): the terminal cannot go online by itself. */
export class SimLockedError extends DeviceError {
  constructor(
    device: string,
    readonly state: string,
  ) {
    super(device, `SIM locked (${state})`);
  }
}

/** Any other SIM state or SIM failure. */
export class SimError extends DeviceError {}

/** Not registered on the network (searching, denied, idle) when data was asked for. */
export class NotRegisteredError extends DeviceError {
  constructor(
    device: string,
    readonly status: string,
  ) {
    super(device, `not registered on the network (${status})`);
  }
}

/** Quectel TCP/IP errors (QIACT via AT+QIGETERROR, +QIOPEN: id,<err>): `code` is 561, 566… */
export class TcpIpError extends DeviceError {
  constructor(
    device: string,
    readonly code: number,
    message: string,
  ) {
    super(device, message);
  }
}

export class PdpActivationError extends TcpIpError {}
export class SocketOpenError extends TcpIpError {}

/** The module answered SEND FAIL: the peer's window is full or the connection is gone. */
export class SendFailedError extends DeviceProtocolError {}

/** `+QIURC: "closed",<id>`: the peer or the network closed the socket. */
export class SocketClosedError extends DeviceDisconnectedError {}

/** `+QIURC: "pdpdeact",<ctx>`: the network dropped the data context; every socket on it is dead. */
export class PdpDeactivatedError extends DeviceDisconnectedError {}

/** The module rebooted (RDY banner) or the port went away: its sockets and context are gone. */
export class ModuleResetError extends DeviceDisconnectedError {}
