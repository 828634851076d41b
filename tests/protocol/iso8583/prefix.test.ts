import { describe, expect, it } from "vitest";
import { Iso8583Error } from "../../../protocol/iso8583/errors.js";
import { lengthPrefix } from "../../../protocol/iso8583/prefix.js";

function written(kind: "LL" | "LLL", enc: "bcd" | "ascii" | "binary", n: number): string {
  const p = lengthPrefix(kind, enc);
  const buf = Buffer.alloc(p.size);
  p.write(buf, 0, n);
  return buf.toString("hex").toUpperCase();
}

const read = (kind: "LL" | "LLL", enc: "bcd" | "ascii" | "binary", hex: string) =>
  lengthPrefix(kind, enc).read(Buffer.from(hex, "hex"), 0, "field 2", 0);

describe("length prefixes", () => {
  it("BCD LL is one byte, LLL two bytes with a 0 high nibble (CUP)", () => {
    expect(written("LL", "bcd", 16)).toBe("16");
    expect(written("LLL", "bcd", 153)).toBe("0153");
    expect(written("LLL", "bcd", 11)).toBe("0011");
    expect(read("LL", "bcd", "37")).toBe(37);
    expect(read("LLL", "bcd", "0999")).toBe(999);
  });

  it("BCD refuses hex nibbles and a non-zero LLL high nibble", () => {
    expect(() => read("LL", "bcd", "1A")).toThrow(Iso8583Error);
    expect(() => read("LLL", "bcd", "1001")).toThrow(/bad BCD nibble: length prefix 1001/);
  });

  it("ASCII prefixes are 2 or 3 digits", () => {
    expect(written("LL", "ascii", 7)).toBe("3037");
    expect(written("LLL", "ascii", 153)).toBe("313533");
    expect(read("LLL", "ascii", "303132")).toBe(12);
    expect(() => read("LL", "ascii", "3A30")).toThrow(/not an ASCII digit/);
  });

  it("binary prefixes are 1 byte or 2 bytes big-endian", () => {
    expect(written("LL", "binary", 200)).toBe("C8");
    expect(written("LLL", "binary", 300)).toBe("012C");
    expect(read("LLL", "binary", "012C")).toBe(300);
    expect(lengthPrefix("LLL", "binary").maxValue).toBe(65535);
  });
});
