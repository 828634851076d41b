import { buildBatchUpload, buildSettlement } from "../../protocol/iso8583/cup/builders.js";
import { type BatchUploadRecord, parseSettlementTotals } from "../../protocol/iso8583/subfields/field48.js";
import { encodeTlv } from "../../protocol/tlv/index.js";
import type { Journal, TransactionRecord } from "../journal/index.js";
import type { BatchTotals } from "../journal/transaction-record.js";
import type { KeyStore } from "../keys/key-store.js";
import type { AcquirerSession, FlowLogger } from "../transactions/acquirer-session.js";
import type { AdviceQueue } from "../transactions/advice-queue.js";
import { entryModeField, terminalFlags } from "../transactions/kinds.js";
import type { ReversalQueue } from "../transactions/reversal-queue.js";
import { decipherPan } from "../transactions/stored-pan.js";
import { TransactionError } from "../transactions/transaction-error.js";
import { counted, fromSettlementField, settlementField, side } from "./batch-totals.js";

export interface SettlementOutcome {
  batch: string;
  result: "balanced" | "unbalanced";
  terminalTotals: BatchTotals;
  hostTotals?: BatchTotals;
  uploaded: number;
  records: TransactionRecord[];
  /** The batch the terminal moved on to. */
  nextBatch: string;
}

/** Magstripe records per 0320 (field 48 holds at most 8). */
const RECORDS_PER_UPLOAD = 8;

const isChip = (r: TransactionRecord) => r.entryMode === "insert" || r.entryMode === "tap";

/**
 * 结算: flush reversals and advices, send the totals (0500), upload what the host needs (0320: IC TC data
 * one by one when balanced; every transaction when unbalanced), END, close the batch. Each step is
 * journalled (run stage, per-row uploaded flags) so a power cut at any point resumes where it stopped,
 * and the batch closes — rows settled, batch number + 1 — in one commit.
 */
export class SettlementService {
  constructor(
    private readonly options: {
      session: AcquirerSession;
      journal: Journal;
      keys: KeyStore;
      reversals: ReversalQueue;
      advices: AdviceQueue;
      log: FlowLogger;
    },
  ) {}

  async settle(signal?: AbortSignal): Promise<SettlementOutcome> {
    const { journal, session, reversals, advices, log } = this.options;
    if (!session.signedIn) await session.signIn(signal);
    let run = journal.currentSettlement();
    const resumed = run !== undefined;
    const batch = run?.batch ?? journal.batch();
    if (!run) {
      await reversals.flush(signal);
      const left = await advices.flush(signal);
      if (left.left > 0) {
        throw new TransactionError(
          "link",
          "离线交易未上送 请重试",
          "Offline transactions not yet sent: retry",
        );
      }
      run = journal.beginSettlement(batch, journal.totals(batch));
    }
    const terminalTotals = journal.totals(batch);
    // A run without a result has not had its 0500 answered (or the answer was lost to a power cut): (re)send.
    if (run.result === undefined) {
      const { reply, response } = await session.exchange(
        buildSettlement({
          ...session.identity,
          stan: journal.nextStan(),
          batch,
          totals: settlementField(terminalTotals),
        }),
        signal,
      );
      // 77 on a resumed run: the host closed this batch on an 0500 whose answer a power cut lost. The
      // result is unknown, so everything is uploaded for the host to reconcile (as when unbalanced).
      const lostAnswer = resumed && reply.code === "77";
      if (!reply.approved && !lostAnswer) {
        throw new TransactionError(
          "refused",
          `结算失败 ${reply.info.zh}`,
          `Settlement refused: ${reply.info.en}`,
        );
      }
      if (lostAnswer)
        log.warn({ batch }, "settlement answer lost before the power cut: uploading everything");
      const field = response.fields[48] ? parseSettlementTotals(response.fields[48]) : undefined;
      const balanced =
        field !== undefined && field.domestic.result === 1 && (field.foreign?.result ?? 1) === 1;
      journal.updateSettlement(batch, {
        stage: "totals-sent",
        result: balanced ? "balanced" : "unbalanced",
        responseCode: reply.code,
        ...(field ? { hostTotals: fromSettlementField(field) } : {}),
      });
      run = journal.currentSettlement()!;
      log.info({ batch, result: run.result }, "settlement totals answered");
    }
    if (run.stage !== "upload-done") {
      await this.upload(batch, run.result === "balanced", signal);
      journal.updateSettlement(batch, { stage: "upload-done" });
    }
    const uploaded = journal.query({ batch }).filter((r) => r.uploaded).length;
    const settledRecords = journal.query({ batch });
    journal.closeSettlement(batch);
    const nextBatch = journal.batch();
    log.info({ batch, nextBatch, uploaded }, "batch closed");
    return {
      batch,
      result: run.result ?? "unbalanced",
      terminalTotals,
      ...(run.hostTotals ? { hostTotals: run.hostTotals } : {}),
      uploaded,
      records: settledRecords,
      nextBatch,
    };
  }

