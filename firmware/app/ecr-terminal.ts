import type { EcrResult, RequestBodies, ResponseBodies } from "../../protocol/ecr/index.js";
import {
  type EcrControl,
  type EcrLookup,
  type EcrRecoveredResult,
  type EcrTerminal,
  parsePoiTransactionId,
  paymentResponseFromRecord,
  poiTransactionId,
} from "../ecr/index.js";
import type { StoredReceipt } from "../journal/journal.js";
import type { TransactionRecord } from "../journal/transaction-record.js";
import type { PaymentResult } from "../transactions/payment-flow.js";
import { TransactionError } from "../transactions/transaction-error.js";
import type { TerminalApp } from "./terminal-app.js";

export interface TerminalAppEcrOptions {
  /** Limit on the online part once the card is read (default 90 s; the flow has its own host timeouts). */
  onlineTimeoutMs?: number;
  /** How many recent journal rows a look-up by the register's TransactionID searches (default 1000). */
  searchDepth?: number;
}

const failure = (condition: EcrResult["ErrorCondition"], text: string): EcrResult => ({
  Result: "Failure",
  ...(condition ? { ErrorCondition: condition } : {}),
  AdditionalResponse: text.slice(0, 1024),
});

const ERROR_CONDITION: Record<TransactionError["code"], EcrResult["ErrorCondition"]> = {
  "no-keys": "UnavailableService",
  link: "UnreachableHost",
  "reversal-pending": "UnreachableHost",
  "settlement-pending": "UnavailableService",
  card: "Refusal",
  pin: "Refusal",
  original: "NotFound",
  cancelled: "Cancel",
  refused: "Refusal",
};

/**
 * The terminal application behind the ECR server (EcrTerminal over TerminalApp): a payment is
 * waitForCard → pay → printSlip, the same calls the console and the demo make. The register's
 * TransactionID is written to the journal row's orderId (printed on the slip as the order number), which
 * is how TransactionStatus finds a sale again after a restart; the POITransactionID is batch-STAN.
 */
export class TerminalAppEcr implements EcrTerminal {
  private readonly onlineTimeoutMs: number;
  private readonly searchDepth: number;

  constructor(
    private readonly app: TerminalApp,
    options: TerminalAppEcrOptions = {},
  ) {
    this.onlineTimeoutMs = options.onlineTimeoutMs ?? 90_000;
    this.searchDepth = options.searchDepth ?? 1000;
  }

  get poiId(): string {
    return this.app.settings.terminal.terminalId;
  }

  async payment(request: RequestBodies["Payment"], control: EcrControl): Promise<ResponseBodies["Payment"]> {
    const sale = request.SaleData.SaleTransactionID;
    const saleData = { SaleData: { SaleTransactionID: sale } };
    const refund = request.PaymentData.PaymentType === "Refund";
    let original: { stan: string; rrn?: string; authCode?: string; date?: string } | undefined;
    if (refund) {
      const id = request.PaymentTransaction.OriginalPOITransaction?.POITransactionID.TransactionID;
      if (!id) {
        return {
          Response: failure("MessageFormat", "a refund needs PaymentTransaction.OriginalPOITransaction"),
          ...saleData,
        };
      }
      const record = this.byPoiTransactionId(id);
      if (!record)
        return { Response: failure("NotFound", `no transaction ${id} on this terminal`), ...saleData };
      original = {
        stan: record.stan,
        ...(record.rrn ? { rrn: record.rrn } : {}),
        ...(record.authCode ? { authCode: record.authCode } : {}),
        ...(record.hostDate ? { date: record.hostDate } : {}),
      };
    }
    control.onStage("waiting-card");
    let card: Awaited<ReturnType<TerminalApp["waitForCard"]>>;
    try {
      card = await this.app.waitForCard(control.signal);
    } catch (error) {
      if (!control.signal.aborted) throw error;
      const reason = control.signal.reason instanceof Error ? control.signal.reason.message : "aborted";
      return { Response: failure("Aborted", reason), ...saleData };
    }
    control.onStage("online");
    let result: PaymentResult;
    try {
      result = await this.app.pay({
        type: refund ? "refund" : "sale",
        amount: request.PaymentTransaction.AmountsReq.RequestedAmount,
        card,
        ...(original ? { original } : {}),
        orderId: sale.TransactionID,
        signal: AbortSignal.timeout(this.onlineTimeoutMs),
      });
    } catch (error) {
      if (!(error instanceof TransactionError)) throw error;
      return { Response: failure(ERROR_CONDITION[error.code], error.en), ...saleData };
    }
    if (result.journalId === undefined) return { Response: failure("Refusal", result.en), ...saleData };
    if (result.status === "approved") {
      control.onStage("printing");
      await this.app.printSlip(result.journalId);
    }
    return this.answer(result.journalId, sale, result);
  }

