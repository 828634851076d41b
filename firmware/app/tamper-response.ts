import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { KeyStore } from "../keys/key-store.js";
import type { FlowLogger } from "../transactions/acquirer-session.js";
import { TransactionError } from "../transactions/transaction-error.js";

/** What the statechart hears (terminal-machine.ts: TAMPER enters `tampered`, REKEYED leaves it). */
export type SecurityEvent = { type: "TAMPER" } | { type: "REKEYED" };

/** The operations a tampered terminal refuses: every one that needs keys and reaches the host. */
export type GuardedOperation = "sign-in" | "pay" | "settle";

/** Where the security events are journaled under `storage.dir` (one JSON object a line, mode 0600). */
export const SECURITY_EVENTS_FILE = "security-events.jsonl";

/**
 * A financial operation refused because the terminal was tampered with and has not been re-keyed. A
 * TransactionError ("no-keys") so every caller already shows its zh/en line to the operator.
 */
export class TerminalTamperedError extends TransactionError {
  constructor(readonly operation: GuardedOperation) {
    super(
      "no-keys",
      "终端被拆 密钥已清除 请重新灌装密钥",
      `Terminal tampered: keys erased; ${operation} refused until the keys are loaded again`,
    );
    this.name = "TerminalTamperedError";
  }
}

interface SecurityEventRecord {
  at: string;
  event: "tamper" | "rekeyed";
  source: string;
}

export interface TamperResponseOptions {
  keys: KeyStore;
  /** The acquirer session: its signed-in state is dropped on tamper. */
  session: { reSignInRequired: boolean };
  log: FlowLogger;
  /** The security event journal (`<storage.dir>/security-events.jsonl`). */
  eventsPath: string;
  clock?: () => Date;
}

/**
 * 防拆响应: a tamper report (the PIN pad's TMP, a tamper line) erases the key store (the secure element's
 * device key is destroyed, so every sealed key is gone with it), drops the session's sign-in, journals
 * the event (never a key), tells the statechart TAMPER and refuses sign-in, pay and settle until a TMK
 * is loaded again (REKEYED). The state survives a reboot: the journal's last event says tampered, and
 * a TMK found at boot (loaded by `posctl keys load` while the terminal was off) counts as the re-key.
 */
export class TamperResponse {
  private latched: boolean;
  private readonly listeners = new Set<(event: SecurityEvent) => void>();
  private readonly clock: () => Date;

  constructor(private readonly options: TamperResponseOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.latched = lastEvent(options.eventsPath) === "tamper";
    if (this.latched && options.keys.has("tmk")) {
      this.latched = false;
      this.journal("rekeyed", "key-load at boot");
    }
  }

  get tampered(): boolean {
    return this.latched;
  }

  /** Subscribes to TAMPER / REKEYED (whoever binds the chart forwards them); returns the unsubscribe. */
  onEvent(listener: (event: SecurityEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * The tamper response. Keys are erased on every report (cheap, and a repeat must never leave keys
   * behind); journal, log and TAMPER happen once per tamper (the pad repeats its report on each OPN).
   */
  respond(source: string): void {
    this.options.keys.erase();
    this.options.session.reSignInRequired = true;
    if (this.latched) return;
    this.latched = true;
    this.journal("tamper", source);
    this.options.log.error({ event: "tamper", source }, "tamper detected: keys erased, trading stopped");
    this.emit({ type: "TAMPER" });
  }

  /** Throws TerminalTamperedError while tampered. */
  assertMayTrade(operation: GuardedOperation): void {
    if (this.latched) throw new TerminalTamperedError(operation);
  }

  /** Runs `operation` unless tampered (then rejects with TerminalTamperedError, before any I/O). */
  guard<T>(operation: GuardedOperation, run: () => Promise<T>): Promise<T> {
    if (this.latched) return Promise.reject(new TerminalTamperedError(operation));
    return run();
  }

  /**
   * Key injection (the TMK again, by whatever `load` does with the key store). Clears the tamper once
   * the store holds a TMK, journals it and emits REKEYED; a load that leaves no TMK changes nothing.
   */
  rekey<T>(load: (keys: KeyStore) => T, source = "key-injection"): T {
    const result = load(this.options.keys);
    if (!this.options.keys.has("tmk")) return result;
    if (this.latched) {
      this.latched = false;
      this.journal("rekeyed", source);
      this.options.log.info({ event: "rekeyed", source }, "keys loaded again after tamper");
      this.emit({ type: "REKEYED" });
    }
    return result;
  }

  private journal(event: SecurityEventRecord["event"], source: string): void {
    const record: SecurityEventRecord = { at: this.clock().toISOString(), event, source };
    appendFileSync(this.options.eventsPath, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  }

  private emit(event: SecurityEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.log.warn({ error: (error as Error).message }, "security event listener failed");
      }
    }
  }
}

/**
 * Forwards TAMPER / REKEYED to the statechart's actor (call after `actor.start()`): a terminal that
 * booted still tampered (no re-key since) enters `tampered` at once. Returns the unbind.
 */
export function bindSecurityEvents(
  tamper: TamperResponse,
  actor: { send(event: SecurityEvent): void },
): () => void {
  const off = tamper.onEvent((event) => actor.send(event));
  if (tamper.tampered) actor.send({ type: "TAMPER" });
  return off;
}

/** The last event in the journal, if any (a torn last line from a power cut is skipped). */
function lastEvent(path: string): SecurityEventRecord["event"] | undefined {
  if (!existsSync(path)) return undefined;
  const lines = readFileSync(path, "utf8").split("\n").filter(Boolean).reverse();
  for (const line of lines) {
    try {
      const event = (JSON.parse(line) as Partial<SecurityEventRecord>).event;
      if (event === "tamper" || event === "rekeyed") return event;
    } catch {
      // A torn line: look at the one before.
    }
  }
  return undefined;
}
