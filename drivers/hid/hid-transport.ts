/**
 * The seam between a HID device session and its reports (node-hid HIDAsync on a board, an in-memory pair
 * in tests), like ByteLink for serial devices. Reports are whole input reports, report ID included when
 * the device uses numbered reports.
 */
export interface HidTransport {
  onReport(listener: (report: Buffer) => void): () => void;
  /** `error` is set when the device went away rather than being closed. */
  onClose(listener: (error?: Error) => void): () => void;
  /** Output report (first byte: report ID, 0 when unnumbered). */
  write(report: Buffer): Promise<void>;
  close(): Promise<void>;
  readonly isOpen: boolean;
}

export type HidOpener = () => Promise<HidTransport>;

/** Listener fan-out shared by transports; the close is reported once. */
export class HidListeners {
  private readonly reports = new Set<(report: Buffer) => void>();
  private readonly closes = new Set<(error?: Error) => void>();
  private closed = false;

  onReport(listener: (report: Buffer) => void): () => void {
    this.reports.add(listener);
    return () => this.reports.delete(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    this.closes.add(listener);
    return () => this.closes.delete(listener);
  }

  emitReport(report: Buffer): void {
    for (const l of [...this.reports]) l(report);
  }

  emitClose(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of [...this.closes]) l(error);
  }
}
