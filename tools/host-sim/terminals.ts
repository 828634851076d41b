import type { Iso8583Message } from "../../protocol/iso8583/spec.js";
import { type WorkingKeys, wipeWorkingKeys } from "./issue-keys.js";

/** A STAN seen in a batch: what the message was, and the answer given (resent on a true retransmission). */
export interface StanEntry {
  fingerprint: string;
  response: Iso8583Message | undefined;
}

/** One settlement (0500) as the host judged it. */
export interface SettlementRecord {
  batch: string;
  time: string;
  /** 1 balanced, 2 unbalanced, per block. */
  domesticResult: 1 | 2;
  foreignResult: 1 | 2 | undefined;
  terminalTotals: string;
  hostTotals: string;
  /** Batch-upload END seen (60.3 202/207) and its count. */
  uploadEnd?: { code: string; count: number };
  /** Transactions uploaded in 0320s for this batch. */
  uploaded: number;
}

/** Per-terminal state, keyed by terminal ID (41) + merchant ID (42). */
export class TerminalState {
  keys: WorkingKeys | undefined;
  signedInAt: string | undefined;
  /** The host's current batch: given out in 0810, expected in 60.2, +1 after each settlement. */
  batch: string;
  private readonly stans = new Map<string, Map<string, StanEntry>>();
  readonly settlements: SettlementRecord[] = [];

  constructor(
    readonly terminalId: string,
    readonly merchantId: string,
    readonly tmk: Buffer,
    initialBatch: string,
  ) {
    this.batch = initialBatch;
  }

  setKeys(keys: WorkingKeys | undefined, at: string | undefined): void {
    wipeWorkingKeys(this.keys);
    this.keys = keys;
    this.signedInAt = at;
  }

  stanEntry(batch: string, stan: string): StanEntry | undefined {
    return this.stans.get(batch)?.get(stan);
  }

  rememberStan(batch: string, stan: string, entry: StanEntry): void {
    let map = this.stans.get(batch);
    if (!map) {
      map = new Map();
      this.stans.set(batch, map);
      // Only recent batches matter for duplicate detection; forget the rest.
      if (this.stans.size > 3) this.stans.delete(this.stans.keys().next().value!);
    }
    map.set(stan, entry);
  }

  /** Closes the current batch after a settlement: the next one is batch + 1 (999999 wraps to 000001). */
  closeBatch(): void {
    const next = (Number(this.batch) % 999_999) + 1;
    this.batch = String(next).padStart(6, "0");
  }

  settlementFor(batch: string): SettlementRecord | undefined {
    for (let i = this.settlements.length - 1; i >= 0; i--) {
      if (this.settlements[i]!.batch === batch) return this.settlements[i];
    }
    return undefined;
  }

  wipe(): void {
    this.setKeys(undefined, undefined);
  }
}

/** Terminals the host knows: created at first contact, or only those configured when restricted. */
export class TerminalRegistry {
  private readonly states = new Map<string, TerminalState>();
  private readonly allowed: Map<string, Buffer | undefined> | undefined;

  constructor(
    private readonly defaultTmk: Buffer,
    private readonly initialBatch: string,
    restrictTo: readonly { terminalId: string; merchantId: string; tmk?: Buffer }[] | undefined,
  ) {
    this.allowed = restrictTo && new Map(restrictTo.map((t) => [key(t.terminalId, t.merchantId), t.tmk]));
  }

  /** The terminal's state, or undefined when a terminals list restricts who may connect. */
  get(terminalId: string, merchantId: string): TerminalState | undefined {
    const k = key(terminalId, merchantId);
    let state = this.states.get(k);
    if (state) return state;
    if (this.allowed && !this.allowed.has(k)) return undefined;
    state = new TerminalState(
      terminalId,
      merchantId,
      this.allowed?.get(k) ?? this.defaultTmk,
      this.initialBatch,
    );
    this.states.set(k, state);
    return state;
  }

  peek(terminalId: string, merchantId: string): TerminalState | undefined {
    return this.states.get(key(terminalId, merchantId));
  }

  all(): TerminalState[] {
    return [...this.states.values()];
  }

  wipe(): void {
    for (const s of this.states.values()) s.wipe();
    this.defaultTmk.fill(0);
    if (this.allowed) for (const tmk of this.allowed.values()) tmk?.fill(0);
  }
}

function key(terminalId: string, merchantId: string): string {
  return `${terminalId}\u0000${merchantId}`;
}
