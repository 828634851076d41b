import { Iso8583Error } from "../errors.js";
import type { Iso8583Message } from "../spec.js";
import {
  type BatchUploadRecord,
  buildBatchUploadCount,
  buildBatchUploadRecords,
  buildSettlementTotals,
  type SettlementTotals,
} from "../subfields/field48.js";
import { buildField60, type Field60, parseField60 } from "../subfields/field60.js";
import { buildField61 } from "../subfields/field61.js";
import { buildField63 } from "../subfields/field63.js";
import {
  FINANCIAL_TRANSACTIONS,
  REVERSAL_MTI,
  type ReversalReasonCode,
  TRANSACTION_FACTORS,
  type TransactionKind,
  transactionOf,
} from "./transactions.js";

/**
 * Message builders: domain values in, a CUP message out, with MTI, 3, 25 and 60.1 taken from the
 * factor table so they cannot drift from it. MAC (64) is added afterwards by the crypto layer
 * (mac.ts `packWithMac`).
 */

export interface TerminalIdentity {
  /** Field 41, 8 characters. */
  terminalId: string;
  /** Field 42, 15 characters. */
  merchantId: string;
}

export interface CardData {
  /** Field 2 (omit for track-only swipes if the acquirer wants that). */
  pan?: string;
  /** Field 14, YYMM. */
  expiry?: string;
  /** Field 22, 3 digits: mode (02 swipe, 05 contact, 07 contactless…) + PIN digit (1 entered, 2 not). */
  entryMode: string;
  /** Field 23, card sequence number (5F34) for IC cards. */
  cardSequence?: string;
  /** Field 35 ('=' or 'D' separator; TDK-encrypted hex allowed). */
  track2?: string;
  /** Field 36. */
  track3?: string;
  /** Field 55, BER-TLV bytes. */
  iccData?: Buffer;
}

export interface OriginalTransaction {
  batch: string | number;
  stan: string | number;
  /** MMDD, for refunds and completions. */
  date?: string;
  /** Field 37 of the original response (void, refund, completion). */
  rrn?: string;
  /** Field 38 of the original response. */
  authCode?: string;
}

export interface FinancialValues extends TerminalIdentity {
  stan: string | number;
  batch: string | number;
  /** Field 4, in fen. */
  amount?: number;
  card: CardData;
  /** Field 52, the encrypted PIN block (8 bytes). */
  pinBlock?: Buffer;
  /** Field 26, max PIN length; default "06" when a PIN block is present. */
  pinCapture?: string;
  /** Field 53, e.g. "2600000000000000". */
  securityControl?: string;
  /** Field 49, default "156". */
  currency?: string;
  /** 60.4–60.7. */
  terminalFlags?: Pick<Field60, "readCapability" | "icCondition" | "partialApproval" | "accountType">;
  original?: OriginalTransaction;
  /** Field 63.1 operator code. */
  operator?: string;
  /** Field 25 override, e.g. "64" for installments (keeps 60.1 from the table). */
  conditionCode?: string;
}

export function digits(value: string | number, width: number, path: string): string {
  const text = typeof value === "number" ? String(value).padStart(width, "0") : value;
  if (typeof text !== "string" || text.length !== width || !/^[0-9]+$/.test(text)) {
    throw new Iso8583Error(`must be ${width} digits, got ${JSON.stringify(value)}`, { path });
  }
  return text;
}

export function amountField(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0 || fen > 999_999_999_999) {
    throw new Iso8583Error(`amount must be whole fen 0..999999999999, got ${fen}`, { path: "field 4" });
  }
  return String(fen).padStart(12, "0");
}

const FINANCIAL: readonly TransactionKind[] = FINANCIAL_TRANSACTIONS;

/** Kinds whose request refers to an original transaction (37/38/61). */
const NEEDS_ORIGINAL: ReadonlySet<TransactionKind> = new Set([
  "preAuthVoid",
  "completion",
  "completionVoid",
  "completionAdvice",
  "void",
  "refund",
]);

