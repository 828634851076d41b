import { describe, expect, it } from "vitest";
import { buildBatchUpload, buildSettlement } from "../../../protocol/iso8583/cup/builders.js";
import { parseSettlementTotals, type SettlementBlock } from "../../../protocol/iso8583/subfields/field48.js";
import type { CupClient } from "../../support/cup-client.js";
import { CARDS, request, useHostSim } from "./harness.js";

const harness = useHostSim();

const zero: SettlementBlock = { debitAmount: 0, debitCount: 0, creditAmount: 0, creditCount: 0, result: 0 };

async function trade(client: CupClient) {
  // Domestic: two sales (one voided) and a refund; foreign: one Visa sale.
  const s1 = request(client, "sale", CARDS.debit, { amount: 10_000 });
  const r1 = (await client.request(s1))!;
  await client.request(request(client, "sale", CARDS.debit, { amount: 2_500 }));
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
  const s3 = request(client, "sale", CARDS.debit, { amount: 4_000 });
  const r3 = (await client.request(s3))!;
  await client.request(
    request(client, "refund", CARDS.debit, {
      amount: 1_000,
      original: { batch: client.batch, stan: s3.fields[11]!, rrn: r3.message.fields[37]! },
    }),
  );
  await client.request(request(client, "sale", CARDS.visa, { amount: 7_700 }));
  // Declined and pre-auth do not count.
  await client.request(request(client, "sale", CARDS.declined, { amount: 5 }));
  await client.request(request(client, "preAuth", CARDS.credit, { amount: 3_000 }));
}

const balancedTotals = {
  domestic: { debitAmount: 16_500, debitCount: 3, creditAmount: 11_000, creditCount: 2, result: 0 as const },
  foreign: { debitAmount: 7_700, debitCount: 1, creditAmount: 0, creditCount: 0, result: 0 as const },
};

function settle(client: CupClient, totals: Parameters<typeof buildSettlement>[0]["totals"]) {
  return client.request(
    buildSettlement({
      terminalId: client.terminalId,
      merchantId: client.merchantId,
      stan: client.nextStan(),
      batch: client.batch,
      operator: "01 ",
      totals,
    }),
    { mac: false },
  );
}

