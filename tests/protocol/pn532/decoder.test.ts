import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../../protocol/hex.js";
import { Pn532Decoder, type Pn532Event, parseFrame } from "../../../protocol/pn532/decoder.js";
import { ACK_FRAME, ERROR_FRAME, encodeFrame, NACK_FRAME } from "../../../protocol/pn532/frame.js";
import { Pn532Error } from "../../../protocol/pn532/pn532-error.js";

function feed(decoder: Pn532Decoder, bytes: Buffer, chunkSizes: number[] = [bytes.length]): Pn532Event[] {
  const events: Pn532Event[] = [];
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const size = Math.max(1, chunkSizes[i++ % chunkSizes.length]!);
    events.push(...decoder.push(bytes.subarray(at, at + size)));
    at += size;
  }
  return events;
}

const frames = fc.oneof(
  fc.constant(Buffer.from(ACK_FRAME)),
  fc.constant(Buffer.from(NACK_FRAME)),
  fc.constant(Buffer.from(ERROR_FRAME)),
  fc
    .tuple(fc.constantFrom(0xd4, 0xd5), fc.uint8Array({ minLength: 1, maxLength: 264 }))
    .map(([tfi, bytes]) => encodeFrame(tfi, Buffer.from(bytes))),
);

describe("Pn532Decoder", () => {
  it("decodes ACK + response delivered in one chunk (the usual PN532 reply)", () => {
    const decoder = new Pn532Decoder();
    const events = decoder.push(fromHex("0000FF00FF000000FF06FAD50332010607E800", "reply"));
    expect(events).toEqual([
      { type: "ack" },
      { type: "frame", tfi: 0xd5, payload: fromHex("0332010607", "p"), extended: false },
    ]);
  });

  it("accepts the pn532.js wake-up + SAMConfiguration write (zeros as preamble, no 00 00 prefix)", () => {
    const decoder = new Pn532Decoder();
    const bytes = Buffer.concat([
      Buffer.from([0x55, 0x55]),
      Buffer.alloc(14),
      fromHex("FF05FBD414011401 0200".replace(" ", ""), "sam"),
    ]);
    const events = decoder.push(bytes);
    expect(events).toEqual([
      { type: "skipped", count: 2 },
      { type: "frame", tfi: 0xd4, payload: fromHex("1401140102".slice(0, 8), "p"), extended: false },
    ]);
  });

  it("skips garbage, reports it, and reports a bad LCS without trusting LEN", () => {
    const decoder = new Pn532Decoder();
    const good = encodeFrame(0xd5, Buffer.from([0x4b, 0x00]));
    const events = decoder.push(Buffer.concat([fromHex("DEAD00FF0512", "junk"), good]));
    expect(events).toEqual([
      { type: "skipped", count: 2 },
      { type: "checksum-error", field: "LCS", expected: 0xfb, received: 0x12 },
      { type: "skipped", count: 2 },
      { type: "frame", tfi: 0xd5, payload: Buffer.from([0x4b, 0x00]), extended: false },
    ]);
  });

  it("reports a DCS failure once the whole frame is in, then carries on", () => {
    const decoder = new Pn532Decoder();
    const bad = encodeFrame(0xd5, Buffer.from([0x41, 0x00, 0x90, 0x00]));
    bad[bad.length - 2]! ^= 0xff;
    const events = decoder.push(Buffer.concat([bad, ACK_FRAME]));
    expect(events[0]).toMatchObject({ type: "checksum-error", field: "DCS" });
    expect(events[1]).toEqual({ type: "ack" });
  });

  it("reports LEN 0 and over-long extended frames as bad frames", () => {
    const decoder = new Pn532Decoder();
    expect(decoder.push(fromHex("0000FF0000", "zero"))).toEqual([
      { type: "bad-frame", reason: "LEN 0 (no TFI)" },
    ]);
    expect(new Pn532Decoder().push(fromHex("0000FFFFFF0300FD", "long"))).toEqual([
      { type: "bad-frame", reason: "LEN 768 exceeds 265" },
      { type: "skipped", count: 4 },
    ]);
  });

  it("holds an incomplete frame until the rest arrives, and reset() drops it", () => {
    const decoder = new Pn532Decoder();
    const frame = encodeFrame(0xd5, Buffer.from([0x4b, 0x00]));
    expect(decoder.push(frame.subarray(0, 6))).toEqual([]);
    expect(decoder.buffered).toBe(5); // the leading preamble 00 is padding
    decoder.reset();
    expect(decoder.buffered).toBe(0);
    expect(decoder.push(frame.subarray(6))).toEqual([{ type: "skipped", count: 2 }]);
  });

  it("property: any sequence of frames decodes the same however the port splits it", () => {
    fc.assert(
      fc.property(
        fc.array(frames, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        (list, chunks) => {
          const stream = Buffer.concat(list);
          const whole = new Pn532Decoder().push(stream);
          const split = feed(new Pn532Decoder(), stream, chunks);
          expect(split).toEqual(whole);
          expect(whole.length).toBe(list.length);
          expect(
            whole.every(
              (e) => e.type === "ack" || e.type === "nack" || e.type === "error-frame" || e.type === "frame",
            ),
          ).toBe(true);
        },
      ),
      { seed: 5320, numRuns: 200 },
    );
  });

  it("property: a frame after garbage free of 00 is always recovered", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }).map((g) => Buffer.from(g.map((b) => b || 1))),
        frames,
        (garbage, frame) => {
          const events = new Pn532Decoder().push(Buffer.concat([garbage, frame]));
          expect(events[0]).toEqual({ type: "skipped", count: garbage.length });
          expect(events.slice(1)).toEqual(new Pn532Decoder().push(frame));
        },
      ),
      { seed: 5321, numRuns: 200 },
    );
  });

  it("property: a frame with one corrupted byte never decodes to a different good frame silently", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, where, xor) => {
          const payload = Buffer.from(bytes);
          const frame = encodeFrame(0xd5, payload);
          // Flip one byte of LEN..DCS (the preamble/postamble zeros carry no information).
          const at = 3 + (where % (frame.length - 4));
          frame[at]! ^= xor;
          const decoder = new Pn532Decoder();
          const events = decoder.push(Buffer.concat([frame, Buffer.alloc(300)]));
          const goodFrames = events.filter((e) => e.type === "frame");
          for (const e of goodFrames) expect(e.type === "frame" && e.payload.equals(payload)).toBe(false);
        },
      ),
      { seed: 5322, numRuns: 300 },
    );
  });

  it("fuzz: random input only ever yields events, never throws, never holds more than one frame", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 12 }), (chunks) => {
        const decoder = new Pn532Decoder();
        for (const chunk of chunks) {
          const events = decoder.push(chunk);
          expect(Array.isArray(events)).toBe(true);
          expect(decoder.buffered).toBeLessThanOrEqual(7 + 265 + 1);
        }
      }),
      { seed: 5323, numRuns: 2000 },
    );
  });

  it("fuzz: parseFrame on random or truncated input throws only Pn532Error", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }),
          frames.chain((f) => fc.nat(f.length).map((n) => f.subarray(0, n))),
        ),
        (bytes) => {
          try {
            parseFrame(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(Pn532Error);
          }
        },
      ),
      { seed: 5324, numRuns: 2000 },
    );
  });
});
