import { buildFinancial } from "../../protocol/iso8583/cup/builders.js";
import type { Journal, TransactionRecord } from "../journal/index.js";
import type { KeyStore } from "../keys/key-store.js";
import type { AcquirerSession, FlowLogger } from "./acquirer-session.js";
import { entryModeField, terminalFlags } from "./kinds.js";
import { rebuildRequest } from "./rebuild-request.js";
import { decipherPan } from "./stored-pan.js";

/**
 * Store-and-forward: chip approvals made offline (and advices the host did not acknowledge) are sent as
 * 0220 before settlement. The host cannot decline an advice; an answer of any kind marks it sent. A row
 * whose PAN can no longer be deciphered (its key erased) goes with field 35-less data and field 2 absent.
 *
 * The same queue repeats a refund (0220, which has no reversal) whose answer never came or could not be
 * trusted: sent again as it left, same STAN, it is either processed (the host never saw it) or answered
 * with the host's first answer (a true retransmission), and that answer decides the row.
 */
export class AdviceQueue {
  constructor(
    private readonly options: { session: AcquirerSession; journal: Journal; keys: KeyStore; log: FlowLogger },
  ) {}

  async flush(signal?: AbortSignal, only?: "repeats"): Promise<{ sent: number; left: number }> {
    let sent = 0;
    const queued = this.options.journal
      .queuedAdvices()
      .filter((r) => only === undefined || r.status === "pending");
    for (const record of queued) {
      if (await this.send(record, signal)) sent++;
      else break;
    }
    return { sent, left: queued.length - sent };
  }

  /** Refunds whose outcome is still unknown: sent again at once (recovery, sign-in), not only before settlement. */
  flushRepeats(signal?: AbortSignal): Promise<{ sent: number; left: number }> {
    return this.flush(signal, "repeats");
  }

  private async send(record: TransactionRecord, signal?: AbortSignal): Promise<boolean> {
    if (record.status === "pending") return this.repeat(record, signal);
    const { session, journal, keys, log } = this.options;
    const pan = decipherPan(keys, record);
    try {
      const message = buildFinancial(
        record.type === "preauth-completion-advice" ? "completionAdvice" : "offlineSale",
        {
          terminalId: record.terminalId,
          merchantId: record.merchantId,
          stan: record.stan,
          batch: record.batch,
          amount: record.amount,
          card: {
            entryMode: entryModeField(record.entryMode, false),
            ...(pan ? { pan: pan.toString("latin1") } : {}),
            ...(record.expiry ? { expiry: record.expiry } : {}),
          },
          terminalFlags: terminalFlags(record.entryMode),
          ...(record.original ? { original: record.original } : {}),
          operator: record.operator,
        },
      );
      const { reply, macValid } = await session.exchange(message, signal);
      if (macValid === false) {
        log.warn({ stan: record.stan, code: reply.code }, "advice answer MAC invalid: kept queued");
        return false;
      }
      journal.update(record.id, {
        advice: "sent",
        ...(reply.rrn ? { rrn: reply.rrn } : {}),
        ...(reply.authCode ? { authCode: reply.authCode } : {}),
      });
      log.info({ stan: record.stan, code: reply.code }, "advice sent");
      return true;
    } catch (error) {
      log.warn({ stan: record.stan, error: (error as Error).message }, "advice not sent: kept queued");
      return false;
    } finally {
      pan?.fill(0);
    }
  }

  private async repeat(record: TransactionRecord, signal?: AbortSignal): Promise<boolean> {
    const { session, journal, keys, log } = this.options;
    try {
      const { reply, macValid } = await session.exchange(rebuildRequest(record, keys), signal);
      if (macValid === false || (macValid === undefined && reply.approved)) {
        log.warn(
          { stan: record.stan, code: reply.code },
          "repeated request: answer MAC invalid, kept queued",
        );
        return false;
      }
      if (reply.code === "94") {
        // The host holds another request under this STAN: nothing more the terminal can learn by itself.
        journal.update(record.id, { status: "failed", responseCode: "94", advice: "none" });
        log.error({ stan: record.stan }, "repeated request refused as a duplicate: check with the acquirer");
        return true;
      }
      journal.update(record.id, {
        status: reply.approved ? "approved" : "declined",
        responseCode: reply.code,
        advice: "sent",
        ...(reply.rrn ? { rrn: reply.rrn } : {}),
        ...(reply.authCode ? { authCode: reply.authCode } : {}),
        ...(reply.hostDate ? { hostDate: reply.hostDate } : {}),
        ...(reply.hostTime ? { hostTime: reply.hostTime } : {}),
      });
      log.info({ stan: record.stan, code: reply.code }, "repeated request answered");
      return true;
    } catch (error) {
      log.warn(
        { stan: record.stan, error: (error as Error).message },
        "repeated request not answered: kept queued",
      );
      return false;
    }
  }
}
