import { CONTROL_BYTES, DC3, ESCAPE_OFFSET, ETB, MAX_PACKET_DATA, SYN } from "./control.js";
import { crc16 } from "./crc16.js";

export type PinPadLinkEvent =
  /** A packet with a good CRC: the unescaped PKTDATA. */
  | { type: "frame"; data: Buffer }
  /** A complete packet whose CRC does not match: the receiver answers NAK. */
  | { type: "bad-crc"; data: Buffer; expected: number; received: number }
  /** A packet abandoned before its CRC: cut short by SYN, bad escape, too long. */
  | { type: "bad-frame"; reason: string; length: number }
  /** Bytes outside any packet that are neither SYN nor a control byte. */
  | { type: "skipped"; count: number }
  /** ACK, NAK, CAN or EOT received between packets. */
  | { type: "control"; byte: number };

type State = "hunt" | "data" | "escape" | "crc1" | "crc2" | "overflow";

/**
 * Incremental ABECS receiver (spec flowchart §2.2.3): push whatever the port delivered, get events.
 * Never throws on input; garbage and broken packets become events so the session can NAK and count
 * resyncs. Pure: the 2-s inter-byte timeout belongs to the caller (call reset()).
 */
export class PinPadFrameDecoder {
  private readonly data = Buffer.alloc(MAX_PACKET_DATA);
  private length = 0;
  private state: State = "hunt";
  private crcHigh = 0;
  private skipped = 0;

  /** True while a packet is partly received. */
  get inPacket(): boolean {
    return this.state !== "hunt";
  }

  push(chunk: Uint8Array): PinPadLinkEvent[] {
    const events: PinPadLinkEvent[] = [];
    for (const byte of chunk) this.step(byte, events);
    this.flushSkipped(events);
    return events;
  }

  /** Drops a partial packet (inter-byte timeout) and wipes the buffer. */
  reset(): void {
    this.data.fill(0, 0, this.length);
    this.length = 0;
    this.state = "hunt";
    this.skipped = 0;
  }

  private step(byte: number, events: PinPadLinkEvent[]): void {
    switch (this.state) {
      case "hunt":
        this.hunt(byte, events);
        return;
      case "overflow":
        // Too long to be a packet: drop everything up to the next SYN.
        if (byte === SYN) {
          this.flushSkipped(events);
          this.start();
        } else {
          this.skipped++;
        }
        return;
      case "data":
        if (byte === SYN) {
          this.abandon("SYN inside a packet: packet cut short", events);
          this.start();
        } else if (byte === ETB) {
          this.state = "crc1";
        } else if (byte === DC3) {
          this.state = "escape";
        } else {
          this.append(byte, events);
        }
        return;
      case "escape": {
        const value = byte - ESCAPE_OFFSET;
        if (value === DC3 || value === SYN || value === ETB) {
          this.state = "data";
          this.append(value, events);
          return;
        }
        this.abandon(`DC3 followed by ${byte.toString(16).padStart(2, "0")}: not an escape`, events);
        this.hunt(byte, events);
        return;
      }
      case "crc1":
        this.crcHigh = byte;
        this.state = "crc2";
        return;
      case "crc2":
        this.complete((this.crcHigh << 8) | byte, events);
        return;
    }
  }

  private hunt(byte: number, events: PinPadLinkEvent[]): void {
    if (byte === SYN) {
      this.flushSkipped(events);
      this.start();
    } else if (CONTROL_BYTES.has(byte)) {
      this.flushSkipped(events);
      events.push({ type: "control", byte });
    } else {
      this.skipped++;
    }
  }

  private start(): void {
    this.data.fill(0, 0, this.length);
    this.length = 0;
    this.state = "data";
  }

  private append(byte: number, events: PinPadLinkEvent[]): void {
    if (this.length === MAX_PACKET_DATA) {
      this.abandon(`packet longer than ${MAX_PACKET_DATA} bytes`, events);
      this.state = "overflow";
      return;
    }
    this.data[this.length++] = byte;
  }

  private abandon(reason: string, events: PinPadLinkEvent[]): void {
    this.flushSkipped(events);
    events.push({ type: "bad-frame", reason, length: this.length });
    this.data.fill(0, 0, this.length);
    this.length = 0;
    this.state = "hunt";
  }

  private complete(received: number, events: PinPadLinkEvent[]): void {
    const body = this.data.subarray(0, this.length);
    const expected = crc16(Buffer.from([ETB]), crc16(body));
    const data = Buffer.from(body);
    if (data.length === 0) {
      events.push({ type: "bad-frame", reason: "empty packet", length: 0 });
    } else if (expected === received) {
      events.push({ type: "frame", data });
    } else {
      events.push({ type: "bad-crc", data, expected, received });
    }
    this.data.fill(0, 0, this.length);
    this.length = 0;
    this.state = "hunt";
  }

  private flushSkipped(events: PinPadLinkEvent[]): void {
    if (this.skipped === 0) return;
    events.push({ type: "skipped", count: this.skipped });
    this.skipped = 0;
  }
}
