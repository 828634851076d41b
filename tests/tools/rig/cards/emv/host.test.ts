import { describe, expect, it } from "vitest";
import {
  buildField55,
  cdaTransactionData,
  FIELD55_REQUEST,
  recoverIccPublicKey,
  recoverIssuerPublicKey,
  verifyCda,
} from "../../../../../protocol/emv/index.js";
import { parseField55 } from "../../../../../protocol/iso8583/subfields/field55.js";
import { decodeTlv, findAllTags, findTag, type TlvNode } from "../../../../../protocol/tlv/index.js";
import { DEFAULT_CARDS } from "../../../../../tools/host-sim/index.js";
import {
  type EmvCardApplet,
  type EmvCardProfile,
  loadTestCapks,
  testCard,
  testProfile,
} from "../../../../../tools/rig/cards/emv/index.js";
import type { CupClient } from "../../../../support/cup-client.js";
import { request, useHostSim } from "../../../host-sim/harness.js";
import {
  apdu,
  cdolData,
  generateAc,
  type Session,
  selectAid,
  send,
  startTransaction,
  staticData,
  terminalData,
} from "./terminal.js";

/**
 * End to end against the host simulator in-process on loopback: the virtual card's ARQC goes in field
 * 55 of a real 0200, the host verifies it with its IMK-AC and answers 91 (ARPC) and scripts, which the
 * card then checks in EXTERNAL AUTHENTICATE / GENERATE AC 2 and executes.
 */

const harness = useHostSim();
const AMOUNT = 1000; // fen
const AMOUNT_9F02 = "000000001000";
const VISA_EMV = { imkAc: testProfile("visa").issuer.imkAc, psn: "01", arpcKey: "icc-master" as const };

async function signedIn(options: Parameters<typeof harness.start>[0] = {}) {
  const env = await harness.start(options);
  const client = await env.connect();
  expect((await client.signIn()).message.fields[39]).toBe("00");
  return { ...env, client };
}

function field55(session: Session, response: Map<string, Buffer>, cryptogram?: Buffer): Buffer {
  const values = new Map(session.terminal);
  values.set("82", session.gpo.tlv.get("82")!);
  values.set("9F33", Buffer.from("E0F8C8", "hex"));
  for (const [tag, value] of response) values.set(tag, value);
  if (cryptogram) values.set("9F26", cryptogram);
  // The dialect's request set with the tags this terminal has (the host checks what it needs).
  return buildField55({ ...FIELD55_REQUEST, mandatory: [] }, values);
}

async function sale(client: CupClient, profile: EmvCardProfile, f55: Buffer) {
  const message = request(client, "sale", { pan: profile.pan, pin: profile.pin! }, { amount: AMOUNT });
  message.fields[22] = "051";
  message.fields[23] = profile.psn.padStart(3, "0");
  message.fields[55] = f55.toString("hex").toUpperCase();
  const reply = (await client.request(message))!;
  const tlv = reply.message.fields[55] ? parseField55(Buffer.from(reply.message.fields[55], "hex")) : [];
  return { code: reply.message.fields[39], tlv };
}

/** Runs the 86 commands of a 71/72 template on the card; the status words in order. */
function runScript(card: EmvCardApplet, template: TlvNode): number[] {
  const inner = decodeTlv(template.value);
  return findAllTags(inner, "86").map((c) => send(card, c.value).sw);
}

