/**
 * A transaction as the terminal keeps it: one row of the journal from the moment the request is built
 * (write-ahead, status "pending") to settlement. Money is integer fen; STAN and batch are 6-digit strings
 * as they travel in fields 11 and 60.2. The clear PAN is never here: only the masked form (first 6 + last
 * 4), the last 4 for look-ups, and the PAN enciphered under the TDK of the sign-in that was current.
 */

export const TRANSACTION_TYPES = [
  "sale",
  "void",
  "refund",
  "preauth",
  "preauth-void",
  "preauth-completion",
  "preauth-completion-advice",
  "preauth-completion-void",
  "balance",
] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** How the card (or code) reached the terminal; "fallback" = a chip card read by its stripe after the chip failed. */
export const ENTRY_MODES = ["swipe", "insert", "tap", "qr", "manual", "fallback"] as const;
export type EntryMode = (typeof ENTRY_MODES)[number];

/**
 * pending: the request may have left (write-ahead); approved / declined by the host (or offline by the card);
 * reversed: a reversal for it was confirmed by the host; voided: a later void of it was approved;
 * failed: never reached the host (nothing to reverse), e.g. no connection.
 */
export const TRANSACTION_STATUSES = [
  "pending",
  "approved",
  "declined",
  "reversed",
  "voided",
  "failed",
] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

export type SettlementState = "unsettled" | "settled";

/** 98 no response, A0 bad response MAC, 96 system fault (e.g. the card refused the approval), 06 other. */
export type ReversalReasonCode = "98" | "A0" | "96" | "06";

export interface ReversalState {
  /** pending: must be sent before the next online message; confirmed: the host answered it (00/25/12…); abandoned: retries exhausted (reported, kept for the settlement report). */
  state: "pending" | "confirmed" | "abandoned";
  reason: ReversalReasonCode;
  attempts: number;
}

/** Store-and-forward: advices and offline approvals waiting to be sent before settlement. */
export type AdviceState = "none" | "queued" | "sent";

export type CardKind = "debit" | "credit" | "unknown";

/** The original a void, refund or completion refers to (fields 37/38/61). */
export interface OriginalReference {
  stan: string;
  batch: string;
  rrn?: string;
  authCode?: string;
  /** MMDD of the original. */
  date?: string;
  /** Journal id of the original, when it is in this terminal's journal. */
  journalId?: number;
}

export interface TransactionRecord {
  /** Journal row id, assigned by the journal. */
  id: number;
  stan: string;
  batch: string;
  type: TransactionType;
  entryMode: EntryMode;
  /** Fen. 0 for balance inquiries. */
  amount: number;
  /** Fen, included in `amount`. */
  tip: number;
  /** ISO 4217 numeric, "156" for CNY. */
  currency: string;
  terminalId: string;
  merchantId: string;
  operator: string;
  maskedPan?: string;
  panLast4?: string;
  /** PAN (ASCII digits, padded with F to a multiple of 8 bytes) enciphered under the TDK; with the TDK's check value. */
  panCipher?: Buffer;
  panKeyKcv?: string;
  /** Card organisation from field 63 ("CUP", "VIS", "MCC"…) or the AID/BIN. */
  cardOrg?: string;
  cardKind: CardKind;
  /** Issued in mainland China (UnionPay domestic) or not (foreign card): the settlement split. */
  domestic: boolean;
  /** Card expiry YYMM (not secret; printed masked as ** / **). */
  expiry?: string;
  /** EMV: AID, application label, TC/ARQC, TVR, TSI for the slip. Never track-2-equivalent data. */
  emv?: { aid?: string; label?: string; cryptogram?: string; tvr?: string; tsi?: string; atc?: string };
  status: TransactionStatus;
  settlement: SettlementState;
  responseCode?: string;
  rrn?: string;
  authCode?: string;
  /** Host date MMDD and time hhmmss (fields 13/12). */
  hostDate?: string;
  hostTime?: string;
  /** Issuer / acquirer institution codes from field 44. */
  issuerCode?: string;
  acquirerCode?: string;
  original?: OriginalReference;
  reversal?: ReversalState;
  advice: AdviceState;
  /** Sent in the batch upload (0320) of the current settlement. */
  uploaded: boolean;
  /** Copies printed so far (merchant copy first); a slip is complete when it reaches the configured copies. */
  copiesPrinted: number;
  /** Signature required on the merchant copy (no PIN, over the no-signature limit). */
  signatureRequired: boolean;
  /** The QR e-receipt / QR payment order id where there is one. */
  orderId?: string;
  /**
   * The request's fields a reversal (0400) repeats, so one can be rebuilt after a power cut: field number →
   * value. Never 2, 35, 36, 52, 55 (PAN comes back from panCipher; tracks, PIN block and ICC data are not kept).
   */
  requestFields?: Record<string, string>;
  /** ISO 8601 UTC, from the injected clock. */
  createdAt: string;
  updatedAt: string;
}

/** What a flow supplies to create a row: everything but the journal-managed fields. */
export type NewTransaction = Omit<
  TransactionRecord,
  "id" | "createdAt" | "updatedAt" | "settlement" | "uploaded" | "copiesPrinted" | "advice"
> &
  Partial<Pick<TransactionRecord, "advice" | "settlement">>;

/** Totals the way field 48 of 0500 carries them: count and fen, debit (sales) and credit (refunds) sides. */
export interface SideTotals {
  debitAmount: number;
  debitCount: number;
  creditAmount: number;
  creditCount: number;
}

export interface BatchTotals {
  domestic: SideTotals;
  foreign: SideTotals;
}
