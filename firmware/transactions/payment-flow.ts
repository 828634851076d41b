import type { ContactCardReader } from "../../drivers/contact/contact-reader.js";
import type { ContactlessReader } from "../../drivers/nfc/contactless-reader.js";
import { buildFinancial, type CardData } from "../../protocol/iso8583/cup/builders.js";
import { TRANSACTION_FACTORS } from "../../protocol/iso8583/cup/transactions.js";
import type { Iso8583Message } from "../../protocol/iso8583/spec.js";
import { encryptTrackDigits } from "../../protocol/track/index.js";
import type { CardInput } from "../card-entry/index.js";
import type { EntryPoint } from "../emv/contactless/index.js";
import type { Journal, TransactionRecord } from "../journal/index.js";
import type {
  NewTransaction,
  ReversalReasonCode,
  TransactionStatus,
  TransactionType,
} from "../journal/transaction-record.js";
import type { KeyStore } from "../keys/key-store.js";
import type { RiskPolicy } from "../risk/index.js";
import { requestLeft } from "./acquirer-port.js";
import type { AcquirerSession, FlowLogger, MacExchange } from "./acquirer-session.js";
import { type CardRead, domesticPan, wipeCardRead } from "./card-read.js";
import { type ChipContext, readCode, readContact, readContactless, readSwipe } from "./card-reading.js";
import { entryModeField, KIND_OF, NEEDS_ORIGINAL, terminalFlags, VOIDS } from "./kinds.js";
import type { ReversalQueue } from "./reversal-queue.js";
import { decipherPan, encipherPan } from "./stored-pan.js";
import { TransactionError } from "./transaction-error.js";

const CHIP_AUTHORISED: ReadonlySet<TransactionType> = new Set(["sale", "preauth", "balance"]);

/** Fields a reversal repeats (builders.ts REVERSAL_KEEPS less 2/35/36, which are never stored in clear). */
const KEPT_FOR_REVERSAL = [3, 4, 11, 14, 22, 23, 25, 41, 42, 49, 60, 61];

export interface PaymentRequest {
  type: TransactionType;
  /** Fen; for voids the original's amount is used. */
  amount: number;
  tip?: number;
  card?: CardInput;
  original?: { stan?: string; rrn?: string; authCode?: string; date?: string };
  /** The sale system's order / transaction id (ECR), written with the row so it is findable by it at once. */
  orderId?: string;
  signal: AbortSignal;
}

export interface PaymentResult {
  journalId?: number;
  status: TransactionStatus;
  responseCode?: string;
  zh: string;
  en: string;
  balance?: number;
  /** The chip failed: ask for a swipe (fallback) and call again with it. */
  fallback?: boolean;
  /** The contactless card asked for the contact interface, or to be presented again. */
  retry?: "insert" | "tap";
}

export interface PaymentFlowOptions {
  session: AcquirerSession;
  reversals: ReversalQueue;
  journal: Journal;
  keys: KeyStore;
  log: FlowLogger;
  chip: ChipContext;
  contact?: ContactCardReader;
  nfc?: ContactlessReader;
  /** The entry point in force, asked per tap: a TMS AID download replaces it while the terminal runs. */
  entryPoint?: () => EntryPoint;
  /** Accept a swipe of a chip card after its chip failed. */
  fallbackAllowed: boolean;
  /** Per-card velocity, checked once the card is read (firmware/risk). */
  risk?: Pick<RiskPolicy, "check">;
  /** The velocity limit the policy applies (0 approvals = off): bounds the journal look-up. */
  velocity?: { maxPerCard: number; windowMinutes: number };
  /** Refuses a card once read, before anything goes online (the TMS black list). */
  screenCard?: (card: CardRead) => void;
}

const text = (zh: string, en: string) => ({ zh, en });

/**
 * One financial transaction from card input to journal: read the card (PIN on the pad), send pending
 * reversals, write the row (with its reversal record) before the request leaves, exchange, check the MAC,
 * let the chip accept the answer, and settle the row's fate. Anything that leaves the host's state unknown
 * (timeout, drop, bad MAC, a card refusing an approval) leaves a pending reversal that is sent at once
 * and again before the next online message until the host confirms it.
 */
export class PaymentFlow {
  private fallbackArmed = false;

  constructor(private readonly options: PaymentFlowOptions) {}

