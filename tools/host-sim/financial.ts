import { equalConstantTime } from "../../protocol/crypto/constant-time.js";
import { decryptPinBlock } from "../../protocol/crypto/pinblock/index.js";
import { FINANCIAL_TRANSACTIONS } from "../../protocol/iso8583/cup/transactions.js";
import { type Field61, parseField61 } from "../../protocol/iso8583/subfields/field61.js";
import { buildField63 } from "../../protocol/iso8583/subfields/field63.js";
import type { CardAccount } from "./cards.js";
import type { SimTransaction } from "./config.js";
import { type ArqcOutcome, checkArqc } from "./emv-issuer.js";
import { dayOf, type Exchange, type HostContext, type Reply, reply } from "./exchange.js";
import type { LedgerRecord } from "./ledger.js";

/**
 * The card transactions of the factor table (§1.5): authorisation against the test card (PIN, expiry,
 * limits, balance, ARQC) and the checks against the original for voids, refunds and completions.
 * Every answer lands in the ledger with an undo for a later reversal.
 */

/** Kinds that move money or look at the card; the rest of the factor table is management. */
export const FINANCIAL: ReadonlySet<SimTransaction> = new Set(FINANCIAL_TRANSACTIONS);

/** Kinds whose request may carry an ARQC worth checking. */
const ONLINE_AUTH: ReadonlySet<SimTransaction> = new Set(["sale", "preAuth", "balanceInquiry"]);

interface Decision {
  code: string;
  note?: string;
  /** Applied only on approval; returns the undo. */
  apply?: () => () => void;
  original?: LedgerRecord;
  /** Host fields besides the common ones (54 balance). */
  fields?: Record<number, string>;
}

const decline = (code: string, note?: string): Decision => (note === undefined ? { code } : { code, note });

function yymmNow(now: Date): string {
  return `${String(now.getFullYear() % 100).padStart(2, "0")}${String(now.getMonth() + 1).padStart(2, "0")}`;
}

/** PIN check: decipher field 52 with the PIK (ISO format 0 bound to the PAN), compare with the card's PIN. */
function checkPin(x: Exchange, card: CardAccount): Decision | undefined {
  const block = x.fields[52];
  if (block === undefined) return undefined;
  const pik = x.terminal.keys?.pik;
  if (!pik) return decline("99", "no PIK");
  let pin: Buffer;
  try {
    pin = decryptPinBlock(pik, Buffer.from(block, "hex"), { format: 0, pan: card.pan });
  } catch {
    return decline("55", "PIN block does not decode under the PIK");
  }
  try {
    return equalConstantTime(pin, card.pin) ? undefined : decline("55", "wrong PIN");
  } finally {
    pin.fill(0);
  }
}

function original61(x: Exchange): Field61 | undefined {
  const value = x.fields[61];
  if (value === undefined) return undefined;
  try {
    return parseField61(value);
  } catch {
    return undefined;
  }
}

const sameShop = (x: Exchange) => (r: LedgerRecord) =>
  r.terminalId === x.terminal.terminalId && r.merchantId === x.terminal.merchantId;

/** Original by 61.1 batch + 61.2 STAN on this terminal, of one of `kinds`. */
function findByBatchStan(
  x: Exchange,
  ctx: HostContext,
  kinds: readonly SimTransaction[],
): LedgerRecord | undefined {
  const o = original61(x);
  if (!o?.originalStan) return undefined;
  const shop = sameShop(x);
  return ctx.ledger.findLast(
    (r) =>
      shop(r) && kinds.includes(r.transaction) && r.batch === o.originalBatch && r.stan === o.originalStan,
  );
}

/** The original must still be in force and belong to this card. */
function checkOriginal(
  x: Exchange,
  original: LedgerRecord | undefined,
  card: CardAccount,
): Decision | undefined {
  if (!original?.approved || original.status === "reversed") return decline("25", "original not found");
  if (original.fullPan !== card.pan) return decline("25", "original is another card's");
  const rrn = x.fields[37];
  if (rrn !== undefined && original.rrn !== rrn) return decline("25", "RRN does not match the original");
  const auth = x.fields[38];
  if (auth !== undefined && original.authCode !== auth)
    return decline("25", "auth code does not match the original");
  return undefined;
}

