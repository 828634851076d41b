import { DeviceDisconnectedError, DeviceError } from "../core/device-error.js";
import { type ByteLink, LinkListeners } from "../link/byte-link.js";

/** The part of escpos-usb's `USB` adapter we use (the package ships no types). */
interface EscposUsbDevice {
  open(callback: (error: Error | null) => void): unknown;
  write(data: Buffer, callback: (error?: Error | null) => void): unknown;
  close(callback?: (error?: Error | null) => void): unknown;
  on(event: "detach" | "disconnect", listener: () => void): unknown;
}

export interface EscposUsbConstructor {
  new (vendorId?: number, productId?: number): EscposUsbDevice;
  findPrinter(): unknown[];
}

export interface UsbPrinterOptions {
  /** USB vendor/product id; omitted = the first printer-class device. */
  vendorId?: number;
  productId?: number;
  device?: string;
}

/**
 * Loads escpos-usb on demand: it pulls in the native `usb` addon (pinned to 1.9.2 through npm
 * overrides; usb@3 breaks it with "findByIds is not a function"), so a board printing over serial or
 * usblp never loads libusb. The specifier is a variable so TypeScript does not look for typings.
 */
export async function loadEscposUsb(device = "printer"): Promise<EscposUsbConstructor> {
  const specifier = "escpos-usb";
  try {
    const module = (await import(specifier)) as { default?: EscposUsbConstructor } & EscposUsbConstructor;
    return module.default ?? module;
  } catch (error) {
    throw new DeviceError(device, `cannot load escpos-usb: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A write-only ByteLink to a USB printer through escpos-usb (libusb; it detaches the kernel usblp driver
 * and claims the interface, so it needs udev rules or root and competes with CUPS). escpos-usb opens no
 * IN endpoint, so status is unknown on this transport (`canRead` false): prefer `/dev/usb/lp0` through
 * the file link where the printer is bidirectional. Without a printer, construction fails with
 * escpos-usb's "Can not find printer", raised here as a DeviceError.
 */
export async function openUsbPrinterLink(
  options: UsbPrinterOptions = {},
): Promise<ByteLink & { canRead: false }> {
  const device = options.device ?? "printer";
  const Usb = await loadEscposUsb(device);
  let usb: EscposUsbDevice;
  try {
    usb = new Usb(options.vendorId, options.productId);
  } catch (error) {
    throw new DeviceError(device, `USB: ${(error as Error).message}`, { cause: error });
  }
  await new Promise<void>((resolve, reject) =>
    usb.open((error) =>
      error ? reject(new DeviceError(device, `USB open: ${error.message}`, { cause: error })) : resolve(),
    ),
  );
  return new UsbPrinterLink(usb, device);
}

class UsbPrinterLink implements ByteLink {
  readonly canRead = false as const;
  private readonly listeners = new LinkListeners();
  private open = true;

  constructor(
    private readonly usb: EscposUsbDevice,
    private readonly device: string,
  ) {
    usb.on("detach", () => this.shut(new DeviceDisconnectedError(device, "USB printer detached")));
  }

  get isOpen(): boolean {
    return this.open;
  }

  write(data: Buffer): Promise<void> {
    if (!this.open) return Promise.reject(new DeviceDisconnectedError(this.device, "write on a closed link"));
    return new Promise((resolve, reject) =>
      this.usb.write(data, (error) =>
        error
          ? reject(new DeviceDisconnectedError(this.device, `USB write: ${error.message}`, { cause: error }))
          : resolve(),
      ),
    );
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.listeners.onClose(listener);
  }

  async close(): Promise<void> {
    if (!this.open) return;
    await new Promise<void>((resolve) => this.usb.close(() => resolve()));
    this.shut();
  }

  private shut(error?: Error): void {
    this.open = false;
    this.listeners.emitClose(error);
  }
}
