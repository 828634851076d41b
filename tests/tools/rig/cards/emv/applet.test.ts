import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cdaTransactionData,
  recoverIccPublicKey,
  recoverIssuerPublicKey,
  verifyCda,
  verifyDda,
  verifyFdda,
} from "../../../../../protocol/emv/index.js";
import { decodeTlv, findAllTags, findTag, flattenTlv } from "../../../../../protocol/tlv/index.js";
import {
  CardMuteError,
  CardRemovedError,
  type EmvCardApplet,
  loadTestCapks,
  rsaPublicRaw,
  testCard,
  testProfile,
} from "../../../../../tools/rig/cards/emv/index.js";
import { issuerAuthenticationData, issuerVerifies } from "./crypto-check.js";
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

const DEBIT = testProfile("unionpay-debit");
const CREDIT = testProfile("unionpay-credit");
const VISA = testProfile("visa");
const MC = testProfile("mastercard");
const NOW = new Date("2026-01-01T00:00:00Z");
const PSE = Buffer.from("1PAY.SYS.DDF01", "ascii");
const PPSE = Buffer.from("2PAY.SYS.DDF01", "ascii");

/** Deterministic card randomness. */
function counterRandom() {
  let n = 0;
  return (length: number) => Buffer.alloc(length, ++n & 0xff);
}

function iccKeyOf(session: Session) {
  const d = session.cardData;
  const rid = session.card.profile.application.aid.slice(0, 10);
  const capk = loadTestCapks().find((c) => c.rid === rid)!;
  const issuer = recoverIssuerPublicKey(
    { modulus: Buffer.from(capk.modulus, "hex"), exponent: Buffer.from(capk.exponent, "hex") },
    {
      cert90: d.get("90"),
      remainder92: d.get("92"),
      exponent9F32: d.get("9F32"),
      pan: d.get("5A")!,
      now: NOW,
    },
  );
  return recoverIccPublicKey(issuer, {
    cert9F46: d.get("9F46"),
    remainder9F48: d.get("9F48"),
    exponent9F47: d.get("9F47"),
    staticData: staticData(session),
    pan: d.get("5A")!,
    now: NOW,
  });
}

function evidence(session: Session, reply: { tlv: Map<string, Buffer> }, ac = reply.tlv.get("9F26")!) {
  return {
    terminal: session.terminal,
    aip: session.gpo.tlv.get("82")!,
    atc: reply.tlv.get("9F36")!,
    iad: reply.tlv.get("9F10")!,
    ac,
  };
}

describe("application selection", () => {
  it("PSE: FCI with SFI 88, directory record 61{4F, 50, 87}, then 6A83", () => {
    const card = testCard("unionpay-debit");
    const fci = send(card, apdu("00A40400", PSE));
    expect(fci.sw).toBe(0x9000);
    expect(fci.tlv.get("88")).toEqual(Buffer.from([1]));
    const record = send(card, "00B2010C00");
    expect(record.sw).toBe(0x9000);
    const entry = findTag(decodeTlv(record.data), "61")!;
    const values = flattenTlv(entry.children!);
    expect(values.get("4F")!.toString("hex").toUpperCase()).toBe("A000000333010101");
    expect(values.get("50")!.toString("ascii")).toBe("PBOC DEBIT");
    expect(values.get("87")).toEqual(Buffer.from([1]));
    expect(send(card, "00B2020C00").sw).toBe(0x6a83);
  });

  it("PPSE: BF0C directory entry with kernel identifier 9F2A", () => {
    for (const [name, kernel] of [
      ["unionpay-debit", "07"],
      ["visa", "03"],
      ["mastercard", "02"],
    ] as const) {
      const fci = send(testCard(name), apdu("00A40400", PPSE));
      expect(fci.sw).toBe(0x9000);
      const entries = findAllTags(decodeTlv(fci.data), "61");
      expect(entries).toHaveLength(1);
      expect(flattenTlv(entries[0]!.children!).get("9F2A")!.toString("hex")).toBe(kernel);
    }
  });

  it("partial AID selection returns the full DF name; next occurrence and unknown AIDs are 6A82", () => {
    const card = testCard("unionpay-credit");
    const partial = send(card, apdu("00A40400", Buffer.from("A000000333", "hex")));
    expect(partial.sw).toBe(0x9000);
    expect(partial.tlv.get("84")!.toString("hex").toUpperCase()).toBe("A000000333010102");
    expect(partial.tlv.get("9F38")!.toString("hex").toUpperCase()).toBe(CREDIT.application.pdol);
    expect(send(card, apdu("00A40402", Buffer.from("A000000333", "hex"))).sw).toBe(0x6a82);
    expect(send(card, apdu("00A40400", Buffer.from("A0000000031010", "hex"))).sw).toBe(0x6a82);
  });
});

