import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Day,
  field60,
  insert,
  journalBytes,
  PAN,
  type Presenter,
  pay,
  QR_CODE,
  quick,
  requestOf,
  row,
  scan,
  startDay,
  swipe,
  tap,
  twin,
} from "./support/rig-day.js";

/** Sales by every entry mode on one terminal: approved, journalled masked, printed, e-receipts kept. */
describe("sales on the rig against the host simulator", () => {
  let day: Day;
  beforeAll(async () => {
    day = await startDay(quick({ settings: (s) => ({ ...s, receipts: { ...s.receipts, copies: 2 } }) }));
  });
  afterAll(async () => {
    await day?.t.stop();
  });

  const cases: {
    name: string;
    card: Presenter;
    amount: number;
    entryMode: string;
    pan: string;
    pin: boolean;
    field22: string;
  }[] = [
    {
      name: "swipe (cup-magstripe)",
      card: swipe("cup-magstripe"),
      amount: 1234,
      entryMode: "swipe",
      pan: PAN["cup-magstripe"],
      pin: true,
      field22: "021",
    },
    {
      name: "insert (cup-debit, online PIN)",
      card: insert("cup-debit"),
      amount: 8800,
      entryMode: "insert",
      pan: PAN["cup-debit"],
      pin: true,
      field22: "051",
    },
    {
      name: "tap (cup-debit, online)",
      card: tap("cup-debit"),
      amount: 60_000,
      entryMode: "tap",
      pan: PAN["cup-debit"],
      pin: true,
      field22: "071",
    },
    {
      name: "QR code (19-digit UnionPay payment code)",
      card: scan(QR_CODE),
      amount: 3900,
      entryMode: "qr",
      pan: QR_CODE,
      pin: false,
      field22: "032",
    },
  ];

  for (const c of cases) {
    it(`sale by ${c.name}: approved, host twin approved, slip printed, PAN masked`, async () => {
      const { t, wire } = day;
      const result = await pay(t, { amount: c.amount, card: c.card });
      expect(result).toMatchObject({ status: "approved", responseCode: "00" });
      const record = row(t, result);
      expect(record).toMatchObject({
        type: "sale",
        status: "approved",
        settlement: "unsettled",
        entryMode: c.entryMode,
        amount: c.amount,
        responseCode: "00",
      });
      expect(record.reversal).toBeUndefined();
      expect(record.rrn).toMatch(/^\d{12}$/);
      expect(record.authCode).toMatch(/^\d{6}$/);

      // Masked on the row (6 + 4), never in clear; a card's PAN is also kept enciphered under the TDK.
      expect(record.maskedPan).toBe(`${c.pan.slice(0, 6)}${"*".repeat(c.pan.length - 10)}${c.pan.slice(-4)}`);
      expect(record.panLast4).toBe(c.pan.slice(-4));
      if (c.entryMode !== "qr") {
        expect(Buffer.isBuffer(record.panCipher)).toBe(true);
        expect(record.panCipher!.includes(Buffer.from(c.pan))).toBe(false);
        expect(record.panKeyKcv).toMatch(/^[0-9A-F]{6,8}$/);
      }

      // The host's ledger has the twin, approved, with the same RRN and amount.
      const hostEntry = twin(t, record);
      expect(hostEntry).toMatchObject({
        mti: "0200",
        transaction: "sale",
        approved: true,
        status: "approved",
        amount: c.amount,
        rrn: record.rrn,
      });
      if (c.entryMode !== "qr") expect(hostEntry!.pan).toBe(record.maskedPan);

      // What went on the wire: field 22, and the PIN block in field 52 exactly when a PIN was entered.
      const request = requestOf(wire, "0200", record.stan)!;
      expect(request.fields[22]).toBe(c.field22);
      if (c.pin) expect(request.fields[52]).toMatch(/^[0-9A-F]{16}$/);
      else expect(request.fields[52]).toBeUndefined();
      expect(field60(request).icCondition).toBe("0");
      if (c.entryMode === "insert" || c.entryMode === "tap") expect(request.fields[55]).toBeDefined();
      if (c.entryMode === "qr") expect(request.fields[59]).toContain(QR_CODE);

      // Both configured copies printed, and each kept as an e-receipt with the masked PAN only.
      const printedBefore = t.rig.status().printer.slipsPrinted;
      expect(await t.app.printSlip(record.id)).toEqual({ ok: true });
      expect(t.app.journal.get(record.id)!.copiesPrinted).toBe(2);
      expect(t.rig.status().printer.slipsPrinted - printedBefore).toBe(2);
      const receipts = t.app.journal.receipts(record.id);
      expect(receipts.map((r) => r.copy).sort()).toEqual(["cardholder", "merchant"]);
      for (const receipt of receipts) {
        expect(receipt.text).not.toContain(c.pan);
        expect(receipt.text).toContain(c.pan.slice(-4));
      }
    });
  }

  it("no clear PAN anywhere in the journal's files or the run's log, after every entry mode", async () => {
    const bytes = journalBytes(day.t);
    expect(bytes.length).toBeGreaterThan(0);
    const log = readFileSync(day.t.logPath);
    expect(log.length).toBeGreaterThan(0);
    for (const pan of [PAN["cup-magstripe"], PAN["cup-debit"], QR_CODE]) {
      expect(bytes.includes(Buffer.from(pan, "latin1"))).toBe(false);
      expect(log.includes(Buffer.from(pan, "latin1"))).toBe(false);
    }
  });
});