describe("batch settlement 0500/0510", () => {
  it("balanced: result 1 at offsets 30 and 61; the host batch moves on", async () => {
    const env = await harness.start();
    const client = await env.connect();
    await client.signIn();
    await trade(client);
    const view = env.sim.batchView(client.terminalId, client.merchantId);
    expect(view.domestic).toEqual({
      debitAmount: 16_500,
      debitCount: 3,
      creditAmount: 11_000,
      creditCount: 2,
    });
    expect(view.foreign).toEqual({ debitAmount: 7_700, debitCount: 1, creditAmount: 0, creditCount: 0 });
    const reply = (await settle(client, balancedTotals))!;
    expect(reply.message.mti).toBe("0510");
    expect(reply.message.fields[39]).toBe("00");
    const f48 = reply.message.fields[48]!;
    expect(f48).toHaveLength(62);
    expect(f48[30]).toBe("1");
    expect(f48[61]).toBe("1");
    expect(parseSettlementTotals(f48).domestic.debitAmount).toBe(16_500);
    expect(env.sim.terminal(client.terminalId, client.merchantId)?.batch).toBe("000002");
    expect(env.sim.batchView(client.terminalId, client.merchantId, "000001").settlement).toMatchObject({
      domesticResult: 1,
      foreignResult: 1,
    });
  });

  it("unbalanced: result 2 where the totals differ, then magstripe upload 201 and END 202", async () => {
    const env = await harness.start();
    const client = await env.connect();
    await client.signIn();
    await trade(client);
    const reply = (await settle(client, {
      domestic: { ...balancedTotals.domestic, debitAmount: 16_400 },
      foreign: balancedTotals.foreign,
    }))!;
    const f48 = reply.message.fields[48]!;
    expect(f48[30]).toBe("2");
    expect(f48[61]).toBe("1");
    const txns = env.sim.transactions().filter((t) => t.transaction === "sale" && t.approved);
    const upload = await client.request(
      buildBatchUpload({
        terminalId: client.terminalId,
        merchantId: client.merchantId,
        stan: client.nextStan(),
        batch: client.batch,
        netMgmtCode: "201",
        records: [
          ...txns.map((t) => ({
            cardOrg: t.domestic ? "00" : "01",
            stan: t.stan,
            pan: CARDS.debit.pan,
            amount: t.amount,
          })),
          { cardOrg: "00", stan: "999999", pan: CARDS.debit.pan, amount: 1 },
        ],
      }),
      { mac: false },
    );
    expect(upload?.message.mti).toBe("0330");
    expect(upload?.message.fields[39]).toBe("00");
    const end = await client.request(
      buildBatchUpload({
        terminalId: client.terminalId,
        merchantId: client.merchantId,
        stan: client.nextStan(),
        batch: client.batch,
        netMgmtCode: "202",
        uploadCount: txns.length + 1,
      }),
      { mac: false },
    );
    expect(end?.message.fields[39]).toBe("00");
    const ledger = env.sim.ledger();
    expect(ledger.batchUploads[0]?.records.filter((r) => !r.matched)).toHaveLength(1);
    expect(ledger.batchUploads[0]?.records[0]?.pan).toBe("622202*********0014");
    expect(ledger.terminals[0]?.settlements[0]).toMatchObject({
      uploaded: txns.length + 1,
      uploadEnd: { code: "202" },
    });
  });

  it("IC upload 203 and END 207 after a balanced settlement; only a domestic block sent", async () => {
    const env = await harness.start();
    const client = await env.connect();
    await client.signIn();
    const s = request(client, "sale", CARDS.debit, { amount: 600 });
    await client.request(s);
    const reply = (await settle(client, { domestic: { ...zero, debitAmount: 600, debitCount: 1 } }))!;
    expect(reply.message.fields[48]![30]).toBe("1");
    expect(reply.message.fields[48]![61]).toBe("1");
    const ic = await client.request(
      buildBatchUpload({
        terminalId: client.terminalId,
        merchantId: client.merchantId,
        stan: s.fields[11]!,
        batch: client.batch,
        netMgmtCode: "203",
        card: {
          pan: CARDS.debit.pan,
          entryMode: "051",
          iccData: Buffer.from("9F2608AABBCCDDEEFF0011", "hex"),
        },
        amount: 600,
        terminalFlags: { readCapability: "6", icCondition: "0" },
      }),
      { mac: false },
    );
    expect(ic?.message.fields[39]).toBe("00");
    const end = await client.request(
      buildBatchUpload({
        terminalId: client.terminalId,
        merchantId: client.merchantId,
        stan: client.nextStan(),
        batch: client.batch,
        netMgmtCode: "207",
        uploadCount: 1,
      }),
      { mac: false },
    );
    expect(end?.message.fields[39]).toBe("00");
    expect(
      env.sim.ledger().batchUploads.map((u) => [u.netMgmtCode, u.records[0]?.matched ?? u.endCount]),
    ).toEqual([
      ["203", true],
      ["207", 1],
    ]);
  });

  it("settling a batch the host is not at → 77; bad field 48 → 30", async () => {
    const env = await harness.start();
    const client = await env.connect();
    await client.signIn();
    client.batch = "000005";
    expect((await settle(client, { domestic: zero }))?.message.fields[39]).toBe("77");
    client.batch = "000001";
    const message = buildSettlement({
      terminalId: client.terminalId,
      merchantId: client.merchantId,
      stan: client.nextStan(),
      batch: client.batch,
      operator: "01 ",
      totals: { domestic: zero },
    });
    message.fields[48] = "1234";
    expect((await client.request(message, { mac: false }))?.message.fields[39]).toBe("30");
  });

  it("after settlement the terminal signs in to the next batch and trades in it", async () => {
    const env = await harness.start();
    const client = await env.connect();
    await client.signIn();
    await settle(client, { domestic: zero });
    const stale = await client.request(request(client, "sale", CARDS.debit, { amount: 100 }));
    expect(stale?.message.fields[39]).toBe("77");
    await client.signIn();
    expect(client.batch).toBe("000002");
    expect(
      (await client.request(request(client, "sale", CARDS.debit, { amount: 100 })))?.message.fields[39],
    ).toBe("00");
  });
});
