import type { SimTransaction } from "./config.js";
import { type Exchange, type HostContext, type Reply, reply } from "./exchange.js";

/** What a 0400 may reverse (factor table "reversal? yes", §1.5). */
const REVERSIBLE: ReadonlySet<SimTransaction> = new Set([
  "sale",
  "void",
  "preAuth",
  "preAuthVoid",
  "completion",
  "completionVoid",
]);

/**
 * 0400 reversal: the original is this terminal's message with the same STAN, batch (60.2) and amount.
 * An approved original is undone (money, marks on its own original, D0 payout). Whatever happens the
 * answer is 00, so a terminal can always clear its reversal record; an unmatched reversal is logged.
 */
export function handleReversal(x: Exchange, ctx: HostContext): Reply {
  const original = ctx.ledger.findLast(
    (r) =>
      r.terminalId === x.terminal.terminalId &&
      r.merchantId === x.terminal.merchantId &&
      r.mti !== "0400" &&
      REVERSIBLE.has(r.transaction) &&
      r.stan === x.stan &&
      r.batch === x.batch,
  );
  const amountMatches = original !== undefined && (x.amount === undefined || x.amount === original.amount);
  let note: string;
  if (!original || !amountMatches) {
    note = original
      ? "original found but the amount differs: nothing reversed"
      : "original never seen: nothing reversed";
    ctx.log.event(
      `reversal unmatched tid=${x.terminal.terminalId} mid=${x.terminal.merchantId} stan=${x.stan} batch=${x.batch}: ${note}`,
    );
  } else if (original.status === "reversed") {
    note = "already reversed";
  } else if (!original.approved) {
    original.status = "reversed";
    note = "original was declined: nothing to undo";
  } else {
    original.undo?.();
    original.status = "reversed";
    ctx.instant.mark(original.seq, "reversed");
    note = `reversed seq ${original.seq}`;
  }
  const matched = original !== undefined && amountMatches;
  ctx.ledger.add({
    time: ctx.clock().toISOString(),
    terminalId: x.terminal.terminalId,
    merchantId: x.terminal.merchantId,
    batch: x.batch,
    stan: x.stan,
    mti: x.mti,
    transaction: "reversal",
    amount: x.amount ?? 0,
    fullPan: x.pan,
    scheme: x.card?.scheme,
    domestic: x.card?.domestic ?? true,
    responseCode: "00",
    approved: true,
    rrn: undefined,
    authCode: undefined,
    originalSeq: matched ? original?.seq : undefined,
    matched,
    undo: undefined,
    note: `reason ${x.fields[39] ?? "--"}; ${note}`,
  });
  return reply("00", {}, note);
}
