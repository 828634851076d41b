import { buildReversal } from "../../protocol/iso8583/cup/builders.js";
import type { Journal, TransactionRecord } from "../journal/index.js";
import type { KeyStore } from "../keys/key-store.js";
import { requestLeft } from "./acquirer-port.js";
import type { AcquirerSession, FlowLogger } from "./acquirer-session.js";
import { rebuildRequest } from "./rebuild-request.js";
import { TransactionError } from "./transaction-error.js";

/** Answers that settle a reversal: done (00), or the host never had the original (25) / refuses it as invalid (12). */
const FINAL_CODES: ReadonlySet<string> = new Set(["00", "25", "12"]);

export interface ReversalQueueOptions {
  session: AcquirerSession;
  journal: Journal;
  keys: KeyStore;
  log: FlowLogger;
  /** Attempts per reversal before it is abandoned (reported, kept in the journal). */
  maxAttempts: number;
}

/**
 * 冲正: every reversal record the journal holds (written before its request left) is sent before the next
 * online message and before settlement. The attempt is counted in the journal before the bytes leave, so
 * a reboot loop cannot retry forever; after `maxAttempts` the record is abandoned and logged.
 */
export class ReversalQueue {
  constructor(private readonly options: ReversalQueueOptions) {}

  pending(): TransactionRecord[] {
    return this.options.journal.pendingReversals();
  }

  /**
   * Sends every pending reversal. Throws TransactionError("reversal-pending") when one could not be sent
   * and still has attempts left: the caller must not send a new online message before it goes.
   */
  async flush(signal?: AbortSignal): Promise<{ confirmed: number; abandoned: number }> {
    let confirmed = 0;
    let abandoned = 0;
    for (const record of this.pending()) {
      const result = await this.reverse(record, signal);
      if (result === "confirmed") confirmed++;
      else if (result === "abandoned") abandoned++;
      else {
        throw new TransactionError(
          "reversal-pending",
          "冲正未成功 请检查网络后重试",
          "Reversal not yet sent: check the line and retry",
        );
      }
    }
    return { confirmed, abandoned };
  }

  private async reverse(
    record: TransactionRecord,
    signal?: AbortSignal,
  ): Promise<"confirmed" | "abandoned" | "pending"> {
    const { journal, session, log, maxAttempts } = this.options;
    const reversal = record.reversal;
    if (reversal?.state !== "pending") return "confirmed";
    if (reversal.attempts >= maxAttempts) {
      journal.update(record.id, { reversal: { ...reversal, state: "abandoned" } });
      log.error({ stan: record.stan, reason: reversal.reason }, "reversal abandoned after its retries");
      return "abandoned";
    }
    // An attempt counts once it is known to have reached the wire (an answer, or a failure after the bytes
    // left); a power cut or a refused connection before that costs no attempt, so a reversal that never
    // reached the host can never be abandoned and leave the cardholder charged.
    const attempt = { ...reversal, attempts: reversal.attempts + 1 };
    const counted = () => journal.update(record.id, { reversal: attempt });
    const message = buildReversal(rebuildRequest(record, this.options.keys), {
      reason: reversal.reason,
      ...(record.authCode ? { authCode: record.authCode } : {}),
    });
    try {
      const { reply, macValid } = await session.exchange(message, signal);
      // Only an answer that proves it came from the host (good MAC) clears the record (§1.8).
      if (macValid === false) {
        counted();
        log.warn({ stan: record.stan, code: reply.code }, "reversal answer MAC invalid: kept pending");
        return "pending";
      }
      if (!FINAL_CODES.has(reply.code)) {
        counted();
        log.warn({ stan: record.stan, code: reply.code }, "reversal answered but not accepted");
        return "pending";
      }
      const status = record.status === "pending" || record.status === "approved" ? "reversed" : record.status;
      journal.update(record.id, { status, reversal: { ...attempt, state: "confirmed" } });
      log.info({ stan: record.stan, reason: reversal.reason, code: reply.code }, "reversal confirmed");
      return "confirmed";
    } catch (error) {
      const sent = requestLeft(error);
      if (sent) counted();
      log.warn({ stan: record.stan, sent, error: (error as Error).message }, "reversal not delivered");
      return "pending";
    }
  }
}
