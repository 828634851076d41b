import { connect } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HostSimulator } from "../../../tools/host-sim/index.js";
import { CupClient } from "../../support/cup-client.js";
import { CARDS, request, seededRandom, useHostSim } from "./harness.js";

const harness = useHostSim();

describe("malformed input never takes the server down", () => {
  it("a frame that does not unpack but shows its MTI and STAN gets 30", async () => {
    const { sim, connect: open } = await harness.start();
    const client = await open();
    await signInOk(client);
    const good = client.frame(request(client, "sale", CARDS.debit, { amount: 100 }), true);
    // Cut the frame short inside field 64 and fix the length prefix: the MTI and STAN still read.
    const broken = Buffer.from(good.subarray(0, good.length - 3));
    broken.writeUInt16BE(broken.length - 2, 0);
    client.sendRaw(broken);
    const reply = client.parse((await client.receive())!);
    expect(reply.message.mti).toBe("0210");
    expect(reply.message.fields[39]).toBe("30");
    expect(reply.message.fields[11]).toBe("000002");
    expect(reply.message.fields[64]).toBeUndefined();
    expect(sim.transactions()).toHaveLength(0);
    // Same connection still works.
    expect(
      (await client.request(request(client, "sale", CARDS.debit, { amount: 100 })))?.message.fields[39],
    ).toBe("00");
  });

  it("a missing 41/42 gets 30; an unreadable frame or a response MTI closes only that connection", async () => {
    const { address, connect: open } = await harness.start();
    const a = await open();
    const reply = await a.request(
      { mti: "0800", fields: { 11: "000001", 60: "00000001003" } },
      { mac: false },
    );
    expect(reply?.message.fields[39]).toBe("30");
    const b = await open();
    b.sendRaw(Buffer.from([0x00, 0x05, 0x60, 0x00, 0x03, 0x00, 0x00]));
    expect(await b.waitClosed()).toBe(true);
    const c = await open();
    c.sendRaw(
      c.frame({ mti: "0210", fields: { 11: "000001", 41: "12345678", 42: "123456789012345" } }, false),
    );
    expect(await c.waitClosed()).toBe(true);
    const d = await CupClient.connect({ host: address.host, port: address.port });
    expect((await d.signIn()).message.fields[39]).toBe("00");
    d.close();
  });

  it("a zero or oversized length prefix closes the connection; others carry on", async () => {
    const { connect: open } = await harness.start({ maxFrameLength: 512 });
    const a = await open();
    a.sendRaw(Buffer.from([0x00, 0x00, 0x01]));
    expect(await a.waitClosed()).toBe(true);
    const b = await open();
    b.sendRaw(Buffer.from([0x10, 0x00]));
    expect(await b.waitClosed()).toBe(true);
    const c = await open();
    expect((await c.signIn()).message.fields[39]).toBe("00");
  });

  it("random garbage from many clients: the server keeps serving (seeded property run)", async () => {
    const { address, connect: open } = await harness.start();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (noise) => {
        const socket = connect({ host: address.host, port: address.port });
        await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
        socket.on("error", () => {});
        socket.on("data", () => {});
        socket.write(Buffer.from(noise));
        await new Promise((r) => setTimeout(r, 2));
        socket.destroy();
      }),
      { seed: 4242, numRuns: 60 },
    );
    const client = await open();
    expect((await client.signIn()).message.fields[39]).toBe("00");
  });

  it("frames split across TCP segments and several frames in one segment are handled", async () => {
    const { connect: open } = await harness.start();
    const client = await open();
    await client.signIn();
    const one = client.frame(request(client, "sale", CARDS.debit, { amount: 1 }), true);
    const two = client.frame(request(client, "sale", CARDS.debit, { amount: 2 }), true);
    const both = Buffer.concat([one, two]);
    client.sendRaw(both.subarray(0, 3));
    await new Promise((r) => setTimeout(r, 20));
    client.sendRaw(both.subarray(3));
    const r1 = client.parse((await client.receive())!);
    const r2 = client.parse((await client.receive())!);
    expect([r1.message.fields[4], r2.message.fields[4]]).toEqual(["000000000001", "000000000002"]);
  });
});

describe("lifecycle", () => {
  it("several instances at once, each with its own state; stop() closes every socket", async () => {
    const first = new HostSimulator({ random: seededRandom(1) });
    const second = new HostSimulator({ random: seededRandom(2) });
    const a1 = await first.start();
    const a2 = await second.start({ host: "127.0.0.1", port: 0 });
    expect(a1.host).toBe("127.0.0.1");
    expect(a1.port).not.toBe(a2.port);
    const c1 = await CupClient.connect(a1);
    const c2 = await CupClient.connect(a2);
    await c1.signIn();
    await c2.signIn();
    await c1.request(request(c1, "sale", CARDS.debit, { amount: 10 }));
    expect(first.transactions()).toHaveLength(1);
    expect(second.transactions()).toHaveLength(0);
    expect(first.card(CARDS.debit.pan)!.balance).not.toBe(second.card(CARDS.debit.pan)!.balance);
    await first.stop();
    expect(await c1.waitClosed()).toBe(true);
    expect(c2.closed).toBe(false);
    await second.stop();
    expect(await c2.waitClosed()).toBe(true);
    await first.stop();
  });

  it("stop() cancels delayed answers and resolves", async () => {
    const sim = new HostSimulator({ behaviours: [{ match: {}, delayMs: 60_000 }] });
    const address = await sim.start();
    const client = await CupClient.connect(address);
    client.sendRaw(
      client.frame(
        {
          mti: "0820",
          fields: { 11: "000001", 41: client.terminalId, 42: client.merchantId, 60: "00000001301" },
        },
        false,
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await sim.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await client.waitClosed()).toBe(true);
  });

  it("a restricted terminal list answers 97 to strangers and serves its own terminals with their TMK", async () => {
    const tmk = "0123456789ABCDEFFEDCBA9876543210";
    const { connect: open } = await harness.start({
      terminals: [{ terminalId: "20000001", merchantId: "898310048990002", tmk }],
    });
    const stranger = await open();
    expect((await stranger.signIn()).message.fields[39]).toBe("97");
    const known = await open({
      terminalId: "20000001",
      merchantId: "898310048990002",
      tmk: Buffer.from(tmk, "hex"),
    });
    expect((await known.signIn()).message.fields[39]).toBe("00");
    expect(
      (await known.request(request(known, "sale", CARDS.debit, { amount: 3 })))?.message.fields[39],
    ).toBe("00");
  });

  it("X9.19 MAC option: requests verified and answers MAC'd with the retail MAC", async () => {
    const { connect: open } = await harness.start({ mac: "x9.19" });
    const client = await open({ mac: "x9.19" });
    await client.signIn("004");
    const reply = await client.request(request(client, "sale", CARDS.debit, { amount: 3 }));
    expect(reply?.message.fields[39]).toBe("00");
    expect(reply?.macValid).toBe(true);
    const ecb = await open();
    await ecb.signIn("004");
    expect((await ecb.request(request(ecb, "sale", CARDS.debit, { amount: 3 })))?.message.fields[39]).toBe(
      "A0",
    );
  });
});

async function signInOk(client: CupClient) {
  expect((await client.signIn()).message.fields[39]).toBe("00");
}
