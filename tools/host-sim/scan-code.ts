import { type Field61, parseField61 } from "../../protocol/iso8583/subfields/field61.js";
import { maskPaymentCode, type PaymentCode, parsePaymentCode, QrError } from "../../protocol/qr/index.js";
import type { Exchange, HostContext, Reply } from "./exchange.js";

/**
 * Scan-code payment (扫码支付, consumer-presented): the terminal scanned the customer's one-time
 * payment code and sends it to the acquirer (emv-research.md §5.2). The message, in the CUP dialect:
 *
 * - sale: 0200, 3 = 000000, 4 amount, 22 = 03x (QR / barcode read), 25 = 00, 60.1 = 22 (as a sale),
 *   no field 2/35, and the code in field 59 as `A5` ‖ length (3 digits) ‖ code digits;
 * - query (订单查询) of a pending sale: 0200, 3 = 300000, 22 = 03x, 60.1 = 22, the same 59, and 61 =
 *   original batch + STAN (+ MMDD). The query moves no money.
 *
 * Answers: 00 approved (38 auth code, 37 RRN); 09 "request in progress" — the customer is confirming
 * on the phone (WeChat USERPAYING): query until a final answer; 51 / 54 / 14 definite failures, nothing
 * charged; 12 a code used twice (one-time codes), 25 a query for an unknown sale.
 *
 * Test list by the code's last four digits: `5100` → 51, `5400` → 54 (code expired), `0900` → 09 then
 * 00 on the second query, `0951` → 09 then 51; anything else a valid code approves.
 */
export const SCAN_CODE_TAG = "A5";
export const SCAN_CODE_SALE = "000000";
export const SCAN_CODE_QUERY = "300000";

/** Field 59 for a scanned code. */
export function scanCodeField59(code: string): string {
  return `${SCAN_CODE_TAG}${String(code.length).padStart(3, "0")}${code}`;
}

/** The code from field 59, or undefined when 59 is not a scan-code field. */
export function codeFromField59(field59: string | undefined): string | undefined {
  if (field59 === undefined || !field59.startsWith(SCAN_CODE_TAG)) return undefined;
  const length = Number(field59.slice(2, 5));
  const code = field59.slice(5, 5 + length);
  return Number.isInteger(length) && code.length === length ? code : undefined;
}

/** True for requests the scan-code handler owns: 0200, entry mode 03x, 60.1 22. */
export function isScanCode(x: Exchange): boolean {
  return x.mti === "0200" && x.fields[22]?.startsWith("03") === true && x.f60?.txnType === "22";
}

interface Order {
  code: string;
  /** Masked for the ledger note. */
  masked: string;
  scheme: string;
  amount: number;
  state: "approved" | "declined" | "pending";
  finalCode: string;
  pendingQueries: number;
  rrn: string;
  authCode?: string;
}

interface ScanBook {
  orders: Map<string, Order>;
  usedCodes: Set<string>;
}

/** Scan-code orders per host instance (no global state shared between simulators). */
const books = new WeakMap<HostContext, ScanBook>();

function bookOf(ctx: HostContext): ScanBook {
  let book = books.get(ctx);
  if (!book) {
    book = { orders: new Map(), usedCodes: new Set() };
    books.set(ctx, book);
  }
  return book;
}

const orderKey = (x: Exchange, batch: string, stan: string) =>
  `${x.terminal.terminalId}|${x.terminal.merchantId}|${batch}|${stan}`;

/** What the test list says a code does: [first answer, final answer]. */
function planFor(code: PaymentCode): { first: string; final: string } {
  const tail = code.code.slice(-4);
  if (tail === "5100") return { first: "51", final: "51" };
  if (tail === "5400") return { first: "54", final: "54" };
  if (tail === "0900") return { first: "09", final: "00" };
  if (tail === "0951") return { first: "09", final: "51" };
  return { first: "00", final: "00" };
}