describe("GPO, records, GET DATA", () => {
  it("GPO needs a selected application, the exact PDOL length, and runs once", () => {
    const card = testCard("unionpay-debit");
    expect(send(card, "80A8000002830000").sw).toBe(0x6985);
    selectAid(card, DEBIT.application.aid);
    expect(send(card, "80A8000002830000").sw).toBe(0x6700);
    const session = startTransaction(card, DEBIT.application.aid);
    expect(session.gpo.data[0]).toBe(0x77);
    expect(session.gpo.tlv.get("82")!.toString("hex")).toBe("7c00");
    expect(session.gpo.tlv.get("94")!.toString("hex")).toBe("080101011001010118010200");
    expect(
      send(
        card,
        apdu("80A80000", Buffer.concat([Buffer.from([0x83, session.pdolData.length]), session.pdolData])),
      ).sw,
    ).toBe(0x6985);
  });

  it("records carry the mandatory data; missing records are 6A83; no-PDOL cards take 83 00", () => {
    const session = startTransaction(testCard("mastercard"), MC.application.aid);
    const d = session.cardData;
    expect(d.get("5A")!.toString("hex")).toBe(MC.pan);
    for (const tag of ["5F24", "8C", "8D", "8E", "9F07", "9F0D", "9F0E", "9F0F", "57", "9F46"])
      expect(d.has(tag)).toBe(true);
    expect(d.get("57")!.toString("hex").toUpperCase()).toMatch(/^5413330089010431D3011201/);
    expect(session.pdolData.length).toBe(0);
    expect(send(session.card, "00B2090C00").sw).toBe(0x6a83);
    expect(send(session.card, "00B2010D00").sw).toBe(0x6a86);
  });

  it("GET DATA: ATC, last online ATC, PIN try counter; other tags 6A88", () => {
    const card = testCard("unionpay-debit", {}, { atc: 0x41, lastOnlineAtc: 0x40 });
    selectAid(card, DEBIT.application.aid);
    expect(send(card, "80CA9F3600").data.toString("hex")).toBe("9f36020041");
    expect(send(card, "80CA9F1300").data.toString("hex")).toBe("9f13020040");
    expect(send(card, "80CA9F1700").data.toString("hex")).toBe("9f170103");
    expect(send(card, "80CA9F4F00").sw).toBe(0x6a88);
  });
});

