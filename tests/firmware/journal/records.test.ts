import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ENTRY_MODES,
  JournalError,
  type NewTransaction,
  TRANSACTION_STATUSES,
  TRANSACTION_TYPES,
  type TransactionRecord,
} from "../../../firmware/journal/index.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { openJournal, pendingSale } from "./journal-fixtures.js";

const tempDir = useTempDirs();

const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
const text = fc.string({ unit: "grapheme", maxLength: 12 });
const maskedPan = fc
  .tuple(digits(6), fc.integer({ min: 1, max: 9 }), digits(4))
  .map(([bin, stars, last4]) => `${bin}${"*".repeat(stars)}${last4}`);

/** Every field of a NewTransaction, optional ones present or absent (never `undefined`). */
const newTransaction: fc.Arbitrary<NewTransaction> = fc
  .record(
    {
      stan: digits(6),
      batch: digits(6),
      type: fc.constantFrom(...TRANSACTION_TYPES),
      entryMode: fc.constantFrom(...ENTRY_MODES),
      amount: fc.integer({ min: 0, max: 1_000_000_000 }),
      tipShare: fc.integer({ min: 0, max: 100 }),
      currency: digits(3),
      terminalId: text,
      merchantId: text,
      operator: text,
      maskedPan,
      panLast4: digits(4),
      panCipher: fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b)),
      panKeyKcv: fc.stringMatching(/^[0-9A-F]{6}$/),
      cardOrg: text,
      cardKind: fc.constantFrom("debit", "credit", "unknown"),
      domestic: fc.boolean(),
      expiry: digits(4),
      emv: fc.record(
        { aid: text, label: text, cryptogram: text, tvr: text, tsi: text, atc: text },
        { requiredKeys: [], noNullPrototype: true },
      ),
      status: fc.constantFrom(...TRANSACTION_STATUSES),
      settlement: fc.constantFrom("unsettled", "settled"),
      responseCode: text,
      rrn: text,
      authCode: text,
      hostDate: digits(4),
      hostTime: digits(6),
      issuerCode: text,
      acquirerCode: text,
      original: fc.record(
        {
          stan: digits(6),
          batch: digits(6),
          rrn: text,
          authCode: text,
          date: digits(4),
          journalId: fc.integer({ min: 1, max: 2 ** 40 }),
        },
        { requiredKeys: ["stan", "batch"], noNullPrototype: true },
      ),
      reversal: fc.record(
        {
          state: fc.constantFrom("pending", "confirmed", "abandoned"),
          reason: fc.constantFrom("98", "A0", "96", "06"),
          attempts: fc.nat(10),
        },
        { noNullPrototype: true },
      ),
      advice: fc.constantFrom("none", "queued", "sent"),
      signatureRequired: fc.boolean(),
      orderId: text,
      requestFields: fc.dictionary(
        fc.constantFrom("3", "4", "11", "22", "25", "37", "38", "60", "61", "128"),
        text,
        {
          noNullPrototype: true,
        },
      ),
    },
    {
      noNullPrototype: true,
      requiredKeys: [
        "stan",
        "batch",
        "type",
        "entryMode",
        "amount",
        "tipShare",
        "currency",
        "terminalId",
        "merchantId",
        "operator",
        "cardKind",
        "domestic",
        "status",
        "signatureRequired",
      ],
    },
  )
  .map(({ tipShare, ...tx }) => ({ ...tx, tip: Math.floor((tx.amount * tipShare) / 100) }) as NewTransaction);

function expectedAfterInsert(tx: NewTransaction, id: number, at: string): TransactionRecord {
  return {
    ...tx,
    id,
    settlement: tx.settlement ?? "unsettled",
    advice: tx.advice ?? "none",
    uploaded: false,
    copiesPrinted: 0,
    createdAt: at,
    updatedAt: at,
  };
}

function caught(fn: () => unknown): JournalError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(JournalError);
    return error as JournalError;
  }
  throw new Error("expected a JournalError");
}

