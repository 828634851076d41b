import {
  buildInstantSettlementResponse,
  INSTANT_SETTLEMENT_CODE,
  InstantSettlementError,
  type InstantSettlementSummary,
  MAX_INSTANT_RECORDS,
  parseInstantSettlementRequest,
} from "../../protocol/iso8583/subfields/instant-settlement.js";
import { dayOf, type Exchange, type HostContext, type Reply, reply } from "./exchange.js";
import type { InstantSettlementRecord } from "./instant-settlement.js";

/** YYYYMMDDhhmmss in the host clock's local time, as dayOf reads dates. */
function stamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${dayOf(date)}${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
}

/**
 * The day's D0 figures for a merchant: totals over all its terminals (the funds are the merchant's),
 * per-STAN records only for the asking terminal (a STAN means nothing on another one), newest 40.
 */
export function instantSummary(
  records: readonly InstantSettlementRecord[],
  enabled: boolean,
  date: string,
  terminalId: string,
): InstantSettlementSummary {
  const day = records.filter((r) => dayOf(new Date(r.time)) === date);
  const clawed = day.filter((r) => r.status !== "paid");
  const sum = (list: readonly InstantSettlementRecord[], pick: (r: InstantSettlementRecord) => number) =>
    list.reduce((total, r) => total + pick(r), 0);
  const net = sum(day, (r) => r.net);
  const clawedBackAmount = sum(clawed, (r) => r.net);
  const last = day.at(-1);
  return {
    enabled,
    date,
    paidCount: day.length,
    paidAmount: sum(day, (r) => r.amount),
    fees: sum(day, (r) => r.fee),
    net,
    clawedBackCount: clawed.length,
    clawedBackAmount,
    balance: net - clawedBackAmount,
    lastPayout: last ? stamp(new Date(last.time)) : undefined,
    records: day
      .filter((r) => r.terminalId === terminalId)
      .slice(-MAX_INSTANT_RECORDS)
      .map((r) => ({ stan: r.stan, status: r.status, net: r.net })),
  };
}

/**
 * The D0 (实时到账) funds query: 0820 with 60.3 601 (docs/instant-settlement.md). Undefined when the request
 * is not one. A merchant without D0 is answered 00 with the enabled flag 0 and zero figures; a malformed
 * field 62 gets 30 (format error).
 */
export function handleInstantSettlementQuery(x: Exchange, ctx: HostContext): Reply | undefined {
  if (x.mti !== "0820" || x.f60?.netMgmtCode !== INSTANT_SETTLEMENT_CODE) return undefined;
  let date: string;
  try {
    const asked = parseInstantSettlementRequest(Buffer.from(x.fields[62] ?? "", "hex"));
    date = asked.date ?? dayOf(ctx.clock());
  } catch (error) {
    if (error instanceof InstantSettlementError) return reply("30", {}, error.message);
    throw error;
  }
  const merchantId = x.terminal.merchantId;
  const enabled = ctx.settings.merchants.get(merchantId)?.instantSettlement === true;
  const summary = instantSummary(
    enabled ? ctx.instant.list(merchantId) : [],
    enabled,
    date,
    x.terminal.terminalId,
  );
  return reply(
    "00",
    { 62: buildInstantSettlementResponse(summary).toString("hex").toUpperCase() },
    `D0 ${date}: ${summary.paidCount} paid, balance ${summary.balance}`,
  );
}
