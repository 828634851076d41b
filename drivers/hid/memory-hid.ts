import { DeviceDisconnectedError } from "../core/device-error.js";
import { HidListeners, type HidTransport } from "./hid-transport.js";

/** The device end of an in-memory HID pair: what an emulator uses to send input reports. */
export interface MemoryHidDevice {
  sendReport(report: Buffer): void;
  onWrite(listener: (report: Buffer) => void): () => void;
  /** The device is unplugged: the host sees a disconnection. */
  unplug(): void;
  readonly isOpen: boolean;
}

/** A host transport and its device end, delivering asynchronously (as a real read loop does). */
export function createMemoryHidPair(name = "memory-hid"): { host: HidTransport; device: MemoryHidDevice } {
  const listeners = new HidListeners();
  const writes = new Set<(report: Buffer) => void>();
  let open = true;
  const host: HidTransport = {
    get isOpen() {
      return open;
    },
    onReport: (l) => listeners.onReport(l),
    onClose: (l) => listeners.onClose(l),
    async write(report) {
      if (!open) throw new DeviceDisconnectedError(name, "write on a closed device");
      const copy = Buffer.from(report);
      setImmediate(() => {
        for (const l of [...writes]) l(copy);
      });
    },
    async close() {
      open = false;
      listeners.emitClose();
    },
  };
  const device: MemoryHidDevice = {
    get isOpen() {
      return open;
    },
    sendReport(report) {
      const copy = Buffer.from(report);
      setImmediate(() => {
        if (open) listeners.emitReport(copy);
      });
    },
    onWrite(l) {
      writes.add(l);
      return () => writes.delete(l);
    },
    unplug() {
      if (!open) return;
      open = false;
      setImmediate(() => listeners.emitClose(new DeviceDisconnectedError(name, "device unplugged")));
    },
  };
  return { host, device };
}