function debitChecks(
  ctx: HostContext,
  card: CardAccount,
  amount: number,
  daily: boolean,
): Decision | undefined {
  if (card.perTxnLimit !== undefined && amount > card.perTxnLimit)
    return decline("61", "over the per-transaction limit");
  if (daily && card.dailyLimit !== undefined) {
    const today = ctx.cards.dailyTotal(card, dayOf(ctx.clock()));
    if (today + amount > card.dailyLimit) return decline("61", "over the daily limit");
  }
  if (ctx.cards.available(card) < amount) return decline("51", "insufficient funds");
  return undefined;
}

/** Balance down (and today's total up); the undo puts both back. */
function debit(ctx: HostContext, card: CardAccount, amount: number): () => void {
  const day = dayOf(ctx.clock());
  ctx.cards.dailyTotal(card, day);
  card.balance -= amount;
  card.daily.total += amount;
  return () => {
    card.balance += amount;
    if (card.daily.day === day) card.daily.total -= amount;
  };
}

function credit(card: CardAccount, amount: number): () => void {
  card.balance += amount;
  return () => {
    card.balance -= amount;
  };
}

/** Marks the original (voided / completed), remembering its previous status for the undo. */
function mark(original: LedgerRecord, status: LedgerRecord["status"]): () => void {
  const before = original.status;
  original.status = status;
  return () => {
    original.status = before;
  };
}

function decide(x: Exchange, ctx: HostContext, card: CardAccount, amount: number): Decision {
  const t = x.transaction!;
  switch (t) {
    case "balanceInquiry": {
      const available = ctx.cards.available(card);
      const sign = available < 0 ? "D" : "C";
      const field54 = `${card.accountType === "credit" ? "30" : "10"}02156${sign}${String(Math.abs(available)).padStart(12, "0")}`;
      return { code: "00", fields: { 54: field54 } };
    }
    case "sale":
    case "offlineSale":
      return (
        debitChecks(ctx, card, amount, true) ?? {
          code: "00",
          apply: () => debit(ctx, card, amount),
        }
      );
    case "preAuth":
      return (
        debitChecks(ctx, card, amount, false) ?? {
          code: "00",
          apply: () => {
            card.held += amount;
            return () => {
              card.held -= amount;
            };
          },
        }
      );
    case "preAuthVoid":
    case "completion":
    case "completionAdvice": {
      // The pre-authorisation: this card's, with the auth code in 38 (and 61 batch/STAN when given).
      const o = original61(x);
      const auth = x.fields[38];
      const byStan = o?.originalStan !== undefined && o.originalStan !== "000000";
      const original = ctx.ledger.findLast(
        (r) =>
          r.transaction === "preAuth" &&
          r.approved &&
          r.fullPan === card.pan &&
          r.merchantId === x.terminal.merchantId &&
          (auth === undefined || r.authCode === auth) &&
          (!byStan || (r.stan === o.originalStan && r.batch === o.originalBatch)),
      );
      if (!original || original.status === "reversed") return decline("25", "pre-authorisation not found");
      if (original.status !== "approved")
        return decline("12", `pre-authorisation already ${original.status}`);
      if (t === "preAuthVoid") {
        if (amount !== original.amount) return decline("64", "amount differs from the pre-authorisation");
        return {
          code: "00",
          original,
          apply: () => {
            card.held -= original.amount;
            const unmark = mark(original, "voided");
            return () => {
              card.held += original.amount;
              unmark();
            };
          },
        };
      }
      if (amount > Math.floor(original.amount * (1 + ctx.settings.completionTolerance))) {
        return decline("64", "completion exceeds the pre-authorisation");
      }
      if (ctx.cards.available(card) + original.amount < amount) return decline("51", "insufficient funds");
      return {
        code: "00",
        original,
        apply: () => {
          card.held -= original.amount;
          const undoDebit = debit(ctx, card, amount);
          const unmark = mark(original, "completed");
          return () => {
            undoDebit();
            card.held += original.amount;
            unmark();
          };
        },
      };
    }
    case "void":
    case "completionVoid": {
      const kinds: SimTransaction[] = t === "void" ? ["sale"] : ["completion", "completionAdvice"];
      const original = findByBatchStan(x, ctx, kinds);
      const bad = checkOriginal(x, original, card);
      if (bad) return bad;
      const o = original!;
      if (o.status === "voided") return decline("12", "original already voided");
      if (o.refunded > 0) return decline("12", "original already refunded");
      if (o.batch !== x.terminal.batch) return decline("12", "original is settled: refund it instead");
      if (amount !== o.amount) return decline("64", "amount differs from the original");
      return {
        code: "00",
        original: o,
        apply: () => {
          const undoCredit = credit(card, amount);
          const unmark = mark(o, "voided");
          const unpay = ctx.instant.mark(o.seq, "voided");
          return () => {
            undoCredit();
            unmark();
            unpay?.();
          };
        },
      };
    }
    case "refund": {
      const kinds: SimTransaction[] = ["sale", "completion", "completionAdvice", "offlineSale"];
      const rrn = x.fields[37];
      const original =
        (rrn !== undefined
          ? ctx.ledger.findLast(
              (r) => r.rrn === rrn && r.merchantId === x.terminal.merchantId && kinds.includes(r.transaction),
            )
          : undefined) ?? findByBatchStan(x, ctx, kinds);
      const bad = checkOriginal(x, original, card);
      if (bad) return bad;
      const o = original!;
      if (o.status === "voided") return decline("12", "original was voided");
      if (o.refunded + amount > o.amount) return decline("13", "refunds would exceed the original amount");
      return {
        code: "00",
        original: o,
        apply: () => {
          const undoCredit = credit(card, amount);
          o.refunded += amount;
          return () => {
            undoCredit();
            o.refunded -= amount;
          };
        },
      };
    }
    default:
      return decline("12", `${t} is not a card transaction`);
  }
}

