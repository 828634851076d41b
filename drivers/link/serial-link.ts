import { autoDetect } from "@serialport/bindings-cpp";

// Types only (tsconfig "paths" points at its declarations: the package's ESM entry ships none).
import type { BindingInterface } from "@serialport/bindings-interface";

import { SerialPortStream } from "@serialport/stream";
import { DeviceDisconnectedError, DeviceError } from "../core/device-error.js";
import { type ByteLink, LinkListeners } from "./byte-link.js";

export interface SerialLinkOptions {
  /** Explicit device path (/dev/ttyS1, /dev/pos/pinpad, a pty): ports are never discovered with list(). */
  path: string;
  baudRate: number;
  /** The binding: the native one by default, the rig's emulated binding in tests. */
  binding?: BindingInterface;
  /** Exclusive lock on the port (default true, as a second opener would corrupt the protocol). */
  lock?: boolean;
}

/** A ByteLink over node-serialport. Unread input from before the open is flushed (ptys keep it). */
export async function openSerialLink(options: SerialLinkOptions): Promise<ByteLink> {
  const port = new SerialPortStream({
    binding: options.binding ?? autoDetect(),
    path: options.path,
    baudRate: options.baudRate,
    lock: options.lock ?? true,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) =>
    port.open((error) =>
      error
        ? reject(new DeviceError(options.path, `cannot open: ${error.message}`, { cause: error }))
        : resolve(),
    ),
  );
  await new Promise<void>((resolve) => port.flush(() => resolve()));
  return new SerialLink(port, options.path);
}

class SerialLink implements ByteLink {
  private readonly listeners = new LinkListeners();
  private closing = false;

  constructor(
    private readonly port: SerialPortStream,
    private readonly path: string,
  ) {
    port.on("data", (chunk: Buffer) => this.listeners.emitData(chunk));
    // A close we did not ask for is a disconnection, whether the binding flagged it (poller hang-up) or
    // closed after a failed write (EIO). It may be reported twice; LinkListeners reports once.
    port.on("close", (error?: Error) => {
      if (this.closing) this.listeners.emitClose();
      else this.listeners.emitClose(new DeviceDisconnectedError(path, "port disconnected", { cause: error }));
    });
    // Errors also arrive as close events; listening keeps an 'error' from becoming an uncaught exception.
    port.on("error", () => {});
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  write(data: Buffer): Promise<void> {
    // After a hang-up the binding has closed the port, and a write to a closed stream never calls back:
    // refuse it at once rather than leave the caller waiting.
    if (!this.port.isOpen) {
      const gone = new DeviceDisconnectedError(this.path, "write failed: the port is closed");
      this.listeners.emitClose(gone);
      return Promise.reject(gone);
    }
    return new Promise((resolve, reject) => {
      this.port.write(data, (error) => {
        if (!error) return resolve();
        // A failed write (EIO) means the port is gone, whether or not the poller noticed the hang-up.
        const lost = new DeviceDisconnectedError(this.path, `write failed: ${error.message}`, {
          cause: error,
        });
        this.listeners.emitClose(lost);
        reject(lost);
      });
    });
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.listeners.onClose(listener);
  }

  close(): Promise<void> {
    this.closing = true;
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}
