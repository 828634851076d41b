import type { AdminFunction } from "../admin/permissions.js";
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

/**
 * What a role check leads to once the password is accepted: the function's first state, as the menu key
 * chose it (both reprints need the "reprint" permission but start in different states).
 */
export type AuthorizedStep =
  | "void"
  | "refund"
  | "preauth-void"
  | "preauth-completion-void"
  | "signOut"
  | "settle"
  | "reprintLast"
  | "reprintStan"
  | "download";

/** For each step: the permission it needs and the menu it was chosen from (where a refusal returns). */
export const AUTHORIZED_STEPS: Record<
  AuthorizedStep,
  { fn: AdminFunction; menu: "mainMenu" | "preauthMenu" | "managementMenu" }
> = {
  void: { fn: "void", menu: "mainMenu" },
  refund: { fn: "refund", menu: "mainMenu" },
  "preauth-void": { fn: "preauth-void", menu: "preauthMenu" },
  "preauth-completion-void": { fn: "completion-void", menu: "preauthMenu" },
  signOut: { fn: "sign-out", menu: "managementMenu" },
  settle: { fn: "settlement", menu: "managementMenu" },
  reprintLast: { fn: "reprint", menu: "managementMenu" },
  reprintStan: { fn: "reprint", menu: "managementMenu" },
  download: { fn: "parameter-download", menu: "managementMenu" },
};

/** A role check in progress: where it leads, and the user number once typed (not a secret). */
export interface AuthorizationInProgress {
  step: AuthorizedStep;
  userId?: string;
}

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
  auth: AuthorizationInProgress | undefined;
  /** How many password digits are typed: the screen's asterisks. The digits live in PasswordEntry. */
  passwordLength: number;
  /** The user number of a password change in progress (not a secret); its digits are in PasswordEntries. */
  passwordChangeUser: string | undefined;
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
  auth: undefined,
  passwordLength: 0,
  passwordChangeUser: undefined,
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