  /** 0320s not yet sent for this batch, then the END with the count (202 unbalanced, 207 balanced). */
  private async upload(batch: string, balanced: boolean, signal?: AbortSignal): Promise<void> {
    const { journal, session } = this.options;
    journal.updateSettlement(batch, { stage: "uploading" });
    const all = journal.query({ batch, settlement: "unsettled" }).filter((r) => counted(r) && side(r));
    const todo = all.filter((r) => !r.uploaded && (!balanced || isChip(r)));
    const stripe = todo.filter((r) => !isChip(r));
    for (let at = 0; at < stripe.length; at += RECORDS_PER_UPLOAD) {
      const chunk = stripe.slice(at, at + RECORDS_PER_UPLOAD);
      const records = chunk.map((r) => this.uploadRecord(r));
      await session.exchange(
        buildBatchUpload({
          ...session.identity,
          stan: journal.nextStan(),
          batch,
          netMgmtCode: "201",
          records,
        }),
        signal,
      );
      journal.markUploaded(chunk.map((r) => r.id));
    }
    for (const r of todo.filter(isChip)) {
      const pan = decipherPan(this.options.keys, r);
      try {
        await session.exchange(
          buildBatchUpload({
            ...session.identity,
            stan: r.stan,
            batch,
            netMgmtCode: balanced ? "203" : "205",
            amount: r.amount,
            card: {
              entryMode: entryModeField(r.entryMode, false),
              ...(pan ? { pan: pan.toString("latin1") } : {}),
              ...(r.emv ? { iccData: tcData(r) } : {}),
            },
            terminalFlags: terminalFlags(r.entryMode),
          }),
          signal,
        );
      } finally {
        pan?.fill(0);
      }
      journal.markUploaded([r.id]);
    }
    const count = journal.query({ batch }).filter((r) => r.uploaded).length;
    await session.exchange(
      buildBatchUpload({
        ...session.identity,
        stan: journal.nextStan(),
        batch,
        netMgmtCode: balanced ? "207" : "202",
        uploadCount: count,
      }),
      signal,
    );
  }

  private uploadRecord(r: TransactionRecord): BatchUploadRecord {
    const pan = decipherPan(this.options.keys, r);
    try {
      // A PAN whose TDK is gone goes as zeros: the host matches uploads on STAN and amount.
      return {
        cardOrg: r.domestic ? "00" : "01",
        stan: r.stan,
        pan: pan?.toString("latin1") ?? "0",
        amount: r.amount,
      };
    } finally {
      pan?.fill(0);
    }
  }
}

/** The TC data an IC upload carries, from what the journal kept (9F26 cryptogram, 9F36 ATC, 95 TVR). */
function tcData(r: TransactionRecord): Buffer {
  const nodes = [];
  if (r.emv?.cryptogram) nodes.push({ tag: "9F26", value: Buffer.from(r.emv.cryptogram, "hex") });
  if (r.emv?.atc) nodes.push({ tag: "9F36", value: Buffer.from(r.emv.atc, "hex") });
  if (r.emv?.tvr) nodes.push({ tag: "95", value: Buffer.from(r.emv.tvr, "hex") });
  return encodeTlv(nodes);
}
