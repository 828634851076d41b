import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransactionError } from "../../../firmware/transactions/transaction-error.js";
import { parseField61 } from "../../../protocol/iso8583/subfields/field61.js";
import {
  type Day,
  insert,
  ledger,
  pay,
  quick,
  requestOf,
  row,
  signal,
  startDay,
  swipe,
  twin,
} from "./support/rig-day.js";

/** Voids, refunds, the pre-authorisation family and balance inquiry on one terminal. */
describe("voids, refunds, pre-authorisations and balance on the rig", () => {
  let day: Day;
  beforeAll(async () => {
    day = await startDay(quick());
  });
  afterAll(async () => {
    await day?.t.stop();
  });

  it("void without the card (PAN from the journal): original voided at both ends", async () => {
    const { t, wire } = day;
    const sale = row(t, await pay(t, { amount: 1234, card: swipe("cup-magstripe") }));
    const voided = await pay(t, { type: "void", amount: 0, original: { stan: sale.stan } });
    expect(voided).toMatchObject({ status: "approved", responseCode: "00" });
    const voidRow = row(t, voided);
    expect(voidRow).toMatchObject({
      type: "void",
      status: "approved",
      amount: 1234,
      entryMode: "swipe",
      maskedPan: sale.maskedPan,
      original: { stan: sale.stan, batch: sale.batch, journalId: sale.id, rrn: sale.rrn },
    });
    expect(t.app.journal.get(sale.id)!.status).toBe("voided");
    // The PAN travelled in field 2 (deciphered from the journal), no track, no PIN.
    const request = requestOf(wire, "0200", voidRow.stan)!;
    expect(request.fields[2]).toBe("6222021000000000014");
    expect(request.fields[35]).toBeUndefined();
    expect(request.fields[52]).toBeUndefined();
    expect(parseField61(request.fields[61]!)).toMatchObject({
      originalBatch: sale.batch,
      originalStan: sale.stan,
    });
    expect(twin(t, sale)).toMatchObject({ status: "voided" });
    expect(twin(t, voidRow)).toMatchObject({ transaction: "void", approved: true, amount: 1234 });

    // Voiding it again is refused before anything is sent.
    const sent = wire.length;
    await expect(
      t.app.pay({ type: "void", amount: 0, original: { stan: sale.stan }, signal: signal() }),
    ).rejects.toMatchObject({ code: "original" });
    expect(wire.length).toBe(sent);
  });

  it("void without the card after a new sign-in: the PAN outlives the session's keys", async () => {
    const { t } = day;
    const sale = row(t, await pay(t, { amount: 2345, card: swipe("cup-magstripe") }));
    const tdkBefore = t.app.keys.status("tdk")?.kcv;
    await t.app.signIn(signal());
    expect(t.app.keys.status("tdk")?.kcv).not.toBe(tdkBefore);
    const voided = await pay(t, { type: "void", amount: 0, original: { stan: sale.stan } });
    expect(voided).toMatchObject({ status: "approved", responseCode: "00" });
    expect(twin(t, row(t, voided))).toMatchObject({ transaction: "void", approved: true, amount: 2345 });
  });

  it("void of an unknown STAN is refused with TransactionError(original)", async () => {
    const { t, wire } = day;
    const rows = t.app.journal.query({}).length;
    const sent = wire.length;
    const error = await t.app
      .pay({ type: "void", amount: 0, original: { stan: "999999" }, signal: signal() })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TransactionError);
    expect(error).toMatchObject({ code: "original" });
    expect(t.app.journal.query({}).length).toBe(rows);
    expect(wire.length).toBe(sent);
  });

  it("a refund whose answer is lost, or untrustworthy, goes again as it left and is refunded once", async () => {
    const { t, wire } = day;
    const sale = row(t, await pay(t, { amount: 6400, card: swipe("cup-magstripe") }));
    for (const fault of [{ noAnswer: true }, { badMac: true }] as const) {
      t.host.addBehaviour({ name: "refund fault", match: { mti: "0220", amount: 1100 }, ...fault, times: 1 });
      const refund = await pay(t, {
        type: "refund",
        amount: 1100,
        card: swipe("cup-magstripe"),
        original: { stan: sale.stan, rrn: sale.rrn! },
      });
      expect(refund.status).toBe("pending");
      expect(refund.en).toMatch(/sent again/);
      const refundRow = row(t, refund);
      expect(refundRow).toMatchObject({ status: "pending", advice: "queued" });
      // The host did refund it: the answer was what went missing.
      expect(twin(t, refundRow)).toMatchObject({ transaction: "refund", approved: true });
      const sent = wire.filter((w) => w.mti === "0220" && w.fields[11] === refundRow.stan).length;
      expect(await t.app.advices.flushRepeats(signal())).toEqual({ sent: 1, left: 0 });
      expect(t.app.journal.get(refundRow.id)).toMatchObject({
        status: "approved",
        advice: "sent",
        responseCode: "00",
      });
      expect(wire.filter((w) => w.mti === "0220" && w.fields[11] === refundRow.stan).length).toBe(sent + 1);
      // Refunded once: the repeat was answered as a retransmission, not booked again.
      expect(ledger(t).filter((e) => e.transaction === "refund" && e.stan === refundRow.stan).length).toBe(1);
    }
    expect(ledger(t).find((e) => e.seq === twin(t, sale)!.seq)!.refunded).toBe(2200);
  });

  it("refund with the card and the original's RRN: approved, refund entry in the host ledger", async () => {
    const { t } = day;
    const sale = row(t, await pay(t, { amount: 8800, card: insert("cup-debit") }));
    expect(sale.status).toBe("approved");
    const refund = await pay(t, {
      type: "refund",
      amount: 2000,
      card: insert("cup-debit"),
      original: { stan: sale.stan, rrn: sale.rrn! },
    });
    expect(refund).toMatchObject({ status: "approved", responseCode: "00" });
    const refundRow = row(t, refund);
    expect(refundRow).toMatchObject({
      type: "refund",
      status: "approved",
      amount: 2000,
      original: { rrn: sale.rrn },
    });
    expect(refundRow.reversal).toBeUndefined();
    const entry = twin(t, refundRow);
    expect(entry).toMatchObject({ transaction: "refund", approved: true, amount: 2000 });
    expect(entry!.originalSeq).toBe(twin(t, sale)!.seq);
    // The sale stays approved (a refund does not void it); the host counts the refund against it.
    expect(t.app.journal.get(sale.id)!.status).toBe("approved");
    expect(ledger(t).find((e) => e.seq === entry!.originalSeq)!.refunded).toBe(2000);
  });

  it("pre-authorisation by insert, then its void without the card", async () => {
    const { t } = day;
    const preauth = await pay(t, { type: "preauth", amount: 10_000, card: insert("cup-debit") });
    expect(preauth).toMatchObject({ status: "approved", responseCode: "00" });
    const preRow = row(t, preauth);
    expect(preRow.authCode).toMatch(/^\d{6}$/);
    expect(twin(t, preRow)).toMatchObject({ mti: "0100", transaction: "preAuth", approved: true });

    const pv = await pay(t, { type: "preauth-void", amount: 0, original: { stan: preRow.stan } });
    expect(pv).toMatchObject({ status: "approved", responseCode: "00" });
    expect(row(t, pv)).toMatchObject({ type: "preauth-void", amount: 10_000, status: "approved" });
    expect(t.app.journal.get(preRow.id)!.status).toBe("voided");
    expect(twin(t, preRow)).toMatchObject({ status: "voided" });
  });

  it("pre-authorisation by swipe, completion with its auth code and date, then the completion's void", async () => {
    const { t, wire } = day;
    const preRow = row(t, await pay(t, { type: "preauth", amount: 10_000, card: swipe("cup-magstripe") }));
    expect(preRow.status).toBe("approved");
    expect(preRow.hostDate).toMatch(/^\d{4}$/);

    const completion = await pay(t, {
      type: "preauth-completion",
      amount: 11_000,
      card: swipe("cup-magstripe"),
      original: { authCode: preRow.authCode!, date: preRow.hostDate! },
    });
    expect(completion).toMatchObject({ status: "approved", responseCode: "00" });
    const compRow = row(t, completion);
    expect(compRow).toMatchObject({
      type: "preauth-completion",
      amount: 11_000,
      status: "approved",
      original: { authCode: preRow.authCode, date: preRow.hostDate },
    });
    const request = requestOf(wire, "0200", compRow.stan)!;
    expect(request.fields[38]).toBe(preRow.authCode);
    expect(parseField61(request.fields[61]!).originalDate).toBe(preRow.hostDate);
    expect(twin(t, compRow)).toMatchObject({ transaction: "completion", approved: true, amount: 11_000 });
    expect(twin(t, preRow)).toMatchObject({ status: "completed" });

    const cv = await pay(t, { type: "preauth-completion-void", amount: 0, original: { stan: compRow.stan } });
    expect(cv).toMatchObject({ status: "approved", responseCode: "00" });
    expect(row(t, cv)).toMatchObject({ type: "preauth-completion-void", amount: 11_000 });
    expect(t.app.journal.get(compRow.id)!.status).toBe("voided");
    expect(twin(t, compRow)).toMatchObject({ status: "voided" });
  });

  it("balance inquiry returns the card's balance from field 54", async () => {
    const { t } = day;
    const before = t.host.card("6217000000000000033")!;
    const result = await pay(t, { type: "balance", amount: 0, card: insert("cup-debit") });
    expect(result).toMatchObject({ status: "approved", responseCode: "00" });
    expect(typeof result.balance).toBe("number");
    expect(result.balance).toBe(before.available);
    const record = row(t, result);
    expect(record).toMatchObject({ type: "balance", amount: 0, status: "approved" });
    expect(twin(t, record)).toMatchObject({ transaction: "balanceInquiry", approved: true });
  });

  it("a balance answer with a bad MAC fails (A0) and is not sent again: it moved nothing", async () => {
    const { t } = day;
    t.host.addBehaviour({ match: { transaction: "balanceInquiry" }, badMac: true, times: 1 });
    const result = await pay(t, { type: "balance", amount: 0, card: insert("cup-debit") });
    expect(result).toMatchObject({ status: "failed", responseCode: "A0" });
    expect(result.balance).toBeUndefined();
    expect(row(t, result)).toMatchObject({ status: "failed", advice: "none" });
    expect(t.app.journal.queuedAdvices()).toEqual([]);
  });
});
