import { describe, expect, it } from "vitest";
import {
  align,
  autoStatusBack,
  barcode,
  bold,
  charSize,
  chineseMode,
  codeTable,
  cut,
  EscPosError,
  feed,
  init,
  lineSpacing,
  packMonochrome,
  qrCode,
  qrErrorLevel,
  qrModel2,
  qrModuleSize,
  qrPrint,
  qrStore,
  rasterImage,
  statusRequest,
  text,
  underline,
} from "../../../protocol/escpos/index.js";
import { toHex } from "../../../protocol/hex.js";

const hex = (b: Buffer) => toHex(b);

describe("ESC/POS command bytes (device-protocols.md §5.1)", () => {
  it("basic modes", () => {
    expect(hex(init())).toBe("1B40");
    expect(hex(align("left"))).toBe("1B6100");
    expect(hex(align("center"))).toBe("1B6101");
    expect(hex(align("right"))).toBe("1B6102");
    expect(hex(bold(true))).toBe("1B4501");
    expect(hex(bold(false))).toBe("1B4500");
    expect(hex(underline(1))).toBe("1B2D01");
    expect(hex(charSize(2, 2))).toBe("1D2111");
    expect(hex(charSize(1, 1))).toBe("1D2100");
    expect(hex(charSize(8, 3))).toBe("1D2172");
    expect(hex(lineSpacing())).toBe("1B32");
    expect(hex(lineSpacing(30))).toBe("1B331E");
    expect(hex(feed(3))).toBe("1B6403");
    expect(hex(codeTable(0))).toBe("1B7400");
    expect(hex(chineseMode(true))).toBe("1C26");
    expect(hex(chineseMode(false))).toBe("1C2E");
  });

  it("cuts: in place and feed-and-cut (receiptline's 1D 56 42 00)", () => {
    expect(hex(cut())).toBe("1D5600");
    expect(hex(cut({ partial: true }))).toBe("1D5601");
    expect(hex(cut({ partial: true, feed: 0 }))).toBe("1D564200");
    expect(hex(cut({ feed: 16 }))).toBe("1D564110");
  });

  it("real-time status and ASB", () => {
    expect([1, 2, 3, 4].map((n) => hex(statusRequest(n as 1 | 2 | 3 | 4)))).toEqual([
      "100401",
      "100402",
      "100403",
      "100404",
    ]);
    expect(hex(autoStatusBack(true))).toBe("1D61FF");
    expect(hex(autoStatusBack(false))).toBe("1D6100");
  });

  it("QR code model 2: size, error level, store (pL pH = len + 3), print", () => {
    expect(hex(qrModel2())).toBe("1D286B0400314132" + "00");
    expect(hex(qrModuleSize(6))).toBe("1D286B0300314306");
    expect(["L", "M", "Q", "H"].map((l) => hex(qrErrorLevel(l as "L")))).toEqual([
      "1D286B0300314530",
      "1D286B0300314531",
      "1D286B0300314532",
      "1D286B0300314533",
    ]);
    expect(hex(qrStore("AB"))).toBe("1D286B0500315030" + "4142");
    expect(hex(qrPrint())).toBe("1D286B0300315130");
    expect(hex(qrCode("AB", { size: 4, errorLevel: "L" }))).toBe(
      "1D286B04003141320" + "01D286B03003143041D286B03003145301D286B05003150304142" + "1D286B0300315130",
    );
    const long = qrStore("x".repeat(300));
    expect(long.subarray(3, 5)).toEqual(Buffer.from([303 & 0xff, 303 >> 8]));
  });

  it("CODE128 barcode in set B with HRI, height and width", () => {
    expect(hex(barcode("CODE128", "A{1", { height: 60, width: 3, hri: "below" }))).toBe(
      "1D4802" + "1D683C" + "1D7703" + "1D6B49" + "06" + "7B42417B7B31",
    );
    expect(hex(barcode("EAN13", "692123456789", { hri: "none" }))).toBe(
      `1D48001D68501D77021D6B430C${toHex(Buffer.from("692123456789"))}`,
    );
  });

  it("raster image GS v 0 from a monochrome pixel array (MSB leftmost, rows padded)", () => {
    // 10 x 2: row 0 = first and last pixel black, row 1 = all black.
    const pixels = [1, 0, 0, 0, 0, 0, 0, 0, 0, 1, ...Array(10).fill(1)];
    const bitmap = packMonochrome(pixels, 10, 2);
    expect(hex(bitmap.data)).toBe("8040" + "FFC0");
    expect(hex(rasterImage(bitmap))).toBe("1D763000" + "0200" + "0200" + "8040FFC0");
    expect(hex(rasterImage(bitmap, "quadruple")).slice(0, 8)).toBe("1D763003");
  });

  it("Chinese text: FS & + GB18030, ASCII single-byte", () => {
    expect(hex(text("签购单"))).toBe("1C26C7A9B9BAB5A51C2E");
    expect(hex(text("SALE 1"))).toBe("53414C452031");
    expect(hex(text("金额 RMB"))).toBe("1C26BDF0B6EE20524D421C2E");
  });

  it("refuses bad parameters and control characters with EscPosError naming the field", () => {
    expect(() => charSize(0, 1)).toThrow(EscPosError);
    expect(() => charSize(1, 9)).toThrow(/size.height/);
    expect(() => feed(256)).toThrow(EscPosError);
    expect(() => qrModuleSize(17)).toThrow(/qr.size/);
    expect(() => qrStore("")).toThrow(EscPosError);
    expect(() => barcode("EAN13", "12")).toThrow(/barcode.data/);
    expect(() => barcode("CODE128", "中")).toThrow(EscPosError);
    expect(() => barcode("CODE128", "x".repeat(300))).toThrow(/max 255/);
    expect(() => text("shop\x1b@")).toThrow(/offset 4/);
    expect(() => packMonochrome([1, 0], 3, 1)).toThrow(EscPosError);
    expect(() => rasterImage({ width: 8, height: 2, data: Buffer.alloc(1) })).toThrow(/image.data/);
  });
});