export function handleScanCode(x: Exchange, ctx: HostContext, forced?: string): Reply {
  if (x.f60?.batch !== undefined && x.f60.batch !== x.terminal.batch && forced === undefined) {
    return { responseCode: "77", fields: {}, note: `batch ${x.f60.batch}, host is at ${x.terminal.batch}` };
  }
  const text = codeFromField59(x.fields[59]);
  if (text === undefined) return { responseCode: "30", fields: {}, note: "field 59 carries no scan code" };
  let code: PaymentCode;
  try {
    code = parsePaymentCode(text);
  } catch (error) {
    if (error instanceof QrError) return { responseCode: "14", fields: {}, note: error.message };
    throw error;
  }
  return x.fields[3] === SCAN_CODE_QUERY ? query(x, ctx, code) : sale(x, ctx, code, forced);
}

function sale(x: Exchange, ctx: HostContext, code: PaymentCode, forced: string | undefined): Reply {
  if (x.fields[3] !== SCAN_CODE_SALE)
    return { responseCode: "12", fields: {}, note: "unknown scan-code processing code" };
  if (x.amount === undefined || x.amount <= 0)
    return { responseCode: "13", fields: {}, note: "amount missing" };
  const book = bookOf(ctx);
  if (book.usedCodes.has(code.code))
    return { responseCode: "12", fields: {}, note: "payment code already used" };
  book.usedCodes.add(code.code);
  const plan = planFor(code);
  const first = forced ?? plan.first;
  const rrn = ctx.nextRrn();
  const order: Order = {
    code: code.code,
    masked: maskPaymentCode(code),
    scheme: code.scheme,
    amount: x.amount,
    state: first === "00" ? "approved" : first === "09" ? "pending" : "declined",
    finalCode: forced ?? plan.final,
    pendingQueries: first === "09" ? 1 : 0,
    rrn,
  };
  if (order.state === "approved") approve(order, x, ctx, x.batch, x.stan);
  book.orders.set(orderKey(x, x.batch, x.stan), order);
  return answer(order, first, `scan-code ${code.scheme} sale`);
}

function query(x: Exchange, ctx: HostContext, code: PaymentCode): Reply {
  let original: Field61;
  try {
    original = parseField61(x.fields[61] ?? "");
  } catch {
    return { responseCode: "30", fields: {}, note: "query without field 61" };
  }
  const order = bookOf(ctx).orders.get(orderKey(x, original.originalBatch, original.originalStan ?? ""));
  if (!order || order.code !== code.code)
    return { responseCode: "25", fields: {}, note: "no such scan-code sale" };
  if (order.state === "pending") {
    if (order.pendingQueries > 0) {
      order.pendingQueries -= 1;
      return answer(order, "09", "scan-code query: still paying");
    }
    order.state = order.finalCode === "00" ? "approved" : "declined";
    if (order.state === "approved")
      approve(order, x, ctx, original.originalBatch, original.originalStan ?? "");
  }
  return answer(order, order.state === "approved" ? "00" : order.finalCode, "scan-code query");
}

/**
 * An approved scan-code sale moves money like a card sale: it goes into the ledger under the sale's own
 * batch and STAN, so settlement totals and reversals see it (there is no card balance to undo).
 */
function approve(order: Order, x: Exchange, ctx: HostContext, batch: string, stan: string): void {
  order.authCode = ctx.nextAuthCode();
  ctx.ledger.add({
    time: ctx.clock().toISOString(),
    terminalId: x.terminal.terminalId,
    merchantId: x.terminal.merchantId,
    batch,
    stan,
    mti: "0200",
    transaction: "sale",
    amount: order.amount,
    fullPan: undefined,
    scheme: order.scheme,
    domestic: true,
    responseCode: "00",
    approved: true,
    rrn: order.rrn,
    authCode: order.authCode,
    originalSeq: undefined,
    undo: undefined,
    note: `scan-code ${order.scheme} ${order.masked}`,
  });
}

function answer(order: Order, responseCode: string, note: string): Reply {
  const fields: Record<number, string> = { 37: order.rrn };
  if (responseCode === "00" && order.authCode) fields[38] = order.authCode;
  return { responseCode, fields, note };
}
