import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { isMaskablePan, maskPan } from "../../protocol/pan-mask.js";

/** PAN as a person may see it in a log or ledger: first 6 and last 4 digits (6+4). */
export function maskedPan(pan: string | undefined): string {
  if (pan === undefined || pan === "") return "-";
  return isMaskablePan(pan) ? maskPan(pan) : `<${pan.length} digits>`;
}

/** Amount in fen as yuan with two decimals, e.g. 12345 → "123.45". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export interface TxLogLine {
  mti: string;
  responseMti?: string;
  transaction: string;
  terminalId?: string;
  merchantId?: string;
  stan?: string;
  batch?: string;
  pan?: string;
  amount?: number;
  responseCode?: string;
  authCode?: string;
  rrn?: string;
  note?: string;
}

/**
 * The readable transaction log: one line per exchange, masked (PAN 6+4; never tracks, PIN blocks, keys
 * or MACs, which this class is never given). Writes to a stream or appends to a file; silent when none.
 */
export class TxLog {
  private readonly sink: Writable | undefined;
  private readonly owned: boolean;

  constructor(
    target: Writable | string | undefined,
    private readonly clock: () => Date,
  ) {
    if (typeof target === "string") {
      this.sink = createWriteStream(target, { flags: "a" });
      this.owned = true;
    } else {
      this.sink = target;
      this.owned = false;
    }
  }

  get enabled(): boolean {
    return this.sink !== undefined;
  }

  /** A free-form event (connections, malformed frames, unmatched reversals). */
  event(text: string): void {
    if (this.sink) this.sink.write(`${this.clock().toISOString()} ${text}\n`);
  }

  exchange(l: TxLogLine): void {
    if (!this.sink) return;
    const parts = [
      `${l.mti}->${l.responseMti ?? "----"}`,
      l.transaction,
      `tid=${l.terminalId ?? "-"}`,
      `mid=${l.merchantId ?? "-"}`,
      `stan=${l.stan ?? "-"}`,
      `batch=${l.batch ?? "-"}`,
      `pan=${maskedPan(l.pan)}`,
      `amount=${l.amount === undefined ? "-" : yuan(l.amount)}`,
      `rc=${l.responseCode ?? "-"}`,
    ];
    if (l.authCode) parts.push(`auth=${l.authCode}`);
    if (l.rrn) parts.push(`rrn=${l.rrn}`);
    if (l.note) parts.push(`(${l.note})`);
    this.event(parts.join(" "));
  }

  /** Flushes and closes a file this log opened; a caller's stream is left open. */
  async close(): Promise<void> {
    const sink = this.sink;
    if (!sink || !this.owned) return;
    await new Promise<void>((resolve) => sink.end(resolve));
  }
}
