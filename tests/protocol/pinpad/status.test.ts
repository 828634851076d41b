import { describe, expect, it } from "vitest";
import { describeStatus, formatStatus, PINPAD_STATUS } from "../../../protocol/pinpad/index.js";

describe("PIN pad status codes", () => {
  it("names the ABECS codes with text", () => {
    expect(describeStatus(0)).toEqual({ code: 0, name: "OK", text: "command executed" });
    expect(describeStatus(12)).toMatchObject({ name: "TIMEOUT" });
    expect(describeStatus(13)).toMatchObject({ name: "CANCELLED", text: "cancelled by the cardholder" });
    expect(describeStatus(42)).toMatchObject({ name: "KEY_MISSING" });
    expect(describeStatus(44)).toMatchObject({ name: "PIN_BUSY" });
    expect(describeStatus(91)).toMatchObject({ name: "KCV_MISMATCH" });
    expect(describeStatus(PINPAD_STATUS.CARD_BLOCKED).code).toBe(79);
  });

  it("keeps unknown codes, formatted as on the wire", () => {
    expect(describeStatus(7_0 + 7)).toEqual({ code: 77, name: "UNKNOWN", text: "unknown status 077" });
    expect(formatStatus(4)).toBe("004");
  });

  it("has one name per code", () => {
    const codes = Object.values(PINPAD_STATUS);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
