/**
 * Deterministic TerminalServices for the chart tests: every asynchronous service returns a promise the
 * test settles when it chooses (so each intermediate screen can be observed), the synchronous risk check
 * answers from a queue, and the look-ups answer from fixed tables.
 */
import type { AdminFunction } from "../../../firmware/admin/index.js";
import type {
  AuthorizationRequest,
  AuthorizationResult,
  CardEntry,
  InstantSettlementResult,
  PasswordChangeRequest,
  PasswordChangeResult,
  PrintResult,
  RiskDecision,
  TerminalFeatures,
  TerminalServices,
  TransactionRequest,
} from "../../../firmware/terminal/index.js";

export type AsyncService =
  | "selfTest"
  | "recoverJournal"
  | "signIn"
  | "signOut"
  | "waitForCard"
  | "runTransaction"
  | "printSlip"
  | "settle"
  | "downloadParameters"
  | "authorize"
  | "queryInstantSettlement"
  | "printInstantSettlement"
  | "changePassword";

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface ScriptedProfile {
  features: TerminalFeatures;
  lastJournalId: number | undefined;
  /** STAN (6 digits) → journal id. */
  journal: Record<string, number>;
  /** Functions the permissions table restricts to a role (default: none, the chart goes straight in). */
  restricted?: readonly AdminFunction[];
}

export const ALL_FEATURES: TerminalFeatures = {
  void: true,
  refund: true,
  preauth: true,
  balance: true,
  tips: true,
  qr: true,
};

export class ScriptedServices implements TerminalServices {
  readonly features: TerminalFeatures;
  readonly calls: { service: string; args: unknown[] }[] = [];
  readonly riskAnswers: (RiskDecision | Error)[] = [];
  readonly signals: AbortSignal[] = [];
  /** Every password Buffer authorize was given, as given (the chart zeroes them after). */
  readonly passwords: Buffer[] = [];
  /** Every [current, new, repeat] changePassword was given, as given (the chart zeroes them after). */
  readonly changes: Buffer[][] = [];
  /** The digits of each change as they arrived, before the chart zeroed them. */
  readonly changeDigits: { current: string; next: string; repeat: string }[] = [];
  private readonly pending = new Map<AsyncService, Pending>();

  constructor(
    private readonly profile: ScriptedProfile = {
      features: ALL_FEATURES,
      lastJournalId: 7,
      journal: { "000001": 7 },
    },
  ) {
    this.features = { ...profile.features };
  }

  /** Settles the newest call of `service`. */
  resolve(service: AsyncService, value: unknown): void {
    this.take(service).resolve(value);
  }
  reject(service: AsyncService, error: unknown): void {
    this.take(service).reject(error);
  }
  isPending(service: AsyncService): boolean {
    return this.pending.has(service);
  }
  lastCall(service: string): unknown[] | undefined {
    return this.calls.filter((c) => c.service === service).at(-1)?.args;
  }

  private take(service: AsyncService): Pending {
    const pending = this.pending.get(service);
    if (!pending) throw new Error(`no pending ${service} call`);
    this.pending.delete(service);
    return pending;
  }

  private defer<T>(service: AsyncService, args: unknown[]): Promise<T> {
    this.calls.push({ service, args });
    return new Promise<T>((resolve, reject) => {
      this.pending.set(service, { resolve: resolve as (value: unknown) => void, reject });
    });
  }

  selfTest = () => this.defer<Awaited<ReturnType<TerminalServices["selfTest"]>>>("selfTest", []);
  recoverJournal = () =>
    this.defer<Awaited<ReturnType<TerminalServices["recoverJournal"]>>>("recoverJournal", []);
  signIn = () => this.defer<Awaited<ReturnType<TerminalServices["signIn"]>>>("signIn", []);
  signOut = () => this.defer<Awaited<ReturnType<TerminalServices["signOut"]>>>("signOut", []);
  settle = () => this.defer<Awaited<ReturnType<TerminalServices["settle"]>>>("settle", []);
  downloadParameters = () =>
    this.defer<Awaited<ReturnType<TerminalServices["downloadParameters"]>>>("downloadParameters", []);

  waitForCard = (request: { type: string; amount: number }, signal: AbortSignal): Promise<CardEntry> => {
    this.signals.push(signal);
    const promise = this.defer<CardEntry>("waitForCard", [request]);
    signal.addEventListener("abort", () => this.pending.get("waitForCard")?.reject(signal.reason));
    return promise;
  };
  runTransaction = (request: TransactionRequest, signal: AbortSignal) => {
    this.signals.push(signal);
    return this.defer<Awaited<ReturnType<TerminalServices["runTransaction"]>>>("runTransaction", [request]);
  };
  printSlip = (journalId: number, options: { reprint: boolean }) =>
    this.defer<Awaited<ReturnType<TerminalServices["printSlip"]>>>("printSlip", [journalId, options]);

  riskCheck = (request: { type: string; amount: number }): RiskDecision => {
    this.calls.push({ service: "riskCheck", args: [request] });
    const answer = this.riskAnswers.shift() ?? { kind: "allow" };
    if (answer instanceof Error) throw answer;
    return answer;
  };
  needsAuthorization = (fn: AdminFunction): boolean => {
    this.calls.push({ service: "needsAuthorization", args: [fn] });
    return this.profile.restricted?.includes(fn) ?? false;
  };
  authorize = (request: AuthorizationRequest): Promise<AuthorizationResult> => {
    this.passwords.push(request.password);
    // The recorded call leaves the password out: it is observed through `passwords`.
    return this.defer<AuthorizationResult>("authorize", [{ fn: request.fn, userId: request.userId }]);
  };
  queryInstantSettlement = (signal: AbortSignal): Promise<InstantSettlementResult> => {
    this.signals.push(signal);
    return this.defer<InstantSettlementResult>("queryInstantSettlement", []);
  };
  printInstantSettlement = () => this.defer<PrintResult>("printInstantSettlement", []);
  changePassword = (request: PasswordChangeRequest): Promise<PasswordChangeResult> => {
    this.changes.push([request.current, request.next, request.repeat]);
    this.changeDigits.push({
      current: request.current.toString("ascii"),
      next: request.next.toString("ascii"),
      repeat: request.repeat.toString("ascii"),
    });
    // The recorded call leaves the passwords out: they are observed through `changes`.
    return this.defer<PasswordChangeResult>("changePassword", [{ userId: request.userId }]);
  };
  lastJournalId = () => this.profile.lastJournalId;
  findByStan = (stan: string) => this.profile.journal[stan];
}
