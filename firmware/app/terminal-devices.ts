import type { BindingInterface } from "@serialport/bindings-interface";
import { CcidContactReader } from "../../drivers/contact/ccid-contact-reader.js";
import type { LinkOpener } from "../../drivers/link/byte-link.js";
import { openSerialLink } from "../../drivers/link/serial-link.js";
import { SerialMagStripeReader } from "../../drivers/magstripe/serial-magstripe-reader.js";
import { QuectelModem } from "../../drivers/modem/quectel-modem.js";
import { Pn532Reader } from "../../drivers/nfc/pn532-reader.js";
import { AbecsPinPad } from "../../drivers/pinpad/index.js";
import { EscPosPrinter, printerLinkOpener } from "../../drivers/printer/index.js";

export interface DevicePort {
  path: string;
  baudRate: number;
}

export interface DevicePorts {
  pinpad?: DevicePort;
  contact?: DevicePort;
  magstripe?: DevicePort;
  nfc?: DevicePort;
  printer?: DevicePort;
  modem?: DevicePort;
}

export interface TerminalDevices {
  pinpad?: AbecsPinPad;
  contact?: CcidContactReader;
  magstripe?: SerialMagStripeReader;
  nfc?: Pn532Reader;
  printer?: EscPosPrinter;
  modem?: QuectelModem;
}

export interface DeviceFault {
  device: keyof DevicePorts;
  message: string;
  /** Without it the terminal cannot trade at all. */
  fatal: boolean;
}

/**
 * The drivers on the configured ports: by explicit path, through the native serial binding on a board or
 * the rig's emulated binding (swapped in by configuration, never by a test branch in the firmware).
 */
export async function createDevices(
  ports: DevicePorts,
  options: { binding?: BindingInterface; spoolDir: string },
): Promise<TerminalDevices> {
  const opener =
    (port: DevicePort): LinkOpener =>
    () =>
      openSerialLink({
        path: port.path,
        baudRate: port.baudRate,
        ...(options.binding ? { binding: options.binding } : {}),
      });
  const devices: TerminalDevices = {};
  if (ports.pinpad) devices.pinpad = new AbecsPinPad({ opener: opener(ports.pinpad) });
  if (ports.contact) devices.contact = new CcidContactReader({ opener: opener(ports.contact) });
  if (ports.magstripe) devices.magstripe = new SerialMagStripeReader({ opener: opener(ports.magstripe) });
  if (ports.nfc) devices.nfc = new Pn532Reader({ open: opener(ports.nfc) });
  if (ports.printer) {
    devices.printer = await EscPosPrinter.open({
      link: printerLinkOpener({
        kind: "serial",
        path: ports.printer.path,
        baudRate: ports.printer.baudRate,
        ...(options.binding ? { binding: options.binding } : {}),
      }),
      spoolDir: options.spoolDir,
    });
  }
  if (ports.modem) devices.modem = new QuectelModem({ opener: opener(ports.modem) });
  return devices;
}

async function check(
  faults: DeviceFault[],
  device: keyof DevicePorts,
  fatal: boolean,
  action: () => Promise<unknown>,
): Promise<void> {
  try {
    await action();
  } catch (error) {
    faults.push({ device, message: (error as Error).message, fatal });
  }
}

/**
 * 自检: opens every configured device and asks it something. The PIN pad and printer are fatal when they
 * fail (no PIN, no slips); a missing reader only narrows how cards can be presented.
 */
export async function selfTest(devices: TerminalDevices): Promise<DeviceFault[]> {
  const faults: DeviceFault[] = [];
  const { pinpad, contact, magstripe, nfc, printer, modem } = devices;
  await Promise.all([
    pinpad
      ? check(faults, "pinpad", true, async () => {
          await pinpad.open();
          await pinpad.info();
        })
      : undefined,
    contact ? check(faults, "contact", false, () => contact.open()) : undefined,
    magstripe ? check(faults, "magstripe", false, () => magstripe.open()) : undefined,
    nfc ? check(faults, "nfc", false, () => nfc.open()) : undefined,
    printer ? check(faults, "printer", false, () => printer.status()) : undefined,
    // A missing SIM shows at boot rather than at the first sign-in (the link names it again there).
    modem ? check(faults, "modem", false, () => modem.checkSim()) : undefined,
  ]);
  return faults;
}

export async function closeDevices(devices: TerminalDevices): Promise<void> {
  await Promise.all(
    Object.values(devices).map((d: { close(): Promise<void> } | undefined) =>
      d?.close().catch(() => undefined),
    ),
  );
}
