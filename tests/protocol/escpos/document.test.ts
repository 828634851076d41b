import { describe, expect, it } from "vitest";
import {
  displayWidth,
  EscPosError,
  encodeReceipt,
  labelValue,
  wrapColumns,
} from "../../../protocol/escpos/index.js";
import { toHex } from "../../../protocol/hex.js";

describe("receipt document encoding", () => {
  it("ESC @ first; style commands only on change; Chinese mode once, off at the end", () => {
    const bytes = encodeReceipt({
      elements: [
        { kind: "text", text: "A" },
        { kind: "text", text: "金额" },
        { kind: "text", text: "B" },
        { kind: "cut" },
      ],
    });
    expect(toHex(bytes)).toBe("1B40" + "410A" + "1C26" + "BDF0B6EE0A" + "420A" + "1D5600" + "1C2E");
  });

  it("an ASCII-only slip never switches to Chinese mode", () => {
    const bytes = encodeReceipt({ elements: [{ kind: "text", text: "SALE" }] });
    expect(toHex(bytes)).toBe("1B4053414C450A");
  });

  it("refuses control characters (ESC injection through a merchant name) naming the element", () => {
    expect(() =>
      encodeReceipt({
        elements: [
          { kind: "text", text: "ok" },
          { kind: "text", text: "便利店\x1dV\x00" },
        ],
      }),
    ).toThrow(EscPosError);
    expect(() => encodeReceipt({ elements: [{ kind: "text", text: "a\nb" }] })).toThrow(
      /elements\[0\]\.text/,
    );
  });
});

describe("column layout (CJK = 2 columns)", () => {
  it("measures and wraps without splitting a character", () => {
    expect(displayWidth("商户 NO.")).toBe(8);
    expect(wrapColumns("签购单签购单", 5)).toEqual(["签购", "单签", "购单"]);
    expect(wrapColumns("", 5)).toEqual([""]);
  });

  it("label and value on one line when they fit, value right-aligned below when not", () => {
    expect(labelValue("批次号 BATCH NO.", "000123", 32)).toEqual(["批次号 BATCH NO.          000123"]);
    expect(labelValue("商户名称 MERCHANT NAME", "上海浦东示例便利店", 32)).toEqual([
      "商户名称 MERCHANT NAME",
      "              上海浦东示例便利店",
    ]);
  });
});
