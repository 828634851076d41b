import { describe, expect, it } from "vitest";
import {
  frameMessage,
  frameSize,
  packFrame,
  unpackFrame,
  unpackFrameBody,
} from "../../../../protocol/iso8583/cup/frame.js";
import { cupSpec } from "../../../../protocol/iso8583/cup/spec.js";
import { Iso8583Error } from "../../../../protocol/iso8583/errors.js";
import { pack } from "../../../../protocol/iso8583/message.js";

const FRAME = "0018 6000030000 603100311003 0800 0020000000000000 000001".replace(/\s/g, "");

describe("CUP frame", () => {
  it("length + TPDU + header + message, length recomputed on packing", () => {
    const frame = unpackFrame(Buffer.from(FRAME, "hex"));
    expect(frame.message).toEqual({ mti: "0800", fields: { 11: "000001" } });
    expect(packFrame(frame).toString("hex").toUpperCase()).toBe(FRAME);
    expect(frameSize(Buffer.from(FRAME, "hex"))).toBe(26);
  });

  it("a length that disagrees with the body is an error at offset 0", () => {
    const bad = Buffer.from(FRAME, "hex");
    bad[1] = 0x20;
    expect(() => unpackFrame(bad)).toThrow(/frame.length, offset 0: length 32 disagrees with the 24 bytes/);
    expect(() => unpackFrame(Buffer.from(`${FRAME}00`, "hex"))).toThrow(/offset 0/);
    expect(() => unpackFrame(Buffer.from("00", "hex"))).toThrow(Iso8583Error);
  });

  it("errors inside the message carry frame offsets", () => {
    const bad = Buffer.from(FRAME, "hex");
    bad[23] = 0x0a;
    expect(() => unpackFrame(bad)).toThrow(/field 11, offset 23: bad BCD nibble/);
    const badTpdu = Buffer.from(FRAME, "hex");
    badTpdu[2] = 0x61;
    expect(() => unpackFrame(badTpdu)).toThrow(/tpdu.id, offset 2/);
  });

  it("frames an already packed message, and reads a body whose length a stream decoder consumed", () => {
    const frame = unpackFrame(Buffer.from(FRAME, "hex"));
    const framed = frameMessage(frame.tpdu, frame.header, pack(cupSpec, frame.message));
    expect(framed.toString("hex").toUpperCase()).toBe(FRAME);
    expect(unpackFrameBody(framed.subarray(2))).toEqual(frame);
    const bad = Buffer.from(framed.subarray(2));
    bad[21] = 0x0a;
    // Offsets still count from the start of the whole frame, as in unpackFrame.
    expect(() => unpackFrameBody(bad)).toThrow(/field 11, offset 23/);
  });
});
