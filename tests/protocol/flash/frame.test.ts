import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  crc32,
  decodeFlashFrame,
  encodeFlashFrame,
  type FlashDecoderEvent,
  FlashFrameDecoder,
  FlashFrameError,
  type FlashMessage,
  FRAME_OVERHEAD,
  MAX_BLOCK_SIZE,
  MAX_PAYLOAD,
  SOH,
  VERDICTS,
} from "../../../protocol/flash/index.js";

const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b));
const u32 = fc.integer({ min: 0, max: 0xffffffff });

const message: fc.Arbitrary<FlashMessage> = fc.oneof(
  fc.record({
    type: fc.constant("hello" as const),
    imageId: hash,
    totalLength: u32,
    blockSize: fc.integer({ min: 1, max: MAX_BLOCK_SIZE }),
    restart: fc.boolean(),
  }),
  fc.record({ type: fc.constant("status" as const), imageId: hash, nextOffset: u32 }),
  fc.record({
    type: fc.constant("data" as const),
    offset: u32,
    bytes: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
  }),
  fc.record({ type: fc.constantFrom("ack" as const, "nak" as const), offset: u32 }),
  fc.record({ type: fc.constant("done" as const), sha256: hash }),
  fc.record({
    type: fc.constant("verdict" as const),
    verdict: fc.constantFrom(...VERDICTS),
    reason: fc.string(),
  }),
);

const frames = (events: FlashDecoderEvent[]) => events.flatMap((e) => (e.kind === "frame" ? [e.frame] : []));

describe("flash frame", () => {
  it("CRC-32 matches the IEEE check value", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  });

  it("lays out SOH, type, seq, length, payload, CRC", () => {
    const frame = encodeFlashFrame(0x01020304, { type: "ack", offset: 0x400 });
    expect(frame.toString("hex")).toBe(
      `01130102030400040000040${"0"}${crc32(frame, 1, 12).toString(16).padStart(8, "0")}`,
    );
    expect(frame.length).toBe(FRAME_OVERHEAD + 4);
  });

  it("encode → decode is the identity", () => {
    fc.assert(
      fc.property(u32, message, (seq, m) => {
        expect(decodeFlashFrame(encodeFlashFrame(seq, m))).toEqual({ seq, message: m });
      }),
      { seed: 8101, numRuns: 300 },
    );
  });

  it("the incremental decoder finds every frame among garbage, in any chunking", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(u32, message, fc.uint8Array({ maxLength: 20 })), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 64 }),
        (parts, chunk) => {
          // Garbage without SOH between frames: it must be skipped without losing the next frame.
          const garbage = (g: Uint8Array) => Buffer.from(g.filter((b) => b !== SOH));
          const stream = Buffer.concat(
            parts.flatMap(([seq, m, g]) => [garbage(g), encodeFlashFrame(seq, m)]),
          );
          const decoder = new FlashFrameDecoder();
          const events: FlashDecoderEvent[] = [];
          for (let i = 0; i < stream.length; i += chunk)
            events.push(...decoder.push(stream.subarray(i, i + chunk)));
          expect(frames(events)).toEqual(parts.map(([seq, m]) => ({ seq, message: m })));
          expect(decoder.pending).toBe(0);
        },
      ),
      { seed: 8102, numRuns: 150 },
    );
  });

  it("rejects a flipped byte with a typed event and resynchronises on the next frame", () => {
    fc.assert(
      fc.property(message, message, fc.nat(), fc.integer({ min: 1, max: 255 }), (a, b, at, flip) => {
        const first = encodeFlashFrame(1, a);
        const index = 1 + (at % (first.length - 1));
        first[index]! ^= flip;
        const decoder = new FlashFrameDecoder();
        // Idle-line padding after it: a flipped length field makes the decoder wait for that many bytes.
        const idle = Buffer.alloc(MAX_PAYLOAD + FRAME_OVERHEAD);
        const events = decoder.push(Buffer.concat([first, encodeFlashFrame(2, b), idle]));
        const decoded = frames(events);
        // The good frame survives; the damaged one never decodes as itself.
        expect(decoded.at(-1)).toEqual({ seq: 2, message: b });
        expect(decoded.filter((f) => f.seq === 1)).toHaveLength(0);
        expect(events.some((e) => e.kind === "error" && e.error instanceof FlashFrameError)).toBe(true);
      }),
      { seed: 8103, numRuns: 200 },
    );
  });

  it("names the CRC and its offset", () => {
    const frame = encodeFlashFrame(7, { type: "nak", offset: 3 });
    frame[frame.length - 1]! ^= 1;
    expect(() => decodeFlashFrame(frame)).toThrow(/crc, offset 12: CRC-32 mismatch/);
    const [event] = new FlashFrameDecoder().push(frame);
    expect(event).toMatchObject({ kind: "error" });
    expect(event?.kind === "error" && event.error.path).toBe("crc");
  });

  it("random and truncated input only ever gives typed errors, and never hangs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeFlashFrame(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(FlashFrameError);
        }
        const decoder = new FlashFrameDecoder();
        for (const event of decoder.push(bytes)) {
          if (event.kind === "error") expect(event.error).toBeInstanceOf(FlashFrameError);
        }
        expect(decoder.pending).toBeLessThanOrEqual(bytes.length);
      }),
      { seed: 8104, numRuns: 500 },
    );
    fc.assert(
      fc.property(u32, message, fc.nat(), (seq, m, cut) => {
        const frame = encodeFlashFrame(seq, m);
        const truncated = frame.subarray(0, cut % frame.length);
        expect(() => decodeFlashFrame(truncated)).toThrow(FlashFrameError);
        expect(frames(new FlashFrameDecoder().push(truncated))).toEqual([]);
      }),
      { seed: 8105, numRuns: 300 },
    );
  });

  it("a valid CRC around a malformed payload is a typed error, and the frame is skipped whole", () => {
    const bad = encodeFlashFrame(1, { type: "ack", offset: 1 });
    bad.writeUInt16BE(3, 6); // ACK with a 3-byte payload: re-frame it so the CRC holds
    const body = Buffer.concat([bad.subarray(0, 8), Buffer.of(0, 0, 1)]);
    const framed = Buffer.concat([body, Buffer.alloc(4)]);
    framed.writeUInt32BE(crc32(framed, 1, 11), 11);
    expect(() => decodeFlashFrame(framed)).toThrow(/ack, offset 8: payload must be 4 bytes, got 3/);
    const events = new FlashFrameDecoder().push(
      Buffer.concat([framed, encodeFlashFrame(2, { type: "ack", offset: 9 })]),
    );
    expect(events.map((e) => e.kind)).toEqual(["error", "frame"]);
  });

  it("refuses to encode what the wire cannot carry", () => {
    expect(() =>
      encodeFlashFrame(1, { type: "data", offset: 0, bytes: Buffer.alloc(MAX_BLOCK_SIZE + 1) }),
    ).toThrow(FlashFrameError);
    expect(() => encodeFlashFrame(1, { type: "done", sha256: Buffer.alloc(31) })).toThrow(/done.sha256/);
    expect(() => encodeFlashFrame(-1, { type: "ack", offset: 0 })).toThrow(/seq/);
  });
});
