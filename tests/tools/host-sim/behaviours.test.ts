import { describe, expect, it } from "vitest";
import { buildReversal } from "../../../protocol/iso8583/cup/builders.js";
import { CARDS, request, useHostSim } from "./harness.js";

const harness = useHostSim();

async function ready(behaviours: Parameters<typeof harness.start>[0] extends infer O ? O : never = {}) {
  const env = await harness.start(behaviours);
  const client = await env.connect();
  await client.signIn();
  return { ...env, client };
}

describe("behaviour switches", () => {
  it("decline with any response code, per amount (scenario data)", async () => {
    const { client, sim } = await ready({
      behaviours: [
        { name: "amount 4.04 → 91", match: { amount: 404 }, respondWith: "91" },
        { match: { amountMin: 90_000, amountMax: 99_999, transaction: "sale" }, respondWith: "A7" },
      ],
    });
    const before = sim.card(CARDS.debit.pan)!.balance;
    const a = await client.request(request(client, "sale", CARDS.debit, { amount: 404 }));
    expect(a?.message.fields[39]).toBe("91");
    expect(a?.macValid).toBe(true);
    expect(
      (await client.request(request(client, "sale", CARDS.debit, { amount: 95_000 })))?.message.fields[39],
    ).toBe("A7");
    expect(
      (await client.request(request(client, "sale", CARDS.debit, { amount: 405 })))?.message.fields[39],
    ).toBe("00");
    expect(sim.card(CARDS.debit.pan)!.balance).toBe(before - 405);
    expect(sim.transactions().map((t) => t.responseCode)).toEqual(["91", "A7", "00"]);
  });

  it("per card (card file data) and per transaction kind; `times` limits a rule", async () => {
    const { client, sim } = await ready({
      cards: [
        { pan: CARDS.debit.pan, pin: CARDS.debit.pin, balance: 100_000, behaviour: { respondWith: "41" } },
        { pan: CARDS.credit.pan, pin: CARDS.credit.pin, balance: 100_000 },
      ],
    });
    expect(
      (await client.request(request(client, "sale", CARDS.debit, { amount: 1 })))?.message.fields[39],
    ).toBe("41");
    sim.addBehaviour({ match: { transaction: "balanceInquiry" }, respondWith: "96", times: 1 });
    expect((await client.request(request(client, "balanceInquiry", CARDS.credit)))?.message.fields[39]).toBe(
      "96",
    );
    expect((await client.request(request(client, "balanceInquiry", CARDS.credit)))?.message.fields[39]).toBe(
      "00",
    );
  });

  it("answer late: the answer comes after delayMs (past a short terminal timeout)", async () => {
    const { client, sim } = await ready();
    sim.addBehaviour({ match: { amount: 808 }, delayMs: 400 });
    const message = request(client, "sale", CARDS.debit, { amount: 808 });
    client.sendRaw(client.frame(message, true));
    expect(await client.receive(150)).toBeUndefined();
    const late = await client.receive(2000);
    expect(client.parse(late!).message.fields[39]).toBe("00");
    // The host approved it: the terminal's reversal (reason 98) then undoes it.
    expect((await client.request(buildReversal(message, { reason: "98" })))?.message.fields[39]).toBe("00");
    expect(sim.transactions()[0]?.status).toBe("reversed");
  });

  it("no answer at all (past any timeout), connection stays usable", async () => {
    const { client, sim } = await ready({ behaviours: [{ match: { amount: 909 }, noAnswer: true }] });
    expect(
      await client.request(request(client, "sale", CARDS.debit, { amount: 909 }), { timeoutMs: 300 }),
    ).toBeUndefined();
    expect(client.closed).toBe(false);
    expect(sim.transactions()[0]?.approved).toBe(true);
    expect(
      (await client.request(request(client, "sale", CARDS.debit, { amount: 1 })))?.message.fields[39],
    ).toBe("00");
  });

  it("drop the connection before processing (nothing recorded) and after (recorded)", async () => {
    const { client, sim, connect } = await ready({
      behaviours: [
        { match: { amount: 111 }, drop: "before" },
        { match: { amount: 222 }, drop: "after" },
      ],
    });
    expect(await client.request(request(client, "sale", CARDS.debit, { amount: 111 }))).toBeUndefined();
    expect(await client.waitClosed()).toBe(true);
    expect(sim.transactions()).toHaveLength(0);
    const second = await connect();
    await second.signIn();
    expect(await second.request(request(second, "sale", CARDS.debit, { amount: 222 }))).toBeUndefined();
    expect(await second.waitClosed()).toBe(true);
    expect(sim.transactions()).toMatchObject([{ amount: 222, approved: true }]);
  });

  it("answer with a bad MAC", async () => {
    const { client } = await ready({ behaviours: [{ match: { transaction: "sale" }, badMac: true }] });
    const reply = await client.request(request(client, "sale", CARDS.debit, { amount: 5 }));
    expect(reply?.message.fields[39]).toBe("00");
    expect(reply?.macValid).toBe(false);
  });

  it("send garbage: framed random bytes, or raw random bytes", async () => {
    const { client, sim } = await ready();
    sim.addBehaviour({ match: { amount: 31 }, garbage: "framed" });
    sim.addBehaviour({ match: { amount: 32 }, garbage: "raw" });
    client.sendRaw(client.frame(request(client, "sale", CARDS.debit, { amount: 31 }), true));
    const framed = await client.receive();
    expect(framed).toBeDefined();
    expect(() => client.parse(framed!)).toThrow();
    client.sendRaw(client.frame(request(client, "sale", CARDS.debit, { amount: 32 }), true));
    // Raw noise desynchronises the stream: the client either reads junk or gives up; it never parses.
    const raw = await client.receive(300);
    if (raw) expect(() => client.parse(raw)).toThrow();
  });

  it("sets the header's processing-requirement digit: 3 re-sign-in, 1 parameter download", async () => {
    const { client, sim } = await ready();
    sim.addBehaviour({ match: { transaction: "sale" }, processingRequirement: 3, times: 1 });
    sim.addBehaviour({ match: { transaction: "echo" }, processingRequirement: 1 });
    const sale = await client.request(request(client, "sale", CARDS.debit, { amount: 5 }));
    expect(sale?.frame.header.processingRequirement).toBe(3);
    expect(sale?.frame.header.softwareVersion).toBe("000000");
    const next = await client.request(request(client, "sale", CARDS.debit, { amount: 5 }));
    expect(next?.frame.header.processingRequirement).toBe(0);
    const echo = await client.request({
      mti: "0820",
      fields: { 11: client.nextStan(), 41: client.terminalId, 42: client.merchantId, 60: "00000001301" },
    });
    expect(echo?.frame.header.processingRequirement).toBe(1);
    // The parameter download the digit asks for is acknowledged.
    const download = await client.request({
      mti: "0800",
      fields: { 11: client.nextStan(), 41: client.terminalId, 42: client.merchantId, 60: "00000001360" },
    });
    expect(download?.message.fields[39]).toBe("00");
  });

  it("switches combine: a decline that also arrives late", async () => {
    const { client } = await ready({
      behaviours: [{ match: { amount: 77 }, respondWith: "05", delayMs: 200 }],
    });
    const t0 = Date.now();
    const reply = await client.request(request(client, "sale", CARDS.debit, { amount: 77 }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(reply?.message.fields[39]).toBe("05");
  });
});
