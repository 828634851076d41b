import { describe, expect, it } from "vitest";
import { FIELD55_REQUEST, TVR_BITS } from "../../../../protocol/emv/index.js";
import { decodeTlv, flattenTlv } from "../../../../protocol/tlv/index.js";
import { MASTERCARD, tap, UNIONPAY_DEBIT, VISA } from "./support/harness.js";
import { type CardProfile, MCHIP_PDOL_HEX, QPBOC_PDOL_HEX, TestCard } from "./support/test-card.js";

const qpboc = (extra: Partial<CardProfile> = {}): TestCard =>
  new TestCard({
    aid: UNIONPAY_DEBIT,
    pan: "6217000000000000033",
    pdol: QPBOC_PDOL_HEX,
    decision: "TC",
    aip: "2000",
    ...extra,
  });

const tvrHas = (tvr: Buffer, bit: keyof typeof TVR_BITS) => (tvr[TVR_BITS[bit][0]]! & TVR_BITS[bit][1]) !== 0;

describe("qPBOC kernel (kernel 7)", () => {
  it("approves offline with fDDA verified after the card interaction", async () => {
    const card = qpboc({ removeAfter: 5, balance: "000000010000" });
    const { outcome, events } = await tap(card, card.pki.capks, 2000);
    expect(outcome.outcome).toBe("approved");
    expect(outcome.cvm).toBe("no-cvm");
    expect(outcome.record?.oda).toBe("succeeded");
    expect(outcome.record?.cryptogramType).toBe("TC");
    expect(outcome.record?.maskedPan).toBe("621700*********0033");
    expect(outcome.record?.balance).toBe(10000);
    expect(outcome.uiRequestOnOutcome).toMatchObject({ message: "approved", balance: 10000 });
    // Five commands: PPSE, SELECT, GPO, two READ RECORDs; the card left right after, RSA still ran.
    expect(card.log.map((c) => c.slice(0, 4))).toEqual(["00A4", "00A4", "80A8", "00B2", "00B2"]);
    expect(events).toEqual(["card-read"]);
    expect(outcome.record?.timings.oda?.signatureMs).toBeGreaterThanOrEqual(0);
    expect(tvrHas(outcome.record!.tvr, "offlineDataAuthenticationNotPerformed")).toBe(false);
    expect(outcome.record?.field55).toBeDefined();
  });

  it("goes online above the floor limit (TTQ byte 2 b8) and asks for online PIN when the CTQ says so", async () => {
    const card = qpboc({ ctq: "8000" });
    const { outcome } = await tap(card, card.pki.capks, 60_000);
    expect(card.log[2]!.slice(14, 22)).toBe("26C00080"); // floor exceeded + CVM required
    expect(outcome.outcome).toBe("online-request");
    expect(outcome.cvm).toBe("online-pin");
    expect(outcome.uiRequestOnOutcome?.message).toBe("enter-pin");
    const f55 = flattenTlv(decodeTlv(outcome.record!.field55!));
    for (const tag of FIELD55_REQUEST.mandatory) {
      expect(f55.has(tag), tag).toBe(true);
    }
    expect(f55.get("9F27")?.toString("hex")).toBe("80");
    expect(f55.get("9F37")?.toString("hex")).toBe("82888929");
    // Field 55 carries the TVR the card was sent in the PDOL (its ARQC covers it); the record keeps the final one.
    expect(f55.get("95")?.toString("hex")).toBe("0000000000");
    expect(tvrHas(outcome.record!.tvr, "transactionExceedsFloorLimit")).toBe(true);
    expect(tvrHas(outcome.record!.tvr, "onlinePinEntered")).toBe(true);
    expect(outcome.record?.oda).toBe("not-performed");
  });

  it("signature CVM from the CTQ when the card asks for it", async () => {
    const card = qpboc({ ctq: "4000" });
    const { outcome } = await tap(card, card.pki.capks, 40_000);
    expect(outcome.outcome).toBe("approved");
    expect(outcome.cvm).toBe("signature");
    expect(outcome.uiRequestOnOutcome?.message).toBe("sign-receipt");
  });

  it("declines offline when fDDA fails, or goes online when the CTQ says so", async () => {
    const bad = qpboc({ badSignature: true });
    const declined = await tap(bad, bad.pki.capks, 2000);
    expect(declined.outcome.outcome).toBe("declined");
    expect(declined.outcome.record?.oda).toBe("failed");
    expect(tvrHas(declined.outcome.record!.tvr, "ddaFailed")).toBe(true);
    const online = qpboc({ badSignature: true, ctq: "2000" });
    expect((await tap(online, online.pki.capks, 2000)).outcome.outcome).toBe("online-request");
    const other = qpboc({ badSignature: true, ctq: "1000" });
    expect((await tap(other, other.pki.capks, 2000)).outcome.outcome).toBe("try-another-interface");
  });

  it("declines an AAC, and an expired card offline", async () => {
    const aac = qpboc({ decision: "AAC" });
    const a = await tap(aac, aac.pki.capks, 2000);
    expect(a.outcome.outcome).toBe("declined");
    expect(a.outcome.uiRequestOnOutcome?.message).toBe("declined");
    const expired = qpboc({ expiry: "241231" });
    const e = await tap(expired, expired.pki.capks, 2000);
    expect(e.outcome.outcome).toBe("declined");
    expect(tvrHas(e.outcome.record!.tvr, "expiredApplication")).toBe(true);
  });

  it("declines a card on the exception file", async () => {
    const card = qpboc();
    const { outcome } = await tap(card, card.pki.capks, 2000, { isOnExceptionFile: () => true });
    expect(outcome.outcome).toBe("declined");
    expect(tvrHas(outcome.record!.tvr, "cardOnExceptionFile")).toBe(true);
  });

  it("tries another interface on GPO 6984 and on a PDOL without the TTQ; selects next on 6985", async () => {
    const c6984 = qpboc({ gpoSw: 0x6984 });
    expect((await tap(c6984, c6984.pki.capks, 2000)).outcome.outcome).toBe("try-another-interface");
    const noTtq = qpboc({ pdol: "9F02069F3704" });
    expect((await tap(noTtq, noTtq.pki.capks, 2000)).outcome).toMatchObject({
      outcome: "try-another-interface",
      alternateInterfacePreference: "contact-chip",
    });
    const c6985 = qpboc({ gpoSw: 0x6985 });
    // The only candidate is dropped: nothing left ⇒ insert or swipe.
    expect((await tap(c6985, c6985.pki.capks, 2000)).outcome.outcome).toBe("try-another-interface");
  });

  it.each([1, 2, 3, 4])(
    "card removed after %i commands ⇒ Try Again, Start B, no card-read signal",
    async (n) => {
      const card = qpboc({ removeAfter: n });
      const { outcome, events } = await tap(card, card.pki.capks, 2000);
      expect(outcome).toMatchObject({ outcome: "try-again", start: "B" });
      expect(outcome.uiRequestOnRestart?.message).toBe("present-card-again");
      expect(events).toEqual([]);
    },
  );
});