describe("offline PIN", () => {
  const plain = (pin: string) => Buffer.from(`2${pin.length.toString(16)}${pin}`.padEnd(16, "F"), "hex");

  it("plaintext VERIFY: 63Cx counts down, the counter blocks at 0 (6983), a PIN unblock script restores it", () => {
    const card = testCard("unionpay-debit");
    selectAid(card, DEBIT.application.aid);
    expect(send(card, apdu("00200080", plain("123456"), false)).sw).toBe(0x9000);
    expect(send(card, apdu("00200080", plain("000000"), false)).sw).toBe(0x63c2);
    expect(send(card, apdu("00200080", plain("123456"), false)).sw).toBe(0x9000);
    expect(card.pinTryCounter).toBe(3);
    for (const sw of [0x63c2, 0x63c1, 0x63c0])
      expect(send(card, apdu("00200080", plain("111111"), false)).sw).toBe(sw);
    expect(send(card, apdu("00200080", plain("123456"), false)).sw).toBe(0x6983);
    expect(send(card, "80CA9F1700").data.toString("hex")).toBe("9f170100");
    // PIN unblock issuer script command (MAC only).
    expect(send(card, "84240000081122334455667788").sw).toBe(0x9000);
    expect(card.pinTryCounter).toBe(3);
    expect(send(card, apdu("00200080", plain("123456"), false)).sw).toBe(0x9000);
  });

  it("a malformed PIN block is 6A80 and costs no try", () => {
    const card = testCard("visa");
    selectAid(card, VISA.application.aid);
    expect(send(card, apdu("00200080", Buffer.from("1412345FFFFFFFFF", "hex"), false)).sw).toBe(0x6a80);
    expect(card.pinTryCounter).toBe(3);
  });

  it("enciphered VERIFY (P2 88): PIN block and the card's challenge under the ICC public key", () => {
    const card = testCard("mastercard", {}, { random: counterRandom() });
    const session = startTransaction(card, MC.application.aid);
    const icc = iccKeyOf(session);
    const encipher = (pin: string, challenge: Buffer) => {
      const block = Buffer.concat([Buffer.from([0x7f]), plain(pin), challenge]);
      const padded = Buffer.concat([block, Buffer.alloc(icc.modulus.length - block.length, 0x55)]);
      return rsaPublicRaw(icc.modulus, icc.exponent, padded);
    };
    const challenge = send(card, "0084000000").data;
    expect(challenge.length).toBe(8);
    expect(send(card, apdu("00200088", encipher("1234", challenge), false)).sw).toBe(0x9000);
    const second = send(card, "0084000000").data;
    expect(send(card, apdu("00200088", encipher("9999", second), false)).sw).toBe(0x63c2);
    // A stale challenge is refused.
    expect(send(card, apdu("00200088", encipher("1234", second), false)).sw).toBe(0x6a80);
  });
});

describe("DDA", () => {
  it("INTERNAL AUTHENTICATE signs the DDOL data (format 05) under the certified ICC key", () => {
    const card = testCard("unionpay-debit");
    const session = startTransaction(card, DEBIT.application.aid);
    const ddolData = Buffer.from("0BADF00D", "hex");
    const reply = send(card, apdu("00880000", ddolData));
    expect(reply.sw).toBe(0x9000);
    expect(reply.data[0]).toBe(0x80);
    const signature = findTag(decodeTlv(reply.data), "80")!.value;
    const result = verifyDda(iccKeyOf(session), { signed9F4B: signature, ddolData });
    expect(result.format).toBe(0x05);
    expect(result.iccDynamicNumber.length).toBe(8);
    expect(() =>
      verifyDda(iccKeyOf(session), { signed9F4B: signature, ddolData: Buffer.from("00000000", "hex") }),
    ).toThrow();
  });

  it("an SDA-only card does not support INTERNAL AUTHENTICATE", () => {
    const card = testCard("unionpay-credit");
    startTransaction(card, CREDIT.application.aid);
    expect(send(card, apdu("00880000", Buffer.from("01020304", "hex"))).sw).toBe(0x6a81);
  });
});

