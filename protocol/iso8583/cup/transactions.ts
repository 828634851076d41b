import { Iso8583Error } from "../errors.js";

/**
 * The transaction factor table (交易要素表, §1.5) as data: for each transaction the request and
 * response MTI, processing code (3), condition code (25), 60.1 and 60.3, and whether it needs a
 * reversal when the answer is lost. Builders (builders.ts) read MTI/3/25/60.1 from here only.
 */
/** The kinds that move money or look at the card (the rest of the table is management). */
export const FINANCIAL_TRANSACTIONS = [
  "balanceInquiry",
  "preAuth",
  "preAuthVoid",
  "completion",
  "completionVoid",
  "completionAdvice",
  "sale",
  "void",
  "refund",
  "offlineSale",
] as const;
export type FinancialTransaction = (typeof FINANCIAL_TRANSACTIONS)[number];

export const MANAGEMENT_TRANSACTIONS = ["signIn", "signOut", "echo", "settlement", "batchUpload"] as const;

export type TransactionKind = FinancialTransaction | (typeof MANAGEMENT_TRANSACTIONS)[number];

export interface TransactionFactor {
  zh: string;
  en: string;
  requestMti: string;
  responseMti: string;
  /** Field 3; absent for management messages. */
  processingCode?: string;
  /** Field 25; absent for management messages. */
  conditionCode?: string;
  /** 60.1 交易类型码. */
  txnType: string;
  /** 60.3 网络管理信息码 (default for the kind; sign-in and batch upload have variants). */
  netMgmtCode: string;
  /** Sent with a write-ahead reversal record (§1.8). */
  reversible: boolean;
}

const f = (
  zh: string,
  en: string,
  mtis: [string, string],
  processingCode: string | undefined,
  conditionCode: string | undefined,
  txnType: string,
  netMgmtCode: string,
  reversible: boolean,
): TransactionFactor => ({
  zh,
  en,
  requestMti: mtis[0],
  responseMti: mtis[1],
  ...(processingCode === undefined ? {} : { processingCode }),
  ...(conditionCode === undefined ? {} : { conditionCode }),
  txnType,
  netMgmtCode,
  reversible,
});

export const TRANSACTION_FACTORS: Readonly<Record<TransactionKind, TransactionFactor>> = {
  balanceInquiry: f("余额查询", "Balance inquiry", ["0200", "0210"], "310000", "00", "01", "000", false),
  preAuth: f("预授权", "Pre-authorization", ["0100", "0110"], "030000", "06", "10", "000", true),
  preAuthVoid: f("预授权撤销", "Pre-authorization void", ["0100", "0110"], "200000", "06", "11", "000", true),
  completion: f("预授权完成请求", "Pre-auth completion", ["0200", "0210"], "000000", "06", "20", "000", true),
  completionVoid: f("预授权完成撤销", "Completion void", ["0200", "0210"], "200000", "06", "21", "000", true),
  completionAdvice: f(
    "预授权完成通知",
    "Completion advice",
    ["0220", "0230"],
    "000000",
    "06",
    "24",
    "000",
    false,
  ),
  sale: f("消费", "Sale", ["0200", "0210"], "000000", "00", "22", "000", true),
  void: f("消费撤销", "Void", ["0200", "0210"], "200000", "00", "23", "000", true),
  refund: f("退货", "Refund", ["0220", "0230"], "200000", "00", "25", "000", false),
  offlineSale: f("离线结算", "Offline sale", ["0220", "0230"], "000000", "00", "30", "000", false),
  signIn: f("签到", "Sign-in", ["0800", "0810"], undefined, undefined, "00", "003", false),
  signOut: f("签退", "Sign-out", ["0820", "0830"], undefined, undefined, "00", "002", false),
  echo: f("回响测试", "Echo test", ["0820", "0830"], undefined, undefined, "00", "301", false),
  settlement: f("批结算", "Batch settlement", ["0500", "0510"], undefined, undefined, "00", "201", false),
  batchUpload: f("批上送", "Batch upload", ["0320", "0330"], undefined, "00", "00", "201", false),
};

/** Reversal MTIs: the original's fields, MTI 0400/0410 (§1.8). */
export const REVERSAL_MTI = { request: "0400", response: "0410" } as const;

/** Field 39 in a 0400: why the terminal reverses (§1.8). */
export const ReversalReason = {
  /** No response within the timeout. */
  Timeout: "98",
  /** Approved response whose MAC did not verify. */
  MacFailure: "A0",
  /** Approved but a terminal fault prevented completion. */
  TerminalFault: "96",
  /** Anything else, e.g. the card refused the issuer's approval (2nd GENERATE AC = AAC). */
  Other: "06",
} as const;
export type ReversalReasonCode = (typeof ReversalReason)[keyof typeof ReversalReason];

/** The transaction a request is, from its MTI and 60.1 (installment 25=64 maps to sale/void). */
export function transactionOf(
  mti: string,
  txnType: string,
  netMgmtCode?: string,
): TransactionKind | undefined {
  for (const [kind, factor] of Object.entries(TRANSACTION_FACTORS) as [
    TransactionKind,
    TransactionFactor,
  ][]) {
    if (factor.requestMti !== mti || factor.txnType !== txnType) continue;
    if (mti === "0820" && netMgmtCode !== undefined && factor.netMgmtCode !== netMgmtCode) continue;
    return kind;
  }
  return undefined;
}

/** The response MTI for a request MTI (third digit + 1), e.g. 0200 → 0210. */
export function responseMtiOf(mti: string): string {
  const fn = Number(mti[2]);
  if (!/^\d{4}$/.test(mti) || fn % 2 !== 0)
    throw new Iso8583Error(`not a request MTI: ${JSON.stringify(mti)}`, { path: "mti" });
  return `${mti.slice(0, 2)}${fn + 1}${mti[3]}`;
}