  async run(request: PaymentRequest): Promise<PaymentResult> {
    const { session, reversals, journal } = this.options;
    // A settlement run left open (its 0500 went, the host closed the batch): finish it before trading on.
    if (journal.currentSettlement()) {
      throw new TransactionError(
        "settlement-pending",
        "结算未完成 请先结算",
        "Settlement not finished: settle first",
      );
    }
    if (!session.signedIn) await session.signIn(request.signal);
    await reversals.flush(request.signal);
    const original = this.findOriginal(request);
    const amount = original && VOIDS[request.type] ? original.amount : request.amount;
    let card: CardRead | undefined;
    try {
      const read = await this.readCard(request, amount, original);
      if (!("entryMode" in read)) return read;
      card = read;
      this.options.screenCard?.(card);
      this.checkCardVelocity(request.type, amount, card);
      return await this.online(request, amount, card, original);
    } finally {
      if (card) wipeCardRead(card);
    }
  }

  /**
   * Limits that need the card (velocity per card: approvals on the same masked PAN within the window), now
   * that it is read; the amount limits were checked before the card was asked for.
   */
  private checkCardVelocity(type: TransactionType, amount: number, card: CardRead): void {
    const { risk, journal } = this.options;
    const velocity = this.options.velocity;
    if (!risk || !velocity || velocity.maxPerCard === 0 || !card.maskedPan) return;
    if (type !== "sale" && type !== "preauth") return;
    // Only the window's approvals on this card's last 4 (indexed), newest first, as many as the limit needs.
    const now = this.options.chip.clock();
    const cardRecent = journal
      .query({
        last4: card.maskedPan.slice(-4),
        status: ["approved", "voided"],
        type: ["sale", "preauth"],
        from: new Date(now.getTime() - velocity.windowMinutes * 60_000),
        newestFirst: true,
        limit: velocity.maxPerCard * 4,
      })
      .filter((r) => r.maskedPan === card.maskedPan)
      .map((r) => new Date(r.createdAt));
    // The amount and daily limits were checked before the card was asked for; only velocity is new here.
    const decision = risk.check(
      { type, amount, cardKey: card.maskedPan },
      { todayApprovedAmount: 0, cardRecent },
    );
    if (decision.kind === "refuse" && decision.code === "velocity") {
      throw new TransactionError("refused", decision.zh, decision.en);
    }
  }

  private findOriginal(request: PaymentRequest): TransactionRecord | undefined {
    if (!NEEDS_ORIGINAL.has(request.type)) return undefined;
    const stan = request.original?.stan;
    const voided = VOIDS[request.type];
    if (!voided) return stan ? this.options.journal.findByStan(stan) : undefined;
    const record = stan ? this.options.journal.findByStan(stan, this.options.journal.batch()) : undefined;
    if (!record || record.type !== voided) {
      throw new TransactionError("original", "原交易不存在", "Original transaction not found in this batch");
    }
    if (record.status === "voided") throw new TransactionError("original", "原交易已撤销", "Already voided");
    if (record.status !== "approved")
      throw new TransactionError("original", "原交易未成功", "Original was not approved");
    return record;
  }

  private async readCard(
    request: PaymentRequest,
    amount: number,
    original: TransactionRecord | undefined,
  ): Promise<CardRead | PaymentResult> {
    const { chip } = this.options;
    const input = request.card;
    const read = { type: request.type, amount, signal: request.signal };
    // A chip failure allows a swipe for the very next card read only; anything else in between disarms it.
    const fallbackArmed = this.fallbackArmed;
    this.fallbackArmed = false;
    if (!input) {
      // A void without the card: the PAN comes back from the journal under the TDK it was stored with.
      const pan = original ? decipherPan(this.options.keys, original) : undefined;
      if (!pan || !original) throw new TransactionError("card", "请刷卡或插卡", "Present the card");
      return {
        entryMode: original.entryMode,
        pan,
        ...(original.maskedPan ? { maskedPan: original.maskedPan } : {}),
        ...(original.expiry ? { expiry: original.expiry } : {}),
        signatureRequired: false,
        cardKind: original.cardKind,
        domestic: original.domestic,
        ...(original.cardOrg ? { cardOrg: original.cardOrg } : {}),
      };
    }
    if (input.mode === "qr") return readCode(input.code);
    if (input.mode === "swipe") {
      const fallback = fallbackArmed && this.options.fallbackAllowed;
      return readSwipe(input.swipe, read, chip, {
        fallback,
        chipReaderPresent: this.options.contact !== undefined,
      });
    }
    if (input.mode === "insert") {
      if (!this.options.contact) throw new TransactionError("card", "无IC卡读卡器", "No chip reader");
      const result = await readContact(this.options.contact, read, chip);
      if (result === "fallback") {
        if (!this.options.fallbackAllowed) {
          return {
            status: "failed",
            ...text("IC卡读卡失败 请重新插卡", "Chip read failed: insert the card again"),
          };
        }
        this.fallbackArmed = true;
        return {
          status: "failed",
          fallback: true,
          ...text("IC卡读卡失败 请刷卡", "Chip read failed: swipe the card"),
        };
      }
      return result;
    }
    if (!this.options.nfc || !this.options.entryPoint)
      throw new TransactionError("card", "无非接读卡器", "No contactless reader");
    const result = await readContactless(this.options.nfc, this.options.entryPoint(), read, chip);
    if (result === "insert")
      return { status: "failed", retry: "insert", ...text("请插卡", "Insert the card") };
    if (result === "again")
      return { status: "failed", retry: "tap", ...text("请重新挥卡", "Present the card again") };
    return result;
  }

