import type { SettlementBlock, SettlementTotals } from "../../protocol/iso8583/subfields/field48.js";
import type { SimTransaction } from "./config.js";
import { maskedPan } from "./tx-log.js";

/** One ledger line in the JSON a test compares with the terminal's journal (masked PAN, no secrets). */
export interface LedgerEntry {
  seq: number;
  time: string;
  terminalId: string;
  merchantId: string;
  batch: string;
  stan: string;
  mti: string;
  transaction: SimTransaction;
  /** Fen; 0 for inquiries and management. */
  amount: number;
  /** 6+4 masked. */
  pan: string;
  scheme: string | undefined;
  domestic: boolean;
  responseCode: string;
  approved: boolean;
  rrn: string | undefined;
  authCode: string | undefined;
  /** approved / declined, and what happened later: reversed, voided, completed (pre-auth). */
  status: "approved" | "declined" | "reversed" | "voided" | "completed";
  /** Refunds against this entry so far, in fen. */
  refunded: number;
  /** The ledger seq this entry refers to (void, refund, completion, reversal). */
  originalSeq: number | undefined;
  /** Reversals only: did the original turn up? */
  matched?: boolean;
  note?: string;
}

/** Host-internal: the entry plus what is needed to match and undo it. */
export interface LedgerRecord extends LedgerEntry {
  fullPan: string | undefined;
  /** Undoes the money movement (and marks on the original) when the entry is reversed. */
  undo: (() => void) | undefined;
}

/** Counted as debit / credit in settlement totals (reference §1.7); pre-auth and its void are not. */
const DEBIT: ReadonlySet<SimTransaction> = new Set(["sale", "completion", "completionAdvice", "offlineSale"]);
const CREDIT: ReadonlySet<SimTransaction> = new Set(["void", "completionVoid", "refund"]);

export function isDebit(t: SimTransaction): boolean {
  return DEBIT.has(t);
}
export function isCredit(t: SimTransaction): boolean {
  return CREDIT.has(t);
}

/** An approved entry still in force: counted in totals (a voided sale stays in debit, §1.7). */
function counts(r: LedgerEntry): boolean {
  return r.approved && r.status !== "reversed";
}

function emptyBlock(): SettlementBlock {
  return { debitAmount: 0, debitCount: 0, creditAmount: 0, creditCount: 0, result: 0 };
}

/** Every financial exchange the host answered, in order. */
export class Ledger {
  private readonly records: LedgerRecord[] = [];

  /** Appends an entry; `seq`, the masked PAN, `refunded` and `status` are filled in here. */
  add(
    entry: Omit<LedgerRecord, "seq" | "pan" | "refunded" | "status"> & { status?: LedgerEntry["status"] },
  ): LedgerRecord {
    // Completed in place rather than spread into a copy: this runs once per transaction under load.
    const record = entry as LedgerRecord;
    record.seq = this.records.length + 1;
    record.pan = maskedPan(entry.fullPan);
    record.refunded = 0;
    record.status ??= entry.approved ? "approved" : "declined";
    this.records.push(record);
    return record;
  }

  /** Most recent first: the original a void, refund or reversal refers to is usually recent. */
  findLast(predicate: (r: LedgerRecord) => boolean): LedgerRecord | undefined {
    for (let i = this.records.length - 1; i >= 0; i--) {
      if (predicate(this.records[i]!)) return this.records[i];
    }
    return undefined;
  }

  entries(filter?: (r: LedgerRecord) => boolean): LedgerEntry[] {
    return this.records.filter((r) => !filter || filter(r)).map(publicEntry);
  }

  /** The host's settlement totals for one terminal's batch, domestic and foreign. */
  totals(
    terminalId: string,
    merchantId: string,
    batch: string,
  ): SettlementTotals & { foreign: SettlementBlock } {
    const domestic = emptyBlock();
    const foreign = emptyBlock();
    for (const r of this.records) {
      if (r.terminalId !== terminalId || r.merchantId !== merchantId || r.batch !== batch || !counts(r))
        continue;
      const block = r.domestic ? domestic : foreign;
      if (DEBIT.has(r.transaction)) {
        block.debitAmount += r.amount;
        block.debitCount++;
      } else if (CREDIT.has(r.transaction)) {
        block.creditAmount += r.amount;
        block.creditCount++;
      }
    }
    return { domestic, foreign };
  }

  /** Sum of approved debits minus credits still in force, for comparing with a terminal's journal. */
  net(filter?: (r: LedgerEntry) => boolean): { debit: number; credit: number; approvedCount: number } {
    let debit = 0;
    let credit = 0;
    let approvedCount = 0;
    for (const r of this.records) {
      if ((filter && !filter(r)) || !counts(r)) continue;
      approvedCount++;
      if (DEBIT.has(r.transaction)) debit += r.amount;
      else if (CREDIT.has(r.transaction)) credit += r.amount;
    }
    return { debit, credit, approvedCount };
  }

  get size(): number {
    return this.records.length;
  }
}

function publicEntry(r: LedgerRecord): LedgerEntry {
  const { fullPan: _pan, undo: _undo, ...entry } = r;
  return { ...entry };
}