  async reversal(
    request: RequestBodies["Reversal"],
    control: EcrControl,
  ): Promise<ResponseBodies["Reversal"]> {
    const id = request.OriginalPOITransaction.POITransactionID.TransactionID;
    const originalRef = { OriginalPOITransaction: { POITransactionID: { TransactionID: id } } };
    const record = this.byPoiTransactionId(id);
    if (!record)
      return { Response: failure("NotFound", `no transaction ${id} on this terminal`), ...originalRef };
    if (record.status === "voided" || (record.status === "reversed" && record.reversal?.reason === "06")) {
      return {
        Response: { Result: "Success", AdditionalResponse: `already ${record.status}` },
        ...originalRef,
      };
    }
    if (record.status !== "approved") {
      return { Response: failure("NotAllowed", `the transaction is ${record.status}`), ...originalRef };
    }
    const journal = this.app.journal;
    if (record.settlement === "settled" || record.batch !== journal.batch()) {
      return { Response: failure("NotAllowed", "the batch is settled: refund it instead"), ...originalRef };
    }
    control.onStage("online");
    const signal = AbortSignal.timeout(this.onlineTimeoutMs);
    if (journal.last()?.id === record.id && (record.type === "sale" || record.type === "refund")) {
      // 冲正: the terminal's last message is undone by a 0400 (reason 06), written ahead like any reversal.
      const after = await this.app.reverse(record.id, "06", signal);
      const done = after.status === "reversed";
      return {
        Response: done
          ? { Result: "Success" }
          : {
              Result: "Partial",
              AdditionalResponse: "reversal recorded: it goes to the host before the next online message",
            },
        ...originalRef,
        ...(done ? { ReversedAmount: record.amount } : {}),
        ReversalMethod: "Reversal",
      };
    }
    if (record.type !== "sale") {
      return {
        Response: failure("NotAllowed", "only the last transaction or a sale can be undone"),
        ...originalRef,
      };
    }
    // 撤销: an older sale of this batch is voided (no card: the PAN comes back from the journal).
    let result: PaymentResult;
    try {
      result = await this.app.pay({ type: "void", amount: 0, original: { stan: record.stan }, signal });
    } catch (error) {
      if (!(error instanceof TransactionError)) throw error;
      return { Response: failure(ERROR_CONDITION[error.code], error.en), ...originalRef };
    }
    if (result.status !== "approved" || result.journalId === undefined) {
      return {
        Response: failure("Refusal", `${result.responseCode ?? ""} ${result.en}`.trim()),
        ...originalRef,
      };
    }
    control.onStage("printing");
    await this.app.printSlip(result.journalId);
    const voidRecord = journal.get(result.journalId)!;
    return {
      Response: { Result: "Success" },
      POIData: {
        POITransactionID: {
          TransactionID: poiTransactionId(voidRecord.batch, voidRecord.stan),
          TimeStamp: voidRecord.createdAt,
        },
      },
      ...originalRef,
      ReversedAmount: record.amount,
      ReversalMethod: "Void",
    };
  }

  find(lookup: EcrLookup): EcrRecoveredResult | undefined {
    let record: TransactionRecord | undefined;
    if ("poiTransactionId" in lookup) record = this.byPoiTransactionId(lookup.poiTransactionId);
    else {
      const recent = this.app.journal.query({
        newestFirst: true,
        limit: this.searchDepth,
        type: ["sale", "refund"],
      });
      record =
        "saleTransactionId" in lookup
          ? recent.find((r) => r.orderId === lookup.saleTransactionId)
          : recent.find((r) => r.orderId !== undefined);
    }
    if (!record) return undefined;
    return {
      ...(record.orderId ? { saleTransactionId: record.orderId } : {}),
      body: paymentResponseFromRecord(record, this.receipts(record.id)),
    };
  }

  private answer(
    journalId: number,
    sale: { TransactionID: string; TimeStamp: string },
    result: PaymentResult,
  ): ResponseBodies["Payment"] {
    const record = this.app.journal.get(journalId)!;
    const body = paymentResponseFromRecord(record, this.receipts(journalId), sale);
    if (body.Response.Result !== "Success" && body.Response.AdditionalResponse === undefined) {
      body.Response = { ...body.Response, AdditionalResponse: result.en };
    }
    return body;
  }

  /** The latest stored text of each copy (a reprint stores the copy again). */
  private receipts(id: number): StoredReceipt[] {
    const latest = new Map<string, StoredReceipt>();
    for (const receipt of this.app.journal.receipts(id)) latest.set(receipt.copy, receipt);
    return [...latest.values()];
  }

  private byPoiTransactionId(id: string): TransactionRecord | undefined {
    const ref = parsePoiTransactionId(id);
    return ref ? this.app.journal.findByStan(ref.stan, ref.batch) : undefined;
  }
}
