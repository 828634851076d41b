import { describe, expect, it } from "vitest";
import type { ContactOutcome } from "../../../../firmware/emv/contact/index.js";
import { decodeTlv, encodeTlv, flattenTlv } from "../../../../protocol/tlv/index.js";
import { cupConfig, runWith } from "./support/kernel-harness.js";
import { h, ScriptedCard, tlv } from "./support/scripted-card.js";

const ONLINE_PIN_THEN_SIGNATURE = "000000000000000042031E031F03";

function online(outcome: ContactOutcome) {
  if (outcome.kind !== "online-request") throw new Error(`expected online-request, got ${outcome.kind}`);
  return outcome;
}

const tags = (field55: Buffer) => flattenTlv(decodeTlv(field55));
const hex = (b: Buffer | undefined) => b?.toString("hex").toUpperCase();

describe("contact kernel: full transactions against a scripted card", () => {
  it("goes online (floor limit 0), then completes with ARPC, a 71 script and a TC", async () => {
    const card = new ScriptedCard();
    card.data["8E"] = ONLINE_PIN_THEN_SIGNATURE;
    const pinBlock = h("0123456789ABCDEF");
    const pinEntry = { onlinePin: async () => ({ kind: "entered" as const, pinBlock }) };
    const outcome = online(await runWith(card, { deps: { pinEntry } }));
    expect(outcome.cryptogram?.type).toBe("arqc");
    expect(hex(outcome.tvr)).toBe("8000048000");
    expect(hex(outcome.tsi)).toBe("6800");
    expect(outcome.cvm).toBe("online-pin");
    expect(outcome.pinBlock).toBe(pinBlock);
    expect(hex(outcome.cvmResults)).toBe("420300");
    expect(outcome.maskedPan).toBe("622848*********0017");
    const f55 = tags(outcome.field55);
    expect(hex(f55.get("9F37"))).toBe("A5A5A5A5");
    expect(hex(f55.get("9F02"))).toBe("000000010000");
    expect(hex(f55.get("9F27"))).toBe("80");
    expect(hex(f55.get("84"))).toBe("A000000333010101");
    expect(hex(f55.get("5F2A"))).toBe("0156");
    expect(card.sent("AE")[0]!.slice(4, 6)).toBe("80");

    const script = encodeTlv([tlv("71", [tlv("9F18", "00000001"), tlv("86", "8424000008AABBCCDDEEFF0011")])]);
    const issuer = encodeTlv([tlv("91", "0102030405060708"), ...decodeTlv(script)]);
    const done = await outcome.complete({ responseCode: "00", field55: issuer });
    expect(done.kind).toBe("approved");
    expect(done.issuerAuthentication).toBe("successful");
    expect(hex(done.scriptResults)).toBe("2000000001");
    expect(hex(done.tsi)).toBe("7C00");
    expect(card.sent("82")).toHaveLength(1);
    const gac2 = card.sent("AE")[1]!;
    expect(gac2.slice(4, 6)).toBe("40");
    // CDOL2 = 8A 02 ‖ 91 08 ‖ 95 05
    expect(gac2.slice(10, 14)).toBe("3030");
    expect(gac2.slice(14, 30)).toBe("0102030405060708");
    expect(hex(tags(done.field55!).get("9F27"))).toBe("40");
    expect(done.scriptResultField55).toBeDefined();
    expect(() => outcome.complete({ responseCode: "00" })).toThrow(/already/);
  });

  it("approves offline when nothing in the TVR matches the action codes", async () => {
    const card = new ScriptedCard();
    const outcome = await runWith(card, {
      config: cupConfig({
        floorLimit: 50_000,
        tacOnline: "0000000000",
        tacDefault: "0000000000",
        tacDenial: "0000000000",
      }),
    });
    expect(outcome.kind).toBe("approved-offline");
    if (outcome.kind !== "approved-offline") return;
    expect(card.sent("AE")[0]!.slice(4, 6)).toBe("40");
    expect(hex(outcome.data.get("8A"))).toBe(hex(Buffer.from("Y1")));
    expect(hex(tags(outcome.field55).get("9F27"))).toBe("40");
  });

  it("declines offline when the card answers AAC to the ARQC (no fallback)", async () => {
    const card = new ScriptedCard();
    card.gacType = ["aac"];
    const outcome = await runWith(card);
    expect(outcome.kind).toBe("declined-offline");
  });

  it("denial action codes ask for an AAC", async () => {
    const card = new ScriptedCard();
    card.data["5F24"] = "250101";
    const outcome = await runWith(card, { config: cupConfig({ tacDenial: "0040000000" }) });
    expect(outcome.kind).toBe("declined-offline");
    expect(card.sent("AE")[0]!.slice(4, 6)).toBe("00");
  });

  it("host decline ⇒ AAC in GENERATE AC 2, 8A from field 39", async () => {
    const card = new ScriptedCard();
    const outcome = online(await runWith(card));
    const done = await outcome.complete({ responseCode: "51" });
    expect(done.kind).toBe("declined");
    expect(card.sent("AE")[1]!.slice(4, 6)).toBe("00");
    expect(card.sent("AE")[1]!.slice(10, 14)).toBe("3531");
  });

  it("host approval with an AAC from the card ⇒ reverse with reason 06", async () => {
    const card = new ScriptedCard();
    card.gacType = ["arqc", "aac"];
    const done = await online(await runWith(card)).complete({ responseCode: "00" });
    expect(done.kind).toBe("approved-by-host-declined-by-card");
    expect(done.reversalReason).toBe("06");
    expect(hex(tags(done.field55!).get("9F36"))).toBe("0001");
  });

  it("host approval and the card removed before GENERATE AC 2 ⇒ reverse with reason 06", async () => {
    const card = new ScriptedCard();
    const outcome = online(await runWith(card));
    card.mute = "GENERATE AC 2";
    const done = await outcome.complete({ responseCode: "00" });
    expect(done.kind).toBe("approved-by-host-declined-by-card");
  });

  it("unable to go online: default codes decide (Z3 decline / Y3 approve)", async () => {
    const declineCard = new ScriptedCard();
    const declined = await online(await runWith(declineCard)).unableToGoOnline();
    expect(declined.kind).toBe("declined");
    expect(declined.unableToGoOnline).toBe(true);
    expect(declineCard.sent("AE")[1]!.slice(4, 6)).toBe("00");
    expect(declineCard.sent("AE")[1]!.slice(10, 14)).toBe(hex(Buffer.from("Z3")));

    const approveCard = new ScriptedCard();
    const approved = await online(
      await runWith(approveCard, { config: cupConfig({ tacDefault: "0000000000" }) }),
    ).unableToGoOnline();
    expect(approved.kind).toBe("approved");
    expect(approveCard.sent("AE")[1]!.slice(10, 14)).toBe(hex(Buffer.from("Y3")));
  });

  it("falls back to magstripe only when the chip does not answer", async () => {
    const mute = new ScriptedCard();
    mute.mute = "GPO";
    expect((await runWith(mute)).kind).toBe("fallback-to-magstripe");
    const muteRecord = new ScriptedCard();
    muteRecord.mute = "READ RECORD";
    expect((await runWith(muteRecord)).kind).toBe("fallback-to-magstripe");
    const muteSelect = new ScriptedCard();
    muteSelect.mute = "SELECT PSE";
    expect((await runWith(muteSelect)).kind).toBe("fallback-to-magstripe");
    const declines = new ScriptedCard();
    declines.gacType = ["aac"];
    expect((await runWith(declines)).kind).toBe("declined-offline");
    const errorSw = new ScriptedCard();
    errorSw.gacSw = [0x6985];
    expect((await runWith(errorSw)).kind).toBe("end-application");
  });

  it("GPO 6985 removes the application; nothing left ⇒ end application", async () => {
    const card = new ScriptedCard();
    card.gpoAnswer = { sw: 0x6985 };
    const outcome = await runWith(card);
    expect(outcome.kind).toBe("end-application");
    if (outcome.kind === "end-application") expect(outcome.reason).toBe("no-supported-application");
    expect(card.sent("A8")).toHaveLength(1);
  });

  it("uses the list of AIDs without a PSE and sends the PDOL data in GPO", async () => {
    const card = new ScriptedCard();
    card.pse = false;
    card.pdol = "9F66049F02069F37045F2A02";
    const outcome = await runWith(card);
    expect(outcome.kind).toBe("online-request");
    expect(card.sent("A8")[0]).toBe("80A8000012831000000000000000010000A5A5A5A5015600");
  });

  it.each([
    [
      "a tag repeated across records",
      "redundant-card-data",
      (c: ScriptedCard) => {
        c.records = new Map([
          [
            2,
            [
              encodeTlv([
                tlv(
                  "70",
                  Object.entries(c.data).map(([t, v]) => tlv(t, v)),
                ),
              ]),
              encodeTlv([tlv("70", [tlv("5A", "6228480000000000017F")])]),
            ],
          ],
        ]);
      },
    ],
    [
      "a missing CDOL1",
      "missing-mandatory-data",
      (c: ScriptedCard) => {
        delete c.data["8C"];
      },
    ],
    [
      "an SFI 1-10 record that is not a 70 template",
      "malformed-card-data",
      (c: ScriptedCard) => {
        c.records = new Map([[2, [h("7103010203")]]]);
      },
    ],
    [
      "a GPO answer without AFL",
      "missing-mandatory-data",
      (c: ScriptedCard) => {
        c.gpoAnswer = { data: encodeTlv([tlv("77", [tlv("82", "1C00")])]) };
      },
    ],
  ])("terminates on %s", async (_name, reason, change) => {
    const card = new ScriptedCard();
    change(card);
    const outcome = await runWith(card);
    expect(outcome.kind).toBe("end-application");
    if (outcome.kind === "end-application") expect(outcome.reason).toBe(reason);
  });
});
