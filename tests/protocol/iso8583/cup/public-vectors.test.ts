import { describe, expect, it } from "vitest";
import { packFrame, unpackFrame } from "../../../../protocol/iso8583/cup/frame.js";
import { macInput } from "../../../../protocol/iso8583/cup/mac.js";
import { parsedView } from "../../../../protocol/iso8583/cup/parsed.js";
import { cupSpec } from "../../../../protocol/iso8583/cup/spec.js";
import { pack, unpack, unpackRange } from "../../../../protocol/iso8583/message.js";
import { parseField62 } from "../../../../protocol/iso8583/subfields/field62.js";
import { loadVectors } from "../../../support/vectors.js";

interface Vector {
  name: string;
  hex: string;
}
const vectors = loadVectors<Vector[]>("iso8583-cup-public.json");
const byName = (name: string) => {
  const v = vectors.find((x) => x.name === name);
  if (!v) throw new Error(`vector ${name} missing`);
  return Buffer.from(v.hex, "hex");
};
const hex = (b: Buffer) => b.toString("hex").toUpperCase();

describe("every public CUP vector decodes to its last byte and re-encodes byte-identically", () => {
  it("has the five vectors", () => expect(vectors.length).toBeGreaterThanOrEqual(5));
  for (const v of vectors) {
    it(v.name, () => {
      const bytes = Buffer.from(v.hex, "hex");
      if (bytes[2] === 0x60) {
        // Whole frame: length + TPDU + header + message; the length is recomputed on packing.
        const frame = unpackFrame(bytes);
        expect(hex(packFrame(frame))).toBe(v.hex);
      } else if (v.name.includes("mac")) {
        // A MAB: bit 64 set, field 64 not there yet. Decode it and rebuild the MAB from a packed message.
        const message = unpackRange(cupSpec, bytes, 0, bytes.length, 0, undefined, true);
        const packed = pack(cupSpec, { ...message, fields: { ...message.fields, 64: "3841394539314238" } });
        expect(hex(macInput(packed))).toBe(v.hex);
        expect(hex(macInput(bytes))).toBe(v.hex);
      } else {
        expect(hex(pack(cupSpec, unpack(cupSpec, bytes)))).toBe(v.hex);
      }
    });
  }
});

describe("what the public vectors contain", () => {
  it("0810 sign-in response: TPDU, header, batch from 60.2 and the 003 key layout", () => {
    const frame = unpackFrame(byName("cup-0810-signin-response-easy8583"));
    expect(frame.tpdu).toEqual({ destination: "0000", source: "0138" });
    expect(frame.header).toEqual({
      applicationType: "61",
      specVersion: "31",
      terminalStatus: 0,
      processingRequirement: 0,
      softwareVersion: "311108",
    });
    expect(frame.message.mti).toBe("0810");
    expect(frame.message.fields[39]).toBe("00");
    expect(frame.message.fields[60]).toBe("00000519003");
    const keys = parseField62(Buffer.from(frame.message.fields[62]!, "hex"));
    expect(keys.layout).toBe("003");
    if (keys.layout !== "003") return;
    expect(hex(keys.pikKcv)).toBe("900ECCE3");
    expect(hex(keys.mak)).toBe("977731A7EA402DDF");
    expect(hex(keys.makKcv)).toBe("CFF1592A");
    expect(parsedView(frame.message).parsed[60]).toEqual({
      txnType: "00",
      batch: "000519",
      netMgmtCode: "003",
    });
  });

  it("0800 sign-in request: 60 = 00000000003 and operator 001", () => {
    const frame = unpackFrame(byName("cup-0800-signin-request-easy8583"));
    expect(frame.tpdu).toEqual({ destination: "0501", source: "0000" });
    expect(frame.message.fields).toMatchObject({
      11: "000001",
      41: "99999906",
      60: "00000000003",
      63: "001",
    });
  });

  it("0200 j-iso8583 sale: left-aligned 22, encrypted tracks with A–F, mock MAC", () => {
    const { message } = unpackFrame(byName("cup-0200-sale-request-j-iso8583"));
    expect(message.fields[22]).toBe("021");
    expect(message.fields[35]).toBe("6226097806938388D491C8C34DB509A8C85E9");
    expect(message.fields[60]).toBe("22000015000501");
    expect(message.fields[64]).toBe("8888888888888888");
  });

  it("MAB vector: fields 3..60 with bit 64 set", () => {
    const bytes = byName("cup-mac-pos-ecb-worked-example");
    const message = unpackRange(cupSpec, bytes, 0, bytes.length, 0, undefined, true);
    expect(Object.keys(message.fields)).toEqual([
      "3",
      "4",
      "11",
      "22",
      "25",
      "26",
      "35",
      "41",
      "42",
      "49",
      "52",
      "53",
      "60",
    ]);
    expect(message.fields[4]).toBe("000000000051");
    // Strict unpack refuses it: bit 64 is set but the 8 bytes are missing.
    expect(() => unpack(cupSpec, bytes)).toThrow(/field 64, offset 91: short frame/);
  });
});
