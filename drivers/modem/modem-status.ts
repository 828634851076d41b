import type { ModemStatus } from "./cellular-modem.js";
import { QuectelModem, type QuectelModemOptions } from "./quectel-modem.js";

/**
 * "Modem as a network interface" mode (§6.3, the recommended one where the product allows it):
 * data goes over the module's USB network function (ECM `usb0` after `AT+QCFG="usbnet",1`, or
 * QMI/PPP) with Node `net`/`tls` and the OS routing table; the AT port (ttyUSB2) is kept for SIM,
 * registration and signal only. The returned object has no socket or PDP methods on purpose: the
 * AT stack and the kernel must not both own the data context.
 */
export async function openModemStatus(options: QuectelModemOptions): Promise<ModemStatus> {
  const modem = await QuectelModem.open(options);
  return {
    checkSim: (call) => modem.checkSim(call),
    registration: (call) => modem.registration(call),
    signalQuality: (call) => modem.signalQuality(call),
    close: () => modem.close(),
  };
}
