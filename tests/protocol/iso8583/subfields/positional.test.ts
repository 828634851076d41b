import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Iso8583Error } from "../../../../protocol/iso8583/errors.js";
import { buildField44, parseField44 } from "../../../../protocol/iso8583/subfields/field44.js";
import { buildField53, parseField53 } from "../../../../protocol/iso8583/subfields/field53.js";
import {
  buildField60,
  FIELD60_LAYOUT,
  parseField60,
} from "../../../../protocol/iso8583/subfields/field60.js";
import { buildField61, parseField61 } from "../../../../protocol/iso8583/subfields/field61.js";
import { buildField63, parseField63 } from "../../../../protocol/iso8583/subfields/field63.js";

describe("field 60", () => {
  it("splits the financial example 22000024000600 (§1.4)", () => {
    expect(parseField60("22000024000600")).toEqual({
      txnType: "22",
      batch: "000024",
      netMgmtCode: "000",
      readCapability: "6",
      icCondition: "0",
      partialApproval: "0",
    });
  });

  it("management form: 00 + batch + code", () => {
    expect(parseField60("00000519003")).toEqual({ txnType: "00", batch: "000519", netMgmtCode: "003" });
    expect(buildField60({ txnType: "00", batch: "000519", netMgmtCode: "003" })).toBe("00000519003");
  });

  it("is the identity both ways on every prefix of the layout", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.stringMatching(/^[0-9]{17}$/), (count, digits) => {
        const subs = FIELD60_LAYOUT.subs.slice(0, count);
        const text = digits.slice(
          0,
          subs.reduce((n, s) => n + s.length, 0),
        );
        const record = parseField60(text);
        expect(buildField60(record)).toBe(text);
        expect(parseField60(buildField60(record))).toEqual(record);
      }),
      { seed: 60, numRuns: 300 },
    );
  });

  it("names the sub-field at fault", () => {
    expect(() => parseField60("2200002")).toThrow(/field 60.2: cut short/);
    expect(() => parseField60("22000024A00")).toThrow(/field 60.3/);
    expect(() => buildField60({ txnType: "22", batch: "24" })).toThrow(/field 60.2: must be 6 characters/);
    expect(() => buildField60({ txnType: "22", netMgmtCode: "000" })).toThrow(
      /field 60.3: present while 60.2/,
    );
    expect(() => parseField60("")).toThrow(Iso8583Error);
    expect(() => parseField60("22000024000600123X")).toThrow(Iso8583Error);
  });
});

describe("field 61", () => {
  it("original batch + STAN + date, with an optional variable institution", () => {
    const record = { originalBatch: "000001", originalStan: "000125", originalDate: "0721" };
    expect(buildField61(record)).toBe("0000010001250721");
    expect(parseField61("0000010001250721")).toEqual(record);
    const full = "00000100012507210048520000";
    expect(parseField61(full)).toMatchObject({ authMethod: "00", authInstitution: "48520000" });
    expect(buildField61(parseField61(full))).toBe(full);
  });
});

describe("field 53", () => {
  it("PIN format, algorithm, track encryption, reserved", () => {
    expect(parseField53("2610000000000000")).toEqual({
      pinFormat: "2",
      encryptionMethod: "6",
      trackEncryption: "1",
      reserved: "0000000000000",
    });
    expect(buildField53(parseField53("2600000000000000"))).toBe("2600000000000000");
    expect(() => parseField53("26")).toThrow(/field 53.3: missing/);
  });
});

describe("field 63 and field 44", () => {
  it("63: operator in a request, card org + text in a response", () => {
    expect(parseField63("001")).toEqual({ code: "001" });
    expect(parseField63("CUPIssuer Bank")).toEqual({ code: "CUP", text: "Issuer Bank" });
    expect(buildField63({ code: "01 " })).toBe("01 ");
  });

  it("44: issuer id (11) + acquirer id, spaces kept as sent", () => {
    const value = "03080000   48520000   ";
    expect(parseField44(value)).toEqual({ issuerId: "03080000   ", acquirerId: "48520000   " });
    expect(buildField44(parseField44(value))).toBe(value);
  });
});
