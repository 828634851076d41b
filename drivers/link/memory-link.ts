import { DeviceDisconnectedError } from "../core/device-error.js";
import { type ByteLink, LinkListeners } from "./byte-link.js";

/**
 * Two linked ends in one process: what one writes, the other receives, asynchronously (as from a real
 * port). Closing either end closes both, the far end seeing a disconnection. Tests and the in-process
 * rig use it; fault injection wraps an end (tools/rig).
 */
class MemoryLinkEnd implements ByteLink {
  readonly listeners = new LinkListeners();
  peer!: MemoryLinkEnd;
  private open = true;

  constructor(private readonly name: string) {}

  get isOpen(): boolean {
    return this.open;
  }

  async write(data: Buffer): Promise<void> {
    if (!this.open) throw new DeviceDisconnectedError(this.name, "write on a closed link");
    const copy = Buffer.from(data);
    setImmediate(() => {
      if (this.peer.open) this.peer.listeners.emitData(copy);
    });
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.listeners.onClose(listener);
  }

  async close(): Promise<void> {
    this.shut();
    this.peer.shut(new DeviceDisconnectedError(this.peer.name, "the other end closed the link"));
  }

  private shut(error?: Error): void {
    if (!this.open) return;
    this.open = false;
    this.listeners.emitClose(error);
  }
}

/** A connected pair: `host` for the driver, `device` for the emulator. */
export function createMemoryLinkPair(name = "memory"): { host: ByteLink; device: ByteLink } {
  const host = new MemoryLinkEnd(`${name} (host end)`);
  const device = new MemoryLinkEnd(`${name} (device end)`);
  host.peer = device;
  device.peer = host;
  return { host, device };
}
