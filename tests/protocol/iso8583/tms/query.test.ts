import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildAidQueryResponse,
  buildCapkQueryResponse,
  buildQueryRequest,
  buildTmsRequest,
  type CapkListEntry,
  parseAidQueryResponse,
  parseCapkQueryResponse,
  parseQueryRequest,
  TmsError,
  type TmsPageStatus,
} from "../../../../protocol/iso8583/tms/index.js";
import { onlyTmsErrors } from "./fuzz.js";

const hexOf = (n: number, m = n) =>
  fc.uint8Array({ minLength: n, maxLength: m }).map((b) => Buffer.from(b).toString("hex").toUpperCase());
const status = fc.constantFrom<TmsPageStatus>("none", "last", "more");
const capkEntry: fc.Arbitrary<CapkListEntry> = fc.record({
  rid: hexOf(5),
  index: hexOf(1),
  expiry: fc.integer({ min: 20000101, max: 20991231 }).map(String),
});

describe("query request (372 / 382)", () => {
  it('is "1" + two digits of entries received', () => {
    expect(buildQueryRequest(0).toString("latin1")).toBe("100");
    expect(buildQueryRequest(7).toString("latin1")).toBe("107");
    expect(parseQueryRequest(Buffer.from("112"))).toEqual({ received: 12 });
    expect(() => buildQueryRequest(100)).toThrow(TmsError);
    expect(() => parseQueryRequest(Buffer.from("212"))).toThrow(/query, offset 0/);
    expect(() => parseQueryRequest(Buffer.from("1A2"))).toThrow(/query.count, offset 1/);
  });

  it("random input only throws TmsError", () => {
    onlyTmsErrors((d) => parseQueryRequest(d), Buffer.from("103"), 3721);
  });
});

describe("CAPK query answer", () => {
  it("byte vector", () => {
    const bytes = buildCapkQueryResponse({
      status: "more",
      entries: [{ rid: "A000000333", index: "08", expiry: "20241231" }],
    });
    expect(bytes.toString("hex").toUpperCase()).toBe("329F0605A0000003339F220108DF05083230323431323331");
    expect(parseCapkQueryResponse(bytes).status).toBe("more");
    expect(parseCapkQueryResponse(Buffer.from("0"))).toEqual({ status: "none", entries: [] });
  });

  it("parse ∘ build is the identity", () => {
    fc.assert(
      fc.property(status, fc.array(capkEntry, { maxLength: 6 }), (s, entries) => {
        expect(parseCapkQueryResponse(buildCapkQueryResponse({ status: s, entries }))).toEqual({
          status: s,
          entries,
        });
      }),
      { seed: 372, numRuns: 200 },
    );
  });

  it("refuses entries out of order, naming the entry", () => {
    const bytes = Buffer.concat([Buffer.from("1"), Buffer.from("9F220108DF05083230323431323331", "hex")]);
    expect(() => parseCapkQueryResponse(bytes)).toThrow(/capk query/);
    const swapped = Buffer.from("319F220108" + "9F0605A000000333" + "DF05083230323431323331", "hex");
    expect(() => parseCapkQueryResponse(swapped)).toThrow(/capk query entry 1.*expected 9F06/);
  });

  it("random and truncated input only throws TmsError", () => {
    const valid = buildCapkQueryResponse({
      status: "last",
      entries: [
        { rid: "A000000333", index: "08", expiry: "20241231" },
        { rid: "A000000333", index: "09", expiry: "20301231" },
      ],
    });
    onlyTmsErrors((d) => parseCapkQueryResponse(d), valid, 3722);
  });
});

describe("AID query answer", () => {
  it("byte vector and identity", () => {
    const bytes = buildAidQueryResponse({ status: "last", entries: ["A000000333010101"] });
    expect(bytes.toString("hex").toUpperCase()).toBe("319F0608A000000333010101");
    fc.assert(
      fc.property(status, fc.array(hexOf(5, 16), { maxLength: 6 }), (s, entries) => {
        expect(parseAidQueryResponse(buildAidQueryResponse({ status: s, entries }))).toEqual({
          status: s,
          entries,
        });
      }),
      { seed: 382, numRuns: 200 },
    );
  });

  it("random and truncated input only throws TmsError", () => {
    const valid = buildAidQueryResponse({ status: "more", entries: ["A000000333010101", "A0000000031010"] });
    onlyTmsErrors((d) => parseAidQueryResponse(d), valid, 3821);
  });
});

describe("TMS request message", () => {
  it("carries 60.3 and 62, 0820 for the queries", () => {
    const m = buildTmsRequest({
      terminalId: "12345678",
      merchantId: "123456789012345",
      stan: "000012",
      batch: "000001",
      code: "372",
      data: buildQueryRequest(0),
    });
    expect(m.mti).toBe("0820");
    expect(m.fields[60]).toBe("00000001372");
    expect(m.fields[62]).toBe("313030");
    const end = buildTmsRequest({
      terminalId: "1",
      merchantId: "2",
      stan: "000013",
      batch: "000001",
      code: "371",
    });
    expect(end.mti).toBe("0800");
    expect(end.fields[62]).toBeUndefined();
  });
});
