import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  abort,
  CcidError,
  CcidSerialDecoder,
  type CcidSerialEvent,
  ccidErrorText,
  dataBlock,
  decodeCcidMessage,
  decodeSlotState,
  encodeBStatus,
  encodeCcidSerialFrame,
  encodeSlotChangeNotice,
  getSlotStatus,
  iccPowerOff,
  iccPowerOn,
  messageTypeName,
  NAK_FRAME,
  slotStatus,
  xfrBlock,
} from "../../../protocol/ccid/index.js";
import { toHex } from "../../../protocol/hex.js";

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ""), "hex");

describe("CCID messages: byte vectors (CCID 1.1 §6, ccid.h type codes)", () => {
  it("PC_to_RDR commands", () => {
    expect(toHex(iccPowerOn(0, 1))).toBe("62000000000001000000");
    expect(toHex(iccPowerOn(0, 2, "3V"))).toBe("62000000000002020000");
    expect(toHex(iccPowerOff(0, 3))).toBe("63000000000003000000");
    expect(toHex(getSlotStatus(0, 4))).toBe("65000000000004000000");
    expect(toHex(xfrBlock(0, 5, hex("00A4040000")))).toBe("6F05000000000500000000A4040000");
    expect(toHex(abort(0, 6))).toBe("72000000000006000000");
  });
  it("RDR_to_PC replies decode with bStatus/bError", () => {
    const reply = decodeCcidMessage(dataBlock(0, 7, 0x00, 0, hex("3B600000")));
    expect(reply).toMatchObject({ type: 0x80, seq: 7, slot: 0, specific: [0, 0, 0] });
    expect(toHex(reply.data)).toBe("3B600000");
    expect(toHex(slotStatus(0, 1, 0x42, 0xfe))).toBe("81000000000001" + "42FE00");
    expect(messageTypeName(0x80)).toBe("RDR_to_PC_DataBlock");
    expect(messageTypeName(0x6f)).toBe("PC_to_RDR_XfrBlock");
  });
  it("bStatus/bError decode: time extension 80, mute FE, bad ATR F7/F8", () => {
    expect(decodeSlotState(0x80, 2)).toEqual({ icc: "active", command: "time-extension", error: 2 });
    expect(decodeSlotState(0x41, 0xfe)).toEqual({ icc: "inactive", command: "failed", error: 0xfe });
    expect(decodeSlotState(0x42, 0xfe).icc).toBe("absent");
    expect(encodeBStatus("absent", "failed")).toBe(0x42);
    expect(ccidErrorText(0xfe)).toMatch(/mute/);
    expect(ccidErrorText(0xf7)).toMatch(/TCK/);
    expect(ccidErrorText(0xf8)).toMatch(/TS/);
    expect(ccidErrorText(0x05)).toMatch(/offset 5/);
  });
  it("typed errors name the field", () => {
    expect(() => decodeCcidMessage(hex("800100000000"))).toThrow(CcidError);
    expect(() => decodeCcidMessage(hex("80020000000000000000AA"))).toThrow(/dwLength/);
    expect(() => iccPowerOn(0, 256)).toThrow(/bSeq/);
  });
});

describe("CCID serial framing (ccid_serial.c)", () => {
  it("frame = 03 06 message LRC; NAK = 03 15 16; card movement 50 02/03", () => {
    // 03^06^62^01 = 66
    expect(toHex(encodeCcidSerialFrame(iccPowerOn(0, 1)))).toBe("030662000000000001000000" + "66");
    expect(toHex(NAK_FRAME)).toBe("031516");
    expect(toHex(encodeSlotChangeNotice(true))).toBe("5003");
    expect(toHex(encodeSlotChangeNotice(false))).toBe("5002");
  });

  it("decodes frames, NAK, slot changes and time requests interleaved with garbage", () => {
    const d = new CcidSerialDecoder({ direction: "from-reader" });
    const frame = encodeCcidSerialFrame(dataBlock(0, 1, 0, 0, hex("9000")));
    const events = d.push(Buffer.concat([hex("1122"), frame, hex("5002 81"), NAK_FRAME, hex("5003")]));
    expect(events.map((e) => e.type)).toEqual([
      "skipped",
      "message",
      "slot-change",
      "time-request",
      "nak",
      "slot-change",
    ]);
    expect(events[2]).toMatchObject({ present: false });
    expect(events[5]).toMatchObject({ present: true });
  });

  it("bad LRC is reported whole; a bogus SYNC is dropped alone and the real frame found", () => {
    const d = new CcidSerialDecoder({ direction: "to-reader" });
    const good = encodeCcidSerialFrame(getSlotStatus(0, 9));
    const bad = Buffer.from(good);
    bad[bad.length - 1]! ^= 0xff;
    const events = d.push(Buffer.concat([bad, hex("03 07"), good]));
    expect(events.map((e) => e.type)).toEqual(["bad-lrc", "skipped", "message"]);
    // to-reader ignores 50 and 80..FF as garbage
    expect(d.push(hex("5003 99")).map((e) => e.type)).toEqual(["skipped"]);
  });

  it("a length over the maximum means the SYNC was garbage", () => {
    const d = new CcidSerialDecoder({ direction: "to-reader", maxDataLength: 16 });
    const big = encodeCcidSerialFrame(xfrBlock(0, 1, Buffer.alloc(17)));
    const events = d.push(big);
    expect(events.some((e) => e.type === "message")).toBe(false);
  });

  const messageArb = fc.record({
    type: fc.constantFrom(0x62, 0x63, 0x65, 0x6f, 0x72, 0x80, 0x81),
    slot: fc.integer({ min: 0, max: 255 }),
    seq: fc.integer({ min: 0, max: 255 }),
    data: fc.uint8Array({ maxLength: 80 }),
  });

  it("property: any split of any frame sequence decodes to the same messages", () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { maxLength: 5 }),
        fc.integer({ min: 1, max: 7 }),
        (messages, chunk) => {
          const bytes = Buffer.concat(
            messages.map((m) => encodeCcidSerialFrame(xfrBlock(m.slot, m.seq, m.data).fill(m.type, 0, 1))),
          );
          const d = new CcidSerialDecoder({ direction: "to-reader" });
          const events: CcidSerialEvent[] = [];
          for (let at = 0; at < bytes.length; at += chunk)
            events.push(...d.push(bytes.subarray(at, at + chunk)));
          const got = events.flatMap((e) => (e.type === "message" ? [decodeCcidMessage(e.message)] : []));
          expect(got.map((m) => [m.type, m.slot, m.seq, toHex(m.data)])).toEqual(
            messages.map((m) => [m.type, m.slot, m.seq, toHex(Buffer.from(m.data))]),
          );
        },
      ),
      { seed: 7816, numRuns: 200 },
    );
  });

  it("fuzz: random bytes never throw, never hang, buffering stays bounded", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }),
        fc.boolean(),
        (chunks, fromReader) => {
          const d = new CcidSerialDecoder({ direction: fromReader ? "from-reader" : "to-reader" });
          for (const c of chunks) d.push(c);
          expect(d.buffered).toBeLessThanOrEqual(2 + 10 + 261 + 1);
        },
      ),
      { seed: 303, numRuns: 500 },
    );
  });

  it("fuzz: decodeCcidMessage on random input throws only CcidError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          decodeCcidMessage(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(CcidError);
        }
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});