  private buildRequest(
    request: PaymentRequest,
    amount: number,
    card: CardRead,
    stan: string,
    original: TransactionRecord | undefined,
  ): Iso8583Message {
    const { identity } = this.options.session;
    const cardData: CardData = { entryMode: entryModeField(card.entryMode, card.pinBlock !== undefined) };
    if (card.pan) cardData.pan = card.pan.toString("latin1");
    if (card.expiry) cardData.expiry = card.expiry;
    if (card.cardSequence) cardData.cardSequence = card.cardSequence;
    // Tracks go enciphered under the TDK (53.3 = 1) whenever the sign-in brought one.
    const tdk = this.options.keys.has("tdk");
    const encrypt8 = (block: Buffer) => this.options.keys.encryptTrackData(block);
    const track = (t: Buffer) =>
      tdk ? encryptTrackDigits(t.toString("latin1"), encrypt8) : t.toString("latin1");
    if (card.track2) cardData.track2 = track(card.track2);
    if (card.track3) cardData.track3 = track(card.track3);
    const tracksEnciphered = tdk && (card.track2 !== undefined || card.track3 !== undefined);
    const securityControl = `${card.pinBlock ? "2" : "0"}6${tracksEnciphered ? "1" : "0"}0000000000000`;
    if (card.iccData && card.iccData.length > 0) cardData.iccData = card.iccData;
    const given = request.original ?? {};
    const ref = original
      ? {
          batch: original.batch,
          stan: original.stan,
          ...(original.rrn ? { rrn: original.rrn } : {}),
          ...(original.authCode ? { authCode: original.authCode } : {}),
          ...(original.hostDate ? { date: original.hostDate } : {}),
        }
      : NEEDS_ORIGINAL.has(request.type)
        ? {
            batch: "000000",
            stan: given.stan ?? "000000",
            ...(given.rrn ? { rrn: given.rrn } : {}),
            ...(given.authCode ? { authCode: given.authCode } : {}),
            ...(given.date ? { date: given.date } : {}),
          }
        : undefined;
    const message = buildFinancial(KIND_OF[request.type], {
      terminalId: identity.terminalId,
      merchantId: identity.merchantId,
      stan,
      batch: this.options.journal.batch(),
      ...(request.type === "balance" ? {} : { amount }),
      card: cardData,
      ...(card.pinBlock ? { pinBlock: card.pinBlock } : {}),
      ...(card.pinBlock || tracksEnciphered ? { securityControl } : {}),
      terminalFlags: terminalFlags(card.entryMode),
      ...(ref ? { original: ref } : {}),
      operator: identity.operator,
    });
    if (card.paymentCode) {
      const code = card.paymentCode.toString("latin1");
      message.fields[59] = `A5${String(code.length).padStart(3, "0")}${code}`;
    }
    return message;
  }

