import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AMOUNT_MAX_DIGITS,
  backspace,
  DIGIT_KEYS,
  type DigitKey,
  digitsToFen,
  formatFen,
  isValidMmdd,
  padStan,
  typeAmountDigit,
  typeFieldDigit,
} from "../../../firmware/terminal/index.js";

const typeAll = (keys: readonly DigitKey[]) => keys.reduce((digits, key) => typeAmountDigit(digits, key), "");

describe("amount entry arithmetic", () => {
  it("builds fen from the digits typed", () => {
    expect(digitsToFen(typeAll(["1", "2", "3", "4"]))).toBe(1234);
    expect(formatFen(1234)).toBe("12.34");
    expect(formatFen(5)).toBe("0.05");
    expect(formatFen(0)).toBe("0.00");
    expect(formatFen(123456789)).toBe("1,234,567.89");
  });

  it("ignores leading zeros and digits beyond 12", () => {
    expect(typeAll(["0", "0", "5"])).toBe("5");
    expect(typeAll(["5", "0", "0"])).toBe("500");
    const full = typeAll(Array.from({ length: 15 }, () => "9" as const));
    expect(full).toHaveLength(AMOUNT_MAX_DIGITS);
    expect(digitsToFen(full)).toBe(999_999_999_999);
    expect(formatFen(digitsToFen(full))).toBe("9,999,999,999.99");
  });

  it("clear removes the last digit, down to nothing", () => {
    expect(backspace("123")).toBe("12");
    expect(backspace("1")).toBe("");
    expect(backspace("")).toBe("");
  });

  it("agrees with integer arithmetic for any key sequence (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...DIGIT_KEYS, "clear" as const), { maxLength: 30 }), (keys) => {
        let digits = "";
        let fen = 0;
        let count = 0;
        for (const key of keys) {
          if (key === "clear") {
            digits = backspace(digits);
            fen = Math.trunc(fen / 10);
            count = fen === 0 ? 0 : count - 1;
          } else if (count < AMOUNT_MAX_DIGITS && !(count === 0 && key === "0")) {
            digits = typeAmountDigit(digits, key);
            fen = fen * 10 + Number(key);
            count++;
          } else {
            expect(typeAmountDigit(digits, key)).toBe(digits);
          }
        }
        expect(digitsToFen(digits)).toBe(fen);
        expect(digits).toBe(fen === 0 ? "" : String(fen));
        expect(formatFen(fen).replace(/[,.]/g, "").replace(/^0+/, "")).toBe(fen === 0 ? "" : String(fen));
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe("original-transaction fields", () => {
  it("caps each field at its width", () => {
    expect(typeFieldDigit("123456", "7", "stan")).toBe("123456");
    expect(typeFieldDigit("123", "4", "date")).toBe("1234");
    expect(typeFieldDigit("1234", "5", "date")).toBe("1234");
    expect(typeFieldDigit("12345678901", "2", "rrn")).toBe("123456789012");
    expect(typeFieldDigit("123456789012", "3", "rrn")).toBe("123456789012");
  });

  it("pads the STAN to 6 digits", () => {
    expect(padStan("42")).toBe("000042");
    expect(padStan("123456")).toBe("123456");
  });

  it("accepts only real MMDD dates", () => {
    for (const good of ["0101", "0229", "1231", "0430"]) expect(isValidMmdd(good), good).toBe(true);
    for (const bad of ["0000", "1301", "0230", "0431", "0100", "123", "12345", "12a1"]) {
      expect(isValidMmdd(bad), bad).toBe(false);
    }
  });
});
