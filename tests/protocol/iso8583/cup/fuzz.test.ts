import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describe as describeMessage } from "../../../../protocol/iso8583/cup/describe.js";
import { packFrame, unpackFrame } from "../../../../protocol/iso8583/cup/frame.js";
import { headerFromDigits } from "../../../../protocol/iso8583/cup/header.js";
import { parsedView } from "../../../../protocol/iso8583/cup/parsed.js";
import { cupSpec } from "../../../../protocol/iso8583/cup/spec.js";
import { Iso8583Error } from "../../../../protocol/iso8583/errors.js";
import { pack, unpack } from "../../../../protocol/iso8583/message.js";
import type { Iso8583Message } from "../../../../protocol/iso8583/spec.js";
import { cupMessage } from "./arbitrary.js";

/**
 * Decoders only ever throw Iso8583Error; whatever they accept is canonical (re-packs to the same
 * bytes), and the views on top of it (parsed, describe) never throw. 115,000 seeded cases.
 */
function check(decode: () => Iso8583Message, repack: (m: Iso8583Message) => Buffer, input: Buffer): void {
  let message: Iso8583Message;
  try {
    message = decode();
  } catch (error) {
    if (!(error instanceof Iso8583Error)) throw error;
    return;
  }
  expect(repack(message).equals(input)).toBe(true);
  parsedView(message);
  describeMessage(message);
}

const frameOf = (message: Iso8583Message) =>
  packFrame({
    tpdu: { destination: "0003", source: "0000" },
    header: headerFromDigits("603100311003"),
    message,
  });

const checkMessage = (bytes: Buffer) =>
  check(
    () => unpack(cupSpec, bytes),
    (m) => pack(cupSpec, m),
    bytes,
  );
const checkFrame = (bytes: Buffer) =>
  check(
    () => unpackFrame(bytes).message,
    () => packFrame(unpackFrame(bytes)),
    bytes,
  );

/** A valid CUP message start (MTI + bitmap) followed by random bytes: reaches the field codecs. */
const plausible = fc
  .tuple(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ maxLength: 160 }))
  .map(([bitmap, rest]) => {
    const b = Buffer.from(bitmap);
    b[0]! &= 0x7f;
    return Buffer.concat([Buffer.from("0200", "hex"), b, rest]);
  });

describe("fuzzing unpack and unpackFrame", () => {
  it("random bytes (30,000)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (raw) => checkMessage(Buffer.from(raw))),
      { seed: 1, numRuns: 30_000 },
    );
  });

  it("plausible MTI + bitmap + random fields (25,000)", () => {
    fc.assert(
      fc.property(plausible, (bytes) => checkMessage(bytes)),
      { seed: 2, numRuns: 25_000 },
    );
  });

  it("random frames with a correct length (15,000)", () => {
    fc.assert(
      fc.property(plausible, fc.uint8Array({ minLength: 10, maxLength: 10 }), (message, tpduHeader) => {
        const body = Buffer.concat([Buffer.from([0x60]), Buffer.from(tpduHeader), message]);
        const length = Buffer.alloc(2);
        length.writeUInt16BE(body.length);
        checkFrame(Buffer.concat([length, body]));
      }),
      { seed: 3, numRuns: 15_000 },
    );
  });

  it("truncated valid frames and messages always throw Iso8583Error (15,000)", () => {
    fc.assert(
      fc.property(
        cupMessage(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (message, cut, framed) => {
          const whole = framed ? frameOf(message) : pack(cupSpec, message);
          const at = Math.min(whole.length - 1, Math.floor(cut * whole.length));
          const truncated = whole.subarray(0, at);
          const run = () => (framed ? unpackFrame(truncated) : unpack(cupSpec, truncated));
          expect(run).toThrow(Iso8583Error);
        },
      ),
      { seed: 4, numRuns: 15_000 },
    );
  });

  it("bit-flipped valid frames and messages (30,000)", () => {
    fc.assert(
      fc.property(
        cupMessage(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (message, flips, framed) => {
          const bytes = Buffer.from(framed ? frameOf(message) : pack(cupSpec, message));
          for (const [pos, bit] of flips) bytes[pos % bytes.length]! ^= 1 << bit;
          if (framed) checkFrame(bytes);
          else checkMessage(bytes);
        },
      ),
      { seed: 5, numRuns: 30_000 },
    );
  });
});
