/**
 * What the terminal statechart needs from the rest of the firmware. The chart owns the screens and keys;
 * everything that touches a device, the journal or the acquirer sits behind this seam, so the chart is
 * tested with deterministic mocks and the transaction engine is tested without a keypad.
 */
import type { AdminFunction } from "../admin/permissions.js";
import type { TransactionStatus, TransactionType } from "../journal/transaction-record.js";

export const KEYS = [
  "0",
  "1",
  "2",
  "3",
  "4",
  "5",
  "6",
  "7",
  "8",
  "9",
  "enter",
  "cancel",
  "clear",
  "menu",
  "up",
  "down",
  "f1",
  "f2",
] as const;
export type Key = (typeof KEYS)[number];
export const DIGIT_KEYS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] as const;
export type DigitKey = (typeof DIGIT_KEYS)[number];

/** Operator text: every message the terminal shows comes in both languages. */
export interface BilingualText {
  zh: string;
  en: string;
}

/** A card or a QR code as the reader delivered it; the chart only carries it to `runTransaction`. */
export type CardEntry = {
  mode: "swipe" | "insert" | "tap" | "qr" /* opaque to the chart */;
  handle: unknown;
};

export interface SelfTestFault {
  device: string;
  message: string;
  fatal: boolean;
}
export interface SelfTestReport {
  ok: boolean;
  faults: SelfTestFault[];
}
export interface JournalRecoveryReport {
  reversalsPending: number;
  slipsToPrint: number;
  settlementResumed: boolean;
}
export type SignInResult = { ok: true; batch: string } | ({ ok: false } & BilingualText);
export type SignOutResult = { ok: boolean } & BilingualText;

/** The original a void, refund or completion refers to, as the operator typed it. */
export interface OriginalEntry {
  stan?: string;
  rrn?: string;
  authCode?: string;
  /** MMDD */
  date?: string;
}

export interface TransactionRequest {
  type: TransactionType;
  /** Fen, tip included (as in `TransactionRecord.amount`); 0 for balance inquiries. */
  amount: number;
  /** Fen, part of `amount`. */
  tip: number;
  card?: CardEntry;
  original?: OriginalEntry;
}
export type TransactionOutcome = {
  journalId?: number;
  status: TransactionStatus;
  responseCode?: string;
  /** Fen, balance inquiries. */
  balance?: number;
} & BilingualText;

export type RiskDecision = { kind: "allow" } | ({ kind: "confirm" | "refuse" } & BilingualText);
export type PrintResult = { ok: true } | ({ ok: false; paperOut: boolean } & BilingualText);
export type SettlementResult = { ok: boolean; result?: "balanced" | "unbalanced" } & BilingualText;
export type DownloadResult = { ok: boolean } & BilingualText;

/** Why a role check refused: the reasons `UserStore.authorize` raises (AdminError.reason). */
export type AuthorizationRefusal = "unknown-user" | "wrong-password" | "locked" | "expired" | "forbidden";

/**
 * A role check before a restricted function. `password` is the typed digits as ASCII bytes; it belongs to
 * the chart, which zeroes it as soon as the promise settles: the services must not keep it (or a copy).
 */
export interface AuthorizationRequest {
  fn: AdminFunction;
  userId: string;
  password: Buffer;
}
export type AuthorizationResult =
  | { ok: true; userId: string }
  | ({ ok: false; reason: AuthorizationRefusal } & BilingualText);

/** The D0 (实时到账) query as the chart sees it: `enabled` false when the merchant has no D0. */
export type InstantSettlementResult =
  | ({ ok: true; enabled: boolean } & BilingualText)
  | ({ ok: false } & BilingualText);

/** Why a password change was refused: UserStore's reasons, and the repeat not matching the new one. */
export type PasswordChangeRefusal =
  | "unknown-user"
  | "wrong-password"
  | "locked"
  | "weak-password"
  | "same-password"
  | "mismatch";

/**
 * A user changing their own password on the terminal. The three Buffers are the typed digits as ASCII; the
 * chart zeroes them as soon as the promise settles: the services must not keep them (or a copy).
 */
export interface PasswordChangeRequest {
  userId: string;
  current: Buffer;
  next: Buffer;
  repeat: Buffer;
}
export type PasswordChangeResult =
  | ({ ok: true } & BilingualText)
  | ({ ok: false; reason: PasswordChangeRefusal } & BilingualText);

export interface TerminalFeatures {
  void: boolean;
  refund: boolean;
  preauth: boolean;
  balance: boolean;
  tips: boolean;
  qr: boolean;
}

export interface TerminalServices {
  selfTest(): Promise<SelfTestReport>;
  recoverJournal(): Promise<JournalRecoveryReport>;
  signIn(): Promise<SignInResult>;
  signOut(): Promise<SignOutResult>;
  /** Waits for a card or QR code for this request; rejects on signal abort. */
  waitForCard(request: { type: TransactionType; amount: number }, signal: AbortSignal): Promise<CardEntry>;
  /** PIN, online exchange, reversal, journal: everything between card and result. */
  runTransaction(request: TransactionRequest, signal: AbortSignal): Promise<TransactionOutcome>;
  riskCheck(request: { type: TransactionType; amount: number }): RiskDecision;
  printSlip(journalId: number, options: { reprint: boolean }): Promise<PrintResult>;
  settle(): Promise<SettlementResult>;
  lastJournalId(): number | undefined;
  findByStan(stan: string): number | undefined;
  downloadParameters(): Promise<DownloadResult>;
  /**
   * Whether the permissions table restricts `fn` to a role, so the chart asks for a user number and
   * password before it (false for what every operator may run: the chart goes straight in).
   */
  needsAuthorization(fn: AdminFunction): boolean;
  /** Checks the user and password for `fn` (UserStore.authorize); refusals are results, not rejections. */
  authorize(request: AuthorizationRequest): Promise<AuthorizationResult>;
  /** Asks the host for the D0 funds and balance and keeps the answer for `printInstantSettlement`. */
  queryInstantSettlement(signal: AbortSignal): Promise<InstantSettlementResult>;
  /** Prints the slip of the last D0 answer. */
  printInstantSettlement(): Promise<PrintResult>;
  /** Checks the repeat, then UserStore.changePassword; refusals are results, not rejections. */
  changePassword(request: PasswordChangeRequest): Promise<PasswordChangeResult>;
  tamperDetected?: never; // tamper arrives as an event (TAMPER), not a service call
  features: TerminalFeatures;
}
