import { describe, expect, it } from "vitest";
import { isApproved, RESPONSE_CODES, responseCode } from "../../../../protocol/iso8583/cup/response-codes.js";

describe("response codes", () => {
  it("carries Chinese and English text, class and re-sign-in flag", () => {
    expect(responseCode("00")).toMatchObject({ zh: "交易成功", action: "A", reSignIn: false });
    expect(responseCode("55").action).toBe("B");
    expect(responseCode("41").action).toBe("D");
    for (const code of ["22", "77", "99", "A0"]) expect(responseCode(code).reSignIn).toBe(true);
  });

  it("approval is class A only", () => {
    expect(["00", "10", "11", "A2", "A4", "A5", "A6"].every(isApproved)).toBe(true);
    expect(["05", "51", "A0", "constructor", "ZZ"].some(isApproved)).toBe(false);
  });

  it("an unknown code is a fault, never an approval (and never a prototype property)", () => {
    expect(responseCode("Q9")).toMatchObject({ action: "E", en: "Unknown response code Q9" });
    expect(responseCode("constructor").action).toBe("E");
  });

  it("every code is 2 characters with both texts", () => {
    for (const [code, info] of Object.entries(RESPONSE_CODES)) {
      expect(code).toMatch(/^[0-9A-Z]{2}$/);
      expect(info.zh.length).toBeGreaterThan(0);
      expect(info.en.length).toBeGreaterThan(0);
    }
  });
});