/** Any financial request of the factor table. */
export function buildFinancial(kind: TransactionKind, v: FinancialValues): Iso8583Message {
  if (!FINANCIAL.includes(kind)) {
    throw new Iso8583Error(`${kind} is not a financial transaction`, { path: "transaction" });
  }
  const factor = TRANSACTION_FACTORS[kind];
  const fields: Record<number, string> = {};
  const card = v.card;
  if (card.pan !== undefined) fields[2] = card.pan;
  fields[3] = factor.processingCode!;
  if (kind !== "balanceInquiry") {
    if (v.amount === undefined) throw new Iso8583Error(`${kind} needs an amount`, { path: "field 4" });
    fields[4] = amountField(v.amount);
  }
  fields[11] = digits(v.stan, 6, "field 11");
  if (card.expiry !== undefined) fields[14] = card.expiry;
  fields[22] = card.entryMode;
  if (card.cardSequence !== undefined) fields[23] = card.cardSequence.padStart(3, "0");
  fields[25] = v.conditionCode ?? factor.conditionCode!;
  if (v.pinBlock !== undefined) {
    fields[26] = v.pinCapture ?? "06";
    fields[52] = v.pinBlock.toString("hex").toUpperCase();
  }
  if (card.track2 !== undefined) fields[35] = card.track2.replaceAll("=", "D");
  if (card.track3 !== undefined) fields[36] = card.track3.replaceAll("=", "D");
  const original = v.original;
  if (NEEDS_ORIGINAL.has(kind)) {
    if (original === undefined)
      throw new Iso8583Error(`${kind} needs the original transaction`, { path: "field 61" });
    if (original.rrn !== undefined) fields[37] = original.rrn;
    if (original.authCode !== undefined) fields[38] = original.authCode;
  }
  fields[41] = v.terminalId;
  fields[42] = v.merchantId;
  fields[49] = v.currency ?? "156";
  if (v.securityControl !== undefined) fields[53] = v.securityControl;
  if (card.iccData !== undefined) fields[55] = card.iccData.toString("hex").toUpperCase();
  const flags = v.terminalFlags ?? {};
  fields[60] = buildField60({
    txnType: factor.txnType,
    batch: digits(v.batch, 6, "field 60.2"),
    netMgmtCode: factor.netMgmtCode,
    readCapability: flags.readCapability ?? "0",
    icCondition: flags.icCondition ?? "0",
    partialApproval: flags.partialApproval ?? "0",
    ...(flags.accountType === undefined ? {} : { accountType: flags.accountType }),
  });
  if (NEEDS_ORIGINAL.has(kind) && original) {
    fields[61] = buildField61({
      originalBatch: digits(original.batch, 6, "field 61.1"),
      originalStan: digits(original.stan, 6, "field 61.2"),
      ...(original.date === undefined ? {} : { originalDate: original.date }),
    });
  }
  if (v.operator !== undefined) fields[63] = buildField63({ code: v.operator });
  return { mti: factor.requestMti, fields };
}

export const buildSale = (v: FinancialValues) => buildFinancial("sale", v);
export const buildVoid = (v: FinancialValues) => buildFinancial("void", v);
export const buildRefund = (v: FinancialValues) => buildFinancial("refund", v);
export const buildPreAuth = (v: FinancialValues) => buildFinancial("preAuth", v);
export const buildPreAuthVoid = (v: FinancialValues) => buildFinancial("preAuthVoid", v);
export const buildCompletion = (v: FinancialValues) => buildFinancial("completion", v);
export const buildCompletionVoid = (v: FinancialValues) => buildFinancial("completionVoid", v);
export const buildCompletionAdvice = (v: FinancialValues) => buildFinancial("completionAdvice", v);
export const buildBalanceInquiry = (v: FinancialValues) => buildFinancial("balanceInquiry", v);
export const buildOfflineSale = (v: FinancialValues) => buildFinancial("offlineSale", v);

export interface ManagementValues extends TerminalIdentity {
  stan: string | number;
  batch: string | number;
}

function management(kind: TransactionKind, v: ManagementValues, netMgmtCode?: string): Iso8583Message {
  const factor = TRANSACTION_FACTORS[kind];
  const fields: Record<number, string> = {};
  if (factor.processingCode !== undefined) fields[3] = factor.processingCode;
  fields[11] = digits(v.stan, 6, "field 11");
  if (factor.conditionCode !== undefined) fields[25] = factor.conditionCode;
  fields[41] = v.terminalId;
  fields[42] = v.merchantId;
  fields[60] = buildField60({
    txnType: factor.txnType,
    batch: digits(v.batch, 6, "field 60.2"),
    netMgmtCode: netMgmtCode ?? factor.netMgmtCode,
  });
  return { mti: factor.requestMti, fields };
}

export interface SignInValues extends ManagementValues {
  /** Field 63.1, e.g. "001" or "01 ". */
  operator: string;
  /** 60.3: "001" single-length, "003" double-length (default), "004" with TDK, "005" SM4. */
  keyLayout?: "001" | "003" | "004" | "005";
  /** Field 62 terminal/device information in newer specs. */
  terminalInfo?: Buffer;
}

/** 0800 sign-in (§1.6): 11, 41, 42, 60 (00 + batch + 003), [62], 63. No MAC. */
export function buildSignIn(v: SignInValues): Iso8583Message {
  const message = management("signIn", v, v.keyLayout);
  if (v.terminalInfo !== undefined) message.fields[62] = v.terminalInfo.toString("hex").toUpperCase();
  message.fields[63] = buildField63({ code: v.operator });
  return message;
}

