import { describe, expect, it } from "vitest";
import { verifyArpcMethod1 } from "../../../protocol/crypto/emv/index.js";
import { fromHex } from "../../../protocol/hex.js";
import { buildReversal } from "../../../protocol/iso8583/cup/builders.js";
import { parseField55 } from "../../../protocol/iso8583/subfields/field55.js";
import { parseField60 } from "../../../protocol/iso8583/subfields/field60.js";
import { findTag } from "../../../protocol/tlv/index.js";
import { iccData } from "../../support/cup-client.js";
import { CARDS, request, useHostSim } from "./harness.js";

const harness = useHostSim();

async function signedIn(layout: "001" | "003" | "004" = "003") {
  const env = await harness.start();
  const client = await env.connect();
  const reply = await client.signIn(layout);
  expect(reply.message.fields[39]).toBe("00");
  return { ...env, client };
}

describe("sign-in, sign-out, echo", () => {
  it.each(["001", "003", "004"] as const)(
    "issues working keys in layout %s that unwrap and verify",
    async (layout) => {
      const { client } = await signedIn(layout);
      expect(client.keys.get("pik")?.length).toBe(layout === "001" ? 8 : 16);
      expect(client.keys.get("mak")?.length).toBe(layout === "004" ? 16 : 8);
      expect(client.keys.has("tdk")).toBe(layout === "004");
      expect(client.batch).toBe("000001");
      // The keys work: a MAC'd PIN sale is approved and its response MAC verifies.
      const sale = await client.request(request(client, "sale", CARDS.debit, { amount: 100 }));
      expect(sale?.message.fields[39]).toBe("00");
      expect(sale?.macValid).toBe(true);
    },
  );

  it("answers the 0810 with swapped TPDU, echoed header, 60 with the batch and no MAC", async () => {
    const { client } = await signedIn();
    client.setStan(10);
    const reply = await client.signIn();
    expect(reply.frame.tpdu).toEqual({ destination: "0000", source: "0003" });
    expect(reply.frame.header.applicationType).toBe("60");
    expect(reply.frame.header.processingRequirement).toBe(0);
    expect(reply.message.mti).toBe("0810");
    expect(reply.message.fields[11]).toBe("000011");
    expect(parseField60(reply.message.fields[60]!)).toMatchObject({
      txnType: "00",
      batch: "000001",
      netMgmtCode: "003",
    });
    expect(reply.message.fields[64]).toBeUndefined();
    expect(reply.message.fields[37]).toMatch(/^\d{12}$/);
  });

  it("fresh keys at every sign-in; SM4 layout 005 is refused with 40", async () => {
    const { client } = await signedIn();
    const first = Buffer.from(client.keys.get("mak")!);
    await client.signIn();
    expect(client.keys.get("mak")!.equals(first)).toBe(false);
    const reply = await client.request(
      {
        mti: "0800",
        fields: {
          11: client.nextStan(),
          41: client.terminalId,
          42: client.merchantId,
          60: "00000001005",
          63: "01 ",
        },
      },
      { mac: false },
    );
    expect(reply?.message.fields[39]).toBe("40");
  });

  it("echo 0820/301 answers 00; sign-out 0820/002 forgets the keys so a sale then gets A0", async () => {
    const { client, sim } = await signedIn();
    const base = { 41: client.terminalId, 42: client.merchantId };
    const echo = await client.request({
      mti: "0820",
      fields: { 11: client.nextStan(), ...base, 60: "00000001301" },
    });
    expect(echo?.message.mti).toBe("0830");
    expect(echo?.message.fields[39]).toBe("00");
    const out = await client.request({
      mti: "0820",
      fields: { 11: client.nextStan(), ...base, 60: "00000001002" },
    });
    expect(out?.message.fields[39]).toBe("00");
    expect(sim.terminal(client.terminalId, client.merchantId)?.signedIn).toBe(false);
    const sale = await client.request(request(client, "sale", CARDS.debit, { amount: 100 }));
    expect(sale?.message.fields[39]).toBe("A0");
    expect(sale?.message.fields[64]).toBeUndefined();
  });
});

