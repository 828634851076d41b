import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { Iso8583Error, splitTrack } from "../../protocol/iso8583/index.js";
import { decodeTlv, encodeDol, encodeTlv, parseDol, TlvError } from "../../protocol/tlv/index.js";
import {
  decodeMagtekReport,
  decodeMsrSerialRecord,
  decodeTrackBits,
  encodeMagtekReport,
  encodeMsrSerialRecord,
  encodeTrackBits,
  goodTrackRecord,
  parseTrack1,
  parseTrack2,
  parseTrack3,
  splitTrackText,
  TrackError,
} from "../../protocol/track/index.js";
import { shape, tagArb, tlvTreeArb } from "../protocol/tlv/arbitraries.js";
import {
  fuzz,
  largeBytes,
  largeText,
  mutated,
  mutatedText,
  printFuzzTable,
  randomBytes,
  randomText,
} from "./support/fuzz.js";

/** BER-TLV, DOLs and magnetic-stripe data (track text, reader records and reports, raw F2F bits). */

afterAll(() => printFuzzTable("TLV and track data"));

const tlvBytes = tlvTreeArb.map((tree) => encodeTlv(tree));

const DIGIT = fc.constantFrom(..."0123456789");
const digitsOf = (min: number, max: number) =>
  fc.array(DIGIT, { minLength: min, maxLength: max }).map((d) => d.join(""));
const expiry = fc
  .tuple(digitsOf(2, 2), fc.integer({ min: 1, max: 12 }))
  .map(([yy, mm]) => yy + String(mm).padStart(2, "0"));
const track2Text = fc
  .tuple(digitsOf(12, 19), expiry, digitsOf(3, 3), digitsOf(0, 10))
  .map(([pan, exp, sc, dd]) => `${pan}=${exp}${sc}${dd}`);
const track1Text = fc
  .tuple(
    digitsOf(12, 19),
    fc.array(fc.constantFrom(..."ABCXYZ /."), { minLength: 2, maxLength: 26 }),
    expiry,
    digitsOf(3, 3),
    digitsOf(0, 20),
  )
  .map(([pan, name, exp, sc, dd]) => `B${pan}^${name.join("")}^${exp}${sc}${dd}`);
const track3Text = fc
  .tuple(digitsOf(2, 2), digitsOf(12, 19), digitsOf(0, 60))
  .map(([fc2, pan, rest]) => `${fc2}${pan}=${rest}`);

describe("fuzz BER-TLV and DOL", () => {
  it("decodeTlv: random, mutated, structured (parse(build(x)) = x), 64 KiB", () => {
    fuzz({
      parser: "BER-TLV decodeTlv",
      seed: 201,
      budget: 3000,
      families: [
        { name: "random", input: randomBytes(300) },
        { name: "mutated", input: mutated(tlvBytes), weight: 2 },
        { name: "structured", input: tlvBytes },
        { name: "large", input: largeBytes(tlvBytes), weight: 0.01 },
      ],
      parse: (bytes) => decodeTlv(bytes),
      errors: [TlvError],
      build: encodeTlv,
      view: shape,
    });
  });

  it("parseDol: random, mutated, structured", () => {
    const dol = fc
      .array(fc.record({ tag: tagArb(false), length: fc.integer({ min: 0, max: 255 }) }), { maxLength: 12 })
      .map((entries) => encodeDol(entries));
    fuzz({
      parser: "DOL parseDol",
      seed: 202,
      budget: 1000,
      families: [
        { name: "random", input: randomBytes(80) },
        { name: "mutated", input: mutated(dol) },
        { name: "structured", input: dol },
        { name: "large", input: largeBytes(), weight: 0.01 },
      ],
      parse: (bytes) => parseDol(bytes),
      errors: [TlvError],
      build: encodeDol,
    });
  });
});

