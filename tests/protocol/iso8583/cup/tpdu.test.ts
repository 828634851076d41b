import { describe, expect, it } from "vitest";
import {
  decodeTpdu,
  encodeTpdu,
  replyTpdu,
  tpduFromHex,
  tpduToHex,
} from "../../../../protocol/iso8583/cup/tpdu.js";
import { Iso8583Error } from "../../../../protocol/iso8583/errors.js";

describe("TPDU", () => {
  it("reads the id and keeps both addresses as-is", () => {
    expect(decodeTpdu(Buffer.from("6000030000", "hex"))).toEqual({ destination: "0003", source: "0000" });
    expect(tpduToHex({ destination: "0501", source: "0000" })).toBe("6005010000");
    expect(encodeTpdu({ destination: "abcd", source: "0000" }).toString("hex")).toBe("60abcd0000");
  });

  it("reply swaps the addresses; a host that doesn't swap still decodes", () => {
    const request = tpduFromHex("6005010000");
    expect(tpduToHex(replyTpdu(request))).toBe("6000000501");
    expect(tpduFromHex("6000000138")).toEqual({ destination: "0000", source: "0138" });
  });

  it("is strict about the 0x60 id and the length", () => {
    expect(() => decodeTpdu(Buffer.from("6100030000", "hex"), 0, 2)).toThrow(
      /tpdu.id, offset 2: TPDU id must be 60, got 61/,
    );
    expect(() => decodeTpdu(Buffer.from("600003", "hex"))).toThrow(Iso8583Error);
    expect(() => tpduFromHex("60000300")).toThrow(/tpdu: must be 10 hex digits/);
    expect(() => encodeTpdu({ destination: "12", source: "0000" })).toThrow(/tpdu.destination/);
  });
});
