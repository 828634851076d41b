import { describe, expect, it } from "vitest";
import { canonicalTrack, splitTrack } from "../../../../protocol/iso8583/encoding/track.js";
import { maskTrack } from "../../../../protocol/iso8583/mask.js";

describe("track data", () => {
  it("splits at the first separator after the PAN digits", () => {
    expect(splitTrack("4392260009942820D131210112008439")).toEqual({
      pan: "4392260009942820",
      separator: "D",
      rest: "131210112008439",
    });
    expect(splitTrack("6226=2512").separator).toBe("=");
  });

  it("finds the separator in a TDK-encrypted track (hex after it)", () => {
    expect(splitTrack("6226097806938388D491C8C34DB509A8C85E9").pan).toBe("6226097806938388");
  });

  it("reports no separator when there is none", () => {
    expect(splitTrack("12345")).toEqual({ pan: "12345", separator: "", rest: "" });
  });

  it("canonical form writes '=' as 'D'", () => {
    expect(canonicalTrack("6226=2512=1")).toBe("6226D2512D1");
  });

  it("masks the PAN 6+4 and hides everything after the separator", () => {
    expect(maskTrack("4392260009942820D131210112008439")).toBe("439226******2820D[15 characters hidden]");
    expect(maskTrack("ABCDEF")).toBe("[track hidden, 6 characters]");
  });
});
