import { describe, expect, it } from "vitest";
import {
  decodeHeader,
  encodeHeader,
  headerFromDigits,
  headerToDigits,
  ProcessingRequirement,
  processingRequirementName,
} from "../../../../protocol/iso8583/cup/header.js";

describe("CUP header", () => {
  it("splits the 12 digits and packs them as 6 BCD bytes", () => {
    const header = decodeHeader(Buffer.from("603103311003", "hex"));
    expect(header).toEqual({
      applicationType: "60",
      specVersion: "31",
      terminalStatus: 0,
      processingRequirement: 3,
      softwareVersion: "311003",
    });
    expect(encodeHeader(header).toString("hex")).toBe("603103311003");
    expect(headerToDigits(headerFromDigits("602200000000"))).toBe("602200000000");
  });

  it("names the processing requirement 0..6 and leaves 7..9 unnamed", () => {
    expect(processingRequirementName(3)).toBe("ReSignIn");
    expect(ProcessingRequirement.UpdateCapk).toBe(4);
    expect(processingRequirementName(6)).toBe("TmsParameterDownload");
    expect(processingRequirementName(7)).toBeUndefined();
    expect(decodeHeader(Buffer.from("603107311003", "hex")).processingRequirement).toBe(7);
  });

  it("refuses non-BCD bytes and wrong digit counts", () => {
    expect(() => decodeHeader(Buffer.from("60310031100A", "hex"), 0, 7)).toThrow(
      /header, offset 12: bad BCD nibble/,
    );
    expect(() => decodeHeader(Buffer.from("6031", "hex"))).toThrow(/short frame/);
    expect(() => headerFromDigits("60310031100")).toThrow(/header.digits/);
    expect(() => headerToDigits({ ...headerFromDigits("603100311003"), terminalStatus: 12 })).toThrow(
      /header.terminalStatus/,
    );
  });
});
