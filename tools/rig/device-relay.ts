import { type ByteLink, LinkListeners } from "../../drivers/link/byte-link.js";

/**
 * A device end that outlives its connections: the emulator is built once on the relay, and each time the
 * terminal opens the port (a fresh link in-process, the one pty in process-level runs) the relay is
 * pointed at it. So the device keeps its state (slips printed, paper out) across the host's reopens, as a
 * real printer does when its cable is replugged. Bytes written with no host connected are lost, as on an
 * unplugged serial line. The relay itself closes only when the rig stops.
 */
export class DeviceRelay implements ByteLink {
  private readonly listeners = new LinkListeners();
  private current: ByteLink | undefined;
  private offCurrent: (() => void) | undefined;
  private closed = false;

  constructor(readonly name: string) {}

  /** Points the relay at a new connection (the device end of a fresh link). */
  connect(link: ByteLink): void {
    if (this.closed) {
      void link.close();
      return;
    }
    this.offCurrent?.();
    this.current = link;
    const offData = link.onData((chunk) => {
      if (this.current === link) this.listeners.emitData(chunk);
    });
    this.offCurrent = offData;
  }

  /** True while a host connection is open. */
  get isOpen(): boolean {
    return !this.closed && (this.current?.isOpen ?? false);
  }

  async write(data: Buffer): Promise<void> {
    const link = this.current;
    if (this.closed || !link?.isOpen) return;
    await link.write(data).catch(() => undefined);
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.listeners.onClose(listener);
  }

  /** Closes the current connection and the relay (rig stop). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.offCurrent?.();
    const link = this.current;
    this.current = undefined;
    await link?.close();
    this.listeners.emitClose();
  }
}
