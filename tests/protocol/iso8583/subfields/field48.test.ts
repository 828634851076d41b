import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildBatchUploadCount,
  buildBatchUploadRecords,
  buildSettlementTotals,
  parseBatchUploadCount,
  parseBatchUploadRecords,
  parseSettlementTotals,
  type SettlementBlock,
} from "../../../../protocol/iso8583/subfields/field48.js";

const block = fc.record({
  debitAmount: fc.integer({ min: 0, max: 999_999_999_999 }),
  debitCount: fc.integer({ min: 0, max: 999 }),
  creditAmount: fc.integer({ min: 0, max: 999_999_999_999 }),
  creditCount: fc.integer({ min: 0, max: 999 }),
  result: fc.constantFrom(0, 1, 2, 3),
}) as fc.Arbitrary<SettlementBlock>;

describe("field 48 settlement totals", () => {
  it("the 0510 result digits sit at offsets 30 and 61", () => {
    const value = `${"0".repeat(30)}1${"0".repeat(30)}2`;
    const totals = parseSettlementTotals(value);
    expect(totals.domestic.result).toBe(1);
    expect(totals.foreign?.result).toBe(2);
  });

  it("round-trips both ways, with or without the foreign block", () => {
    fc.assert(
      fc.property(block, fc.option(block, { nil: undefined }), (domestic, foreign) => {
        const totals = foreign ? { domestic, foreign } : { domestic };
        const text = buildSettlementTotals(totals);
        expect(text).toHaveLength(foreign ? 62 : 31);
        expect(parseSettlementTotals(text)).toEqual(totals);
        expect(buildSettlementTotals(parseSettlementTotals(text))).toBe(text);
      }),
      { seed: 48, numRuns: 300 },
    );
  });

  it("names the part at fault", () => {
    expect(() => parseSettlementTotals("0".repeat(40))).toThrow(
      /field 48: settlement totals must be 31 or 62/,
    );
    expect(() => parseSettlementTotals(`${"0".repeat(30)}7`)).toThrow(/field 48.domestic.result/);
    expect(() =>
      buildSettlementTotals({
        domestic: { debitAmount: -1, debitCount: 0, creditAmount: 0, creditCount: 0, result: 0 },
      }),
    ).toThrow(/field 48.domestic.debitAmount/);
  });
});

describe("field 48 batch upload", () => {
  it("NN + 40-digit records: org, STAN, PAN right-aligned in 20, amount", () => {
    const records = [{ cardOrg: "00", stan: "000125", pan: "6217001234567890123", amount: 10000 }];
    const text = buildBatchUploadRecords(records);
    expect(text).toBe(`01 00 000125 06217001234567890123 000000010000`.replace(/\s/g, ""));
    expect(parseBatchUploadRecords(text)).toEqual(records);
  });

  it("at most 8 records per message", () => {
    const r = { cardOrg: "00", stan: "000001", pan: "6222020000000001", amount: 1 };
    expect(buildBatchUploadRecords(Array(8).fill(r))).toHaveLength(2 + 8 * 40);
    expect(() => buildBatchUploadRecords(Array(9).fill(r))).toThrow(/at most 8/);
    expect(() => parseBatchUploadRecords("02".padEnd(42, "0"))).toThrow(/2 records need 82 digits/);
  });

  it("END message carries the total count n4", () => {
    expect(buildBatchUploadCount(12)).toBe("0012");
    expect(parseBatchUploadCount("0012")).toBe(12);
  });
});
