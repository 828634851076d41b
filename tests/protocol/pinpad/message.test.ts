import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../protocol/hex.js";
import {
  decodeCommand,
  decodeResponse,
  encodeCommand,
  encodeResponse,
  PinPadCodecError,
} from "../../../protocol/pinpad/index.js";

describe("ABECS messages", () => {
  it("encodes the reference commands and responses", () => {
    expect(encodeCommand({ id: "OPN", blocks: [] }).toString("latin1")).toBe("OPN");
    expect(encodeResponse({ id: "DSP", status: 0, blocks: [] }).toString("latin1")).toBe("DSP000");
    const dsp = fromHex("445350303332202020204F50455241C7C34F2020202020202046494E414C495A414441202020");
    const decoded = decodeCommand(dsp);
    expect(decoded.id).toBe("DSP");
    expect(decoded.blocks).toHaveLength(1);
    expect(decoded.blocks[0]!.toString("latin1")).toBe("    OPERAÇÃO       FINALIZADA   ");
    expect(toHex(encodeCommand(decoded))).toBe(toHex(dsp));
  });

  it("reads status and several blocks", () => {
    const r = decodeResponse(Buffer.from("GIN000003abc000002xy", "latin1"));
    expect(r).toEqual({
      id: "GIN",
      status: 0,
      blocks: [Buffer.from("abc"), Buffer.alloc(0), Buffer.from("xy")],
    });
    expect(decodeResponse(Buffer.from("GPN013", "latin1"))).toEqual({ id: "GPN", status: 13, blocks: [] });
  });

  it("names the field and offset of what is wrong", () => {
    expect(() => decodeResponse(Buffer.from("GPN01X", "latin1"))).toThrow("GPN.RSP_STAT, offset 5");
    expect(() => decodeCommand(Buffer.from("DSP032abc", "latin1"))).toThrow("DSP.block[0], offset 3");
    expect(() => decodeCommand(Buffer.from("DSP03", "latin1"))).toThrow("DSP.LEN, offset 3");
    expect(() => decodeCommand(Buffer.from("ds", "latin1"))).toThrow(PinPadCodecError);
    expect(() => encodeResponse({ id: "GPN", status: 12, blocks: [Buffer.from("x")] })).toThrow(
      "an error response carries no data",
    );
    expect(() => encodeCommand({ id: "GPN", blocks: [Buffer.alloc(1000)] })).toThrow("exceeds 999");
    expect(() => encodeCommand({ id: "gpn", blocks: [] })).toThrow("CMD_ID");
  });

  const id = fc.stringMatching(/^[A-Z0-9]{3}$/);
  const blocks = fc.array(
    fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b)),
    { maxLength: 4 },
  );

  it("property: decode(encode(x)) = x for commands and responses", () => {
    fc.assert(
      fc.property(id, blocks, fc.integer({ min: 0, max: 999 }), (cmdId, bs, status) => {
        expect(decodeCommand(encodeCommand({ id: cmdId, blocks: bs }))).toEqual({ id: cmdId, blocks: bs });
        const response = { id: cmdId, status, blocks: status === 0 ? bs : [] };
        expect(decodeResponse(encodeResponse(response))).toEqual(response);
      }),
      { seed: 0x0abe, numRuns: 500 },
    );
  });

  it("fuzz: random and truncated input only ever throws PinPadCodecError", () => {
    const valid = fc.tuple(id, blocks).map(([cmdId, bs]) => encodeCommand({ id: cmdId, blocks: bs }));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), valid), fc.nat(), (input, cut) => {
        const data = Buffer.from(input).subarray(0, cut % (input.length + 1));
        for (const decode of [decodeCommand, decodeResponse]) {
          try {
            decode(data);
          } catch (error) {
            expect(error).toBeInstanceOf(PinPadCodecError);
          }
        }
      }),
      { seed: 0x0bad, numRuns: 3000 },
    );
  });
});
