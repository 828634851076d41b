import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ACK,
  createEcrSerialDecoder,
  ECR_TCP_MAX_FRAME,
  EcrMessageError,
  EcrTcpDecoder,
  encodeEcrSerialFrame,
  encodeEcrTcpFrame,
  NAK,
} from "../../../protocol/ecr/index.js";
import { toHex } from "../../../protocol/hex.js";

const json = Buffer.from('{"x":1}');

function chunks(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

describe("ECR serial framing (STX | JSON | ETX | LRC)", () => {
  it("matches the documented bytes: LRC = XOR of the JSON and ETX", () => {
    expect(toHex(encodeEcrSerialFrame(json))).toBe("027B2278223A317D0376");
  });

  it("decodes a frame, reports the peer's ACK/NAK, and flags a bad LRC for a NAK", () => {
    const decoder = createEcrSerialDecoder();
    const frame = encodeEcrSerialFrame(json);
    const bad = Buffer.from(frame);
    bad[bad.length - 1] = 0x00;
    const events = decoder.push(Buffer.concat([Buffer.of(ACK), frame, Buffer.of(NAK), bad]));
    expect(events.map((e) => e.type)).toEqual(["control", "frame", "control", "bad-lrc"]);
    expect(events[1]).toEqual({ type: "frame", data: json });
  });

  it("refuses raw STX/ETX in the JSON (JSON.stringify never writes them)", () => {
    expect(() => encodeEcrSerialFrame(Buffer.from('{"x":"\u0002"}'))).toThrow(EcrMessageError);
  });

  it("any chunking of a frame stream yields the same frames", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 60, unit: "grapheme" }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (texts, cuts) => {
          const payloads = texts.map((text) => Buffer.from(JSON.stringify({ text })));
          const stream = Buffer.concat(payloads.map((p) => encodeEcrSerialFrame(p)));
          const decoder = createEcrSerialDecoder();
          const frames = chunks(stream, cuts).flatMap((c) => decoder.push(c));
          expect(frames).toEqual(payloads.map((data) => ({ type: "frame", data })));
        },
      ),
      { seed: 31, numRuns: 300 },
    );
  });
});

describe("ECR TCP framing (4-byte big-endian length)", () => {
  it("matches the documented bytes", () => {
    expect(toHex(encodeEcrTcpFrame(json))).toBe("000000077B2278223A317D");
  });

  it("any chunking yields the same frames", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (payloads, cuts) => {
          const stream = Buffer.concat(payloads.map((p) => encodeEcrTcpFrame(p)));
          const decoder = new EcrTcpDecoder();
          const frames = chunks(stream, cuts).flatMap((c) => decoder.push(c));
          expect(frames.map((f) => [...f])).toEqual(payloads.map((p) => [...p]));
          expect(decoder.buffered).toBe(0);
        },
      ),
      { seed: 32, numRuns: 300 },
    );
  });

  it("a zero or oversized length is a typed error, and the decoder refuses input until reset", () => {
    const decoder = new EcrTcpDecoder();
    const big = Buffer.alloc(4);
    big.writeUInt32BE(ECR_TCP_MAX_FRAME + 1);
    expect(() => decoder.push(big)).toThrow(EcrMessageError);
    expect(() => decoder.push(encodeEcrTcpFrame(json))).toThrow(/reset/);
    decoder.reset();
    expect(decoder.push(encodeEcrTcpFrame(json))).toEqual([json]);
    expect(() => new EcrTcpDecoder().push(Buffer.alloc(4))).toThrow(EcrMessageError);
    expect(() => encodeEcrTcpFrame(Buffer.alloc(0))).toThrow(EcrMessageError);
  });

  it("random and truncated input: frames or EcrMessageError, nothing else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          new EcrTcpDecoder().push(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(EcrMessageError);
        }
        // The serial decoder never throws on input.
        createEcrSerialDecoder().push(bytes);
      }),
      { seed: 33, numRuns: 1000 },
    );
  });
});
