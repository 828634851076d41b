import {
  buildSettlementTotals,
  parseBatchUploadCount,
  parseBatchUploadRecords,
  parseSettlementTotals,
  type SettlementBlock,
  type SettlementTotals,
} from "../../protocol/iso8583/subfields/field48.js";
import { type Exchange, type HostContext, type Reply, reply } from "./exchange.js";
import { maskedPan } from "./tx-log.js";

function sameTotals(a: SettlementBlock, b: SettlementBlock): boolean {
  return (
    a.debitAmount === b.debitAmount &&
    a.debitCount === b.debitCount &&
    a.creditAmount === b.creditAmount &&
    a.creditCount === b.creditCount
  );
}

/**
 * 0500 batch settlement: the terminal's field 48 totals against the host's own ledger for the batch in
 * 60.2. 0510 returns both blocks with the result digit at offsets 30 and 61 (1 balanced, 2 unbalanced);
 * the host's batch then moves on by one. A batch other than the host's current one gets 77.
 */
export function handleSettlement(x: Exchange, ctx: HostContext): Reply {
  const value = x.fields[48];
  if (value === undefined) return reply("30", {}, "field 48 missing");
  let terminalTotals: SettlementTotals;
  try {
    terminalTotals = parseSettlementTotals(value);
  } catch (error) {
    return reply("30", {}, (error as Error).message);
  }
  if (x.batch !== x.terminal.batch)
    return reply("77", {}, `batch ${x.batch}, host is at ${x.terminal.batch}`);
  const host = ctx.ledger.totals(x.terminal.terminalId, x.terminal.merchantId, x.batch);
  const domesticResult = sameTotals(terminalTotals.domestic, host.domestic) ? 1 : 2;
  const foreignSent = terminalTotals.foreign;
  const foreignResult = sameTotals(foreignSent ?? host.foreign, host.foreign) ? 1 : 2;
  const answer: SettlementTotals = {
    domestic: { ...terminalTotals.domestic, result: domesticResult },
    foreign: { ...(foreignSent ?? host.foreign), result: foreignResult },
  };
  x.terminal.settlements.push({
    batch: x.batch,
    time: ctx.clock().toISOString(),
    domesticResult,
    foreignResult: foreignSent ? foreignResult : undefined,
    terminalTotals: value,
    hostTotals: buildSettlementTotals(host),
    uploaded: 0,
  });
  x.terminal.closeBatch();
  const balanced = domesticResult === 1 && foreignResult === 1;
  return reply(
    "00",
    { 37: ctx.nextRrn(), 48: buildSettlementTotals(answer) },
    balanced ? "balanced" : "unbalanced",
  );
}

const SINGLE_IC = new Set(["203", "204", "205", "206"]);
const END = new Set(["202", "207"]);

/**
 * 0320 batch upload after settlement: 201 magstripe records (≤8 × 40 digits in 48), 203–206 one IC
 * transaction each, 202/207 the END with the count. Each record is checked against the ledger of that
 * batch (STAN + amount); the outcome is kept for the ledger JSON. Always 00 for readable uploads.
 */
export function handleBatchUpload(x: Exchange, ctx: HostContext): Reply {
  const code = x.f60?.netMgmtCode ?? "";
  const settlement = x.terminal.settlementFor(x.batch);
  const ledgerHas = (stan: string, amount: number) =>
    ctx.ledger.findLast(
      (r) =>
        r.terminalId === x.terminal.terminalId &&
        r.merchantId === x.terminal.merchantId &&
        r.batch === x.batch &&
        r.stan === stan &&
        r.amount === amount &&
        r.approved,
    ) !== undefined;
  const entry = {
    time: ctx.clock().toISOString(),
    terminalId: x.terminal.terminalId,
    merchantId: x.terminal.merchantId,
    batch: x.batch,
    netMgmtCode: code,
    records: [] as { stan: string; pan: string; amount: number; matched: boolean }[],
  };
  try {
    if (code === "201") {
      for (const r of parseBatchUploadRecords(x.fields[48] ?? "")) {
        entry.records.push({
          stan: r.stan,
          pan: maskedPan(r.pan),
          amount: r.amount,
          matched: ledgerHas(r.stan, r.amount),
        });
      }
    } else if (SINGLE_IC.has(code)) {
      const amount = x.amount ?? 0;
      entry.records.push({ stan: x.stan, pan: maskedPan(x.pan), amount, matched: ledgerHas(x.stan, amount) });
    } else if (END.has(code)) {
      const count = parseBatchUploadCount(x.fields[48] ?? "");
      ctx.uploads.push({ ...entry, endCount: count });
      if (settlement) settlement.uploadEnd = { code, count };
      return reply("00", {}, `upload END ${code}: ${count} transactions`);
    } else {
      return reply("12", {}, `batch upload 60.3 ${code} unknown`);
    }
  } catch (error) {
    return reply("30", {}, (error as Error).message);
  }
  ctx.uploads.push(entry);
  if (settlement) settlement.uploaded += entry.records.length;
  const unmatched = entry.records.filter((r) => !r.matched).length;
  return reply(
    "00",
    {},
    `${entry.records.length} uploaded${unmatched ? `, ${unmatched} not in the ledger` : ""}`,
  );
}
