import { describe, expect, it } from "vitest";
import { isCharset, readAscii, writeAscii } from "../../../../protocol/iso8583/encoding/ascii.js";
import { Iso8583Error } from "../../../../protocol/iso8583/errors.js";

describe("ASCII text", () => {
  it("writes one byte per character", () => {
    const buf = Buffer.alloc(3);
    expect(writeAscii(buf, 0, "156", "an", "field 49")).toBe(3);
    expect(buf.toString("hex")).toBe("313536");
    expect(readAscii(buf, 0, 3, "an", "field 49")).toBe("156");
  });

  it("an accepts letters, digits and space; ans any printable ASCII", () => {
    expect(isCharset("AB 12", "an")).toBe(true);
    expect(isCharset("AB-12", "an")).toBe(false);
    expect(isCharset("~!@ #", "ans")).toBe(true);
    expect(isCharset("\u007f", "ans")).toBe(false);
    expect(isCharset("\u00d6\u00d0", "ans")).toBe(true); // GBK bytes kept as latin1
    expect(isCharset("\u00ff", "ans")).toBe(false);
    expect(isCharset("12", "n")).toBe(true);
    expect(isCharset("1 ", "n")).toBe(false);
  });

  it("refuses a bad byte on decode, naming the offset", () => {
    const buf = Buffer.from([0x41, 0x0a, 0x42]);
    expect(() => readAscii(buf, 0, 3, "ans", "field 63", 20)).toThrow(/field 63, offset 21: byte 0x0A/);
  });

  it("refuses a bad or non-latin1 character on encode", () => {
    const buf = Buffer.alloc(4);
    expect(() => writeAscii(buf, 0, "A\u4e2d", "ans", "field 63")).toThrow(Iso8583Error);
    expect(() => writeAscii(buf, 0, "A-", "an", "field 37")).toThrow(/position 1/);
  });
});
