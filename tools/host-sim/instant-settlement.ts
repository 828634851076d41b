import type { LedgerRecord } from "./ledger.js";

/** One 实时到账 (D0) payout: an approved sale paid to the merchant at once, less the fee. Fen. */
export interface InstantSettlementRecord {
  id: number;
  time: string;
  merchantId: string;
  terminalId: string;
  batch: string;
  stan: string;
  rrn: string | undefined;
  ledgerSeq: number;
  amount: number;
  fee: number;
  net: number;
  /** paid; reversed (the sale was reversed before the payout stood); voided (clawed back by a void). */
  status: "paid" | "reversed" | "voided";
}

/** Instant-settlement records for merchants flagged for D0; everything else settles T+1 by batch. */
export class InstantSettlements {
  private readonly records: InstantSettlementRecord[] = [];
  private readonly bySeq = new Map<number, InstantSettlementRecord>();

  /** Records the payout of an approved sale; fee rounded half up to whole fen. */
  pay(sale: LedgerRecord, feeRate: number, time: string): InstantSettlementRecord {
    const fee = Math.round(sale.amount * feeRate);
    const record: InstantSettlementRecord = {
      id: this.records.length + 1,
      time,
      merchantId: sale.merchantId,
      terminalId: sale.terminalId,
      batch: sale.batch,
      stan: sale.stan,
      rrn: sale.rrn,
      ledgerSeq: sale.seq,
      amount: sale.amount,
      fee,
      net: sale.amount - fee,
      status: "paid",
    };
    this.records.push(record);
    this.bySeq.set(sale.seq, record);
    return record;
  }

  /** Marks the payout of ledger entry `seq`; returns a function that restores the previous status. */
  mark(seq: number, status: "reversed" | "voided"): (() => void) | undefined {
    const record = this.bySeq.get(seq);
    if (!record) return undefined;
    const before = record.status;
    record.status = status;
    return () => {
      record.status = before;
    };
  }

  list(merchantId?: string): InstantSettlementRecord[] {
    return this.records
      .filter((r) => merchantId === undefined || r.merchantId === merchantId)
      .map((r) => ({ ...r }));
  }
}