describe("card checks", () => {
  it("sale: approved with auth code, RRN, 44, 63 card org; balance debited", async () => {
    const { client, sim } = await signedIn();
    const before = sim.card(CARDS.debit.pan)!.balance;
    const reply = (await client.request(request(client, "sale", CARDS.debit, { amount: 12_345 })))!;
    const f = reply.message.fields;
    expect(reply.message.mti).toBe("0210");
    expect(f[39]).toBe("00");
    expect(f[38]).toMatch(/^\d{6}$/);
    expect(f[37]).toMatch(/^\d{12}$/);
    expect(f[4]).toBe("000000012345");
    expect(f[63]).toBe("CUP");
    expect(f[44]?.startsWith("03080000")).toBe(true);
    expect(reply.macValid).toBe(true);
    expect(sim.card(CARDS.debit.pan)!.balance).toBe(before - 12_345);
  });

  it("wrong PIN → 55, unknown card → 14, expired → 54, card switch → 05", async () => {
    const { client } = await signedIn();
    const wrong = await client.request(
      request(client, "sale", { pan: CARDS.debit.pan, pin: "654321" }, { amount: 100 }),
    );
    expect(wrong?.message.fields[39]).toBe("55");
    expect(wrong?.macValid).toBe(true);
    const unknown = await client.request(request(client, "sale", CARDS.unknown, { amount: 100 }));
    expect(unknown?.message.fields[39]).toBe("14");
    const expired = await client.request(request(client, "sale", CARDS.expired, { amount: 100 }));
    expect(expired?.message.fields[39]).toBe("54");
    const declined = await client.request(request(client, "sale", CARDS.declined, { amount: 100 }));
    expect(declined?.message.fields[39]).toBe("05");
  });

  it("limits and balance: per-transaction 61, daily 61, insufficient funds 51", async () => {
    const { client } = await signedIn();
    const over = await client.request(request(client, "sale", CARDS.low, { amount: 5_001 }));
    expect(over?.message.fields[39]).toBe("61");
    expect(
      (await client.request(request(client, "sale", CARDS.low, { amount: 5_000 })))?.message.fields[39],
    ).toBe("00");
    const daily = await client.request(request(client, "sale", CARDS.low, { amount: 3_001 }));
    expect(daily?.message.fields[39]).toBe("61");
    const { client: other, sim } = await signedIn();
    expect(sim.card(CARDS.low.pan)!.balance).toBe(10_000);
    await other.request(request(other, "sale", CARDS.low, { amount: 4_000 }));
    await other.request(request(other, "sale", CARDS.low, { amount: 4_000 }));
    // Balance 2,000 left, daily total 8,000 = limit: the daily limit answers first.
    expect((await other.request(request(other, "sale", CARDS.low, { amount: 1 })))?.message.fields[39]).toBe(
      "61",
    );
  });

  it("insufficient funds → 51", async () => {
    const env = await harness.start({
      cards: [{ pan: "6222021000000000014", pin: "123456", balance: 1_000 }],
    });
    const client = await env.connect();
    await client.signIn();
    const reply = await client.request(request(client, "sale", CARDS.debit, { amount: 1_001 }));
    expect(reply?.message.fields[39]).toBe("51");
  });

  it("balance inquiry returns field 54 with the available balance", async () => {
    const { client } = await signedIn();
    const reply = await client.request(request(client, "balanceInquiry", CARDS.debit));
    expect(reply?.message.fields[39]).toBe("00");
    expect(reply?.message.fields[54]).toBe("1002156C000010000000");
  });

  it("accepts the PAN from clear track 2 when field 2 is absent", async () => {
    const { client } = await signedIn();
    const pinBlock = client.pinBlock(CARDS.debit.pan, CARDS.debit.pin);
    const message = request(client, "sale", CARDS.debit, { amount: 100, withPin: false });
    delete message.fields[2];
    message.fields[35] = `${CARDS.debit.pan}D30122011234`;
    message.fields[52] = pinBlock.toString("hex").toUpperCase();
    const reply = await client.request(message);
    expect(reply?.message.fields[39]).toBe("00");
  });
});

