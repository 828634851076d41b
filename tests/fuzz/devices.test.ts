import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  AtError,
  AtParser,
  parseCpin,
  parseCsq,
  parseQiact,
  parseQigeterror,
  parseQiopen,
  parseQirdLength,
  parseQiurc,
  parseRegistration,
  quectelPayloadRule,
} from "../../protocol/at/index.js";
import {
  CcidError,
  CcidSerialDecoder,
  decodeCcidMessage,
  encodeCcidMessage,
  encodeCcidSerialFrame,
} from "../../protocol/ccid/index.js";
import {
  decodeAsb,
  decodeRealtimeStatus,
  EscPosError,
  EscPosStreamParser,
  encodeAsb,
  StatusReplyDecoder,
} from "../../protocol/escpos/index.js";
import {
  decodeCommand,
  decodeResponse,
  encodeCommand,
  encodeFrame as encodePinPadFrame,
  encodeResponse,
  PinPadCodecError,
  PinPadFrameDecoder,
} from "../../protocol/pinpad/index.js";
import {
  ACK_FRAME,
  encodeCommandFrame,
  encodeDataExchangeReply,
  encodeFirmwareVersion,
  encodeListedTargets,
  encodeResponseFrame,
  Pn532Decoder,
  Pn532Error,
  parseDataExchangeReply,
  parseFirmwareVersion,
  parseFrame,
  parseListedTargets,
} from "../../protocol/pn532/index.js";
import {
  chunksOf,
  concatenated,
  fuzz,
  largeBytes,
  mutated,
  mutatedText,
  printFuzzTable,
  randomBytes,
  randomText,
  type Streamed,
  streamed,
  streamFamilies,
} from "./support/fuzz.js";

/** Device links: PN532 (NFC), CCID (contact reader), PIN pad, modem AT lines and URCs, ESC/POS printer. */

afterAll(() => printFuzzTable("device protocols"));

const payload = (max: number) => fc.uint8Array({ minLength: 1, maxLength: max }).map((b) => Buffer.from(b));
const feed =
  <E>(push: (chunk: Buffer) => E[]) =>
  ([bytes, sizes]: Streamed) =>
    chunksOf(bytes, sizes).flatMap((chunk) => push(chunk));

describe("fuzz PN532", () => {
  const frames = fc.oneof(
    payload(260).map((p) => encodeCommandFrame(p)),
    payload(254).map((p) => encodeResponseFrame(p)),
    fc.constant(Buffer.from(ACK_FRAME)),
  );

  it("Pn532Decoder (stream, never throws) and parseFrame (one frame, Pn532Error)", () => {
    fuzz({
      parser: "PN532 decoder stream",
      seed: 301,
      budget: 1500,
      families: [
        { name: "random", input: streamed(randomBytes(400)) },
        {
          name: "mutated",
          input: streamed(mutated(concatenated(frames), { offset: 3, size: 1, encoding: "be" })),
          weight: 2,
        },
        { name: "large", input: streamed(largeBytes(frames)), weight: 0.01 },
      ],
      parse: (input) => {
        const decoder = new Pn532Decoder();
        return feed((c) => decoder.push(c))(input);
      },
      errors: [],
    });
    fuzz({
      parser: "PN532 parseFrame",
      seed: 302,
      budget: 1500,
      families: [
        { name: "random", input: randomBytes(300) },
        { name: "mutated", input: mutated(frames, { offset: 3, size: 1, encoding: "be" }), weight: 2 },
        { name: "structured", input: frames },
      ],
      parse: parseFrame,
      errors: [Pn532Error],
    });
  });

  it("PN532 response payloads (firmware version, listed targets, data exchange)", () => {
    const targetA = fc.record({
      target: fc.integer({ min: 1, max: 2 }),
      atqa: fc.uint8Array({ minLength: 2, maxLength: 2 }).map((b) => Buffer.from(b)),
      sak: fc.integer({ min: 0, max: 0xff }).map((s) => s & ~0x20),
      uid: fc
        .constantFrom(4, 7, 10)
        .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b))),
    });
    const listed = fc
      .array(targetA, { maxLength: 2 })
      .map((targets) => encodeListedTargets({ modulation: "A106", targets }));
    const fw = fc
      .record({
        ic: fc.integer({ min: 0, max: 255 }),
        version: fc.integer({ min: 0, max: 255 }),
        revision: fc.integer({ min: 0, max: 255 }),
        support: fc.record({ iso14443a: fc.boolean(), iso14443b: fc.boolean(), iso18092: fc.boolean() }),
      })
      .map(encodeFirmwareVersion);
    const exchange = fc
      .tuple(fc.integer({ min: 0, max: 0x7f }), fc.uint8Array({ maxLength: 64 }))
      .map(([s, d]) => encodeDataExchangeReply(s, Buffer.from(d)));
    const all = fc.oneof(listed, fw, exchange);
    fuzz({
      parser: "PN532 response payloads",
      seed: 303,
      budget: 1200,
      families: [
        { name: "random", input: randomBytes(80) },
        { name: "mutated", input: mutated(all) },
        { name: "structured", input: all },
      ],
      parse: (p) => [
        attempt(() => parseFirmwareVersion(p), Pn532Error),
        attempt(() => parseListedTargets(p, "A106"), Pn532Error),
        attempt(() => parseListedTargets(p, "B106"), Pn532Error),
        attempt(() => parseDataExchangeReply(p), Pn532Error),
      ],
      errors: [Pn532Error],
    });
  });
});

