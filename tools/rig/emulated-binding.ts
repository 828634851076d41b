// Types only (tsconfig "paths" points at its declarations: the package's ESM entry ships none).
import type {
  BindingInterface,
  BindingPortInterface,
  OpenOptions,
  PortInfo,
  PortStatus,
} from "@serialport/bindings-interface";
import type { ByteLink } from "../../drivers/link/byte-link.js";

/**
 * A node-serialport binding whose ports are in-process emulators: the driver opens `/rig/pinpad` with
 * the real SerialPortStream code path, and the bytes go to the emulator attached at that path. No OS
 * objects, fully deterministic, so CI needs neither socat nor root. (ptys cover process-level runs.)
 */
export class EmulatedBinding implements BindingInterface<EmulatedPort> {
  private readonly devices = new Map<string, () => ByteLink>();

  /** Attaches an emulator: `connect` is called at each open and returns the emulator's end of a fresh link. */
  attach(path: string, connect: () => ByteLink): void {
    this.devices.set(path, connect);
  }

  detach(path: string): void {
    this.devices.delete(path);
  }

  async list(): Promise<PortInfo[]> {
    return [...this.devices.keys()].map((path) => ({
      path,
      manufacturer: "pos-rig",
      serialNumber: undefined,
      pnpId: undefined,
      locationId: undefined,
      productId: undefined,
      vendorId: undefined,
    }));
  }

  async open(options: OpenOptions): Promise<EmulatedPort> {
    const connect = this.devices.get(options.path);
    if (!connect) throw Object.assign(new Error(`no emulated device at ${options.path}`), { code: "ENOENT" });
    return new EmulatedPort(options, connect());
  }
}

function canceled(): Error {
  return Object.assign(new Error("port closed"), { canceled: true });
}

/** One open port: reads pull what the emulator sent, writes go to the emulator. */
export class EmulatedPort implements BindingPortInterface {
  readonly openOptions: Required<OpenOptions>;
  isOpen = true;
  private readonly received: Buffer[] = [];
  private pendingRead: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private lostWith: Error | undefined;

  constructor(
    options: OpenOptions,
    private readonly device: ByteLink,
  ) {
    this.openOptions = {
      dataBits: 8,
      lock: true,
      stopBits: 1,
      parity: "none",
      rtscts: false,
      xon: false,
      xoff: false,
      xany: false,
      hupcl: true,
      ...options,
    } as Required<OpenOptions>;
    device.onData((chunk) => {
      this.received.push(chunk);
      this.wake();
    });
    device.onClose(() => {
      // The emulator went away: like a vanished USB serial adapter, the next read fails (not canceled).
      this.lostWith = Object.assign(new Error("emulated device disconnected"), { code: "EIO" });
      this.wake();
    });
  }

  async read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    while (this.received.length === 0) {
      if (!this.isOpen) throw canceled();
      if (this.lostWith) throw this.lostWith;
      await new Promise<void>((resolve, reject) => {
        this.pendingRead = { resolve, reject };
      });
    }
    const chunk = this.received[0]!;
    const n = Math.min(length, chunk.length);
    chunk.copy(buffer, offset, 0, n);
    if (n === chunk.length) this.received.shift();
    else this.received[0] = chunk.subarray(n);
    return { buffer, bytesRead: n };
  }

  async write(buffer: Buffer): Promise<void> {
    if (!this.isOpen) throw canceled();
    if (this.lostWith) throw this.lostWith;
    await this.device.write(Buffer.from(buffer));
  }

  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.isOpen = false;
    const pending = this.pendingRead;
    this.pendingRead = undefined;
    pending?.reject(canceled());
    await this.device.close();
  }

  async update(): Promise<void> {}
  async set(): Promise<void> {}
  async get(): Promise<PortStatus> {
    return { cts: true, dsr: true, dcd: true };
  }
  async getBaudRate(): Promise<{ baudRate: number }> {
    return { baudRate: this.openOptions.baudRate };
  }
  async flush(): Promise<void> {
    this.received.length = 0;
  }
  async drain(): Promise<void> {}

  private wake(): void {
    const pending = this.pendingRead;
    this.pendingRead = undefined;
    pending?.resolve();
  }
}