  private async online(
    request: PaymentRequest,
    amount: number,
    card: CardRead,
    original: TransactionRecord | undefined,
  ): Promise<PaymentResult> {
    const { journal, session, log, keys } = this.options;
    const kind = KIND_OF[request.type];
    const reversible = TRANSACTION_FACTORS[kind].reversible;
    // Only sales, pre-authorisations and balance inquiries ask the chip for a cryptogram and its verdict;
    // for voids, refunds and completions the card just identifies the account (the simplified flow).
    if (!CHIP_AUTHORISED.has(request.type)) {
      delete card.complete;
      delete card.iccData;
      delete card.offline;
    }
    const stan = journal.nextStan();
    const message = this.buildRequest(request, amount, card, stan, original);
    const requestFields: Record<string, string> = {};
    for (const n of KEPT_FOR_REVERSAL)
      if (message.fields[n] !== undefined) requestFields[n] = message.fields[n]!;
    const stored = card.pan ? encipherPan(keys, card.pan) : undefined;
    const row: NewTransaction = {
      stan,
      batch: journal.batch(),
      type: request.type,
      entryMode: card.entryMode,
      amount,
      tip: request.tip ?? 0,
      currency: "156",
      terminalId: session.identity.terminalId,
      merchantId: session.identity.merchantId,
      operator: session.identity.operator,
      ...(card.maskedPan ? { maskedPan: card.maskedPan, panLast4: card.maskedPan.slice(-4) } : {}),
      ...(stored ?? {}),
      cardKind: card.cardKind,
      domestic: card.domestic,
      ...(card.expiry ? { expiry: card.expiry } : {}),
      ...(card.emv ? { emv: card.emv } : {}),
      status: "pending",
      ...(request.orderId ? { orderId: request.orderId } : {}),
      signatureRequired: card.signatureRequired,
      requestFields,
      ...(original
        ? {
            original: {
              stan: original.stan,
              batch: original.batch,
              journalId: original.id,
              ...(original.rrn ? { rrn: original.rrn } : {}),
              ...(original.authCode ? { authCode: original.authCode } : {}),
              ...(original.hostDate ? { date: original.hostDate } : {}),
            },
          }
        : // Not in this journal (another terminal's, or a completion known only by its auth code and
          // date): keep what the operator gave, for the slip and a reversal.
          request.original && (request.original.stan || request.original.rrn || request.original.authCode)
          ? {
              original: {
                stan: request.original.stan ?? "000000",
                batch: "000000",
                ...pick(request.original),
              },
            }
          : {}),
      ...(reversible ? { reversal: { state: "pending" as const, reason: "98" as const, attempts: 0 } } : {}),
    };
    if (card.offline) return this.offline(row, card);
    const sealed = session.seal(message);
    const record = journal.insert(row);
    log.info(
      { stan, type: request.type, entryMode: card.entryMode, amount, maskedPan: card.maskedPan },
      "request",
    );
    let exchange: MacExchange;
    try {
      exchange = await session.exchange(message, request.signal, sealed);
    } catch (error) {
      return this.noAnswer(record, card, error);
    }
    const { reply, macValid } = exchange;
    // A financial answer must carry a good MAC; a decline without one is taken as it is (nothing to undo).
    if (macValid === false || (macValid === undefined && reply.approved)) {
      log.error({ stan, code: reply.code }, "response MAC invalid");
      if (!record.reversal) {
        // Not reversible. A refund's answer cannot be trusted either way, so the request goes again; a
        // balance inquiry moved nothing and simply failed.
        if (repeatable(record)) {
          return this.repeatLater(
            record,
            text("应答MAC错 退货将自动重发", "Response MAC error: the refund is sent again"),
          );
        }
        journal.update(record.id, { status: "failed", responseCode: "A0" });
        return {
          journalId: record.id,
          status: "failed",
          responseCode: "A0",
          ...text("MAC校验错 请重试", "Response MAC error: try again"),
        };
      }
      return this.reverseNow(
        record,
        "A0",
        text("MAC校验错 交易已冲正", "Response MAC error: reversed"),
        reply.code,
      );
    }
    const hostFields = {
      responseCode: reply.code,
      ...(reply.rrn ? { rrn: reply.rrn } : {}),
      ...(reply.authCode ? { authCode: reply.authCode } : {}),
      ...(reply.hostDate ? { hostDate: reply.hostDate } : {}),
      ...(reply.hostTime ? { hostTime: reply.hostTime } : {}),
      ...(reply.issuerCode ? { issuerCode: reply.issuerCode } : {}),
      ...(reply.acquirerCode ? { acquirerCode: reply.acquirerCode } : {}),
      ...(reply.cardOrg
        ? {
            cardOrg: reply.cardOrg,
            domestic: reply.cardOrg === "CUP" || (reply.cardOrg === "" && domesticPan(card.pan)),
          }
        : {}),
    };
    if (!reply.approved) {
      if (card.complete) await card.complete({ responseCode: reply.code }).catch(() => undefined);
      journal.update(record.id, { ...hostFields, status: "declined", reversal: undefined });
      log.info({ stan, code: reply.code }, "declined");
      return {
        journalId: record.id,
        status: "declined",
        responseCode: reply.code,
        zh: reply.info.zh,
        en: reply.info.en,
      };
    }
    // Approved by the host: record what it said, keep the reversal armed until the chip accepts.
    journal.update(record.id, hostFields);
    if (card.complete) {
      const verdict = await card.complete({
        responseCode: reply.code,
        ...(reply.field55 ? { field55: reply.field55 } : {}),
      });
      if (!verdict.accepted) {
        return this.reverseNow(
          record,
          "06",
          text("卡片拒绝 交易已冲正", "Card declined the approval: reversed"),
          reply.code,
        );
      }
      if (verdict.tc && card.emv)
        journal.update(record.id, {
          emv: {
            ...card.emv,
            cryptogram: verdict.tc,
            ...(verdict.tvr ? { tvr: verdict.tvr } : {}),
            ...(verdict.tsi ? { tsi: verdict.tsi } : {}),
          },
        });
    }
    journal.update(record.id, { status: "approved", reversal: undefined });
    if (original && VOIDS[request.type]) journal.update(original.id, { status: "voided" });
    log.info({ stan, rrn: reply.rrn, authCode: reply.authCode }, "approved");
    return {
      journalId: record.id,
      status: "approved",
      responseCode: reply.code,
      ...(reply.balance !== undefined ? { balance: reply.balance } : {}),
      ...text("交易成功", "Approved"),
    };
  }

