import { describe, expect, it } from "vitest";
import { CapkStore } from "../../../../protocol/emv/index.js";
import { decodeTlv, flattenTlv } from "../../../../protocol/tlv/index.js";
import { cardChannel, loadTestCapks, testCard } from "../../../../tools/rig/cards/emv/index.js";
import { tap } from "./support/harness.js";

/** The kernels against engineer C's virtual card applets and committed test PKI. */
const capks = new CapkStore(loadTestCapks());

describe("contactless kernels against the rig's virtual cards", () => {
  it("UnionPay debit: qPBOC offline approval with fDDA under the test CA", async () => {
    const { outcome, events } = await tap(cardChannel(testCard("unionpay-debit")), capks, 2000);
    expect(outcome.outcome).toBe("approved");
    expect(outcome.record).toMatchObject({ kernelId: 7, oda: "succeeded", cryptogramType: "TC" });
    expect(events).toEqual(["card-read"]);
  });

  it("UnionPay debit above the floor: online request with the card's ARQC in field 55", async () => {
    const { outcome } = await tap(cardChannel(testCard("unionpay-debit")), capks, 60_000);
    expect(outcome.outcome).toBe("online-request");
    expect(outcome.cvm).toBe("online-pin");
    const f55 = flattenTlv(decodeTlv(outcome.record!.field55!));
    expect(f55.get("9F27")?.toString("hex")).toBe("80");
    expect(f55.get("9F26")?.length).toBe(8);
  });

  it("Mastercard: GENERATE AC with CDA verified", async () => {
    const { outcome } = await tap(cardChannel(testCard("mastercard")), capks, 2000);
    expect(outcome.outcome).toBe("approved");
    expect(outcome.record).toMatchObject({ kernelId: 2, oda: "succeeded" });
  });

  it("a card removed mid-transaction ⇒ Try Again (Start B)", async () => {
    const card = testCard("unionpay-debit", { faults: { removeAfterCommands: 3 } });
    const { outcome } = await tap(cardChannel(card), capks, 2000);
    expect(outcome).toMatchObject({ outcome: "try-again", start: "B" });
  });
});