describe("qVSDC kernel (kernel 3)", () => {
  const visa = (extra: Partial<CardProfile> = {}) =>
    new TestCard({
      aid: VISA,
      pan: "4761739001010016",
      pdol: QPBOC_PDOL_HEX,
      decision: "TC",
      aip: "2000",
      ...extra,
    });

  it("approves offline with fDDA format 95 and takes the cryptogram type from the IAD when 9F27 is absent", async () => {
    const card = visa({ noCid: true });
    const { outcome } = await tap(card, card.pki.capks, 2000);
    expect(outcome.outcome).toBe("approved");
    expect(outcome.record?.kernelId).toBe(3);
    expect(outcome.record?.oda).toBe("succeeded");
    expect(card.log[2]!.slice(14, 22)).toBe("27000080");
  });

  it("online with ODA for online authorisation (TTQ b1): fDDA result in the TVR", async () => {
    const card = visa({ badSignature: true });
    const { outcome } = await tap(card, card.pki.capks, 60_000);
    expect(outcome.outcome).toBe("online-request");
    expect(outcome.record?.oda).toBe("failed");
    expect(tvrHas(outcome.record!.tvr, "ddaFailed")).toBe(true);
    expect(outcome.cvm).toBe("signature");
  });
});

describe("M/Chip-style kernel (kernel 2)", () => {
  const mc = (extra: Partial<CardProfile> = {}) =>
    new TestCard({
      aid: MASTERCARD,
      pan: "5413330089010431",
      pdol: MCHIP_PDOL_HEX,
      decision: "TC",
      aip: "1981",
      mchip: true,
      ...extra,
    });

  it("GENERATE AC with CDA after READ RECORD: offline approved, CDA verified after the card left", async () => {
    const card = mc({ removeAfter: 6 });
    const { outcome, events } = await tap(card, card.pki.capks, 2000);
    expect(card.log.map((c) => c.slice(0, 4))).toEqual(["00A4", "00A4", "80A8", "00B2", "00B2", "80AE"]);
    expect(card.log[5]!.slice(4, 6)).toBe("50"); // TC + CDA
    expect(outcome.outcome).toBe("approved");
    expect(outcome.record?.oda).toBe("succeeded");
    expect(events).toEqual(["card-read"]);
  });

  it("online request above the floor; CVM from the CVM list above the CVM limit", async () => {
    const card = mc();
    const { outcome } = await tap(card, card.pki.capks, 60_000);
    expect(card.log[5]!.slice(4, 6)).toBe("90"); // ARQC + CDA
    expect(outcome.outcome).toBe("online-request");
    expect(outcome.cvm).toBe("online-pin");
    expect(outcome.record?.field55).toBeDefined();
  });

  it("declines when CDA fails or the card answers AAC", async () => {
    const bad = mc({ badSignature: true });
    const b = await tap(bad, bad.pki.capks, 2000);
    expect(b.outcome.outcome).toBe("declined");
    expect(tvrHas(b.outcome.record!.tvr, "cdaFailed")).toBe(true);
    const aac = mc({ decision: "AAC" });
    expect((await tap(aac, aac.pki.capks, 2000)).outcome.outcome).toBe("declined");
  });

  it("card removed before GENERATE AC ⇒ Try Again", async () => {
    const card = mc({ removeAfter: 5 });
    expect((await tap(card, card.pki.capks, 2000)).outcome).toMatchObject({
      outcome: "try-again",
      start: "B",
    });
  });
});
