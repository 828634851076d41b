import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TransactionRecord } from "../../../firmware/journal/transaction-record.js";
import {
  displayWidth,
  eReceiptUrl,
  formatAmount,
  formatRmb,
  labelValue,
  printable,
  printedPan,
  ReceiptError,
  slipDateTime,
  validateReceiptOptions,
  wrapWords,
} from "../../../firmware/receipts/index.js";
import { maskPan } from "../../../protocol/pan-mask.js";
import { options32, saleRecord } from "./fixtures.js";

const textArb = fc.string({
  unit: fc.constantFrom("a", "Z", "7", " ", "/", "商", "户", "，", "：", "¥"),
  maxLength: 60,
});

describe("displayWidth", () => {
  it("counts ASCII as 1 and CJK / full-width as 2", () => {
    expect(displayWidth("")).toBe(0);
    expect(displayWidth("RMB 12.34")).toBe(9);
    expect(displayWidth("商户编号")).toBe(8);
    expect(displayWidth("卡号 CARD NO.")).toBe(13);
    expect(displayWidth("，")).toBe(2);
  });
});

describe("labelValue", () => {
  it("puts label and value on one line, value flush right", () => {
    expect(labelValue("凭证号 VOUCHER NO.", "000456", 32)).toEqual(["凭证号 VOUCHER NO.        000456"]);
    expect(displayWidth(labelValue("凭证号 VOUCHER NO.", "000456", 32)[0]!)).toBe(32);
  });

  it("moves the value to its own right-aligned line when both do not fit", () => {
    expect(labelValue("商户编号 MERCHANT NO.", "898310058120001", 32)).toEqual([
      "商户编号 MERCHANT NO.",
      "                 898310058120001",
    ]);
  });

  it("needs at least one space between label and value", () => {
    expect(labelValue("A".repeat(26), "123456", 32)).toHaveLength(2);
    expect(labelValue("A".repeat(25), "123456", 32)).toEqual([`${"A".repeat(25)} 123456`]);
  });

  it("never gives a line wider than the columns and keeps every character", () => {
    fc.assert(
      fc.property(textArb, textArb, fc.constantFrom(32, 48), (left, right, columns) => {
        const lines = labelValue(left, right, columns);
        for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(columns);
        expect(lines.join("").replace(/ /g, "")).toBe((left + right).replace(/ /g, ""));
      }),
      { seed: 7001, numRuns: 400 },
    );
  });
});

describe("wrapWords", () => {
  it("breaks at spaces, inside a word only when it alone is too wide", () => {
    expect(wrapWords("I ACKNOWLEDGE SATISFACTORY RECEIPT", 20)).toEqual([
      "I ACKNOWLEDGE",
      "SATISFACTORY RECEIPT",
    ]);
    expect(wrapWords("X".repeat(25), 10)).toEqual(["XXXXXXXXXX", "XXXXXXXXXX", "XXXXX"]);
  });

  it("never exceeds the width", () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 2, max: 48 }), (text, columns) => {
        for (const line of wrapWords(text, columns)) expect(displayWidth(line)).toBeLessThanOrEqual(columns);
      }),
      { seed: 7002, numRuns: 400 },
    );
  });
});