/** Runs one of several parsers on the same input: a typed error becomes a value, anything else escapes. */
function attempt<T>(run: () => T, type: abstract new (...args: never[]) => Error): T | string {
  try {
    return run();
  } catch (error) {
    if (error instanceof type) return error.name;
    throw error;
  }
}

describe("fuzz CCID", () => {
  const message = fc
    .record({
      type: fc.constantFrom(0x62, 0x63, 0x65, 0x6f, 0x80, 0x81, 0x83),
      slot: fc.integer({ min: 0, max: 1 }),
      seq: fc.integer({ min: 0, max: 255 }),
      specific: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)),
      data: fc.uint8Array({ maxLength: 270 }),
    })
    .map((m) => encodeCcidMessage(m));

  it("decodeCcidMessage: random, mutated (dwLength corrupted too), structured", () => {
    fuzz({
      parser: "CCID message",
      seed: 311,
      budget: 1500,
      families: [
        { name: "random", input: randomBytes(300) },
        { name: "mutated", input: mutated(message, { offset: 1, size: 4, encoding: "le" }) },
        { name: "structured", input: message },
        { name: "large", input: largeBytes(), weight: 0.01 },
      ],
      parse: decodeCcidMessage,
      errors: [CcidError],
      build: (m) => encodeCcidMessage(m),
    });
  });

  it("CcidSerialDecoder (both directions, stream, never throws)", () => {
    const frames = concatenated(message.map((m) => encodeCcidSerialFrame(m)));
    fuzz({
      parser: "CCID serial decoder",
      seed: 312,
      budget: 1500,
      families: [
        { name: "random", input: streamed(randomBytes(400)) },
        {
          name: "mutated",
          input: streamed(mutated(frames, { offset: 2, size: 4, encoding: "le" })),
          weight: 2,
        },
        { name: "large", input: streamed(largeBytes(frames)), weight: 0.01 },
      ],
      parse: (input) => {
        const fromReader = new CcidSerialDecoder({ direction: "from-reader" });
        const toReader = new CcidSerialDecoder({ direction: "to-reader" });
        return [feed((c) => fromReader.push(c))(input), feed((c) => toReader.push(c))(input)];
      },
      errors: [],
      // From the reader every byte >= 0x80 outside a frame is its own time-request event: linear, ~64 B each.
      maxResultBytes: (n) => 128 * n + 4096,
    });
  });
});

describe("fuzz PIN pad protocol", () => {
  const id = fc
    .array(fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), { minLength: 3, maxLength: 3 })
    .map((c) => c.join(""));
  const blocks = fc.array(
    fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
    { maxLength: 3 },
  );
  const command = fc.record({ id, blocks }).map(encodeCommand);
  const response = fc
    .oneof(
      fc.record({ id, status: fc.constant(0), blocks }),
      fc.record({ id, status: fc.integer({ min: 1, max: 999 }), blocks: fc.constant<Buffer[]>([]) }),
    )
    .map(encodeResponse);

  it("PinPadFrameDecoder (stream, never throws)", () => {
    const frames = concatenated(fc.oneof(command, response).map((d) => encodePinPadFrame(d)));
    fuzz({
      parser: "PIN pad frame decoder",
      seed: 321,
      budget: 1500,
      families: streamFamilies(frames),
      parse: (input) => {
        const decoder = new PinPadFrameDecoder();
        return feed((c) => decoder.push(c))(input);
      },
      errors: [],
    });
  });

  it("decodeCommand / decodeResponse: random, mutated, structured (parse(build(x)) = x)", () => {
    fuzz({
      parser: "PIN pad command",
      seed: 322,
      budget: 1000,
      families: [
        { name: "random", input: randomBytes(120) },
        { name: "mutated", input: mutated(command, { offset: 3, size: 3, encoding: "ascii" }) },
        { name: "structured", input: command },
      ],
      parse: decodeCommand,
      errors: [PinPadCodecError],
      build: encodeCommand,
    });
    fuzz({
      parser: "PIN pad response",
      seed: 323,
      budget: 1000,
      families: [
        { name: "random", input: randomBytes(120) },
        { name: "mutated", input: mutated(response, { offset: 6, size: 3, encoding: "ascii" }) },
        { name: "structured", input: response },
      ],
      parse: decodeResponse,
      errors: [PinPadCodecError],
      build: encodeResponse,
    });
  });
});

