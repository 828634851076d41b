import { DeviceDisconnectedError, DeviceError } from "../core/device-error.js";
import { HidListeners, type HidTransport } from "./hid-transport.js";

type NodeHid = typeof import("node-hid");
type HIDAsync = import("node-hid").HIDAsync;

export type NodeHidTarget = { path: string } | { vendorId: number; productId: number };

/**
 * Loads node-hid when a HID device is first opened, never at import time: its hidraw prebuild links
 * libusb-1.0 and libudev (device-protocols.md §3.3), and a board without them must still boot.
 */
export async function loadNodeHid(): Promise<NodeHid> {
  try {
    const mod = (await import("node-hid")) as NodeHid & { default?: NodeHid };
    return mod.default ?? mod;
  } catch (error) {
    throw new DeviceError("hid", "node-hid cannot be loaded (is libusb-1.0 / libudev installed?)", {
      cause: error,
    });
  }
}

/** Opens a HID device with HIDAsync only (the sync API can crash when close races a read: node-hid#559). */
export async function openNodeHidTransport(
  target: NodeHidTarget,
  options: { nonExclusive?: boolean; device?: string } = {},
): Promise<HidTransport> {
  const hid = await loadNodeHid();
  const name =
    options.device ?? ("path" in target ? target.path : `hid ${target.vendorId}:${target.productId}`);
  try {
    const device =
      "path" in target
        ? await hid.HIDAsync.open(target.path, { nonExclusive: options.nonExclusive ?? false })
        : await hid.HIDAsync.open(target.vendorId, target.productId, {
            nonExclusive: options.nonExclusive ?? false,
          });
    return new NodeHidTransport(device, name);
  } catch (error) {
    throw new DeviceError(name, `cannot open: ${(error as Error).message}`, { cause: error });
  }
}

class NodeHidTransport implements HidTransport {
  private readonly listeners = new HidListeners();
  private open = true;

  constructor(
    private readonly device: HIDAsync,
    private readonly name: string,
  ) {
    device.on("data", (report: Buffer) => this.listeners.emitReport(report));
    device.on("error", (error: Error) => {
      // HIDAsync reports an unplugged device as an error on the read loop.
      this.open = false;
      this.listeners.emitClose(new DeviceDisconnectedError(name, "device disconnected", { cause: error }));
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  onReport(listener: (report: Buffer) => void): () => void {
    return this.listeners.onReport(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.listeners.onClose(listener);
  }

  async write(report: Buffer): Promise<void> {
    if (!this.open) throw new DeviceDisconnectedError(this.name, "write on a closed device");
    await this.device.write(report);
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.device.close().catch(() => undefined);
    this.listeners.emitClose();
  }
}
