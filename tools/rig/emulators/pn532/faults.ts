import type { Pn532CommandName } from "../../../../protocol/pn532/commands.js";

/**
 * PN532-level faults as data (device-protocols.md §11), on top of the link faults of withFaults.
 * Each applies to commands it matches (`command`, default as noted), lets `skip` matches pass first,
 * then fires `times` times (default 1; Infinity for always).
 */
export type Pn532Fault =
  /** The frame is dropped: no ACK, no response (lost bytes, chip busy). */
  | { kind: "no-ack"; command?: Pn532CommandName; skip?: number; times?: number }
  /** The response goes out with a bad DCS; `times` counts transmissions, so NACK-resends can fail too. */
  | { kind: "corrupt-response"; command?: Pn532CommandName; skip?: number; times?: number }
  /** ACK, then the syntax-error frame instead of the response. */
  | { kind: "syntax-error"; command?: Pn532CommandName; skip?: number; times?: number }
  /** An In* command (default InDataExchange) answers this status byte; `removeCard` takes the card away (01 mid-APDU). */
  | {
      kind: "status";
      status: number;
      removeCard?: boolean;
      command?: Pn532CommandName;
      skip?: number;
      times?: number;
    }
  /** The next `polls` InListPassiveTarget see no card whatever is in the field. */
  | { kind: "no-card"; polls: number }
  /** The card takes `delayMs` to answer (WTX-like); default InDataExchange. The host may abort meanwhile. */
  | { kind: "slow-card"; delayMs: number; command?: Pn532CommandName; skip?: number; times?: number }
  /** Card responses are returned in MI-chained pieces of `chunk` bytes (the PN532 does this above 262). */
  | { kind: "chain"; chunk: number; times?: number };

interface Armed {
  fault: Pn532Fault;
  skip: number;
  left: number;
}

const DEFAULT_COMMAND: Partial<Record<Pn532Fault["kind"], Pn532CommandName>> = {
  status: "InDataExchange",
  "slow-card": "InDataExchange",
  chain: "InDataExchange",
  "no-card": "InListPassiveTarget",
};

/** The emulator's fault plan with its counters. */
export class FaultBook {
  private readonly armed: Armed[] = [];
  readonly fired: Partial<Record<Pn532Fault["kind"], number>> = {};

  constructor(faults: readonly Pn532Fault[] = []) {
    for (const fault of faults) this.add(fault);
  }

  add(fault: Pn532Fault): void {
    const skip = "skip" in fault ? (fault.skip ?? 0) : 0;
    const left = fault.kind === "no-card" ? fault.polls : (fault.times ?? 1);
    this.armed.push({ fault, skip, left });
  }

  /** The first armed fault of `kind` matching `command`, used up by one firing. */
  take<K extends Pn532Fault["kind"]>(
    kind: K,
    command: Pn532CommandName,
  ): Extract<Pn532Fault, { kind: K }> | undefined {
    for (const entry of this.armed) {
      if (entry.fault.kind !== kind || entry.left <= 0) continue;
      const wanted = ("command" in entry.fault ? entry.fault.command : undefined) ?? DEFAULT_COMMAND[kind];
      if (wanted !== undefined && wanted !== command) continue;
      if (entry.skip > 0) {
        entry.skip--;
        continue;
      }
      entry.left--;
      this.fired[kind] = (this.fired[kind] ?? 0) + 1;
      return entry.fault as Extract<Pn532Fault, { kind: K }>;
    }
    return undefined;
  }
}
