export { EscPosPrinter, type EscPosPrinterOptions } from "./escpos-printer.js";
export { PrintSpool, type SpooledJob } from "./print-spool.js";
export type { PrinterEvent, PrinterStatus, PrintJob, PrintResult, ReceiptPrinter } from "./printer-driver.js";
export { PrinterSession, type PrinterSessionOptions, type PrinterTrace } from "./printer-session.js";
export { type PrinterTransport, printerLinkOpener } from "./printer-transports.js";
export {
  type EscposUsbConstructor,
  loadEscposUsb,
  openUsbPrinterLink,
  type UsbPrinterOptions,
} from "./usb-printer-link.js";