  /** The chip approved or declined without the host: journal it; an offline approval waits to be uploaded. */
  private offline(row: NewTransaction, card: CardRead): PaymentResult {
    const approved = card.offline === "approved";
    const record = this.options.journal.insert({
      ...row,
      status: approved ? "approved" : "declined",
      responseCode: approved ? "Y1" : "Z1",
      advice: approved ? "queued" : "none",
      reversal: undefined,
    } as NewTransaction);
    return {
      journalId: record.id,
      status: record.status,
      ...(approved ? text("脱机批准", "Approved offline") : text("卡片拒绝", "Declined by card")),
    };
  }

  /** No answer: if the request left, the row stays pending with its reversal and the reversal goes now. */
  private async noAnswer(record: TransactionRecord, card: CardRead, error: unknown): Promise<PaymentResult> {
    const { journal, log } = this.options;
    const sent = requestLeft(error);
    log.warn({ stan: record.stan, sent, error: (error as Error).message }, "no answer from the host");
    if (card.complete) await card.complete("unable-to-go-online").catch(() => undefined);
    if (!sent) {
      journal.update(record.id, { status: "failed", reversal: undefined });
      return {
        journalId: record.id,
        status: "failed",
        ...text("通讯失败 请重试", "Could not reach the host: try again"),
      };
    }
    if (!record.reversal) {
      if (repeatable(record)) {
        return this.repeatLater(
          record,
          text("交易超时 退货将自动重发", "Timed out: the refund is sent again"),
        );
      }
      journal.update(record.id, { status: "failed" });
      return { journalId: record.id, status: "failed", ...text("交易超时", "Timed out") };
    }
    return this.reverseNow(record, "98", text("交易超时 已冲正", "Timed out: reversed"));
  }

  /** A refund whose outcome is unknown stays pending and goes again (AdviceQueue) until the host answers. */
  private repeatLater(record: TransactionRecord, message: { zh: string; en: string }): PaymentResult {
    this.options.journal.update(record.id, { advice: "queued" });
    return { journalId: record.id, status: "pending", ...message };
  }

  private async reverseNow(
    record: TransactionRecord,
    reason: ReversalReasonCode,
    message: { zh: string; en: string },
    responseCode?: string,
  ): Promise<PaymentResult> {
    const { journal, reversals } = this.options;
    const current = journal.get(record.id)!;
    journal.update(record.id, {
      reversal: { state: "pending", reason, attempts: current.reversal?.attempts ?? 0 },
    });
    try {
      await reversals.flush();
    } catch {
      // Stays pending: sent before the next online message.
    }
    const after = journal.get(record.id)!;
    return {
      journalId: record.id,
      status: after.status === "reversed" ? "reversed" : "pending",
      ...(responseCode ? { responseCode } : {}),
      ...(after.status === "reversed" ? message : text("交易失败 冲正待发送", "Failed: reversal pending")),
    };
  }
}

/** A 0220 without a reversal (a refund): sent again as it left when its outcome is unknown. */
function repeatable(record: TransactionRecord): boolean {
  return TRANSACTION_FACTORS[KIND_OF[record.type]].requestMti === "0220";
}

function pick(o: { rrn?: string; authCode?: string; date?: string }) {
  return {
    ...(o.rrn ? { rrn: o.rrn } : {}),
    ...(o.authCode ? { authCode: o.authCode } : {}),
    ...(o.date ? { date: o.date } : {}),
  };
}
