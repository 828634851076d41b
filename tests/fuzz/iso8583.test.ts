import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { describe as describeCup } from "../../protocol/iso8583/cup/describe.js";
import { packFrame, unpackFrame, unpackFrameBody } from "../../protocol/iso8583/cup/frame.js";
import { headerFromDigits } from "../../protocol/iso8583/cup/header.js";
import { parsedView } from "../../protocol/iso8583/cup/parsed.js";
import { cupSpec } from "../../protocol/iso8583/cup/spec.js";
import {
  buildBatchUploadCount,
  buildBatchUploadRecords,
  buildField44,
  buildField53,
  buildField55,
  buildField60,
  buildField61,
  buildField62,
  buildField63,
  buildSettlementTotals,
  FIELD44_LAYOUT,
  FIELD53_LAYOUT,
  FIELD60_LAYOUT,
  FIELD61_LAYOUT,
  FIELD63_LAYOUT,
  Iso8583Error,
  type PositionalLayout,
  pack,
  parseBatchUploadCount,
  parseBatchUploadRecords,
  parseField44,
  parseField53,
  parseField55,
  parseField60,
  parseField61,
  parseField62,
  parseField63,
  parseSettlementTotals,
  unpack,
} from "../../protocol/iso8583/index.js";
import type { Iso8583Message } from "../../protocol/iso8583/spec.js";
import { cupMessage } from "../protocol/iso8583/cup/arbitrary.js";
import { tlvTreeArb } from "../protocol/tlv/arbitraries.js";
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

/** ISO 8583 CUP frames, messages and the sub-field parsers of fields 44/48/53/55/60/61/62/63. */

afterAll(() => printFuzzTable("ISO 8583"));

const frameOf = (message: Iso8583Message) =>
  packFrame({
    tpdu: { destination: "0003", source: "0000" },
    header: headerFromDigits("603100311003"),
    message,
  });

/** Accepted messages are canonical and the views on top of them never throw. */
function acceptMessage(message: Iso8583Message): void {
  parsedView(message);
  describeCup(message);
}

const DIGIT = fc.constantFrom(..."0123456789");
const ANS = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const CHARS = { n: DIGIT, an: fc.constantFrom(..."ABCZabcz0189 "), ans: ANS } as const;

/** A valid flat value for a positional layout: the required sub-fields and any of the optional ones. */
function positionalValue(layout: PositionalLayout): fc.Arbitrary<string> {
  const parts = layout.subs.map((sub) =>
    fc
      .array(CHARS[sub.charset], { minLength: sub.variable ? 1 : sub.length, maxLength: sub.length })
      .map((c) => c.join("")),
  );
  return fc
    .tuple(fc.integer({ min: layout.required, max: layout.subs.length }), fc.tuple(...parts))
    .map(([count, values]) => values.slice(0, count).join(""));
}

const digits = (n: number) => fc.array(DIGIT, { minLength: n, maxLength: n }).map((d) => d.join(""));
const settlementBlock = fc.tuple(digits(30), fc.constantFrom("0", "1", "2", "3")).map(([d, r]) => d + r);
const field48Totals = fc.oneof(
  settlementBlock,
  fc.tuple(settlementBlock, settlementBlock).map(([a, b]) => a + b),
);
const field48Records = fc
  .array(digits(40), { maxLength: 8 })
  .map((records) => String(records.length).padStart(2, "0") + records.join(""));