describe("GENERATE AC", () => {
  it("ARQC verifies with the host's IMK-AC; the ATC increments per transaction", () => {
    const card = testCard("unionpay-debit");
    for (const atc of [1, 2]) {
      const session = startTransaction(card, DEBIT.application.aid);
      const reply = generateAc(card, 0x80, cdolData(session, "8C"));
      expect(reply.sw).toBe(0x9000);
      expect(reply.tlv.get("9F27")).toEqual(Buffer.from([0x80]));
      expect(reply.tlv.get("9F36")!.readUInt16BE()).toBe(atc);
      const iad = reply.tlv.get("9F10")!;
      expect(iad.subarray(0, 4).toString("hex")).toBe("07010103");
      expect(iad[4]! & 0x30).toBe(0x20); // CVR: first AC = ARQC
      expect(issuerVerifies(DEBIT, evidence(session, reply))).toBe(true);
      const corrupted = Buffer.from(reply.tlv.get("9F26")!);
      corrupted[0]! ^= 1;
      expect(issuerVerifies(DEBIT, evidence(session, reply, corrupted))).toBe(false);
    }
  });

  it("EXTERNAL AUTHENTICATE with the issuer's ARPC, then GENERATE AC 2 → TC; 9F13 moves to the ATC", () => {
    const card = testCard("unionpay-debit");
    const session = startTransaction(card, DEBIT.application.aid);
    const first = generateAc(card, 0x80, cdolData(session, "8C"));
    const atc = first.tlv.get("9F36")!;
    const issuerData = issuerAuthenticationData(DEBIT, atc, first.tlv.get("9F26")!);
    expect(send(card, apdu("00820000", issuerData, false)).sw).toBe(0x9000);
    expect(send(card, apdu("00820000", issuerData, false)).sw).toBe(0x6985);
    const second = generateAc(card, 0x40, cdolData(session, "8D", { "8A": "3030" }));
    expect(second.tlv.get("9F27")).toEqual(Buffer.from([0x40]));
    expect(second.tlv.get("9F36")).toEqual(atc);
    expect(issuerVerifies(DEBIT, { ...evidence(session, second), terminal: session.terminal })).toBe(true);
    expect(card.lastOnlineAtc).toBe(atc.readUInt16BE());
    expect(generateAc(card, 0x40, cdolData(session, "8D", { "8A": "3030" })).sw).toBe(0x6985);
  });

  it("a wrong ARPC is 6300 and, issuer authentication being required, GENERATE AC 2 declines (AAC)", () => {
    const card = testCard("unionpay-debit");
    const session = startTransaction(card, DEBIT.application.aid);
    const first = generateAc(card, 0x80, cdolData(session, "8C"));
    const issuerData = issuerAuthenticationData(DEBIT, first.tlv.get("9F36")!, first.tlv.get("9F26")!);
    issuerData[0]! ^= 0xff;
    expect(send(card, apdu("00820000", issuerData, false)).sw).toBe(0x6300);
    const second = generateAc(card, 0x40, cdolData(session, "8D", { "8A": "3030" }));
    expect(second.tlv.get("9F27")).toEqual(Buffer.from([0x00]));
    const cvr = second.tlv.get("9F10")!.subarray(3, 7);
    expect(cvr[1]! & 0x08).toBe(0x08); // issuer authentication failed
  });

  it("ARPC inside the CDOL2 data (91) for the credit card; an issuer decline (ARC 05) ends in AAC", () => {
    const card = testCard("unionpay-credit");
    let session = startTransaction(card, CREDIT.application.aid);
    let first = generateAc(card, 0x80, cdolData(session, "8C"));
    let issuerData = issuerAuthenticationData(CREDIT, first.tlv.get("9F36")!, first.tlv.get("9F26")!);
    let second = generateAc(
      card,
      0x40,
      cdolData(session, "8D", { "91": issuerData.toString("hex"), "8A": "3030" }),
    );
    expect(second.tlv.get("9F27")).toEqual(Buffer.from([0x40]));

    session = startTransaction(card, CREDIT.application.aid);
    first = generateAc(card, 0x80, cdolData(session, "8C"));
    issuerData = issuerAuthenticationData(CREDIT, first.tlv.get("9F36")!, first.tlv.get("9F26")!, "3035");
    second = generateAc(
      card,
      0x40,
      cdolData(session, "8D", { "91": issuerData.toString("hex"), "8A": "3035" }),
    );
    expect(second.tlv.get("9F27")).toEqual(Buffer.from([0x00]));
  });

  it("card action analysis: never upgrades, TC → ARQC when not offline-capable or CIAC-online matches", () => {
    const credit = testCard("unionpay-credit");
    let session = startTransaction(credit, CREDIT.application.aid);
    expect(generateAc(credit, 0x40, cdolData(session, "8C")).tlv.get("9F27")).toEqual(Buffer.from([0x80]));
    session = startTransaction(credit, CREDIT.application.aid);
    expect(generateAc(credit, 0x00, cdolData(session, "8C")).tlv.get("9F27")).toEqual(Buffer.from([0x00]));
    // Debit: offline-capable, but CIAC-online has "new card" (9F13 = 0) → ARQC; a used card gets its TC.
    const fresh = testCard("unionpay-debit");
    session = startTransaction(fresh, DEBIT.application.aid);
    expect(generateAc(fresh, 0x40, cdolData(session, "8C")).tlv.get("9F27")).toEqual(Buffer.from([0x80]));
    const used = testCard("unionpay-debit", {}, { atc: 10, lastOnlineAtc: 9 });
    session = startTransaction(used, DEBIT.application.aid);
    const tc = generateAc(used, 0x40, cdolData(session, "8C"));
    expect(tc.tlv.get("9F27")).toEqual(Buffer.from([0x40]));
    expect(issuerVerifies(DEBIT, evidence(session, tc))).toBe(true);
  });

  it("unable to go online (ARC Z3): an offline-capable card approves, an online-only card declines", () => {
    for (const [name, aid, cid] of [
      ["unionpay-debit", DEBIT.application.aid, 0x40],
      ["unionpay-credit", CREDIT.application.aid, 0x00],
    ] as const) {
      const card = testCard(name);
      const session = startTransaction(card, aid);
      generateAc(card, 0x80, cdolData(session, "8C"));
      const second = generateAc(card, 0x40, cdolData(session, "8D", { "8A": "5A33" }));
      expect(second.tlv.get("9F27")).toEqual(Buffer.from([cid]));
      expect(second.tlv.get("9F10")![4]! & 0x01).toBe(0x01); // CVR unable to go online
    }
  });

  it("GENERATE AC before GPO, with a wrong CDOL length or RFU P1 bits is refused", () => {
    const card = testCard("visa");
    selectAid(card, VISA.application.aid);
    expect(generateAc(card, 0x80, Buffer.alloc(29)).sw).toBe(0x6985);
    const session = startTransaction(card, VISA.application.aid);
    expect(generateAc(card, 0x80, Buffer.alloc(5)).sw).toBe(0x6700);
    expect(generateAc(card, 0xc0, cdolData(session, "8C")).sw).toBe(0x6a86);
  });

  it("CDA (Mastercard): cryptogram inside 9F4B, transaction data hash over PDOL ‖ CDOL ‖ response; GAC 2 too", () => {
    const card = testCard("mastercard");
    const session = startTransaction(card, MC.application.aid);
    const icc = iccKeyOf(session);
    const cdol1 = cdolData(session, "8C");
    const first = generateAc(card, 0x90, cdol1);
    expect(first.sw).toBe(0x9000);
    expect(first.tlv.has("9F26")).toBe(false);
    const cda = verifyCda(icc, {
      signed9F4B: first.tlv.get("9F4B"),
      unpredictableNumber: session.terminal.get("9F37")!,
      cid: first.tlv.get("9F27")!,
      transactionData: cdaTransactionData({
        pdolData: session.pdolData,
        cdol1Data: cdol1,
        response: first.data,
      }),
    });
    expect(cda.cid).toBe(0x80);
    expect(issuerVerifies(MC, evidence(session, first, cda.cryptogram))).toBe(true);

    const issuerData = issuerAuthenticationData(MC, first.tlv.get("9F36")!, cda.cryptogram);
    const cdol2 = cdolData(session, "8D", { "91": issuerData.toString("hex"), "8A": "3030" });
    const second = generateAc(card, 0x50, cdol2);
    const cda2 = verifyCda(icc, {
      signed9F4B: second.tlv.get("9F4B"),
      unpredictableNumber: session.terminal.get("9F37")!,
      cid: second.tlv.get("9F27")!,
      transactionData: cdaTransactionData({
        pdolData: session.pdolData,
        cdol1Data: cdol1,
        cdol2Data: cdol2,
        response: second.data,
      }),
    });
    expect(cda2.cid).toBe(0x40);
  });

  it("CDA is not applied to an AAC: the cryptogram comes in clear", () => {
    const card = testCard("mastercard");
    const session = startTransaction(card, MC.application.aid);
    const reply = generateAc(card, 0x10, cdolData(session, "8C"));
    expect(reply.tlv.get("9F27")).toEqual(Buffer.from([0x00]));
    expect(reply.tlv.has("9F26")).toBe(true);
    expect(reply.tlv.has("9F4B")).toBe(false);
  });
});

