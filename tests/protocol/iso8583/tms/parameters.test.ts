import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildTerminalParameters,
  parseTerminalParameters,
  type TerminalParameters,
} from "../../../../protocol/iso8583/tms/index.js";
import { onlyTmsErrors } from "./fuzz.js";

const phone = fc.stringMatching(/^[0-9]{0,14}$/);
const paramsArb: fc.Arbitrary<TerminalParameters> = fc.record(
  {
    applicationType: fc.stringMatching(/^\d{2}$/),
    timeoutSeconds: fc.integer({ min: 0, max: 99 }),
    retries: fc.integer({ min: 0, max: 9 }),
    transactionPhones: fc.array(phone, { minLength: 1, maxLength: 3 }),
    managementPhone: phone,
    tipsSupported: fc.boolean(),
    tipPercent: fc.integer({ min: 0, max: 99 }),
    manualEntryAllowed: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe("terminal parameters (360)", () => {
  it("byte vector", () => {
    const text = `116012601331402150001111${" ".repeat(3)}17075500000000${" ".repeat(2)}181191520${"0"}`;
    const parsed = parseTerminalParameters(Buffer.from(text, "latin1"));
    expect(parsed).toEqual({
      applicationType: "60",
      timeoutSeconds: 60,
      retries: 3,
      transactionPhones: ["02150001111"],
      managementPhone: "075500000000",
      tipsSupported: true,
      tipPercent: 15,
      manualEntryAllowed: false,
    });
    expect(buildTerminalParameters(parsed).toString("latin1")).toBe(text);
  });

  it("parse ∘ build is the identity", () => {
    fc.assert(
      fc.property(paramsArb, (p) => {
        expect(parseTerminalParameters(buildTerminalParameters(p))).toEqual(p);
      }),
      { seed: 360, numRuns: 200 },
    );
  });

  it("refuses an unknown code, naming it and its offset", () => {
    expect(() => parseTerminalParameters(Buffer.from("126099abc"))).toThrow(
      /parameter 99, offset 4: unknown parameter code/,
    );
    expect(() => parseTerminalParameters(Buffer.from("12x1"))).toThrow(/parameter 12, offset 2/);
    expect(() => parseTerminalParameters(Buffer.from("1260126"))).toThrow(/parameter repeated/);
  });

  it("random and truncated input only throws TmsError", () => {
    onlyTmsErrors(
      (d) => parseTerminalParameters(d),
      Buffer.from(`126013314${"0215000111119".padEnd(14)}181`),
      3601,
    );
  });
});
