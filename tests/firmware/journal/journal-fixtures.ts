import { join } from "node:path";
import { Journal, type JournalOptions, type NewTransaction } from "../../../firmware/journal/index.js";

/** A clock the test moves by hand (ISO instants), starting on a fixed day. */
export class StepClock {
  private time: number;
  constructor(start = "2025-03-01T08:00:00.000Z") {
    this.time = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.time);
  set(iso: string): void {
    this.time = Date.parse(iso);
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** A pending domestic debit-card sale with everything a flow would fill in before the request leaves. */
export function pendingSale(overrides: Partial<NewTransaction> = {}): NewTransaction {
  return {
    stan: "000001",
    batch: "000001",
    type: "sale",
    entryMode: "insert",
    amount: 12_345,
    tip: 0,
    currency: "156",
    terminalId: "12345678",
    merchantId: "123456789012345",
    operator: "01",
    maskedPan: "622202******1234",
    panLast4: "1234",
    panCipher: Buffer.from("8F3A11C0D2E4B5A6", "hex"),
    panKeyKcv: "A1B2C3",
    cardOrg: "CUP",
    cardKind: "debit",
    domestic: true,
    status: "pending",
    signatureRequired: false,
    ...overrides,
  };
}

export interface OpenedJournal {
  journal: Journal;
  path: string;
  labels: string[];
  clock: StepClock;
  reopen(): Journal;
}

/** Opens a journal in `dir`, recording commit labels; `reopen` closes it and opens the same file again. */
export function openJournal(dir: string, options: JournalOptions = {}): OpenedJournal {
  const path = join(dir, "journal.db");
  const labels: string[] = [];
  const clock = new StepClock();
  const opts: JournalOptions = { clock: clock.now, onCommit: (p) => labels.push(p), ...options };
  const opened: OpenedJournal = {
    journal: Journal.open(path, opts),
    path,
    labels,
    clock,
    reopen() {
      opened.journal.close();
      opened.journal = Journal.open(path, opts);
      return opened.journal;
    },
  };
  return opened;
}
