import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeLengthPrefixed,
  FramingError,
  LengthPrefixDecoder,
  LengthPrefixError,
} from "../../../protocol/framing/index.js";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { cutsArb, splitAt } from "./chunking.js";

describe("encodeLengthPrefixed", () => {
  it("prepends the 2-byte big-endian count of the bytes after it", () => {
    expect(toHex(encodeLengthPrefixed(fromHex("6000030000")))).toBe("00056000030000");
    // CUP dialect vector: 01AA announces 426 body bytes (428 on the wire).
    const frame = encodeLengthPrefixed(Buffer.alloc(426, 0x60));
    expect(toHex(frame.subarray(0, 2))).toBe("01AA");
    expect(frame.length).toBe(428);
    expect(toHex(encodeLengthPrefixed(Buffer.alloc(0xffff)).subarray(0, 2))).toBe("FFFF");
  });

  it("refuses an empty or oversize frame with a FramingError", () => {
    expect(() => encodeLengthPrefixed(Buffer.alloc(0x10000))).toThrow(FramingError);
    expect(() => encodeLengthPrefixed(Buffer.alloc(0x10000))).toThrow(
      /length prefix: frame of 65536 bytes exceeds/,
    );
    expect(() => encodeLengthPrefixed(Buffer.alloc(0))).toThrow(FramingError);
    expect(() => encodeLengthPrefixed(Buffer.alloc(11), 10)).toThrow(/exceeds the maximum 10/);
  });
});

describe("LengthPrefixDecoder", () => {
  it("returns complete frames and keeps partial data", () => {
    const d = new LengthPrefixDecoder();
    expect(d.push(fromHex("00"))).toEqual([]);
    expect(d.push(fromHex("03AA"))).toEqual([]);
    expect(d.buffered).toBe(3);
    expect(d.push(fromHex("BBCC0001DD00")).map(toHex)).toEqual(["AABBCC", "DD"]);
    expect(d.buffered).toBe(1);
    expect(d.push(fromHex("02EEFF")).map(toHex)).toEqual(["EEFF"]);
    expect(d.buffered).toBe(0);
  });

  it("frames are copies: later pushes do not change them", () => {
    const d = new LengthPrefixDecoder();
    const chunk = fromHex("0002AABB00");
    const [frame] = d.push(chunk);
    chunk.fill(0);
    d.push(fromHex(`05${"11".repeat(300)}`));
    expect(toHex(frame!)).toBe("AABB");
  });

  it("a zero length is a LengthPrefixError with the stream offset and the frames before it", () => {
    const d = new LengthPrefixDecoder();
    d.push(fromHex("0001AA"));
    let error: LengthPrefixError | undefined;
    try {
      d.push(fromHex("0001BB0000"));
    } catch (e) {
      error = e as LengthPrefixError;
    }
    expect(error).toBeInstanceOf(LengthPrefixError);
    expect(error).toBeInstanceOf(FramingError);
    expect(error!.message).toBe("length prefix, offset 6: zero length");
    expect(error!.frames.map(toHex)).toEqual(["BB"]);
  });

  it("an over-maximum length fails; the decoder refuses input until reset()", () => {
    const d = new LengthPrefixDecoder({ maxFrameLength: 512 });
    expect(() => d.push(fromHex("0201"))).toThrow(/offset 0: length 513 exceeds the maximum 512/);
    expect(() => d.push(fromHex("0001AA"))).toThrow(/reset\(\) first/);
    d.reset();
    expect(d.push(fromHex("0001AA")).map(toHex)).toEqual(["AA"]);
    expect(() => d.push(fromHex("0200"))).not.toThrow(); // 512 is allowed
  });

  it("rejects a bad maxFrameLength setting", () => {
    for (const bad of [0, -1, 65536, 1.5]) {
      expect(() => new LengthPrefixDecoder({ maxFrameLength: bad })).toThrow(FramingError);
    }
  });

  it("byte-by-byte feeding of large frames stays linear", () => {
    const payload = Buffer.alloc(0xffff, 0x5a);
    const stream = Buffer.concat([
      encodeLengthPrefixed(payload),
      encodeLengthPrefixed(payload),
      encodeLengthPrefixed(payload),
    ]);
    const d = new LengthPrefixDecoder();
    const frames: Buffer[] = [];
    const started = performance.now();
    for (let i = 0; i < stream.length; i++) frames.push(...d.push(stream.subarray(i, i + 1)));
    // ~200k pushes: linear work is a few tens of ms; re-copying the backlog per byte would take minutes.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(frames).toHaveLength(3);
    expect(frames.every((f) => f.equals(payload))).toBe(true);
  });

  it("property: any chunking of a stream of frames gives the same frames", () => {
    const payloads = fc.array(fc.uint8Array({ minLength: 1, maxLength: 600 }), { maxLength: 8 });
    fc.assert(
      fc.property(payloads, cutsArb(5000), (list, cuts) => {
        const stream = Buffer.concat(list.map((p) => encodeLengthPrefixed(p)));
        const d = new LengthPrefixDecoder();
        const frames = splitAt(stream, cuts).flatMap((chunk) => d.push(chunk));
        expect(frames.map(toHex)).toEqual(list.map((p) => toHex(p)));
        expect(d.buffered).toBe(0);
      }),
      { seed: 1701, numRuns: 300 },
    );
  });

  it("fuzz: random bytes in random chunks only ever throw FramingError, and reset() recovers", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        cutsArb(300),
        fc.integer({ min: 1, max: 0xffff }),
        (raw, cuts, max) => {
          const d = new LengthPrefixDecoder({ maxFrameLength: max });
          let total = 0;
          for (const chunk of splitAt(Buffer.from(raw), cuts)) {
            try {
              total += d.push(chunk).reduce((sum, f) => sum + 2 + f.length, 0);
            } catch (error) {
              expect(error).toBeInstanceOf(FramingError);
              d.reset();
            }
          }
          expect(total).toBeLessThanOrEqual(raw.length);
        },
      ),
      { seed: 404, numRuns: 3000 },
    );
  });
});
