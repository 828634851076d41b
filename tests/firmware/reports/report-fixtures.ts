import type { Journal } from "../../../firmware/journal/index.js";
import { pendingSale, type StepClock } from "../journal/journal-fixtures.js";

export const CLEAR_PANS = ["6222021234561234", "6225881234567890"];

/**
 * A small trading history: batch 000001 (settled) with sales, a voided sale and its void, a refund and
 * a declined sale; batch 000002 (unsettled) with a card sale, a QR sale and a failed attempt, a day later.
 * Returns the STANs it used.
 */
export function fillJournal(journal: Journal, clock: StepClock): void {
  clock.set("2025-03-01T02:00:00.000Z");
  const sale = (overrides: Parameters<typeof pendingSale>[0], patch: Parameters<Journal["update"]>[1]) => {
    const row = journal.insert(
      pendingSale({ stan: journal.nextStan(), batch: journal.batch(), ...overrides }),
    );
    clock.advance(60_000);
    return journal.update(row.id, patch);
  };
  const approved = (rrn: string) => ({
    status: "approved" as const,
    responseCode: "00",
    rrn,
    authCode: "A1B2C3",
  });
  const first = sale({ amount: 10_000 }, approved("000000000001"));
  journal.saveReceipt(first.id, "merchant", "商户存根\n622202******1234 S\nRMB 100.00");
  const voided = sale({ amount: 2_550 }, approved("000000000002"));
  sale(
    {
      type: "void",
      amount: 2_550,
      original: { stan: voided.stan, batch: voided.batch, rrn: "000000000002" },
    },
    approved("000000000003"),
  );
  journal.update(voided.id, { status: "voided" });
  sale(
    {
      type: "refund",
      amount: 1_000,
      maskedPan: "622588******7890",
      panLast4: "7890",
      original: { stan: first.stan, batch: first.batch },
    },
    approved("000000000004"),
  );
  sale({ amount: 99_999 }, { status: "declined", responseCode: "51" });
  const batch = journal.batch();
  journal.beginSettlement(batch, journal.totals(batch));
  journal.updateSettlement(batch, { result: "balanced", responseCode: "00" });
  journal.closeSettlement(batch);

  clock.set("2025-03-02T03:30:00.000Z");
  sale({ amount: 12_345, entryMode: "tap" }, approved("000000000005"));
  sale(
    {
      amount: 3_900,
      entryMode: "qr",
      maskedPan: undefined,
      panLast4: undefined,
      panCipher: undefined,
      panKeyKcv: undefined,
      orderId: "QR20250302-1",
    },
    approved("000000000006"),
  );
  sale({ amount: 500 }, { status: "failed" });
}
