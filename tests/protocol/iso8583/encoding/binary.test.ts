import { describe, expect, it } from "vitest";
import { hexByteLength, readHex, writeHex } from "../../../../protocol/iso8583/encoding/binary.js";
import { Iso8583Error } from "../../../../protocol/iso8583/errors.js";

describe("binary (hex in the model)", () => {
  it("writes hex as bytes and reads uppercase hex back", () => {
    const buf = Buffer.alloc(4);
    expect(writeHex(buf, 0, "ac0f", "field 52")).toBe(2);
    expect(buf.subarray(0, 2).toString("hex")).toBe("ac0f");
    expect(readHex(buf, 0, 2)).toBe("AC0F");
  });

  it("refuses an odd digit count and a bad digit", () => {
    expect(() => hexByteLength("ABC", "field 55")).toThrow(Iso8583Error);
    expect(() => writeHex(Buffer.alloc(4), 0, "AB0G", "field 55")).toThrow(
      /field 55, offset 1: not a hex digit at position 3/,
    );
  });

  it("writes nothing for an empty value", () => {
    expect(writeHex(Buffer.alloc(0), 0, "", "field 62")).toBe(0);
  });
});