export const buildSignOut = (v: ManagementValues) => management("signOut", v);
export const buildEcho = (v: ManagementValues) => management("echo", v);

export interface SettlementValues extends ManagementValues {
  totals: SettlementTotals;
  operator: string;
  currency?: string;
}

/** 0500 batch settlement (§1.7): 11, 41, 42, 48, 49, 60 (00 + batch + 201), 63. */
export function buildSettlement(v: SettlementValues): Iso8583Message {
  const message = management("settlement", v);
  message.fields[48] = buildSettlementTotals(v.totals);
  message.fields[49] = v.currency ?? "156";
  message.fields[63] = buildField63({ code: v.operator });
  return message;
}

export type BatchUploadCode = "201" | "202" | "203" | "204" | "205" | "206" | "207";

export interface BatchUploadValues extends ManagementValues {
  /** 60.3: 201 magstripe, 203/204/205/206 IC, 202/207 END. */
  netMgmtCode: BatchUploadCode;
  /** 201: up to 8 records in field 48. */
  records?: readonly BatchUploadRecord[];
  /** 202/207: total uploaded count in field 48. */
  uploadCount?: number;
  /** IC uploads (203–206): the transaction's own card fields and amount. */
  card?: CardData;
  amount?: number;
  /** 60.4/60.5 for IC uploads. */
  terminalFlags?: Pick<Field60, "readCapability" | "icCondition">;
  /** Field 62 for IC uploads (card org, amount, currency). */
  field62?: Buffer;
}

/** 0320 batch upload / batch-upload END (§1.7). */
export function buildBatchUpload(v: BatchUploadValues): Iso8583Message {
  const message = management("batchUpload", v, v.netMgmtCode);
  const fields = message.fields;
  if (v.netMgmtCode === "202" || v.netMgmtCode === "207") {
    if (v.uploadCount === undefined)
      throw new Iso8583Error("batch-upload END needs uploadCount", { path: "field 48" });
    fields[48] = buildBatchUploadCount(v.uploadCount);
  } else if (v.records !== undefined) {
    fields[48] = buildBatchUploadRecords(v.records);
  }
  if (v.card) {
    if (v.card.pan !== undefined) fields[2] = v.card.pan;
    fields[22] = v.card.entryMode;
    if (v.card.cardSequence !== undefined) fields[23] = v.card.cardSequence.padStart(3, "0");
    if (v.card.iccData !== undefined) fields[55] = v.card.iccData.toString("hex").toUpperCase();
  }
  if (v.amount !== undefined) fields[4] = amountField(v.amount);
  if (v.terminalFlags) {
    fields[60] = buildField60({
      ...parseField60(fields[60]!),
      readCapability: v.terminalFlags.readCapability ?? "0",
      icCondition: v.terminalFlags.icCondition ?? "0",
    });
  }
  if (v.field62 !== undefined) fields[62] = v.field62.toString("hex").toUpperCase();
  return message;
}

export interface ReversalOptions {
  reason: ReversalReasonCode;
  /** Field 38 when a response was received. */
  authCode?: string;
  /** Field 55: the reduced reversal TLV set (9F36, 95, 9F10, DF31…); omitted when undefined. */
  iccData?: Buffer;
  /** Keep 35/36 (wangpos does; the spec text LiaoYang quotes drops them). Default false. */
  keepTracks?: boolean;
}

/** Fields of the original a 0400 carries (§1.8); 26, 52, 53, 37, 63, 64 and normally 35/36 are dropped. */
const REVERSAL_KEEPS = [2, 3, 4, 11, 14, 22, 23, 25, 41, 42, 49, 60, 61];

/** 0400 reversal of an original request (the original's 3/25/60.1 stay as they were). */
export function buildReversal(original: Iso8583Message, options: ReversalOptions): Iso8583Message {
  const txnType = original.fields[60]?.slice(0, 2) ?? "";
  const kind = transactionOf(original.mti, txnType);
  if (kind === undefined || !TRANSACTION_FACTORS[kind].reversible) {
    throw new Iso8583Error(`MTI ${original.mti} with 60.1 ${JSON.stringify(txnType)} is not reversible`, {
      path: "field 60.1",
    });
  }
  const keeps = options.keepTracks ? [...REVERSAL_KEEPS, 35, 36] : REVERSAL_KEEPS;
  const fields: Record<number, string> = {};
  for (const n of keeps) {
    const value = original.fields[n];
    if (value !== undefined) fields[n] = value;
  }
  if (options.authCode !== undefined) fields[38] = options.authCode;
  fields[39] = options.reason;
  if (options.iccData !== undefined) fields[55] = options.iccData.toString("hex").toUpperCase();
  return { mti: REVERSAL_MTI.request, fields };
}