describe("EMV", () => {
  it("verifies the ARQC and returns ARPC (91, method 1, session key) for the PBOC card", async () => {
    const { client } = await signedIn();
    const icc = iccData({
      pan: CARDS.emv.pan,
      psn: CARDS.emv.psn,
      imkAc: fromHex(CARDS.emv.imkAc, "imk"),
      amount: 500,
    });
    const message = request(client, "sale", CARDS.emv, { amount: 500 });
    message.fields[55] = icc.field55.toString("hex").toUpperCase();
    message.fields[23] = "001";
    const reply = (await client.request(message))!;
    expect(reply.message.fields[39]).toBe("00");
    const tlv = parseField55(Buffer.from(reply.message.fields[55]!, "hex"));
    const t91 = findTag(tlv, "91")!.value;
    expect(t91.subarray(8).toString("ascii")).toBe("00");
    expect(verifyArpcMethod1(icc.sessionKey, icc.arqc, Buffer.from("00", "ascii"), t91.subarray(0, 8))).toBe(
      true,
    );
    expect(findTag(tlv, "71")).toBeUndefined();
  });

  it("returns issuer scripts 71/72 when the card profile sets them; ICC-master ARPC for the Mastercard", async () => {
    const { client } = await signedIn();
    const icc = iccData({
      pan: CARDS.emvScripts.pan,
      psn: CARDS.emvScripts.psn,
      imkAc: fromHex(CARDS.emvScripts.imkAc, "imk"),
      amount: 700,
      atc: 0x42,
    });
    const message = request(client, "sale", CARDS.emvScripts, { amount: 700 });
    message.fields[55] = icc.field55.toString("hex").toUpperCase();
    const tlv = parseField55(Buffer.from((await client.request(message))!.message.fields[55]!, "hex"));
    expect(findTag(tlv, "71")?.value.toString("hex").toUpperCase()).toBe(
      "9F180400000002860D841E0000088877665544332211",
    );
    expect(findTag(tlv, "72")?.value.toString("hex").toUpperCase()).toBe(
      "9F180400000001860D84240000081122334455667788",
    );

    const mc = iccData({
      pan: CARDS.mastercard.pan,
      psn: CARDS.mastercard.psn,
      imkAc: fromHex(CARDS.mastercard.imkAc, "imk"),
      amount: 900,
    });
    const mcMessage = request(client, "sale", CARDS.mastercard, { amount: 900 });
    mcMessage.fields[55] = mc.field55.toString("hex").toUpperCase();
    const mcReply = (await client.request(mcMessage))!;
    expect(mcReply.message.fields[63]).toBe("MCC");
    const arpc = findTag(parseField55(Buffer.from(mcReply.message.fields[55]!, "hex")), "91")!.value;
    expect(verifyArpcMethod1(mc.iccMasterKey, mc.arqc, Buffer.from("00"), arpc.subarray(0, 8))).toBe(true);
  });

  it("a wrong ARQC is declined 05 and no money moves", async () => {
    const { client, sim } = await signedIn();
    const before = sim.card(CARDS.emv.pan)!.balance;
    const icc = iccData({
      pan: CARDS.emv.pan,
      psn: CARDS.emv.psn,
      imkAc: fromHex(CARDS.emv.imkAc, "imk"),
      amount: 500,
      corrupt: true,
    });
    const message = request(client, "sale", CARDS.emv, { amount: 500 });
    message.fields[55] = icc.field55.toString("hex").toUpperCase();
    expect((await client.request(message))?.message.fields[39]).toBe("05");
    expect(sim.card(CARDS.emv.pan)!.balance).toBe(before);
  });
});

describe("void and refund", () => {
  async function sale(client: Awaited<ReturnType<typeof signedIn>>["client"], amount: number) {
    const message = request(client, "sale", CARDS.debit, { amount });
    const reply = (await client.request(message))!;
    expect(reply.message.fields[39]).toBe("00");
    return {
      stan: message.fields[11]!,
      rrn: reply.message.fields[37]!,
      authCode: reply.message.fields[38]!,
      batch: client.batch,
    };
  }

  it("void: checks the original (61, 37, 38) and the amount, and only once", async () => {
    const { client, sim } = await signedIn();
    const before = sim.card(CARDS.debit.pan)!.balance;
    const original = await sale(client, 2_000);
    const wrongAmount = await client.request(
      request(client, "void", CARDS.debit, { amount: 1_999, original }),
    );
    expect(wrongAmount?.message.fields[39]).toBe("64");
    const wrongRrn = await client.request(
      request(client, "void", CARDS.debit, { amount: 2_000, original: { ...original, rrn: "999999999999" } }),
    );
    expect(wrongRrn?.message.fields[39]).toBe("25");
    const notFound = await client.request(
      request(client, "void", CARDS.debit, { amount: 2_000, original: { ...original, stan: "999999" } }),
    );
    expect(notFound?.message.fields[39]).toBe("25");
    const ok = await client.request(request(client, "void", CARDS.debit, { amount: 2_000, original }));
    expect(ok?.message.fields[39]).toBe("00");
    expect(sim.card(CARDS.debit.pan)!.balance).toBe(before);
    const again = await client.request(request(client, "void", CARDS.debit, { amount: 2_000, original }));
    expect(again?.message.fields[39]).toBe("12");
    const statuses = sim.transactions().map((t) => `${t.transaction}:${t.status}`);
    expect(statuses[0]).toBe("sale:voided");
  });

  it("refund: by RRN, partial refunds up to the original amount, then 13", async () => {
    const { client, sim } = await signedIn();
    const original = await sale(client, 3_000);
    const afterSale = sim.card(CARDS.debit.pan)!.balance;
    const first = await client.request(request(client, "refund", CARDS.debit, { amount: 2_000, original }));
    expect(first?.message.mti).toBe("0230");
    expect(first?.message.fields[39]).toBe("00");
    const tooMuch = await client.request(request(client, "refund", CARDS.debit, { amount: 1_001, original }));
    expect(tooMuch?.message.fields[39]).toBe("13");
    const rest = await client.request(request(client, "refund", CARDS.debit, { amount: 1_000, original }));
    expect(rest?.message.fields[39]).toBe("00");
    expect(sim.card(CARDS.debit.pan)!.balance).toBe(afterSale + 3_000);
    const otherCard = await client.request(request(client, "refund", CARDS.credit, { amount: 1, original }));
    expect(otherCard?.message.fields[39]).toBe("25");
  });
});

