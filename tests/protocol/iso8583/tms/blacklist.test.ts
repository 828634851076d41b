import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildBlacklistPage,
  buildBlacklistRequest,
  parseBlacklistPage,
  parseBlacklistRequest,
  TmsError,
  type TmsPageStatus,
} from "../../../../protocol/iso8583/tms/index.js";
import { onlyTmsErrors } from "./fuzz.js";

const pan = fc
  .integer({ min: 12, max: 19 })
  .chain((n) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }))
  .map((d) => d.join(""));

describe("black list (390, this project's format)", () => {
  it("request is a 3-digit count", () => {
    expect(buildBlacklistRequest(0).toString("latin1")).toBe("000");
    expect(parseBlacklistRequest(Buffer.from("042"))).toEqual({ received: 42 });
    expect(() => buildBlacklistRequest(1000)).toThrow(TmsError);
  });

  it("byte vector", () => {
    const bytes = buildBlacklistPage({ status: "last", pans: ["6225881234567890", "4761739001010119"] });
    expect(bytes.toString("latin1")).toBe("1166225881234567890164761739001010119");
    expect(parseBlacklistPage(bytes).pans).toEqual(["6225881234567890", "4761739001010119"]);
  });

  it("parse ∘ build is the identity", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<TmsPageStatus>("none", "last", "more"),
        fc.array(pan, { maxLength: 8 }),
        (s, pans) => {
          expect(parseBlacklistPage(buildBlacklistPage({ status: s, pans }))).toEqual({ status: s, pans });
        },
      ),
      { seed: 390, numRuns: 200 },
    );
  });

  it("names the entry and offset", () => {
    expect(() => parseBlacklistPage(Buffer.from("1166225881234"))).toThrow(/blacklist entry 1, offset 1/);
    expect(() => parseBlacklistPage(Buffer.from("105123456789012"))).toThrow(/PAN length 5/);
  });

  it("random and truncated input only throws TmsError", () => {
    onlyTmsErrors((d) => parseBlacklistPage(d), Buffer.from("2166225881234567890"), 3901);
    onlyTmsErrors((d) => parseBlacklistRequest(d), Buffer.from("123"), 3902);
  });
});
