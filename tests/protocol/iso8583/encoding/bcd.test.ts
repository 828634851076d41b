import { describe, expect, it } from "vitest";
import { bcdLength, readBcd, writeBcd } from "../../../../protocol/iso8583/encoding/bcd.js";
import { Iso8583Error } from "../../../../protocol/iso8583/errors.js";

function enc(text: string, align: "left" | "right", set: "decimal" | "track" = "decimal"): string {
  const buf = Buffer.alloc(bcdLength(text.length));
  writeBcd(buf, 0, text, align, set, "field 9");
  return buf.toString("hex").toUpperCase();
}

function dec(
  hex: string,
  digits: number,
  align: "left" | "right",
  set: "decimal" | "track" = "decimal",
): string {
  return readBcd(Buffer.from(hex, "hex"), 0, digits, align, set, "field 9");
}

describe("packed BCD", () => {
  it("packs even digit counts two per byte regardless of alignment", () => {
    expect(enc("000000000001", "right")).toBe("000000000001");
    expect(enc("1234", "left")).toBe("1234");
  });

  it("pads an odd count with a leading 0 nibble when right-aligned (field 23)", () => {
    expect(enc("001", "right")).toBe("0001");
    expect(dec("0001", 3, "right")).toBe("001");
  });

  it("pads an odd count with a trailing 0 nibble when left-aligned (field 22, variable n)", () => {
    expect(enc("021", "left")).toBe("0210");
    expect(enc("00000001003", "left")).toBe("000000010030");
    expect(dec("0210", 3, "left")).toBe("021");
  });

  it("track nibbles: '=' and D become nibble D, A–F are kept, decoding yields 'D'", () => {
    expect(enc("4392=1312", "left", "track")).toBe("4392D13120");
    expect(enc("4392D1312", "left", "track")).toBe("4392D13120");
    expect(dec("4392D13120", 9, "left", "track")).toBe("4392D1312");
    expect(dec("C8C34DB5", 8, "left", "track")).toBe("C8C34DB5");
  });

  it("refuses a non-decimal nibble in n data, naming the byte offset", () => {
    expect(() => dec("12A4", 4, "left")).toThrow(Iso8583Error);
    expect(() => readBcd(Buffer.from("0012A4", "hex"), 1, 4, "left", "decimal", "field 4", 10)).toThrow(
      /field 4, offset 12: bad BCD nibble in byte 0xA4/,
    );
  });

  it("refuses a non-zero pad nibble on either side", () => {
    expect(() => dec("1001", 3, "right")).toThrow(/pad nibble before/);
    expect(() => dec("021F", 3, "left")).toThrow(/pad nibble after/);
  });

  it("refuses characters outside the set on encode, naming the position", () => {
    expect(() => enc("12a4", "left")).toThrow(/position 2/);
    expect(() => enc("12=4", "left")).toThrow(Iso8583Error);
    expect(() => enc("12e4", "left", "track")).toThrow(Iso8583Error);
    expect(() => enc("12\u00e94", "left", "track")).toThrow(Iso8583Error);
  });

  it("encodes nothing for an empty value", () => {
    expect(enc("", "left")).toBe("");
    expect(dec("", 0, "left")).toBe("");
  });
});
