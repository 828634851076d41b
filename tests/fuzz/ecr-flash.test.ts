import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  createEcrSerialDecoder,
  decodeEcrMessage,
  EcrMessageError,
  EcrTcpDecoder,
  ecrMessageText,
  encodeEcrSerialFrame,
  encodeEcrTcpFrame,
  parseEcrMessage,
  parseEcrText,
} from "../../protocol/ecr/index.js";
import {
  decodeFlashFrame,
  encodeFlashFrame,
  FlashFrameDecoder,
  FlashFrameError,
  type FlashMessage,
  VERDICTS,
} from "../../protocol/flash/index.js";
import {
  chunksOf,
  concatenated,
  fuzz,
  largeBytes,
  largeText,
  mutated,
  mutatedText,
  printFuzzTable,
  randomBytes,
  randomText,
  type Streamed,
  streamed,
  streamFamilies,
} from "./support/fuzz.js";

/** The cash-register (ECR) protocol: JSON messages, serial STX/ETX/LRC and TCP length framing; flash frames. */

afterAll(() => printFuzzTable("ECR and flash protocols"));

const id = fc.stringMatching(/^[A-Za-z0-9._/-]{1,16}$/);
/** A nexo-style PaymentRequest as docs/ecr-protocol.md §4.3 shows it, with random identifiers and amount. */
const ecrJson = fc
  .record({
    service: fc.integer({ min: 1, max: 99999 }).map(String),
    sale: id,
    poi: id,
    order: id,
    amount: fc.integer({ min: 1, max: 99_999_999 }).map((fen) => (fen / 100).toFixed(2)),
  })
  .map(({ service, sale, poi, order, amount }) =>
    JSON.stringify({
      SaleToPOIRequest: {
        MessageHeader: {
          ProtocolVersion: "3.1",
          MessageClass: "Service",
          MessageCategory: "Payment",
          MessageType: "Request",
          ServiceID: service,
          SaleID: sale,
          POIID: poi,
        },
        PaymentRequest: {
          SaleData: { SaleTransactionID: { TransactionID: order, TimeStamp: "2024-05-01T10:20:30+08:00" } },
          PaymentTransaction: { AmountsReq: { Currency: "CNY", RequestedAmount: amount } },
          PaymentData: { PaymentType: "Normal" },
        },
      },
    }),
  );
const ecrBytes = ecrJson.map((t) => Buffer.from(t, "utf8"));

const feed =
  <E>(push: (chunk: Buffer) => E[]) =>
  ([bytes, sizes]: Streamed) =>
    chunksOf(bytes, sizes).flatMap((chunk) => push(chunk));

