import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../../../protocol/errors.js";
import { Iso8583Error } from "../../../../protocol/iso8583/errors.js";
import { buildField55, parseField55 } from "../../../../protocol/iso8583/subfields/field55.js";

describe("field 55 BER-TLV", () => {
  it("keeps unknown tags and their order, and rebuilds the same bytes", () => {
    const data = Buffer.from("9F2608112233445566778 8DF7901AA9F270180".replace(/\s/g, ""), "hex");
    const nodes = parseField55(data);
    expect(nodes.map((n) => n.tag)).toEqual(["9F26", "DF79", "9F27"]);
    expect(buildField55(nodes)).toEqual(data);
  });

  it("turns a TLV error into an Iso8583Error naming field 55, keeping the cause", () => {
    try {
      parseField55(Buffer.from("9F2608112233", "hex"), { baseOffset: 100 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Iso8583Error);
      expect((error as Iso8583Error).path).toBe("field 55");
      expect((error as Error).message).toMatch(/^field 55: tag 9F26, offset 100/);
      expect((error as Error).cause).toBeInstanceOf(ProtocolError);
    }
  });
});
