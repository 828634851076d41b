import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../protocol/hex.js";
import {
  ACK,
  CAN,
  crc16,
  DC3,
  EOT,
  ETB,
  encodeFrame,
  MAX_PACKET_DATA,
  NAK,
  PinPadCodecError,
  PinPadFrameDecoder,
  type PinPadLinkEvent,
  SYN,
} from "../../../protocol/pinpad/index.js";
import { cutsArb, splitAt } from "../framing/chunking.js";

/** device-protocols.md §4.2, CRCs recomputed there and here. */
const OPN = "164F504E17A8A9";
const DSP000 = "16445350303030173963";
const DSP_32 = "16445350303332202020204F50455241C7C34F2020202020202046494E414C495A414441202020175213";

const decodeAll = (...chunks: string[]): PinPadLinkEvent[] => {
  const d = new PinPadFrameDecoder();
  return chunks.flatMap((c) => d.push(fromHex(c)));
};

/** Events with Buffers as hex and consecutive "skipped" merged (their split depends on chunking). */
function normalise(events: PinPadLinkEvent[]): unknown[] {
  const out: unknown[] = [];
  for (const e of events) {
    const last = out.at(-1) as { type: string; count: number } | undefined;
    if (e.type === "skipped" && last?.type === "skipped") last.count += e.count;
    else if (e.type === "skipped") out.push({ ...e });
    else out.push("data" in e ? { ...e, data: toHex(e.data) } : e);
  }
  return out;
}

describe("CRC-16 (ABECS: CCITT poly 1021, init 0, over PKTDATA + ETB)", () => {
  it("matches the reference's three verified packets", () => {
    expect(crc16(fromHex("4F504E17"))).toBe(0xa8a9);
    expect(crc16(fromHex("44535030303017"))).toBe(0x3963);
    expect(crc16(fromHex(DSP_32.slice(2, -4)))).toBe(0x5213);
  });

  it("is CRC-16/XMODEM: check value 31C3 for '123456789', chains through `initial`", () => {
    expect(crc16(Buffer.from("123456789"))).toBe(0x31c3);
    expect(crc16(Buffer.from("6789"), crc16(Buffer.from("12345")))).toBe(0x31c3);
  });
});

describe("encodeFrame", () => {
  it("builds the reference packets byte for byte", () => {
    expect(toHex(encodeFrame(Buffer.from("OPN")))).toBe(OPN);
    expect(toHex(encodeFrame(Buffer.from("DSP000")))).toBe(DSP000);
    expect(toHex(encodeFrame(fromHex(DSP_32.slice(2, -6))))).toBe(DSP_32);
  });

  it("escapes DC3, SYN and ETB with DC3 + (byte + 20) and computes the CRC on the unescaped data", () => {
    const data = Buffer.from([0x41, DC3, SYN, ETB, 0x42]);
    const frame = encodeFrame(data);
    expect(toHex(frame.subarray(0, 9))).toBe("1641133313361337" + "42");
    expect(frame[9]).toBe(ETB);
    expect(frame.readUInt16BE(10)).toBe(crc16(Buffer.concat([data, Buffer.from([ETB])])));
  });

  it("refuses empty and oversized packets", () => {
    expect(() => encodeFrame(Buffer.alloc(0))).toThrow(PinPadCodecError);
    expect(() => encodeFrame(Buffer.alloc(MAX_PACKET_DATA + 1, 0x41))).toThrow(/1\.\.2049 bytes/);
    expect(encodeFrame(Buffer.alloc(MAX_PACKET_DATA, 0x41))).toHaveLength(MAX_PACKET_DATA + 4);
  });
});

