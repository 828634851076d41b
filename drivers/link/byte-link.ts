/**
 * The one seam between a device session and the bytes: a serial port, a HID report pipe, a char
 * device, an in-memory pair or an emulator. Sessions are written once against it (node-serialport's
 * bindings-interface idea), so the same driver runs on a board, on a pty and in a unit test.
 */
export interface ByteLink {
  /** Hands bytes to the link; resolves once they are written (or queued to the OS). */
  write(data: Buffer): Promise<void>;
  /** Subscribes to received bytes, in arbitrary chunks; returns the unsubscribe function. */
  onData(listener: (chunk: Buffer) => void): () => void;
  /** Subscribes to the link closing; `error` is set when it went away rather than being closed. */
  onClose(listener: (error?: Error) => void): () => void;
  /** Closes the link; idempotent. */
  close(): Promise<void>;
  readonly isOpen: boolean;
}

/** Opens (and after a disconnect, re-opens) a link by its configured path. */
export type LinkOpener = () => Promise<ByteLink>;

/** Listener bookkeeping shared by link implementations: data and close fan-out, close reported once. */
export class LinkListeners {
  private readonly data = new Set<(chunk: Buffer) => void>();
  private readonly closed = new Set<(error?: Error) => void>();
  private closeReported = false;

  onData(listener: (chunk: Buffer) => void): () => void {
    this.data.add(listener);
    return () => this.data.delete(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    this.closed.add(listener);
    return () => this.closed.delete(listener);
  }

  emitData(chunk: Buffer): void {
    for (const listener of [...this.data]) listener(chunk);
  }

  /** Reports the close once, however many times the underlying port reports it. */
  emitClose(error?: Error): void {
    if (this.closeReported) return;
    this.closeReported = true;
    for (const listener of [...this.closed]) listener(error);
  }
}