describe("contactless quick path (qPBOC / qVSDC)", () => {
  function tap(card: EmvCardApplet, aid: string, overrides: Record<string, string>) {
    expect(send(card, apdu("00A40400", PPSE)).sw).toBe(0x9000);
    return startTransaction(card, aid, terminalData(overrides));
  }

  it("qPBOC offline: TC and an fDDA signature (format 05) in the GPO response", () => {
    const card = testCard("unionpay-debit");
    const session = tap(card, DEBIT.application.aid, { "9F66": "26000080", "9F02": "000000010000" });
    const g = session.gpo.tlv;
    expect(g.get("9F27")).toEqual(Buffer.from([0x40]));
    for (const tag of ["82", "94", "9F36", "9F26", "9F10", "57", "5F34", "9F6C", "9F69", "9F4B"])
      expect(g.has(tag)).toBe(true);
    const fdda = verifyFdda(iccKeyOf(session), {
      signed9F4B: g.get("9F4B"),
      unpredictableNumber: session.terminal.get("9F37")!,
      amountAuthorised: session.terminal.get("9F02")!,
      currencyCode: session.terminal.get("5F2A")!,
      cardAuthenticationData9F69: g.get("9F69"),
    });
    expect(fdda.format).toBe(0x05);
    expect(fdda.iccDynamicNumber.equals(g.get("9F36")!)).toBe(true);
    expect(issuerVerifies(DEBIT, evidence(session, session.gpo))).toBe(true);
    expect(generateAc(card, 0x40, Buffer.alloc(54)).sw).toBe(0x6985);
  });

  it("qPBOC online: over the card's offline limit or when the reader demands online → ARQC, no fDDA", () => {
    for (const overrides of [
      { "9F66": "26000080", "9F02": "000000060000" },
      { "9F66": "26800080", "9F02": "000000000100" },
    ]) {
      const card = testCard("unionpay-debit");
      const session = tap(card, DEBIT.application.aid, overrides);
      expect(session.gpo.tlv.get("9F27")).toEqual(Buffer.from([0x80]));
      expect(session.gpo.tlv.has("9F4B")).toBe(false);
      expect(session.gpo.tlv.get("9F6C")!.toString("hex")).toBe("8000");
      expect(issuerVerifies(DEBIT, evidence(session, session.gpo))).toBe(true);
    }
  });

  it("an offline-only reader gets an AAC when the card wants to go online", () => {
    const card = testCard("unionpay-credit");
    const session = tap(card, CREDIT.application.aid, { "9F66": "28000000" });
    expect(session.gpo.tlv.get("9F27")).toEqual(Buffer.from([0x00]));
  });

  it("qVSDC (Visa): ARQC with ODA for online → fDDA format 95", () => {
    const card = testCard("visa");
    const session = tap(card, VISA.application.aid, { "9F66": "21000080" });
    const g = session.gpo.tlv;
    expect(g.get("9F27")).toEqual(Buffer.from([0x80])); // CNY transaction on a USD card goes online
    const fdda = verifyFdda(iccKeyOf(session), {
      signed9F4B: g.get("9F4B"),
      unpredictableNumber: session.terminal.get("9F37")!,
      amountAuthorised: session.terminal.get("9F02")!,
      currencyCode: session.terminal.get("5F2A")!,
      cardAuthenticationData9F69: g.get("9F69"),
    });
    expect(fdda.format).toBe(0x95);
    expect(issuerVerifies(VISA, evidence(session, session.gpo))).toBe(true);
  });

  it("the contact path ignores TTQ after a PSE selection; Mastercard contactless runs GPO → GENERATE AC", () => {
    const card = testCard("unionpay-debit");
    send(card, apdu("00A40400", PSE));
    const contact = startTransaction(card, DEBIT.application.aid, terminalData({ "9F66": "26000080" }));
    expect(contact.gpo.tlv.has("9F26")).toBe(false);
    const mc = testCard("mastercard");
    const session = tap(mc, MC.application.aid, {});
    expect(session.gpo.tlv.has("9F26")).toBe(false);
    expect(generateAc(mc, 0x90, cdolData(session, "8C")).tlv.has("9F4B")).toBe(true);
  });
});