describe("virtual cards against the host simulator", () => {
  it("UnionPay debit: ARQC approved online, ARPC accepted by EXTERNAL AUTHENTICATE, GENERATE AC 2 → TC", async () => {
    const { client, sim } = await signedIn();
    const profile = testProfile("unionpay-debit");
    const card = testCard("unionpay-debit");
    const session = startTransaction(card, profile.application.aid, terminalData({ "9F02": AMOUNT_9F02 }));
    const first = generateAc(card, 0x80, cdolData(session, "8C"));
    expect(first.tlv.get("9F27")).toEqual(Buffer.from([0x80]));
    const before = sim.card(profile.pan)!.balance;
    const answer = await sale(client, profile, field55(session, first.tlv));
    expect(answer.code).toBe("00");
    expect(sim.card(profile.pan)!.balance).toBe(before - AMOUNT);
    const issuerData = findTag(answer.tlv, "91")!.value;
    expect(send(card, apdu("00820000", issuerData, false)).sw).toBe(0x9000);
    const second = generateAc(
      card,
      0x40,
      cdolData(session, "8D", { "8A": issuerData.subarray(8).toString("hex") }),
    );
    expect(second.tlv.get("9F27")).toEqual(Buffer.from([0x40]));
    expect(card.lastOnlineAtc).toBe(card.atc);
  });

  it("UnionPay credit: 71 blocks the application before GENERATE AC 2 (→ AAC), 72 unblocks the PIN after", async () => {
    const { client } = await signedIn();
    const profile = testProfile("unionpay-credit");
    const card = testCard("unionpay-credit");
    // Use up two PIN tries first, so the PIN unblock script has something to do.
    selectAid(card, profile.application.aid);
    for (let i = 0; i < 2; i++) send(card, apdu("00200080", Buffer.from("26000000FFFFFFFF", "hex"), false));
    expect(card.pinTryCounter).toBe(1);
    const session = startTransaction(card, profile.application.aid, terminalData({ "9F02": AMOUNT_9F02 }));
    const first = generateAc(card, 0x80, cdolData(session, "8C"));
    const answer = await sale(client, profile, field55(session, first.tlv));
    expect(answer.code).toBe("00");
    expect(runScript(card, findTag(answer.tlv, "71")!)).toEqual([0x9000]);
    const issuerData = findTag(answer.tlv, "91")!.value;
    const second = generateAc(
      card,
      0x40,
      cdolData(session, "8D", { "91": issuerData.toString("hex"), "8A": "3030" }),
    );
    expect(second.tlv.get("9F27")).toEqual(Buffer.from([0x00]));
    expect(runScript(card, findTag(answer.tlv, "72")!)).toEqual([0x9000]);
    expect(card.pinTryCounter).toBe(3);
    expect(selectAid(card, profile.application.aid).sw).toBe(0x6283);
  });

  it("Mastercard with CDA: the terminal takes the ARQC out of 9F4B, the host approves, the ICC-master ARPC in CDOL2 gives a TC", async () => {
    const { client } = await signedIn();
    const profile = testProfile("mastercard");
    const card = testCard("mastercard");
    const session = startTransaction(card, profile.application.aid, terminalData({ "9F02": AMOUNT_9F02 }));
    const first = generateAc(card, 0x90, cdolData(session, "8C"));
    const d = session.cardData;
    const capk = loadTestCapks().find((c) => c.rid === "A000000004")!;
    const now = new Date("2026-01-01T00:00:00Z");
    const issuer = recoverIssuerPublicKey(
      { modulus: Buffer.from(capk.modulus, "hex"), exponent: Buffer.from(capk.exponent, "hex") },
      { cert90: d.get("90"), remainder92: d.get("92"), exponent9F32: d.get("9F32"), pan: d.get("5A")!, now },
    );
    const icc = recoverIccPublicKey(issuer, {
      cert9F46: d.get("9F46"),
      remainder9F48: d.get("9F48"),
      exponent9F47: d.get("9F47"),
      staticData: staticData(session),
      pan: d.get("5A")!,
      now,
    });
    const cdol1 = cdolData(session, "8C");
    const { cryptogram } = verifyCda(icc, {
      signed9F4B: first.tlv.get("9F4B"),
      unpredictableNumber: session.terminal.get("9F37")!,
      cid: first.tlv.get("9F27")!,
      transactionData: cdaTransactionData({
        pdolData: session.pdolData,
        cdol1Data: cdol1,
        response: first.data,
      }),
    });
    const answer = await sale(client, profile, field55(session, first.tlv, cryptogram));
    expect(answer.code).toBe("00");
    const issuerData = findTag(answer.tlv, "91")!.value;
    const second = generateAc(
      card,
      0x50,
      cdolData(session, "8D", { "91": issuerData.toString("hex"), "8A": "3030" }),
    );
    expect(second.tlv.get("9F27")).toEqual(Buffer.from([0x40]));
    expect(second.tlv.has("9F4B")).toBe(true);
  });

  it("Visa qVSDC: the ARQC from the GPO response is approved once the host knows the card's IMK", async () => {
    const cards = DEFAULT_CARDS.map((c) => (c.pan === testProfile("visa").pan ? { ...c, emv: VISA_EMV } : c));
    const { client } = await signedIn({ cards });
    const profile = testProfile("visa");
    const card = testCard("visa");
    send(card, apdu("00A40400", Buffer.from("2PAY.SYS.DDF01", "ascii")));
    const session = startTransaction(
      card,
      profile.application.aid,
      terminalData({ "9F02": AMOUNT_9F02, "9F66": "21000080" }),
    );
    expect(session.gpo.tlv.get("9F27")).toEqual(Buffer.from([0x80]));
    const answer = await sale(client, profile, field55(session, session.gpo.tlv));
    expect(answer.code).toBe("00");
  });

  it("a tampered field 55 (amount changed after the ARQC) is declined 05; the card then declines with AAC", async () => {
    const { client } = await signedIn();
    const profile = testProfile("unionpay-debit");
    const card = testCard("unionpay-debit");
    const session = startTransaction(card, profile.application.aid, terminalData({ "9F02": AMOUNT_9F02 }));
    const first = generateAc(card, 0x80, cdolData(session, "8C"));
    const tampered = new Map(first.tlv);
    const f55 = field55(
      { ...session, terminal: new Map(session.terminal).set("9F02", Buffer.from("000000000999", "hex")) },
      tampered,
    );
    const answer = await sale(client, profile, f55);
    expect(answer.code).toBe("05");
    const second = generateAc(card, 0x40, cdolData(session, "8D", { "8A": "3035" }));
    expect(second.tlv.get("9F27")).toEqual(Buffer.from([0x00]));
  });
});