describe("PinPadFrameDecoder", () => {
  it("decodes the reference packets, including a raw 13 inside the CRC", () => {
    expect(normalise(decodeAll(OPN, DSP000, DSP_32))).toEqual([
      { type: "frame", data: "4F504E" },
      { type: "frame", data: "445350303030" },
      { type: "frame", data: DSP_32.slice(2, -6) },
    ]);
  });

  it("reports the spec's corrupted first OPN (CRC 00 00) as bad-crc so the pad can NAK it", () => {
    expect(normalise(decodeAll("164F504E170000"))).toEqual([
      { type: "bad-crc", data: "4F504E", expected: 0xa8a9, received: 0 },
    ]);
  });

  it("reports ACK, NAK, CAN and EOT between packets and skips other garbage", () => {
    const events = decodeAll(`06${"15"}AABB18${OPN}04`);
    expect(normalise(events)).toEqual([
      { type: "control", byte: ACK },
      { type: "control", byte: NAK },
      { type: "skipped", count: 2 },
      { type: "control", byte: CAN },
      { type: "frame", data: "4F504E" },
      { type: "control", byte: EOT },
    ]);
  });

  it("treats control byte values inside a packet as data", () => {
    const data = Buffer.from([0x41, ACK, NAK, CAN, EOT]);
    expect(normalise(new PinPadFrameDecoder().push(encodeFrame(data)))).toEqual([
      { type: "frame", data: toHex(data) },
    ]);
  });

  it("resyncs on a SYN inside a packet (cut short) and keeps the next packet", () => {
    expect(normalise(decodeAll(`164F50${OPN}`))).toEqual([
      { type: "bad-frame", reason: "SYN inside a packet: packet cut short", length: 2 },
      { type: "frame", data: "4F504E" },
    ]);
  });

  it("drops a packet with a bad escape and re-examines the byte after DC3", () => {
    expect(normalise(decodeAll(`164F1341${OPN}`))[0]).toMatchObject({ type: "bad-frame", length: 1 });
    expect(normalise(decodeAll(`16411316${"4F504E17A8A9"}`))).toEqual([
      { type: "bad-frame", reason: "DC3 followed by 16: not an escape", length: 1 },
      { type: "frame", data: "4F504E" },
    ]);
  });

  it("abandons packets longer than 2049 bytes and finds the next SYN", () => {
    const long = Buffer.concat([Buffer.from([SYN]), Buffer.alloc(MAX_PACKET_DATA + 10, 0x41), fromHex(OPN)]);
    expect(normalise(new PinPadFrameDecoder().push(long))).toEqual([
      { type: "bad-frame", reason: "packet longer than 2049 bytes", length: MAX_PACKET_DATA },
      { type: "skipped", count: 9 },
      { type: "frame", data: "4F504E" },
    ]);
  });

  it("reset() drops a partial packet", () => {
    const d = new PinPadFrameDecoder();
    expect(d.push(fromHex("164F50"))).toEqual([]);
    expect(d.inPacket).toBe(true);
    d.reset();
    expect(d.inPacket).toBe(false);
    expect(normalise(d.push(fromHex("4E17A8A9")))).toEqual([{ type: "skipped", count: 4 }]);
  });

  it("property: decode(encode(data)) = data, however the bytes are chunked", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 4 }),
        cutsArb(1300),
        (packets, cuts) => {
          const stream = Buffer.concat(packets.map((p) => encodeFrame(p)));
          const d = new PinPadFrameDecoder();
          const events = splitAt(stream, cuts).flatMap((c) => d.push(c));
          expect(normalise(events)).toEqual(packets.map((p) => ({ type: "frame", data: toHex(p) })));
        },
      ),
      { seed: 0x1642, numRuns: 400 },
    );
  });

  it("property: a single flipped bit never yields a different good packet", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (data, at, bit) => {
          const frame = encodeFrame(data);
          frame[at % frame.length]! ^= 1 << bit;
          const events = new PinPadFrameDecoder().push(frame);
          for (const e of events) if (e.type === "frame") expect(toHex(e.data)).toBe(toHex(data));
        },
      ),
      { seed: 0x1317, numRuns: 500 },
    );
  });

  it("property: a truncated packet yields no frame; the next packet is still found", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), (data, cut) => {
        const frame = encodeFrame(data);
        const at = cut % frame.length;
        const d = new PinPadFrameDecoder();
        const first = d.push(frame.subarray(0, at));
        expect(first.some((e) => e.type === "frame")).toBe(false);
        // Cut inside the raw CRC: only the inter-byte timeout (reset) can tell; before it, SYN resyncs.
        if (at > frame.length - 3) d.reset();
        const next = normalise(d.push(fromHex(OPN)));
        expect(next.at(-1)).toEqual({ type: "frame", data: "4F504E" });
      }),
      { seed: 0x0417, numRuns: 500 },
    );
  });

  it("fuzz: arbitrary streams never throw, never hang, and chunking never changes the events", () => {
    const framed = fc
      .uint8Array({ maxLength: 60 })
      .map((d) => (d.length > 0 ? encodeFrame(d) : Buffer.alloc(0)));
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      framed,
      fc.constantFrom(fromHex("16"), fromHex("13")),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), cutsArb(800), (pieces, cuts) => {
        const stream = Buffer.concat(pieces.map((p) => Buffer.from(p)));
        const whole = normalise(new PinPadFrameDecoder().push(stream));
        const d = new PinPadFrameDecoder();
        const chunked = normalise(splitAt(stream, cuts).flatMap((c) => d.push(c)));
        expect(chunked).toEqual(whole);
      }),
      { seed: 0x2049, numRuns: 2000 },
    );
  });
});
