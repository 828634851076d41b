import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildReversal } from "../../../protocol/iso8583/cup/builders.js";
import { DEFAULT_MERCHANT_ID } from "../../../tools/host-sim/index.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { CARDS, request, useHostSim } from "./harness.js";

const harness = useHostSim();
const tempDir = useTempDirs();

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe("instant settlement (D0)", () => {
  it("a flagged merchant gets a payout per approved sale; reversal and void mark it; others settle T+1", async () => {
    const env = await harness.start({
      merchants: [{ merchantId: DEFAULT_MERCHANT_ID, instantSettlement: true, feeRate: 0.006 }],
    });
    const d0 = await env.connect();
    const t1 = await env.connect({ terminalId: "10000002", merchantId: "898310048990009" });
    await d0.signIn();
    await t1.signIn();
    const s1 = request(d0, "sale", CARDS.debit, { amount: 10_000 });
    const r1 = (await d0.request(s1))!;
    const s2 = request(d0, "sale", CARDS.debit, { amount: 333 });
    await d0.request(s2);
    await d0.request(request(d0, "sale", CARDS.declined, { amount: 50 }));
    await t1.request(request(t1, "sale", CARDS.debit, { amount: 999 }));
    await d0.request(buildReversal(s2, { reason: "98" }));
    await d0.request(
      request(d0, "void", CARDS.debit, {
        amount: 10_000,
        original: {
          batch: d0.batch,
          stan: s1.fields[11]!,
          rrn: r1.message.fields[37]!,
          authCode: r1.message.fields[38]!,
        },
      }),
    );
    const payouts = env.sim.instantSettlements(DEFAULT_MERCHANT_ID);
    expect(payouts).toEqual([
      expect.objectContaining({
        amount: 10_000,
        fee: 60,
        net: 9_940,
        status: "voided",
        rrn: r1.message.fields[37],
      }),
      expect.objectContaining({ amount: 333, fee: 2, net: 331, status: "reversed" }),
    ]);
    expect(env.sim.instantSettlements("898310048990009")).toEqual([]);
    expect(env.sim.batchView("10000002", "898310048990009").domestic.debitAmount).toBe(999);
    expect(env.sim.ledger().instantSettlements).toHaveLength(2);
  });
});

describe("transaction log and ledger JSON", () => {
  it("the log is readable and masked: PAN 6+4, no PIN blocks, keys or tracks", async () => {
    const { lines, stream } = capture();
    const env = await harness.start({ log: stream });
    const client = await env.connect();
    await client.signIn();
    const message = request(client, "sale", CARDS.debit, { amount: 12_345 });
    message.fields[35] = `${CARDS.debit.pan}D30122011234`;
    await client.request(message);
    const text = lines.join("\n");
    expect(text).toMatch(
      /0200->0210 sale tid=10000001 mid=898310048990001 stan=000002 batch=000001 pan=622202\*{9}0014 amount=123\.45 rc=00 auth=\d{6} rrn=\d{12}/,
    );
    expect(text).toContain("0800->0810 signIn");
    expect(text).not.toContain(CARDS.debit.pan);
    expect(text).not.toContain(message.fields[52]);
    expect(text).not.toContain("30122011234");
    for (const key of client.keys.values())
      expect(text.toUpperCase()).not.toContain(key.toString("hex").toUpperCase());
  });

  it("the ledger JSON balances with the terminal's own record and is written to a file", async () => {
    const env = await harness.start();
    const client = await env.connect();
    await client.signIn();
    let terminalApproved = 0;
    for (const amount of [100, 250, 5_001, 70]) {
      const card = amount === 5_001 ? CARDS.low : CARDS.debit;
      const reply = await client.request(request(client, "sale", card, { amount }));
      if (reply?.message.fields[39] === "00") terminalApproved += amount;
    }
    const ledger = env.sim.ledger();
    expect(ledger.totals.debit).toBe(terminalApproved);
    expect(ledger.totals.approvedCount).toBe(3);
    expect(ledger.transactions.every((t) => !t.pan.includes(CARDS.debit.pan))).toBe(true);
    expect(ledger.terminals[0]).toMatchObject({ terminalId: "10000001", signedIn: true, keyLayout: "003" });
    const file = join(tempDir(), "ledger.json");
    await env.sim.writeLedger(file);
    const written = JSON.parse(readFileSync(file, "utf8"));
    expect(written.transactions).toHaveLength(4);
    expect(JSON.stringify(written)).not.toMatch(/fullPan|undo|6222021000000000014/);
  });
});
