import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HexError } from "../../protocol/errors.js";
import { fromHex, toHex } from "../../protocol/hex.js";

describe("hex", () => {
  it("round-trips any bytes as uppercase hex", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const hex = toHex(bytes);
        expect(hex).toBe(hex.toUpperCase());
        expect([...fromHex(hex)]).toEqual([...bytes]);
      }),
      { seed: 1 },
    );
  });

  it("refuses an odd digit count and a bad digit, naming the offset", () => {
    expect(() => fromHex("ABC")).toThrow(HexError);
    expect(() => fromHex("0G", "key")).toThrow(/key, offset 1/);
  });

  it("ignores whitespace between digits", () => {
    expect(toHex(fromHex("60 00 03\n00 00"))).toBe("6000030000");
  });
});
