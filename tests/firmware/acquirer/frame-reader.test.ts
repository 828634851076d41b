import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AcquirerFrameError,
  AcquirerFrameReader,
  FrameStreamError,
} from "../../../firmware/acquirer/index.js";
import { packFrame, unpackFrame } from "../../../protocol/iso8583/cup/frame.js";
import { loadVectors } from "../../support/vectors.js";
import { HEADER, TPDU } from "./loopback-host.js";

interface Vector {
  name: string;
  hex: string;
}
/** The public vectors that are whole TCP frames (length + TPDU + header + message). */
const FRAMES = loadVectors<Vector[]>("iso8583-cup-public.json")
  .map((v) => Buffer.from(v.hex, "hex"))
  .filter((b) => b.length > 2 && b.readUInt16BE(0) === b.length - 2 && b[2] === 0x60);

/** Splits `bytes` at the given cut points. */
function chunks(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

describe("AcquirerFrameReader", () => {
  it("reads the public vector frames exactly as unpackFrame does", () => {
    expect(FRAMES.length).toBeGreaterThanOrEqual(3);
    const reader = new AcquirerFrameReader();
    const frames = reader.push(Buffer.concat(FRAMES));
    expect(frames).toHaveLength(FRAMES.length);
    let offset = 0;
    FRAMES.forEach((raw, i) => {
      const expected = unpackFrame(raw);
      expect(frames[i]!.message).toEqual(expected.message);
      expect(frames[i]!.header).toEqual(expected.header);
      expect(frames[i]!.tpdu).toEqual(expected.tpdu);
      expect(frames[i]!.raw.equals(raw)).toBe(true);
      expect(frames[i]!.body.equals(raw.subarray(13))).toBe(true);
      expect(frames[i]!.offset).toBe(offset);
      offset += raw.length;
    });
    expect(reader.buffered).toBe(0);
  });

  it("gives the same frames whatever the chunk boundaries (property)", () => {
    const stream = Buffer.concat(FRAMES);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 12 }), (cuts) => {
        const reader = new AcquirerFrameReader();
        const got = chunks(stream, cuts).flatMap((c) => reader.push(c));
        expect(got.map((f) => f.raw.toString("hex"))).toEqual(FRAMES.map((f) => f.toString("hex")));
      }),
      { seed: 0x7a11, numRuns: 200 },
    );
  });

  it("a wrong TPDU id after a good frame: the good frame rides on the error, offset names the bad byte", () => {
    const good = packFrame({
      tpdu: TPDU,
      header: HEADER,
      message: { mti: "0810", fields: { 11: "000001", 39: "00" } },
    });
    const bad = Buffer.from(good);
    bad[2] = 0x61;
    const reader = new AcquirerFrameReader();
    let error: unknown;
    try {
      reader.push(Buffer.concat([good, bad]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FrameStreamError);
    const fault = error as FrameStreamError;
    expect(fault.frames).toHaveLength(1);
    expect(fault.offset).toBe(good.length + 2);
    expect(fault.path).toBe("tpdu.id");
    expect(fault.message).toContain(`stream offset ${good.length}`);
    // Refuses more input until reset.
    expect(() => reader.push(good)).toThrow(FrameStreamError);
    reader.reset();
    expect(reader.push(good)).toHaveLength(1);
  });

  it("an undecodable field names the field and its stream offset", () => {
    const frame = packFrame({
      tpdu: TPDU,
      header: HEADER,
      message: { mti: "0210", fields: { 11: "000001" } },
    });
    const truncated = Buffer.concat([
      Buffer.from([0, frame.length - 3]),
      frame.subarray(2, frame.length - 1),
    ]);
    const reader = new AcquirerFrameReader();
    expect(() => reader.push(Buffer.concat([frame, truncated]))).toThrow(/field 11/);
  });

  it("random bytes in random chunks only ever raise AcquirerFrameError (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 96 }), { maxLength: 8 }),
        fc.boolean(),
        (parts, withValidPrefix) => {
          const reader = new AcquirerFrameReader();
          const input = withValidPrefix ? [FRAMES[0]!, ...parts] : parts;
          for (const part of input) {
            try {
              reader.push(part);
            } catch (error) {
              if (!(error instanceof AcquirerFrameError)) throw error;
              expect(typeof error.offset).toBe("number");
              expect(error.sent).toBe(false);
              return;
            }
          }
        },
      ),
      { seed: 0x5eed, numRuns: 2000 },
    );
  });

  it("mutated vector frames only ever raise AcquirerFrameError (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FRAMES),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (frame, flips, cut) => {
          const bytes = Buffer.from(frame);
          for (const [at, value] of flips) bytes[2 + (at % (bytes.length - 2))] = value;
          const reader = new AcquirerFrameReader();
          try {
            for (const c of chunks(bytes, [cut])) reader.push(c);
          } catch (error) {
            if (!(error instanceof AcquirerFrameError)) throw error;
          }
        },
      ),
      { seed: 0xbadf, numRuns: 1000 },
    );
  });
});