describe("pre-authorisation family", () => {
  it("pre-auth holds, completion debits (≤115%), completion void credits, pre-auth void releases", async () => {
    const { client, sim } = await signedIn();
    const card = CARDS.credit;
    const start = sim.card(card.pan)!;
    const pa = request(client, "preAuth", card, { amount: 10_000 });
    const paReply = (await client.request(pa))!;
    expect(paReply.message.mti).toBe("0110");
    expect(paReply.message.fields[39]).toBe("00");
    expect(sim.card(card.pan)!.held).toBe(10_000);
    const preAuth = {
      batch: client.batch,
      stan: pa.fields[11]!,
      authCode: paReply.message.fields[38]!,
      date: "0101",
    };

    const tooMuch = await client.request(
      request(client, "completion", card, { amount: 11_501, original: preAuth }),
    );
    expect(tooMuch?.message.fields[39]).toBe("64");
    const wrongAuth = await client.request(
      request(client, "completion", card, { amount: 10_000, original: { ...preAuth, authCode: "000000" } }),
    );
    expect(wrongAuth?.message.fields[39]).toBe("25");
    const co = request(client, "completion", card, { amount: 11_500, original: preAuth });
    const coReply = (await client.request(co))!;
    expect(coReply.message.fields[39]).toBe("00");
    expect(sim.card(card.pan)).toMatchObject({ held: 0, balance: start.balance - 11_500 });
    const twice = await client.request(
      request(client, "completion", card, { amount: 100, original: preAuth }),
    );
    expect(twice?.message.fields[39]).toBe("12");

    const completion = {
      batch: client.batch,
      stan: co.fields[11]!,
      rrn: coReply.message.fields[37]!,
      authCode: coReply.message.fields[38]!,
    };
    const cv = await client.request(
      request(client, "completionVoid", card, { amount: 11_500, original: completion }),
    );
    expect(cv?.message.fields[39]).toBe("00");
    expect(sim.card(card.pan)!.balance).toBe(start.balance);

    const pa2 = request(client, "preAuth", card, { amount: 5_000 });
    const pa2Reply = (await client.request(pa2))!;
    const second = { batch: client.batch, stan: pa2.fields[11]!, authCode: pa2Reply.message.fields[38]! };
    const wrong = await client.request(
      request(client, "preAuthVoid", card, { amount: 4_000, original: second }),
    );
    expect(wrong?.message.fields[39]).toBe("64");
    const pav = await client.request(
      request(client, "preAuthVoid", card, { amount: 5_000, original: second }),
    );
    expect(pav?.message.mti).toBe("0110");
    expect(pav?.message.fields[39]).toBe("00");
    expect(sim.card(card.pan)!.held).toBe(0);
  });

  it("completion advice (0220/24) completes a pre-auth offline, no PIN", async () => {
    const { client, sim } = await signedIn();
    const card = CARDS.credit;
    const pa = request(client, "preAuth", card, { amount: 2_000 });
    const paReply = (await client.request(pa))!;
    const original = { batch: client.batch, stan: pa.fields[11]!, authCode: paReply.message.fields[38]! };
    const advice = await client.request(
      request(client, "completionAdvice", { pan: card.pan }, { amount: 2_000, original }),
    );
    expect(advice?.message.mti).toBe("0230");
    expect(advice?.message.fields[39]).toBe("00");
    expect(sim.card(card.pan)!.held).toBe(0);
  });
});