describe("Journal rows", () => {
  it("inserts with journal-managed defaults and reads back the same record", () => {
    const { journal, clock } = openJournal(tempDir());
    const tx = pendingSale();
    const record = journal.insert(tx);
    const expected = expectedAfterInsert(tx, 1, clock.now().toISOString());
    expect(record).toStrictEqual(expected);
    expect(journal.get(1)).toStrictEqual(expected);
    expect(Buffer.isBuffer(journal.get(1)?.panCipher)).toBe(true);
    expect(journal.get(2)).toBeUndefined();
    expect(journal.get(Number.NaN)).toBeUndefined();
    journal.close();
  });

  it("round-trips arbitrary records exactly, through insert, reopen and update (property)", () => {
    const opened = openJournal(tempDir());
    let lastId = 0;
    fc.assert(
      fc.property(newTransaction, newTransaction, (tx, other) => {
        opened.clock.advance(1000);
        const at = opened.clock.now().toISOString();
        const inserted = opened.journal.insert(tx);
        const id = inserted.id;
        expect(id).toBeGreaterThan(lastId);
        lastId = id;
        const expected = expectedAfterInsert(tx, id, at);
        expect(inserted).toStrictEqual(expected);
        expect(opened.journal.get(id)).toStrictEqual(expected);
        // Replace every field with another record's: absent optional fields are cleared with undefined.
        const { settlement, advice, ...rest } = other;
        const patch: Partial<TransactionRecord> = {
          ...rest,
          settlement: settlement ?? "settled",
          advice: advice ?? "sent",
        };
        for (const key of Object.keys(expected) as (keyof TransactionRecord)[]) {
          if (!(key in patch) && key !== "id" && key !== "createdAt" && key !== "updatedAt") {
            if (key !== "uploaded" && key !== "copiesPrinted")
              (patch as Record<string, unknown>)[key] = undefined;
          }
        }
        opened.clock.advance(1000);
        const updated = opened.journal.update(id, { ...patch, uploaded: true, copiesPrinted: 2 });
        const want: TransactionRecord = {
          ...(patch as TransactionRecord),
          id,
          uploaded: true,
          copiesPrinted: 2,
          createdAt: at,
          updatedAt: opened.clock.now().toISOString(),
        };
        for (const key of Object.keys(want) as (keyof TransactionRecord)[])
          if (want[key] === undefined) delete want[key];
        expect(updated).toStrictEqual(want);
        expect(opened.journal.get(id)).toStrictEqual(want);
      }),
      { seed: 20250301, numRuns: 150 },
    );
    const journal = opened.reopen();
    expect(journal.last()?.id).toBe(lastId);
    journal.close();
  });

  it("updates: merges the patch, refreshes updatedAt, keeps createdAt, clears with undefined", () => {
    const { journal, clock } = openJournal(tempDir());
    const created = journal.insert(
      pendingSale({ reversal: { state: "pending", reason: "98", attempts: 0 } }),
    );
    clock.advance(2500);
    const updated = journal.update(created.id, {
      status: "approved",
      responseCode: "00",
      rrn: "250301123456",
      authCode: "A1B2C3",
      reversal: undefined,
      updatedAt: "1999-01-01T00:00:00.000Z",
    });
    expect(updated.createdAt).toBe(created.createdAt);
    expect(updated.updatedAt).toBe("2025-03-01T08:00:02.500Z");
    expect(updated.status).toBe("approved");
    expect(updated.rrn).toBe("250301123456");
    expect("reversal" in updated).toBe(false);
    expect(updated.panCipher).toEqual(created.panCipher);
    journal.close();
  });

  it("refuses an unknown id, a frozen field and an unknown field, writing nothing", () => {
    const opened = openJournal(tempDir());
    const { journal } = opened;
    const row = journal.insert(pendingSale());
    const commits = opened.labels.length;
    expect(caught(() => journal.update(99, { status: "approved" })).field).toBe("id");
    expect(caught(() => journal.update(row.id, { createdAt: "x" } as never)).field).toBe("createdAt");
    expect(caught(() => journal.update(row.id, { id: 5 } as never)).field).toBe("id");
    expect(caught(() => journal.update(row.id, { stauts: "approved" } as never)).field).toBe("stauts");
    expect(caught(() => journal.insert({ ...pendingSale(), pinBlock: "1234" } as never)).field).toBe(
      "transaction.pinBlock",
    );
    expect(caught(() => journal.insert({ ...pendingSale(), copiesPrinted: 2 } as never)).field).toBe(
      "transaction.copiesPrinted",
    );
    expect(opened.labels.length).toBe(commits);
    expect(journal.get(row.id)).toStrictEqual(row);
    journal.close();
  });

  it.each<[string, Partial<NewTransaction> | Record<string, unknown>]>([
    ["maskedPan", { maskedPan: "6222021234561234" }],
    ["maskedPan", { maskedPan: "622202123456****" }],
    ["stan", { stan: "1" }],
    ["batch", { batch: "00001a" }],
    ["type", { type: "cashback" }],
    ["entryMode", { entryMode: "wave" }],
    ["amount", { amount: -1 }],
    ["amount", { amount: 1.5 }],
    ["tip", { amount: 100, tip: 101 }],
    ["currency", { currency: "CNY" }],
    ["panLast4", { panLast4: "12345" }],
    ["panCipher", { panCipher: "8F3A" }],
    ["cardKind", { cardKind: "prepaid" }],
    ["domestic", { domestic: 1 }],
    ["status", { status: "done" }],
    ["hostTime", { hostTime: "1230" }],
    ["emv.track2", { emv: { track2: "6222021234561234=2512" } }],
    ["original.stan", { original: { stan: "12", batch: "000001" } }],
    ["reversal.reason", { reversal: { state: "pending", reason: "99", attempts: 0 } }],
    ["reversal.attempts", { reversal: { state: "pending", reason: "98", attempts: -1 } }],
    ["requestFields.52", { requestFields: { "52": "0123456789ABCDEF" } }],
    ["requestFields.2", { requestFields: { "2": "6222021234561234" } }],
    ["requestFields.35", { requestFields: { "35": "6222021234561234=2512" } }],
    ["requestFields.abc", { requestFields: { abc: "x" } }],
  ])("refuses a record whose %s is out of its domain", (field, override) => {
    const { journal } = openJournal(tempDir());
    expect(caught(() => journal.insert(pendingSale(override as Partial<NewTransaction>))).field).toBe(field);
    expect(journal.last()).toBeUndefined();
    const row = journal.insert(pendingSale());
    expect(caught(() => journal.update(row.id, override as Partial<TransactionRecord>)).field).toBe(field);
    expect(journal.get(row.id)).toStrictEqual(row);
    journal.close();
  });

  it("finds rows by STAN (latest, or in a batch), by RRN, and the last row", () => {
    const { journal } = openJournal(tempDir());
    const a = journal.insert(pendingSale({ stan: "000007", batch: "000001", rrn: "RRN-A" }));
    const b = journal.insert(pendingSale({ stan: "000007", batch: "000002", rrn: "RRN-B" }));
    journal.insert(pendingSale({ stan: "000008", batch: "000002" }));
    expect(journal.findByStan("000007")?.id).toBe(b.id);
    expect(journal.findByStan("000007", "000001")?.id).toBe(a.id);
    expect(journal.findByStan("000009")).toBeUndefined();
    expect(journal.findByRrn("RRN-A")?.id).toBe(a.id);
    expect(journal.findByRrn("nope")).toBeUndefined();
    expect(journal.last()?.stan).toBe("000008");
    journal.close();
  });

  it("keeps e-receipts per copy, a later save replacing the earlier", () => {
    const opened = openJournal(tempDir());
    const { journal, clock } = opened;
    const row = journal.insert(pendingSale({ status: "approved" }));
    journal.saveReceipt(row.id, "merchant", "商户存根 MERCHANT COPY\n卡号 622202******1234");
    clock.advance(1000);
    journal.saveReceipt(row.id, "cardholder", "持卡人存根");
    clock.advance(1000);
    journal.saveReceipt(row.id, "merchant", "商户存根 (reprint)");
    expect(journal.receipts(row.id)).toEqual([
      { copy: "merchant", text: "商户存根 (reprint)", savedAt: "2025-03-01T08:00:02.000Z" },
      { copy: "cardholder", text: "持卡人存根", savedAt: "2025-03-01T08:00:01.000Z" },
    ]);
    expect(opened.labels.filter((l) => l === "receipt:save")).toHaveLength(3);
    expect(caught(() => journal.saveReceipt(42, "merchant", "x")).field).toBe("id");
    expect(caught(() => journal.saveReceipt(row.id, "customer" as never, "x")).field).toBe("copy");
    expect(journal.receipts(42)).toEqual([]);
    journal.close();
  });
});
