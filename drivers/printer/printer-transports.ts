import type { LinkOpener } from "../link/byte-link.js";
import { openFileLink } from "../link/file-link.js";
import { openSerialLink, type SerialLinkOptions } from "../link/serial-link.js";
import { openUsbPrinterLink } from "./usb-printer-link.js";

/** Where the receipt printer is, as the terminal config says. */
export type PrinterTransport =
  | { kind: "serial"; path: string; baudRate?: number; binding?: SerialLinkOptions["binding"] }
  /** The kernel usblp node; status is read from the same fd where the printer is bidirectional. */
  | { kind: "usblp"; path?: string }
  /** escpos-usb over libusb (write-only: no status). */
  | { kind: "usb"; vendorId?: number; productId?: number };

/** A LinkOpener for the configured transport (reopened by the session after the link goes away). */
export function printerLinkOpener(transport: PrinterTransport): LinkOpener {
  switch (transport.kind) {
    case "serial":
      return () =>
        openSerialLink({
          path: transport.path,
          baudRate: transport.baudRate ?? 115200,
          ...(transport.binding ? { binding: transport.binding } : {}),
        });
    case "usblp":
      return () => openFileLink({ path: transport.path ?? "/dev/usb/lp0", device: "printer" });
    case "usb":
      return () =>
        openUsbPrinterLink({
          ...(transport.vendorId === undefined ? {} : { vendorId: transport.vendorId }),
          ...(transport.productId === undefined ? {} : { productId: transport.productId }),
        });
  }
}