describe("reversal", () => {
  it("reverses a seen sale (matched by STAN, batch, amount) and undoes the debit", async () => {
    const { client, sim } = await signedIn();
    const before = sim.card(CARDS.debit.pan)!.balance;
    const original = request(client, "sale", CARDS.debit, { amount: 4_000 });
    expect((await client.request(original))?.message.fields[39]).toBe("00");
    const reversal = buildReversal(original, { reason: "98" });
    const reply = (await client.request(reversal))!;
    expect(reply.message.mti).toBe("0410");
    expect(reply.message.fields[39]).toBe("00");
    expect(reply.macValid).toBe(true);
    expect(sim.card(CARDS.debit.pan)!.balance).toBe(before);
    const entries = sim.transactions();
    expect(entries[0]).toMatchObject({ transaction: "sale", status: "reversed" });
    expect(entries[1]).toMatchObject({ transaction: "reversal", matched: true, originalSeq: 1 });
    // A repeated reversal is still 00 and changes nothing.
    expect((await client.request(reversal))?.message.fields[39]).toBe("00");
    expect(sim.card(CARDS.debit.pan)!.balance).toBe(before);
  });

  it("reversing something never seen answers 00 and logs it as unmatched", async () => {
    const lines: string[] = [];
    const { Writable } = await import("node:stream");
    const log = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const env = await harness.start({ log });
    const client = await env.connect();
    await client.signIn();
    const never = request(client, "sale", CARDS.debit, { amount: 777 });
    const reply = await client.request(buildReversal(never, { reason: "98" }));
    expect(reply?.message.fields[39]).toBe("00");
    expect(env.sim.transactions()[0]).toMatchObject({ transaction: "reversal", matched: false });
    expect(lines.some((l) => l.includes("reversal unmatched"))).toBe(true);
  });

  it("reversing a void restores the sale", async () => {
    const { client, sim } = await signedIn();
    const s = request(client, "sale", CARDS.debit, { amount: 1_500 });
    const sr = (await client.request(s))!;
    const original = {
      batch: client.batch,
      stan: s.fields[11]!,
      rrn: sr.message.fields[37]!,
      authCode: sr.message.fields[38]!,
    };
    const v = request(client, "void", CARDS.debit, { amount: 1_500, original });
    expect((await client.request(v))?.message.fields[39]).toBe("00");
    expect((await client.request(buildReversal(v, { reason: "98" })))?.message.fields[39]).toBe("00");
    expect(sim.transactions()[0]?.status).toBe("approved");
    expect(sim.card(CARDS.debit.pan)!.balance).toBe(10_000_000 - 1_500);
  });
});

describe("duplicates and batches", () => {
  it("a repeated STAN for a different message → 94; the same message again gets the same answer", async () => {
    const { client, sim } = await signedIn();
    const first = request(client, "sale", CARDS.debit, { amount: 100 });
    const a = (await client.request(first))!;
    const again = (await client.request(first))!;
    expect(again.message.fields[39]).toBe("00");
    expect(again.message.fields[37]).toBe(a.message.fields[37]);
    expect(again.message.fields[38]).toBe(a.message.fields[38]);
    expect(sim.transactions()).toHaveLength(1);
    client.setStan(Number(first.fields[11]) - 1);
    const dup = await client.request(request(client, "sale", CARDS.debit, { amount: 200 }));
    expect(dup?.message.fields[39]).toBe("94");
    expect(dup?.macValid).toBe(true);
  });

  it("a financial message for another batch → 77", async () => {
    const { client } = await signedIn();
    client.batch = "000009";
    expect(
      (await client.request(request(client, "sale", CARDS.debit, { amount: 100 })))?.message.fields[39],
    ).toBe("77");
  });

  it("a bad request MAC → A0 without MAC, nothing recorded", async () => {
    const { client, sim } = await signedIn();
    const frame = client.frame(request(client, "sale", CARDS.debit, { amount: 100 }), true);
    frame[frame.length - 1]! ^= 0x01;
    client.sendRaw(frame);
    const reply = client.parse((await client.receive())!);
    expect(reply.message.fields[39]).toBe("A0");
    expect(reply.message.fields[64]).toBeUndefined();
    expect(sim.transactions()).toHaveLength(0);
  });
});