describe("issuer scripts", () => {
  it("application block (84 1E): GENERATE AC 2 declines, later SELECTs answer 6283 and GPO 6985; unblock (84 18)", () => {
    const card = testCard("unionpay-credit");
    const session = startTransaction(card, CREDIT.application.aid);
    const first = generateAc(card, 0x80, cdolData(session, "8C"));
    expect(send(card, "841E0000088877665544332211").sw).toBe(0x9000);
    const issuerData = issuerAuthenticationData(CREDIT, first.tlv.get("9F36")!, first.tlv.get("9F26")!);
    const second = generateAc(
      card,
      0x40,
      cdolData(session, "8D", { "91": issuerData.toString("hex"), "8A": "3030" }),
    );
    expect(second.tlv.get("9F27")).toEqual(Buffer.from([0x00]));
    expect(card.applicationBlocked).toBe(true);
    const select = selectAid(card, CREDIT.application.aid);
    expect(select.sw).toBe(0x6283);
    expect(select.tlv.get("84")!.toString("hex").toUpperCase()).toBe(CREDIT.application.aid);
    expect(
      send(card, apdu("80A80000", Buffer.concat([Buffer.from([0x83, 0x21]), Buffer.alloc(0x21)]))).sw,
    ).toBe(0x6985);
    expect(send(card, "84180000080102030405060708").sw).toBe(0x9000);
    expect(selectAid(card, CREDIT.application.aid).sw).toBe(0x9000);
    expect(card.scriptCommandCount).toBe(2);
  });

  it("card block (84 16): every SELECT answers 6A81", () => {
    const card = testCard("visa");
    selectAid(card, VISA.application.aid);
    expect(send(card, "8416000008AABBCCDDEEFF0011").sw).toBe(0x9000);
    expect(selectAid(card, VISA.application.aid).sw).toBe(0x6a81);
    expect(send(card, apdu("00A40400", PSE)).sw).toBe(0x6a81);
  });

  it("PUT DATA and UPDATE RECORD change what the card answers; the script count goes into the CVR", () => {
    const card = testCard("unionpay-debit");
    selectAid(card, DEBIT.application.aid);
    expect(send(card, "84DA9F5809050102030405060708").sw).toBe(0x9000);
    expect(send(card, "80CA9F5800").data.toString("hex")).toBe("9f580105");
    expect(send(card, "84DC010C0D71035F2D000000000000000000").sw).toBe(0x6a80);
    const good = "70055F2D027A68";
    expect(send(card, `84DC010C0F${good}0102030405060708`).sw).toBe(0x9000);
    expect(send(card, "00B2010C00").data.toString("hex")).toBe(good.toLowerCase());
    const session = startTransaction(card, DEBIT.application.aid);
    const reply = generateAc(card, 0x80, cdolData(session, "8C"));
    expect(reply.tlv.get("9F10")![6]! >> 4).toBe(3);
  });
});

