import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cupSpec } from "../../../../protocol/iso8583/cup/spec.js";
import {
  buildInstantSettlementRequest,
  buildInstantSettlementResponse,
  INSTANT_HEADER_LENGTH,
  INSTANT_RECORD_LENGTH,
  InstantSettlementError,
  type InstantSettlementSummary,
  MAX_INSTANT_RECORDS,
  parseInstantSettlementRequest,
  parseInstantSettlementResponse,
} from "../../../../protocol/iso8583/subfields/instant-settlement.js";

const SUMMARY: InstantSettlementSummary = {
  enabled: true,
  date: "20261123",
  paidCount: 2,
  paidAmount: 3000,
  fees: 18,
  net: 2982,
  clawedBackCount: 1,
  clawedBackAmount: 994,
  balance: 1988,
  lastPayout: "20261123101502",
  records: [
    { stan: "000002", status: "voided", net: 994 },
    { stan: "000003", status: "paid", net: 1988 },
  ],
};
// Written out by hand from the layout in docs/instant-settlement.md.
const WIRE =
  "1" +
  "20261123" +
  "0002" +
  "000000003000" +
  "000000000018" +
  "000000002982" +
  "0001" +
  "000000000994" +
  "000000001988" +
  "20261123101502" +
  "02" +
  "000002V000000000994" +
  "000003P000000001988";

const entry = fc.record({
  stan: fc.stringMatching(/^[0-9]{6}$/),
  status: fc.constantFrom("paid" as const, "reversed" as const, "voided" as const),
  net: fc.integer({ min: 0, max: 999_999_999_999 }),
});
const fen = (digits: number) => fc.integer({ min: 0, max: 10 ** digits - 1 });
const date = fc
  .tuple(
    fc.integer({ min: 2000, max: 2099 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
  )
  .map(([y, m, d]) => `${y}${String(m).padStart(2, "0")}${String(d).padStart(2, "0")}`);
const summary: fc.Arbitrary<InstantSettlementSummary> = fc.record({
  enabled: fc.boolean(),
  date,
  paidCount: fen(4),
  paidAmount: fen(12),
  fees: fen(12),
  net: fen(12),
  clawedBackCount: fen(4),
  clawedBackAmount: fen(12),
  balance: fen(12),
  lastPayout: fc.option(
    fc.tuple(date, fc.stringMatching(/^[0-9]{6}$/)).map(([d, t]) => d + t),
    { nil: undefined },
  ),
  records: fc.array(entry, { maxLength: MAX_INSTANT_RECORDS }),
});

function onlyTyped(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InstantSettlementError);
  }
}

describe("D0 query field 62 (60.3 601)", () => {
  it("builds and parses the hand-written vector", () => {
    expect(buildInstantSettlementResponse(SUMMARY).toString("ascii")).toBe(WIRE);
    expect(parseInstantSettlementResponse(Buffer.from(WIRE, "ascii"))).toEqual(SUMMARY);
    expect(WIRE.length).toBe(INSTANT_HEADER_LENGTH + 2 * INSTANT_RECORD_LENGTH);
  });

  it("fits field 62 of the CUP spec at its largest", () => {
    const largest = INSTANT_HEADER_LENGTH + MAX_INSTANT_RECORDS * INSTANT_RECORD_LENGTH;
    expect(largest).toBeLessThanOrEqual(cupSpec.fields[62]!.length);
    expect(() =>
      buildInstantSettlementResponse({
        ...SUMMARY,
        records: Array.from({ length: MAX_INSTANT_RECORDS + 1 }, () => SUMMARY.records[0]!),
      }),
    ).toThrow(/field 62.12: at most 40/);
  });

  it("a merchant without D0: flag 0, zeros, no last payout", () => {
    const none = parseInstantSettlementResponse(
      buildInstantSettlementResponse({
        ...SUMMARY,
        enabled: false,
        paidCount: 0,
        paidAmount: 0,
        fees: 0,
        net: 0,
        clawedBackCount: 0,
        clawedBackAmount: 0,
        balance: 0,
        lastPayout: undefined,
        records: [],
      }),
    );
    expect(none.enabled).toBe(false);
    expect(none.lastPayout).toBeUndefined();
  });

  it("names the sub-field and offset of a bad byte", () => {
    const bad = `${WIRE.slice(0, 9)}00X2${WIRE.slice(13)}`;
    expect(() => parseInstantSettlementResponse(Buffer.from(bad))).toThrow(
      "field 62.3, offset 9: must be 4 digits",
    );
    const status = WIRE.replace("000002V", "000002X");
    expect(() => parseInstantSettlementResponse(Buffer.from(status))).toThrow(
      "field 62.12[0].status, offset 99",
    );
    expect(() => parseInstantSettlementResponse(Buffer.from(WIRE.slice(0, 100)))).toThrow(
      "field 62.12[0].net, offset 100: cut short",
    );
    expect(() => parseInstantSettlementResponse(Buffer.from(`${WIRE}0`))).toThrow(
      "field 62, offset 131: 1 bytes after",
    );
    expect(() => buildInstantSettlementResponse({ ...SUMMARY, fees: -1 })).toThrow("field 62.5");
    expect(() => buildInstantSettlementResponse({ ...SUMMARY, date: "20261323" })).toThrow("field 62.2");
  });

  it("request: optional date", () => {
    expect(buildInstantSettlementRequest()).toHaveLength(0);
    expect(parseInstantSettlementRequest(Buffer.alloc(0))).toEqual({});
    expect(parseInstantSettlementRequest(buildInstantSettlementRequest("20261123"))).toEqual({
      date: "20261123",
    });
    expect(() => buildInstantSettlementRequest("2026112")).toThrow(InstantSettlementError);
    expect(() => parseInstantSettlementRequest(Buffer.from("2026-11-2"))).toThrow("field 62.1, offset 0");
  });

  it("parse(build(x)) = x and build(parse(bytes)) = bytes", () => {
    fc.assert(
      fc.property(summary, (value) => {
        const bytes = buildInstantSettlementResponse(value);
        expect(bytes.length).toBe(INSTANT_HEADER_LENGTH + value.records.length * INSTANT_RECORD_LENGTH);
        const parsed = parseInstantSettlementResponse(bytes);
        expect(parsed).toEqual(value);
        expect(buildInstantSettlementResponse(parsed).equals(bytes)).toBe(true);
      }),
      { seed: 601, numRuns: 200 },
    );
  });

  it("random and truncated input only ever throws InstantSettlementError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        onlyTyped(() => parseInstantSettlementResponse(Buffer.from(bytes)));
        onlyTyped(() => parseInstantSettlementRequest(Buffer.from(bytes)));
      }),
      { seed: 6011, numRuns: 300 },
    );
    fc.assert(
      fc.property(summary, fc.nat(), (value, cut) => {
        const bytes = buildInstantSettlementResponse(value);
        const at = cut % bytes.length;
        expect(() => parseInstantSettlementResponse(bytes.subarray(0, at))).toThrow(InstantSettlementError);
      }),
      { seed: 6012, numRuns: 200 },
    );
  });
});