describe("fuzz ISO 8583 (CUP)", () => {
  it("unpackFrame: random, mutated valid frames (bad length prefix too), 64 KiB", () => {
    fuzz({
      parser: "iso8583 unpackFrame",
      seed: 101,
      budget: 3000,
      families: [
        { name: "random", input: randomBytes(300) },
        {
          name: "mutated",
          input: mutated(cupMessage(32).map(frameOf), { offset: 0, size: 2, encoding: "be" }),
          weight: 2,
        },
        { name: "large", input: largeBytes(cupMessage(32).map(frameOf)), weight: 0.01 },
      ],
      parse: (bytes) => unpackFrame(bytes),
      errors: [Iso8583Error],
      accept: (frame, bytes) => {
        expect(packFrame(frame).equals(bytes)).toBe(true);
        acceptMessage(frame.message);
      },
    });
  });

  it("unpackFrameBody (stream decoder's view): mutated frame bodies", () => {
    fuzz({
      parser: "iso8583 unpackFrameBody",
      seed: 102,
      budget: 1000,
      families: [
        { name: "random", input: randomBytes(300) },
        { name: "mutated", input: mutated(cupMessage(32).map((m) => frameOf(m).subarray(2))) },
      ],
      parse: (bytes) => unpackFrameBody(bytes),
      errors: [Iso8583Error],
      accept: (frame) => acceptMessage(frame.message),
    });
  });

  it("unpack (message): random, mutated, structured (parse(build(x)) = x)", () => {
    fuzz({
      parser: "iso8583 unpack",
      seed: 103,
      budget: 3000,
      families: [
        { name: "random", input: randomBytes(300) },
        { name: "mutated", input: mutated(cupMessage(32).map((m) => pack(cupSpec, m))), weight: 2 },
        { name: "structured", input: cupMessage(48).map((m) => pack(cupSpec, m)) },
        { name: "large", input: largeBytes(), weight: 0.01 },
      ],
      parse: (bytes) => unpack(cupSpec, bytes),
      errors: [Iso8583Error],
      build: (message) => pack(cupSpec, message),
      accept: acceptMessage,
    });
  });

  it("field 55 (BER-TLV): random, mutated, structured", () => {
    fuzz({
      parser: "field 55",
      seed: 104,
      budget: 1500,
      families: [
        { name: "random", input: randomBytes(255) },
        { name: "mutated", input: mutated(tlvTreeArb.map((t) => buildField55(t))) },
        { name: "structured", input: tlvTreeArb.map((t) => buildField55(t)) },
        { name: "large", input: largeBytes(), weight: 0.01 },
      ],
      parse: (bytes) => parseField55(bytes),
      errors: [Iso8583Error],
      build: (nodes) => buildField55(nodes),
    });
  });

  const positional: [string, PositionalLayout, (v: string) => unknown, (r: never) => string][] = [
    ["field 44", FIELD44_LAYOUT, parseField44, buildField44],
    ["field 53", FIELD53_LAYOUT, parseField53, buildField53],
    ["field 60", FIELD60_LAYOUT, parseField60, buildField60],
    ["field 61", FIELD61_LAYOUT, parseField61, buildField61],
    ["field 63", FIELD63_LAYOUT, parseField63, buildField63],
  ];
  positional.forEach(([name, layout, parse, build], i) => {
    it(`${name} (positional): random, mutated, structured`, () => {
      fuzz({
        parser: name,
        seed: 110 + i,
        budget: 600,
        families: [
          { name: "random", input: randomText(60) },
          { name: "mutated", input: mutatedText(positionalValue(layout)) },
          { name: "structured", input: positionalValue(layout) },
          { name: "large", input: largeText(), weight: 0.01 },
        ],
        parse,
        errors: [Iso8583Error],
        build: (record) => build(record as never),
      });
    });
  });

  it("field 48 (settlement totals, batch-upload records, upload count)", () => {
    fuzz({
      parser: "field 48 totals",
      seed: 120,
      budget: 600,
      families: [
        { name: "random", input: randomText(70) },
        { name: "mutated", input: mutatedText(field48Totals) },
        { name: "structured", input: field48Totals },
        { name: "large", input: largeText(), weight: 0.01 },
      ],
      parse: parseSettlementTotals,
      errors: [Iso8583Error],
      build: buildSettlementTotals,
    });
    fuzz({
      parser: "field 48 records",
      seed: 121,
      budget: 600,
      families: [
        { name: "random", input: randomText(90) },
        { name: "mutated", input: mutatedText(field48Records) },
        { name: "structured", input: field48Records },
        { name: "large", input: largeText(), weight: 0.01 },
      ],
      parse: parseBatchUploadRecords,
      errors: [Iso8583Error],
      build: buildBatchUploadRecords,
    });
    fuzz({
      parser: "field 48 count",
      seed: 122,
      budget: 300,
      families: [
        { name: "random", input: randomText(8) },
        { name: "mutated", input: mutatedText(digits(4)) },
      ],
      parse: parseBatchUploadCount,
      errors: [Iso8583Error],
      build: buildBatchUploadCount,
    });
  });

  it("field 62 (sign-in keys): random, mutated, structured", () => {
    const keys = fc.constantFrom(24, 40, 60).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
    fuzz({
      parser: "field 62",
      seed: 123,
      budget: 600,
      families: [
        { name: "random", input: randomBytes(80) },
        { name: "mutated", input: mutated(keys.map((k) => Buffer.from(k))) },
        { name: "structured", input: keys.map((k) => Buffer.from(k)) },
      ],
      parse: parseField62,
      errors: [Iso8583Error],
      build: buildField62,
    });
  });
});
