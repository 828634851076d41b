import { describe, expect, it } from "vitest";
import { buildInstantSettlementQuery } from "../../../firmware/instant-settlement/index.js";
import { buildReversal } from "../../../protocol/iso8583/cup/builders.js";
import { parseInstantSettlementResponse } from "../../../protocol/iso8583/subfields/instant-settlement.js";
import { DEFAULT_MERCHANT_ID } from "../../../tools/host-sim/default-cards.js";
import type { InstantSettlementRecord } from "../../../tools/host-sim/instant-settlement.js";
import { instantSummary } from "../../../tools/host-sim/instant-settlement-query.js";
import type { CupClient } from "../../support/cup-client.js";
import { CARDS, request, useHostSim } from "./harness.js";

const harness = useHostSim();
// A fixed host clock: payouts and "today" fall on one local day.
const NOW = new Date(2026, 10, 23, 10, 15, 2);
const clock = () => NOW;

function query(client: CupClient, date?: string) {
  return client.request(
    buildInstantSettlementQuery({
      terminalId: client.terminalId,
      merchantId: client.merchantId,
      stan: client.nextStan(),
      batch: client.batch,
      ...(date ? { date } : {}),
    }),
    { mac: false },
  );
}

describe("D0 funds query (0820 60.3 601) on the host simulator", () => {
  it("answers a D0 merchant with the day's totals, clawbacks, balance and per-STAN records", async () => {
    const env = await harness.start({
      clock,
      merchants: [{ merchantId: DEFAULT_MERCHANT_ID, instantSettlement: true, feeRate: 0.006 }],
    });
    const client = await env.connect();
    await client.signIn();
    const s1 = request(client, "sale", CARDS.debit, { amount: 10_000 });
    const r1 = (await client.request(s1))!;
    const s2 = request(client, "sale", CARDS.debit, { amount: 333 });
    await client.request(s2);
    const s3 = request(client, "sale", CARDS.debit, { amount: 2_000 });
    await client.request(s3);
    await client.request(buildReversal(s2, { reason: "98" }));
    await client.request(
      request(client, "void", CARDS.debit, {
        amount: 10_000,
        original: {
          batch: client.batch,
          stan: s1.fields[11]!,
          rrn: r1.message.fields[37]!,
          authCode: r1.message.fields[38]!,
        },
      }),
    );
    const reply = (await query(client))!;
    expect(reply.message.mti).toBe("0830");
    expect(reply.message.fields[39]).toBe("00");
    expect(reply.message.fields[64]).toBeUndefined();
    const summary = parseInstantSettlementResponse(Buffer.from(reply.message.fields[62]!, "hex"));
    expect(summary).toEqual({
      enabled: true,
      date: "20261123",
      paidCount: 3,
      paidAmount: 12_333,
      fees: 60 + 2 + 12,
      net: 9_940 + 331 + 1_988,
      clawedBackCount: 2,
      clawedBackAmount: 9_940 + 331,
      balance: 1_988,
      lastPayout: "20261123101502",
      records: [
        { stan: s1.fields[11], status: "voided", net: 9_940 },
        { stan: s2.fields[11], status: "reversed", net: 331 },
        { stan: s3.fields[11], status: "paid", net: 1_988 },
      ],
    });
    // Another day asked for: nothing paid then.
    const other = (await query(client, "20261122"))!;
    const empty = parseInstantSettlementResponse(Buffer.from(other.message.fields[62]!, "hex"));
    expect(empty).toMatchObject({ enabled: true, date: "20261122", paidCount: 0, balance: 0, records: [] });
    expect(empty.lastPayout).toBeUndefined();
  });

  it("tells a merchant without D0 so: 00 with the enabled flag 0", async () => {
    const env = await harness.start({ clock });
    const client = await env.connect();
    await client.signIn();
    await client.request(request(client, "sale", CARDS.debit, { amount: 500 }));
    const reply = (await query(client))!;
    expect(reply.message.fields[39]).toBe("00");
    const summary = parseInstantSettlementResponse(Buffer.from(reply.message.fields[62]!, "hex"));
    expect(summary).toMatchObject({ enabled: false, paidCount: 0, balance: 0, records: [] });
  });

  it("answers a malformed query date with 30 (format error)", async () => {
    const env = await harness.start({ clock });
    const client = await env.connect();
    await client.signIn();
    const message = buildInstantSettlementQuery({
      terminalId: client.terminalId,
      merchantId: client.merchantId,
      stan: client.nextStan(),
      batch: client.batch,
    });
    message.fields[62] = Buffer.from("2026-11-", "ascii").toString("hex");
    const reply = (await client.request(message, { mac: false }))!;
    expect(reply.message.fields[39]).toBe("30");
  });

  it("sums the merchant's terminals but lists only the asking terminal's STANs, newest 40", () => {
    const at = (i: number) => new Date(2026, 10, 23, 9, 0, i).toISOString();
    const records: InstantSettlementRecord[] = Array.from({ length: 45 }, (_, i) => ({
      id: i + 1,
      time: at(i),
      merchantId: "M",
      terminalId: i === 0 ? "OTHER" : "T1",
      batch: "000001",
      stan: String(i + 1).padStart(6, "0"),
      rrn: undefined,
      ledgerSeq: i + 1,
      amount: 100,
      fee: 1,
      net: 99,
      status: "paid",
    }));
    records.push({ ...records[1]!, id: 46, time: new Date(2026, 10, 22, 23, 0, 0).toISOString() });
    const summary = instantSummary(records, true, "20261123", "T1");
    expect(summary.paidCount).toBe(45);
    expect(summary.balance).toBe(45 * 99);
    expect(summary.records).toHaveLength(40);
    expect(summary.records[0]!.stan).toBe("000006");
    expect(summary.records.at(-1)!.stan).toBe("000045");
    expect(summary.lastPayout).toBe("20261123090044");
  });
});