describe("fuzz ECR protocol", () => {
  it("JSON message schema: text, bytes and parsed JSON values (parse(build(x)) = x)", () => {
    fuzz({
      parser: "ECR message text",
      seed: 401,
      budget: 1500,
      families: [
        { name: "random", input: fc.oneof(randomText(200), fc.json({ maxDepth: 4 })) },
        { name: "mutated", input: mutatedText(ecrJson), weight: 2 },
        { name: "structured", input: ecrJson },
        { name: "large", input: largeText(ecrJson), weight: 0.01 },
      ],
      parse: parseEcrText,
      errors: [EcrMessageError],
      build: ecrMessageText,
    });
    fuzz({
      parser: "ECR message JSON value",
      seed: 402,
      budget: 1000,
      families: [
        { name: "random", input: fc.jsonValue({ maxDepth: 5 }) },
        {
          name: "mutated",
          input: mutatedText(ecrJson)
            .map((t) => attemptJson(t))
            .filter((v) => v !== undefined),
        },
      ],
      parse: parseEcrMessage,
      errors: [EcrMessageError],
    });
    fuzz({
      parser: "ECR message bytes",
      seed: 403,
      budget: 800,
      families: [
        { name: "random", input: randomBytes(200) },
        { name: "mutated", input: mutated(ecrBytes) },
      ],
      parse: decodeEcrMessage,
      errors: [EcrMessageError],
    });
  });

  it("serial STX/ETX/LRC decoder (stream, never throws)", () => {
    const frames = concatenated(
      ecrBytes.map((b) => encodeEcrSerialFrame(b)),
      3,
    );
    fuzz({
      parser: "ECR serial frames",
      seed: 404,
      budget: 1000,
      families: streamFamilies(frames),
      parse: (input) => {
        const decoder = createEcrSerialDecoder();
        return feed((c) => decoder.push(c))(input);
      },
      errors: [],
    });
  });

  it("TCP length-prefix decoder (stream, EcrMessageError on a bad length)", () => {
    const frames = concatenated(
      ecrBytes.map((b) => encodeEcrTcpFrame(b)),
      3,
    ).map((b) => b);
    fuzz({
      parser: "ECR TCP frames",
      seed: 405,
      budget: 1000,
      families: [
        { name: "random", input: streamed(randomBytes(400)) },
        {
          name: "mutated",
          input: streamed(
            mutated(
              ecrBytes.map((b) => encodeEcrTcpFrame(b)),
              { offset: 0, size: 4, encoding: "be" },
            ),
          ),
        },
        { name: "mutated-stream", input: streamed(mutated(frames)) },
        { name: "large", input: streamed(largeBytes(frames)), weight: 0.01 },
      ],
      parse: (input) => {
        const decoder = new EcrTcpDecoder();
        const frames = feed((c) => decoder.push(c))(input);
        // whatever it buffers for an announced length never exceeds what it was given
        expect(decoder.buffered).toBeLessThanOrEqual(input[0].length);
        return frames;
      },
      errors: [EcrMessageError],
    });
  });
});

function attemptJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

describe("fuzz flash protocol frames", () => {
  const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b));
  const message: fc.Arbitrary<FlashMessage> = fc.oneof(
    fc.record({
      type: fc.constant("hello" as const),
      imageId: bytes(32),
      totalLength: fc.nat(),
      blockSize: fc.constantFrom(512, 1024, 4096, 8192),
      restart: fc.boolean(),
    }),
    fc.record({ type: fc.constant("status" as const), imageId: bytes(32), nextOffset: fc.nat() }),
    fc.record({
      type: fc.constant("data" as const),
      offset: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 600 }).map((b) => Buffer.from(b)),
    }),
    fc.record({ type: fc.constant("ack" as const), offset: fc.nat() }),
    fc.record({ type: fc.constant("nak" as const), offset: fc.nat() }),
    fc.record({ type: fc.constant("done" as const), sha256: bytes(32) }),
    fc.record({
      type: fc.constant("verdict" as const),
      verdict: fc.constantFrom(...VERDICTS),
      reason: fc.stringMatching(/^[a-z ]{0,40}$/),
    }),
  );
  const frame = fc
    .tuple(fc.integer({ min: 0, max: 0xffff }), message)
    .map(([seq, m]) => encodeFlashFrame(seq, m));

  it("decodeFlashFrame: random, mutated (length corrupted too), structured (parse(build(x)) = x)", () => {
    fuzz({
      parser: "flash frame",
      seed: 411,
      budget: 1500,
      families: [
        { name: "random", input: randomBytes(300) },
        { name: "mutated", input: mutated(frame, { offset: 6, size: 2, encoding: "be" }), weight: 2 },
        { name: "structured", input: frame },
        { name: "large", input: largeBytes(frame), weight: 0.01 },
      ],
      parse: decodeFlashFrame,
      errors: [FlashFrameError],
      build: (f) => encodeFlashFrame(f.seq, f.message),
    });
  });

  it("FlashFrameDecoder (stream, errors as events)", () => {
    const frames = concatenated(frame, 3);
    fuzz({
      parser: "flash frame decoder",
      seed: 412,
      budget: 1000,
      families: streamFamilies(frames),
      parse: (input) => {
        const decoder = new FlashFrameDecoder();
        return feed((c) => decoder.push(c))(input);
      },
      errors: [],
      accept: (events) => {
        for (const e of events) if (e.kind === "error") expect(e.error).toBeInstanceOf(FlashFrameError);
      },
    });
  });
});