describe("fuzz modem AT lines and URCs", () => {
  const lines = fc
    .array(
      fc.constantFrom(
        "OK",
        "ERROR",
        "+CME ERROR: 10",
        "+CSQ: 21,99",
        '+QIURC: "recv",0,5\r\nHELLO',
        '+QIURC: "closed",0',
        '+QIURC: "pdpdeact",1',
        "+QIRD: 4\r\nABCD\r\nOK",
        "+CREG: 0,1",
        "RDY",
        "> ",
        "CONNECT",
        "NO CARRIER",
        "+CPIN: NOT READY",
      ),
      { minLength: 1, maxLength: 8 },
    )
    .map((l) => Buffer.from(`\r\n${l.join("\r\n\r\n")}\r\n`, "latin1"));

  it("AtParser (stream, never throws, faults carry AtError)", () => {
    fuzz({
      parser: "AT parser stream",
      seed: 331,
      budget: 1500,
      families: streamFamilies(lines),
      parse: (input) => {
        const parser = new AtParser({ payloadRule: quectelPayloadRule });
        parser.expect({ text: "AT+CSQ", prefix: "+CSQ" });
        return feed((c) => parser.push(c))(input);
      },
      errors: [],
      accept: (events) => {
        for (const e of events) if (e.kind === "fault") expect(e.error).toBeInstanceOf(AtError);
      },
    });
  });

  it("Quectel response / URC argument parsers", () => {
    const args = fc.constantFrom(
      "21,99",
      "READY",
      "0,1",
      '2,5,"1A2B","0000ABCD",7',
      "0,0",
      '1,1,1,"10.0.0.1"',
      '0,"operation successful"',
      '"recv",0,5',
      '"closed",0',
      '"pdpdeact",1',
      '"dnsgip",0,1,600',
      "5",
      "10,5,5",
    );
    const parsers = [
      parseCsq,
      parseCpin,
      (a: string) => parseRegistration(a),
      (a: string) => parseRegistration(a, true),
      parseQiopen,
      parseQiact,
      parseQigeterror,
      parseQiurc,
      parseQirdLength,
    ];
    fuzz({
      parser: "AT URC/response args",
      seed: 332,
      budget: 1000,
      families: [
        { name: "random", input: randomText(60) },
        { name: "mutated", input: mutatedText(args) },
        { name: "structured", input: args },
      ],
      parse: (a) => parsers.map((p) => attempt(() => p(a), AtError)),
      errors: [AtError],
    });
  });
});

describe("fuzz ESC/POS printer status", () => {
  const status = fc.record({
    online: fc.boolean(),
    coverOpen: fc.boolean(),
    paper: fc.constantFrom("ok" as const, "near-end" as const, "out" as const),
    cutterError: fc.boolean(),
    unrecoverableError: fc.boolean(),
    autoRecoverableError: fc.boolean(),
    feedButton: fc.boolean(),
  });

  it("StatusReplyDecoder (stream, never throws) and decodeAsb", () => {
    const asb = status.map((s) => encodeAsb(s));
    fuzz({
      parser: "ESC/POS status stream",
      seed: 341,
      budget: 1000,
      families: [
        { name: "random", input: streamed(randomBytes(200)) },
        { name: "mutated", input: streamed(mutated(concatenated(asb))) },
        { name: "large", input: streamed(largeBytes(asb)), weight: 0.01 },
      ],
      parse: (input) => {
        const decoder = new StatusReplyDecoder();
        return feed((c) => decoder.push(c))(input);
      },
      errors: [],
      // One small event per foreign byte (no coalescing): linear, but ~60 bytes of objects per input byte.
      maxResultBytes: (n) => 128 * n + 4096,
    });
    fuzz({
      parser: "ESC/POS ASB / DLE EOT",
      seed: 342,
      budget: 1000,
      families: [
        { name: "random", input: randomBytes(8) },
        { name: "mutated", input: mutated(asb) },
        { name: "structured", input: asb },
      ],
      parse: (b) => [
        attempt(() => decodeAsb(b), EscPosError),
        attempt(
          () =>
            decodeRealtimeStatus({
              printer: b[0]!,
              offlineCause: b[1]!,
              errorCause: b[2]!,
              paperSensor: b[3]!,
            }),
          EscPosError,
        ),
      ],
      errors: [EscPosError],
    });
  });

  it("EscPosStreamParser (the rig printer reading the terminal's output)", () => {
    const doc = fc
      .array(
        fc.constantFrom(
          "1B40",
          "1B6101",
          "1D5600",
          "1B2108",
          "48656C6C6F0A",
          "1D6B4903414243",
          "1B6402",
          "100401",
        ),
        { minLength: 1, maxLength: 10 },
      )
      .map((parts) => Buffer.from(parts.join(""), "hex"));
    fuzz({
      parser: "ESC/POS stream parser",
      seed: 343,
      budget: 1000,
      families: [
        { name: "random", input: streamed(randomBytes(300)) },
        { name: "mutated", input: streamed(mutated(doc)) },
        { name: "large", input: streamed(largeBytes(doc)), weight: 0.01 },
      ],
      parse: (input) => {
        const parser = new EscPosStreamParser();
        const commands = feed((c) => parser.push(c))(input);
        return [...commands, ...parser.end()];
      },
      errors: [EscPosError],
    });
  });
});
