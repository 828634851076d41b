import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type EscPosCommand,
  EscPosError,
  EscPosStreamParser,
  encodeReceipt,
  packMonochrome,
  type ReceiptDocument,
  renderReceiptText,
} from "../../../protocol/escpos/index.js";
import { fromHex } from "../../../protocol/hex.js";

function parseAll(bytes: Buffer, chunk = bytes.length): EscPosCommand[] {
  const p = new EscPosStreamParser();
  const out: EscPosCommand[] = [];
  for (let i = 0; i < bytes.length; i += Math.max(1, chunk))
    out.push(...p.push(bytes.subarray(i, i + chunk)));
  out.push(...p.end());
  return out;
}

const doc: ReceiptDocument = {
  columns: 32,
  lineSpacing: 30,
  elements: [
    { kind: "text", text: "POS 签购单", style: { align: "center", bold: true, width: 2, height: 2 } },
    { kind: "text", text: "CARD 622848******1234", style: { underline: 1 } },
    { kind: "feed", lines: 2 },
    { kind: "qr", content: "https://e.example.cn/r/1", size: 5, errorLevel: "Q" },
    { kind: "barcode", type: "CODE128", data: "REF{240615}", hri: "none" },
    { kind: "image", bitmap: packMonochrome(Array(16 * 3).fill(1), 16, 3) },
    { kind: "cut", partial: true, feed: 0 },
  ],
};

describe("EscPosStreamParser", () => {
  it("parses what the encoder emits, in one chunk or byte by byte", () => {
    const bytes = encodeReceipt(doc);
    const whole = parseAll(bytes);
    expect(parseAll(bytes, 1)).toEqual(whole);
    expect(whole).toEqual([
      { kind: "init" },
      { kind: "lineSpacing", dots: 30 },
      { kind: "align", align: "center" },
      { kind: "bold", on: true },
      { kind: "size", width: 2, height: 2 },
      { kind: "chineseMode", on: true },
      { kind: "text", text: "POS 签购单" },
      { kind: "lf" },
      { kind: "align", align: "left" },
      { kind: "bold", on: false },
      { kind: "underline", mode: 1 },
      { kind: "size", width: 1, height: 1 },
      { kind: "text", text: "CARD 622848******1234" },
      { kind: "lf" },
      { kind: "feed", lines: 2 },
      { kind: "align", align: "center" },
      { kind: "qrModel", model: 2 },
      { kind: "qrSize", size: 5 },
      { kind: "qrErrorLevel", level: 2 },
      { kind: "qrStore", data: Buffer.from("https://e.example.cn/r/1") },
      { kind: "qrPrint" },
      { kind: "barcodeHri", position: 0 },
      { kind: "barcodeHeight", dots: 80 },
      { kind: "barcodeWidth", width: 2 },
      { kind: "barcode", type: "CODE128", text: "REF{240615}" },
      { kind: "raster", scale: 0, width: 16, height: 3, data: Buffer.alloc(6, 0xff) },
      { kind: "cut", partial: true, feed: 0 },
      { kind: "chineseMode", on: false },
    ]);
  });

  it("decodes Chinese only in Chinese mode: without FS & the GB18030 bytes are mojibake", () => {
    const gb = fromHex("C7A9B9BAB5A50A", "text");
    expect(parseAll(Buffer.concat([fromHex("1C26", "fs"), gb]))[1]).toEqual({ kind: "text", text: "签购单" });
    const wrong = parseAll(gb)[0] as { kind: "text"; text: string };
    expect(wrong.text).not.toBe("签购单");
  });

  it("takes status requests, ASB enable, format A barcodes, drawer pulses and unknown commands", () => {
    expect(
      parseAll(fromHex("100404" + "1D61FF" + "1D6B0230313200" + "1B700019FA" + "1B5A" + "07", "x")),
    ).toEqual([
      { kind: "statusRequest", n: 4 },
      { kind: "autoStatusBack", mask: 0xff },
      { kind: "barcode", type: "EAN13", text: "012" },
      { kind: "drawerPulse", pin: 2 },
      { kind: "unknown", bytes: fromHex("1B5A", "x") },
      { kind: "unknown", bytes: fromHex("07", "x") },
    ]);
  });

  it("holds a split command until it is whole; end() names a truncated one", () => {
    const p = new EscPosStreamParser();
    expect(p.push(fromHex("1D286B0500315030", "x"))).toEqual([]);
    expect(p.push(fromHex("41", "x"))).toEqual([]);
    expect(p.push(fromHex("42", "x"))).toEqual([{ kind: "qrStore", data: Buffer.from("AB") }]);
    expect(p.push(fromHex("1D7630000100", "x"))).toEqual([]);
    expect(() => p.end()).toThrow(/command 0x1d, offset 10/);
  });

  it("a trailing text run is returned at end()", () => {
    expect(parseAll(Buffer.from("tail"))).toEqual([{ kind: "text", text: "tail" }]);
  });

  it("renders documents to the expected text lines", () => {
    expect(renderReceiptText(doc)).toEqual([
      "      POS 签购单",
      "CARD 622848******1234",
      "",
      "",
      " [QR: https://e.example.cn/r/1]",
      " [BARCODE CODE128: REF{240615}]",
      "          [IMAGE 16x3]",
      "- - - - - - - - - - - - - - - -",
    ]);
  });

  it("fuzz: random bytes in random chunks never throw from push, only EscPosError from end, never hang", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (bytes, chunk) => {
        const p = new EscPosStreamParser();
        for (let i = 0; i < bytes.length; i += chunk) p.push(bytes.subarray(i, i + chunk));
        try {
          p.end();
          expect(p.offset).toBe(bytes.length);
        } catch (error) {
          expect(error).toBeInstanceOf(EscPosError);
        }
      }),
      { seed: 5006, numRuns: 3000 },
    );
  });

  it("fuzz: valid streams cut short only throw EscPosError", () => {
    const bytes = encodeReceipt(doc);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const p = new EscPosStreamParser();
      p.push(bytes.subarray(0, cut));
      try {
        p.end();
      } catch (error) {
        expect(error).toBeInstanceOf(EscPosError);
      }
    }
  });
});
