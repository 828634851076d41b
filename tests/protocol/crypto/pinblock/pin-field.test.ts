import { describe, expect, it } from "vitest";
import {
  buildPinField,
  checkPin,
  FILL_A_TO_F,
  FILL_F,
  readPinField,
} from "../../../../protocol/crypto/pinblock/pin-field.js";
import { PinBlockError } from "../../../../protocol/crypto/pinblock/pinblock-error.js";
import { fromHex, toHex } from "../../../../protocol/hex.js";
import { pinOf } from "./support.js";

describe("the shared PIN field", () => {
  it("packs control, length, digits and fill, and wipes the fill it was given", () => {
    const fill = new Uint8Array(14).fill(0xf);
    expect(toHex(buildPinField(2, pinOf("34567"), fill))).toBe("2534567FFFFFFFFF");
    expect(fill.every((n) => n === 0)).toBe(true);
  });

  it("accepts only 4..12 ASCII digits as a PIN", () => {
    expect(() => checkPin(pinOf("0000"), 0)).not.toThrow();
    expect(() => checkPin(pinOf("999999999999"), 0)).not.toThrow();
    for (const bad of ["", "123", "1234567890123", "12/4", "12:4"]) {
      expect(() => checkPin(pinOf(bad), 0)).toThrow(PinBlockError);
    }
  });

  it("names the nibble at fault, with the byte offset, and never a PIN digit", () => {
    expect(() => readPinField(fromHex("2412A4FFFFFFFFFF"), 2, FILL_F)).toThrow(
      /pinblock, offset 2: ISO format 2: PIN digit 3 is not a decimal digit/,
    );
    expect(() => readPinField(fromHex("341234ABCDEF1BCD"), 3, FILL_A_TO_F, { text: "why", from: 4 })).toThrow(
      /offset 6: ISO format 3: fill nibble 12 is not A\.\.F \(why\)/,
    );
    try {
      readPinField(fromHex("2698765FFFFFFFFF"), 2, FILL_F);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toMatch(/9876/);
    }
  });
});