/** Any financial request: card checks, then the kind's own rules; records the answer in the ledger. */
export function handleFinancial(x: Exchange, ctx: HostContext, forcedCode?: string): Reply {
  const t = x.transaction!;
  const card = x.card;
  const amount = t === "balanceInquiry" ? 0 : x.amount;
  let emv: ArqcOutcome | undefined;
  let decision: Decision;
  if (amount === undefined) return reply("30", {}, "amount (field 4) missing");
  if (forcedCode !== undefined) decision = decline(forcedCode, "behaviour switch");
  else if (!card) decision = decline("14", "unknown card");
  else if (t !== "balanceInquiry" && t !== "refund" && amount === 0) decision = decline("13", "zero amount");
  else if (card.expiry !== undefined && card.expiry < yymmNow(ctx.clock()))
    decision = decline("54", "expired card");
  else {
    decision = checkPin(x, card) ?? decline("00");
    if (decision.code === "00" && card.emv && ONLINE_AUTH.has(t) && x.fields[55] !== undefined) {
      emv = checkArqc(card.emv, card.pan, Buffer.from(x.fields[55], "hex"));
      if (!emv.ok) decision = decline("05", emv.reason);
    }
    if (decision.code === "00") decision = decide(x, ctx, card, amount);
  }
  const approved = decision.code === "00";
  const undo = approved && decision.apply ? decision.apply() : undefined;
  const time = ctx.clock().toISOString();
  const rrn = ctx.nextRrn();
  const authCode = approved ? ctx.nextAuthCode() : undefined;
  const record = ctx.ledger.add({
    time,
    terminalId: x.terminal.terminalId,
    merchantId: x.terminal.merchantId,
    batch: x.batch,
    stan: x.stan,
    mti: x.mti,
    transaction: t,
    amount,
    fullPan: card?.pan ?? x.pan,
    scheme: card?.scheme,
    domestic: card?.domestic ?? true,
    responseCode: decision.code,
    approved,
    rrn,
    authCode,
    originalSeq: decision.original?.seq,
    undo,
    ...(decision.note === undefined ? {} : { note: decision.note }),
  });
  if (approved && t === "sale") {
    const merchant = ctx.settings.merchants.get(x.terminal.merchantId);
    if (merchant?.instantSettlement) ctx.instant.pay(record, merchant.feeRate, time);
  }
  const fields: Record<number, string> = { 37: rrn, ...decision.fields };
  if (authCode) fields[38] = authCode;
  if (approved) fields[44] = `${ctx.settings.issuerId.padEnd(11)}${ctx.settings.acquirerId}`;
  const field55 = emv?.response(decision.code);
  if (field55) fields[55] = field55.toString("hex").toUpperCase();
  if (card) fields[63] = buildField63({ code: card.scheme });
  return {
    responseCode: decision.code,
    fields,
    ledger: record,
    ...(decision.note ? { note: decision.note } : {}),
  };
}