describe("formatAmount", () => {
  it("formats fen as yuan with two decimals", () => {
    expect(formatAmount(1234)).toBe("12.34");
    expect(formatAmount(5)).toBe("0.05");
    expect(formatAmount(0)).toBe("0.00");
    expect(formatAmount(-1234)).toBe("-12.34");
    expect(formatAmount(-5)).toBe("-0.05");
    expect(formatAmount(100)).toBe("1.00");
    expect(formatAmount(Number.MAX_SAFE_INTEGER)).toBe("90071992547409.91");
    expect(formatRmb(12850)).toBe("RMB 128.50");
  });

  it("is exact for every safe integer (checked with BigInt)", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (fen) => {
        const big = BigInt(fen);
        const abs = big < 0n ? -big : big;
        const expected = `${big < 0n ? "-" : ""}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
        expect(formatAmount(fen)).toBe(expected);
      }),
      { seed: 7003, numRuns: 1000 },
    );
  });

  it("refuses fractions and non-numbers with a ReceiptError", () => {
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      expect(() => formatAmount(bad)).toThrow(ReceiptError);
    }
  });
});

describe("printedPan", () => {
  it("prints the masked PAN as stored", () => {
    expect(printedPan({ maskedPan: "622848******1234" })).toBe("622848******1234");
  });

  it("masks again a clear PAN that reached maskedPan by mistake", () => {
    expect(printedPan({ maskedPan: "6228480012345671234" })).toBe("622848*********1234");
    expect(printedPan({ maskedPan: "6228 4800 1234 5671" })).toBe("6228 4*** **** 5671");
  });

  it("falls back to the last 4, or nothing", () => {
    expect(printedPan({ panLast4: "9876" })).toBe("************9876");
    expect(printedPan({})).toBeUndefined();
    expect(printedPan({ panLast4: "98x6" })).toBeUndefined();
  });

  it("never shows more than the first 6 and last 4 digits of any PAN, however it is stored", () => {
    const panArb = fc
      .integer({ min: 12, max: 19 })
      .chain((n) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`)));
    fc.assert(
      fc.property(panArb, fc.constantFrom("clear", "masked", "spaced"), (pan, form) => {
        const stored =
          form === "clear" ? pan : form === "masked" ? maskPan(pan) : pan.replace(/(\d{4})/g, "$1 ").trim();
        const shown = printedPan({ maskedPan: stored })!;
        const digits = shown.replace(/\D/g, "");
        expect(digits.length).toBeLessThanOrEqual(10);
        expect(shown).not.toContain(pan);
        if (form !== "spaced") expect(shown.endsWith(pan.slice(-4))).toBe(true);
      }),
      { seed: 7004, numRuns: 500 },
    );
  });
});

describe("printable", () => {
  it("turns control characters into '?'", () => {
    expect(printable("A\u001bB\nC\u007f")).toBe("A?B?C?");
  });
});

describe("receipt options", () => {
  it("accepts the documented shape", () => {
    expect(() =>
      validateReceiptOptions({
        ...options32,
        eReceipt: { urlTemplate: "https://r.example/{terminalId}/{batch}{stan}" },
      }),
    ).not.toThrow();
  });

  it("names the setting at fault", () => {
    expect(() => validateReceiptOptions({ ...options32, columns: 40 as 32 })).toThrow(/options\.columns/);
    expect(() => validateReceiptOptions({ ...options32, copies: 4 as 3 })).toThrow(/options\.copies/);
    expect(() => validateReceiptOptions({ ...options32, merchantName: " " })).toThrow(
      /options\.merchantName/,
    );
    expect(() =>
      validateReceiptOptions({ ...options32, eReceipt: { urlTemplate: "https://x/{pan}" } }),
    ).toThrow(/options\.eReceipt\.urlTemplate: unknown placeholder \{pan\}/);
  });

  it("fills the e-receipt URL, URL-encoding each value", () => {
    const record = saleRecord({ orderId: "A B/1" });
    expect(eReceiptUrl("https://r.example/{terminalId}/{batch}{stan}", record)).toBe(
      "https://r.example/10000123/000123000456",
    );
    expect(eReceiptUrl("https://r.example/o/{orderId}?id={id}&rrn={rrn}", record)).toBe(
      "https://r.example/o/A%20B%2F1?id=42&rrn=240615123456",
    );
  });
});

describe("slipDateTime", () => {
  const at = (over: Partial<TransactionRecord>) => slipDateTime(saleRecord(over));

  it("prints the host's date and time with the local year", () => {
    expect(at({})).toBe("2024/06/15 12:34:56");
  });

  it("uses createdAt in Beijing time when the host sent no date", () => {
    expect(at({ hostDate: undefined, hostTime: undefined })).toBe("2024/06/15 12:34:50");
    expect(slipDateTime(saleRecord({ hostDate: undefined }), 0)).toBe("2024/06/15 04:34:50");
  });

  it("moves the year when the host's month straddles New Year", () => {
    expect(at({ hostDate: "1231", hostTime: "235959", createdAt: "2024-12-31T16:00:01.000Z" })).toBe(
      "2024/12/31 23:59:59",
    );
    expect(at({ hostDate: "0101", hostTime: "000001", createdAt: "2024-12-31T15:59:59.000Z" })).toBe(
      "2025/01/01 00:00:01",
    );
  });
});