describe("fuzz track data", () => {
  const trackText: [string, fc.Arbitrary<string>, (t: string) => unknown][] = [
    ["track 1 parseTrack1", track1Text, parseTrack1],
    ["track 2 parseTrack2", track2Text, parseTrack2],
    ["track 3 parseTrack3", track3Text, parseTrack3],
  ];
  trackText.forEach(([name, valid, parse], i) => {
    it(`${name}: random, mutated, structured`, () => {
      fuzz({
        parser: name,
        seed: 210 + i,
        budget: 1000,
        families: [
          { name: "random", input: randomText(120) },
          { name: "mutated", input: mutatedText(valid) },
          { name: "structured", input: valid },
          { name: "large", input: largeText(valid), weight: 0.01 },
        ],
        parse,
        errors: [TrackError],
      });
    });
  });

  it("ISO 8583 field 35/36 splitTrack: random, mutated, structured", () => {
    const track = track2Text.map((t) => t.replace("=", "D"));
    fuzz({
      parser: "track splitTrack (field 35)",
      seed: 214,
      budget: 600,
      families: [
        { name: "random", input: randomText(60) },
        { name: "mutated", input: mutatedText(track) },
        { name: "structured", input: track },
      ],
      parse: splitTrack,
      errors: [Iso8583Error],
    });
  });

  it("MSR serial records: random, mutated, structured (parse(build(x)) = x)", () => {
    const record = fc
      .array(
        fc.oneof(
          track1Text.map((t) => goodTrackRecord(1, Buffer.from(t.slice(0, 76)))),
          track2Text.map((t) => goodTrackRecord(2, Buffer.from(t.slice(0, 37)))),
        ),
        { minLength: 1, maxLength: 2 },
      )
      .filter((tracks) => new Set(tracks.map((t) => t.track)).size === tracks.length)
      .map((tracks) => encodeMsrSerialRecord(tracks));
    fuzz({
      parser: "track MSR serial record",
      seed: 215,
      budget: 1000,
      families: [
        { name: "random", input: randomBytes(200) },
        { name: "mutated", input: mutated(record) },
        { name: "structured", input: record },
        { name: "large", input: largeBytes(record), weight: 0.01 },
      ],
      parse: decodeMsrSerialRecord,
      errors: [TrackError],
      build: encodeMsrSerialRecord,
    });
  });

  it("keyboard-wedge sentinel text: random, mutated", () => {
    const wedge = fc
      .tuple(track1Text, track2Text)
      .map(([t1, t2]) => Buffer.from(`%${t1}?;${t2}?\r`, "latin1"));
    fuzz({
      parser: "track sentinel text",
      seed: 216,
      budget: 1000,
      families: [
        { name: "random", input: randomBytes(200) },
        { name: "mutated", input: mutated(wedge) },
        { name: "large", input: largeBytes(wedge), weight: 0.01 },
      ],
      parse: splitTrackText,
      errors: [TrackError],
    });
  });

  it("MagTek HID report: random, mutated, structured", () => {
    const report = fc.tuple(track1Text, track2Text).map(([t1, t2]) =>
      encodeMagtekReport({
        1: { status: 0, data: Buffer.from(t1.slice(0, 76)) },
        2: { status: 0, data: Buffer.from(t2.slice(0, 37)) },
      }),
    );
    fuzz({
      parser: "track MagTek report",
      seed: 217,
      budget: 600,
      families: [
        {
          name: "random",
          input: fc.oneof(
            randomBytes(400),
            fc.uint8Array({ minLength: 337, maxLength: 337 }).map((b) => Buffer.from(b)),
          ),
        },
        { name: "mutated", input: mutated(report) },
        { name: "structured", input: report },
      ],
      parse: decodeMagtekReport,
      errors: [TrackError],
    });
  });

  it("F2F bits decodeTrackBits: random bits, mutated and structured swipes (never throws)", () => {
    const swipe = track2Text.map((t) => Buffer.from(encodeTrackBits(Buffer.from(t.slice(0, 37)), 2)));
    const bits = (b: fc.Arbitrary<Buffer>) => b.map((x) => Buffer.from(x.map((v) => v & 1)));
    fuzz({
      parser: "track F2F bits",
      seed: 218,
      budget: 600,
      families: [
        { name: "random", input: bits(randomBytes(400)) },
        { name: "mutated", input: bits(mutated(swipe)) },
        { name: "structured", input: swipe },
        { name: "large", input: bits(largeBytes()), weight: 0.01 },
      ],
      parse: (b) => decodeTrackBits(b, 2),
      errors: [],
      accept: (decoded, b) => {
        if (decoded.status === "ok") expect(decoded.text?.length ?? 0).toBeLessThanOrEqual(b.length);
      },
    });
  });
});
