import type { CodeScanner } from "../../firmware/card-entry/index.js";

/** The rig's code scanner: a payment code "shown" by the operator console, the demo or a test. */
export class ManualScanner implements CodeScanner {
  private readonly listeners = new Set<(code: Buffer) => void>();

  onScan(listener: (code: Buffer) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers a code to whoever waits; false when nobody was scanning. */
  scan(code: string): boolean {
    if (this.listeners.size === 0) return false;
    for (const listener of [...this.listeners]) listener(Buffer.from(code, "latin1"));
    return true;
  }
}
