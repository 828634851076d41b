import type { TransactionType } from "../journal/transaction-record.js";
import { digitsToFen } from "./digit-entry.js";
import type {
  BilingualText,
  CardEntry,
  JournalRecoveryReport,
  OriginalEntry,
  SelfTestFault,
  TransactionOutcome,
  TransactionRequest,
} from "./terminal-services.js";

/** What the chart remembers between states. Money stays as the digits typed until a service needs fen. */
export interface TerminalContext {
  signedIn: boolean;
  batch: string | undefined;
  faults: SelfTestFault[];
  recovery: JournalRecoveryReport | undefined;
  /** The transaction being built. */
  type: TransactionType;
  amountDigits: string;
  tipDigits: string;
  /** Digits typed into the current original-transaction or reprint field. */
  entry: string;
  original: OriginalEntry;
  card: CardEntry | undefined;
  outcome: TransactionOutcome | undefined;
  /** The last message for the operator (service result, refusal, fault). */
  message: BilingualText | undefined;
  printJob: { journalId: number; reprint: boolean } | undefined;
}

/** The transaction part of the context, as it is when the terminal returns to idle. */
export const EMPTY_TRANSACTION = {
  type: "sale",
  amountDigits: "",
  tipDigits: "",
  entry: "",
  original: {},
  card: undefined,
  outcome: undefined,
  message: undefined,
  printJob: undefined,
} as const satisfies Partial<TerminalContext>;

export function initialTerminalContext(): TerminalContext {
  return {
    signedIn: false,
    batch: undefined,
    faults: [],
    recovery: undefined,
    ...EMPTY_TRANSACTION,
    original: {},
  };
}

export function amountOf(context: TerminalContext): number {
  return digitsToFen(context.amountDigits);
}
export function tipOf(context: TerminalContext): number {
  return digitsToFen(context.tipDigits);
}
/** Fen sent for authorisation: the tip is part of the amount (as in `TransactionRecord`). */
export function totalOf(context: TerminalContext): number {
  return amountOf(context) + tipOf(context);
}

export function transactionRequest(context: TerminalContext): TransactionRequest {
  const request: TransactionRequest = { type: context.type, amount: totalOf(context), tip: tipOf(context) };
  if (context.card !== undefined) request.card = context.card;
  if (Object.keys(context.original).length > 0) request.original = { ...context.original };
  return request;
}
