import { describe, expect, it } from "vitest";
import { bitmapFields, hasBit, writeBitmap } from "../../../protocol/iso8583/bitmap.js";

describe("bitmaps", () => {
  it("writes a primary bitmap MSB first (the jsPOS 0800 bitmap)", () => {
    const buf = Buffer.alloc(8);
    expect(writeBitmap(buf, 0, [11, 41, 42, 60, 63])).toBe(8);
    expect(buf.toString("hex").toUpperCase()).toBe("0020000000C00012");
    expect(bitmapFields(buf, 0, 8)).toEqual([11, 41, 42, 60, 63]);
  });

  it("adds a secondary bitmap with bit 1 when a field above 64 is present", () => {
    const buf = Buffer.alloc(16);
    expect(writeBitmap(buf, 0, [2, 64, 65, 128])).toBe(16);
    expect(buf.toString("hex").toUpperCase()).toBe("C0000000000000018000000000000001");
    expect(hasBit(buf, 0, 1)).toBe(true);
    expect(bitmapFields(buf, 0, 16)).toEqual([2, 64, 65, 128]);
  });

  it("an empty field list is an all-zero primary bitmap", () => {
    const buf = Buffer.alloc(8, 0xff);
    writeBitmap(buf, 0, []);
    expect(buf.equals(Buffer.alloc(8))).toBe(true);
  });
});
