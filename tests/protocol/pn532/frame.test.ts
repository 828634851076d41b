import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { ACK_FRAME, checksum, ERROR_FRAME, NACK_FRAME } from "../../../protocol/pn532/frame.js";
import {
  commands,
  encodeCommandFrame,
  encodeFrame,
  encodeResponseFrame,
  Pn532Error,
  parseFrame,
} from "../../../protocol/pn532/index.js";

/** device-protocols.md §1.3: full frames, verified against libnfc and pn532.js. */
const COMMAND_VECTORS: [string, Buffer, string][] = [
  ["GetFirmwareVersion", commands.getFirmwareVersion(), "0000FF02FED4022A00"],
  ["SAMConfiguration normal", commands.samConfigurationNormal(), "0000FF03FDD4140117 00"],
  [
    "SAMConfiguration normal, timeout 0x14, IRQ",
    commands.samConfigurationNormal(0x14, 0x01),
    "0000FF05FBD414011401 0200",
  ],
  [
    "RFConfiguration MaxRetries FF 01 02",
    commands.rfConfiguration({ item: "maxRetries", atr: 0xff, psl: 0x01, passiveActivation: 0x02 }),
    "0000FF06FAD43205FF0102F300",
  ],
  [
    "RF field off",
    commands.rfConfiguration({ item: "field", rfOn: false, autoRfca: false }),
    "0000FF04FCD4320100F900",
  ],
  ["InListPassiveTarget 1x 14443A", commands.inListPassiveTarget("A106"), "0000FF04FCD44A0100E100"],
  [
    "InListPassiveTarget 1x 14443B AFI 00",
    commands.inListPassiveTarget("B106", 1, 0),
    "0000FF05FBD44A010300DE00",
  ],
  [
    "InDataExchange Tg1 SELECT PPSE",
    commands.inDataExchange(1, fromHex("00A404000E325041592E5359532E444446303100", "apdu")),
    "0000FF17E9D4400100A404000E325041592E5359532E4444463031008F00",
  ],
  ["InRelease Tg1", commands.inRelease(1), "0000FF03FDD45201D900"],
];

const RESPONSE_VECTORS: [string, string, string][] = [
  ["firmware IC 32 v1.6 support 07", "0332010607", "0000FF06FAD50332010607E800"],
  ["SAMConfiguration", "15", "0000FF02FED51516 00"],
  ["InListPassiveTarget no card", "4B00", "0000FF03FDD54B00E000"],
  ["InDataExchange RF timeout", "4101", "0000FF03FDD54101E900"],
];

const hex = (text: string) => text.replace(/\s+/g, "");

describe("PN532 frames: reference vectors", () => {
  it.each(COMMAND_VECTORS)("%s", (_name, payload, frame) => {
    expect(toHex(encodeCommandFrame(payload))).toBe(hex(frame));
    const parsed = parseFrame(fromHex(hex(frame), "frame"));
    expect(parsed).toEqual({ type: "frame", tfi: 0xd4, payload, extended: false });
  });

  it.each(RESPONSE_VECTORS)("response: %s", (_name, payload, frame) => {
    expect(toHex(encodeResponseFrame(fromHex(payload, "payload")))).toBe(hex(frame));
  });

  it("ACK, NACK and the syntax-error frame", () => {
    expect(toHex(ACK_FRAME)).toBe("0000FF00FF00");
    expect(toHex(NACK_FRAME)).toBe("0000FFFF0000");
    expect(toHex(ERROR_FRAME)).toBe("0000FF01FF7F8100");
    expect(parseFrame(ACK_FRAME)).toEqual({ type: "ack" });
    expect(parseFrame(NACK_FRAME)).toEqual({ type: "nack" });
    expect(parseFrame(ERROR_FRAME)).toEqual({ type: "error-frame" });
  });

  it("checksum makes the bytes sum to zero", () => {
    expect(checksum(Buffer.from([0xd4, 0x02]))).toBe(0x2a);
    expect(checksum(Buffer.from([0x17]))).toBe(0xe9);
  });
});

describe("extended frames", () => {
  it("are used above 255 bytes of TFI+data, with LENm LENl LCS", () => {
    const payload = Buffer.alloc(260, 0xab);
    payload[0] = 0x41;
    const frame = encodeResponseFrame(payload);
    // LEN 261 = 01 05, LCS = -(01 + 05) = FA
    expect(toHex(frame.subarray(0, 8))).toBe("0000FFFFFF0105FA");
    expect(frame.length).toBe(8 + 261 + 2);
    expect(parseFrame(frame)).toEqual({ type: "frame", tfi: 0xd5, payload, extended: true });
  });

  it("can be forced for short payloads and still parse", () => {
    const frame = encodeFrame(0xd4, Buffer.from([0x02]), { extended: true });
    expect(toHex(frame)).toBe("0000FFFFFF0002FED4022A00");
    expect(parseFrame(frame)).toEqual({
      type: "frame",
      tfi: 0xd4,
      payload: Buffer.from([0x02]),
      extended: true,
    });
  });

  it("refuse more than the firmware's 265 bytes", () => {
    expect(() => encodeFrame(0xd5, Buffer.alloc(265))).toThrow(Pn532Error);
    expect(() => encodeFrame(0xd5, Buffer.alloc(265))).toThrow("frame.LEN");
    expect(() => encodeFrame(0xd5, Buffer.alloc(264))).not.toThrow();
  });
});

describe("parseFrame errors", () => {
  it("names the checksum at fault", () => {
    const bad = fromHex("0000FF03FDD54B00E100", "frame");
    expect(() => parseFrame(bad)).toThrow(/frame\.DCS: DCS is E1, expected E0/);
    const badLcs = fromHex("0000FF03FED54B00E000", "frame");
    expect(() => parseFrame(badLcs)).toThrow(Pn532Error);
  });

  it("rejects truncated frames, stray bytes and two frames", () => {
    expect(() => parseFrame(fromHex("0000FF03FDD54B", "frame"))).toThrow("incomplete frame");
    expect(() => parseFrame(fromHex("12340000FF00FF00", "frame"))).toThrow("stray bytes");
    expect(() => parseFrame(Buffer.concat([ACK_FRAME, ACK_FRAME]))).toThrow("2 frames");
  });

  it("property: parse(encode(tfi, payload)) is the identity, normal and extended", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0xd4, 0xd5),
        fc.uint8Array({ minLength: 1, maxLength: 264 }),
        fc.boolean(),
        (tfi, bytes, extended) => {
          const payload = Buffer.from(bytes);
          expect(parseFrame(encodeFrame(tfi, payload, { extended }))).toEqual({
            type: "frame",
            tfi,
            payload,
            extended: extended || payload.length + 1 > 255,
          });
        },
      ),
      { seed: 0x532, numRuns: 300 },
    );
  });
});
