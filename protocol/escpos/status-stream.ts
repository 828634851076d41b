import { decodeAsb, isAsbHeader, isAsbTrailer, isRealtimeReply, type PrinterStatus } from "./status.js";

/**
 * What a printer sends back, split into events: single-byte DLE EOT replies, 4-byte ASB blocks (which
 * arrive unasked, at any time, between other replies) and anything else (printer ID replies, XON/XOFF,
 * line noise) as `other`. A DLE EOT reply has bit 4 set, which no ASB trailer byte may have, so an ASB
 * block broken by a foreign byte is given up and scanning resumes at that byte. Never throws.
 */
export type StatusEvent =
  | { kind: "realtime"; byte: number }
  | { kind: "asb"; bytes: Buffer; status: PrinterStatus }
  | { kind: "other"; byte: number };

export class StatusReplyDecoder {
  private readonly partial: number[] = [];

  /** Feeds received bytes; returns the events they complete. */
  push(chunk: Uint8Array): StatusEvent[] {
    const events: StatusEvent[] = [];
    for (const byte of chunk) this.take(byte, events);
    return events;
  }

  /** Bytes held in an unfinished ASB block. */
  get pending(): number {
    return this.partial.length;
  }

  private take(byte: number, events: StatusEvent[]): void {
    if (this.partial.length > 0) {
      if (isAsbTrailer(byte)) {
        this.partial.push(byte);
        if (this.partial.length === 4) {
          const bytes = Buffer.from(this.partial.splice(0));
          events.push({ kind: "asb", bytes, status: decodeAsb(bytes) });
        }
        return;
      }
      // Not an ASB block after all: its bytes were other traffic; rescan from this byte.
      for (const b of this.partial.splice(0)) events.push({ kind: "other", byte: b });
    }
    if (isRealtimeReply(byte)) events.push({ kind: "realtime", byte });
    else if (isAsbHeader(byte)) this.partial.push(byte);
    else events.push({ kind: "other", byte });
  }
}