describe("faulty cards", () => {
  it("blocked application: SELECT answers the FCI with 6283", () => {
    const card = testCard("mastercard", { faults: { blocked: true } });
    const reply = selectAid(card, MC.application.aid);
    expect(reply.sw).toBe(0x6283);
    expect(reply.tlv.has("84")).toBe(true);
  });

  it("removed mid-transaction: the command after the Nth throws CardRemovedError, and so does every later one", () => {
    const card = testCard("unionpay-debit", { faults: { removeAfterCommands: 3 } });
    send(card, apdu("00A40400", PSE));
    send(card, "00B2010C00");
    selectAid(card, DEBIT.application.aid);
    expect(() => send(card, "80A8000002830000")).toThrow(CardRemovedError);
    expect(() => selectAid(card, DEBIT.application.aid)).toThrow(CardRemovedError);
  });

  it("mute after ATR: an ATR, then CardMuteError on every command", () => {
    const card = testCard("visa", { faults: { muteAfterAtr: true } });
    expect(card.atr?.toString("hex")).toBe("3be000ff81317c4192");
    expect(() => selectAid(card, VISA.application.aid)).toThrow(CardMuteError);
  });

  it("expired application: 5F24 in the past, tracks follow", () => {
    const card = testCard("visa", { faults: { expired: true } });
    const session = startTransaction(card, VISA.application.aid);
    expect(session.cardData.get("5F24")!.toString("hex")).toBe("201231");
    expect(card.tracks?.track2).toBe("4761739001010016=20122010000000000000");
  });
});

describe("robustness", () => {
  it("any APDU gets a status word, never a throw", () => {
    const card = testCard("mastercard");
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.boolean(), (bytes, select) => {
        if (select) selectAid(card, MC.application.aid);
        const response = card.transmit(Buffer.from(bytes));
        expect(response.length).toBeGreaterThanOrEqual(2);
      }),
      { seed: 0x5eed, numRuns: 400 },
    );
  });
});
