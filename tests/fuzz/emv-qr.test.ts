import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import {
  EmvDataError,
  parseAfl,
  parseAip,
  parseCvmList,
  parseEmvTrace,
  parseField55Response,
} from "../../protocol/emv/index.js";
import {
  ApduError,
  AtrError,
  buildApdu,
  buildAtr,
  decodeT1Block,
  encodeT1Block,
  joinResponse,
  parseAtr,
  parseCommandApdu,
  splitResponse,
  T1Error,
} from "../../protocol/iso7816/index.js";
import {
  buildMpm,
  parseCpm,
  parseMpm,
  parsePaymentCode,
  parseScannedCode,
  QrError,
} from "../../protocol/qr/index.js";
import { encodeTlv } from "../../protocol/tlv/index.js";
import { loadVectors } from "../support/vectors.js";
import {
  fuzz,
  largeBytes,
  largeText,
  mutated,
  mutatedJson,
  mutatedText,
  printFuzzTable,
  randomBytes,
  randomText,
} from "./support/fuzz.js";

/** Card-side data: ATR, APDUs, T=1 blocks, EMV records and data elements, traces; QR payment codes. */

afterAll(() => printFuzzTable("EMV, ISO 7816 and QR"));

const bytes = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b));

describe("fuzz ISO 7816", () => {
  it("parseAtr: random, mutated, structured", () => {
    const atr = fc
      .record({
        convention: fc.constantFrom("direct" as const, "inverse" as const),
        historical: bytes(0, 15),
      })
      .map((spec) => buildAtr(spec));
    const known = fc
      .constantFrom(
        "3BE000FF81317C4192",
        "3B6800000073C84013009000",
        "3B8F8001804F0CA000000306030001000000006A",
      )
      .map((h) => Buffer.from(h, "hex"));
    fuzz({
      parser: "ATR parseAtr",
      seed: 601,
      budget: 1500,
      families: [
        { name: "random", input: randomBytes(40) },
        { name: "mutated", input: mutated(fc.oneof(atr, known)), weight: 2 },
        { name: "structured", input: fc.oneof(atr, known) },
        { name: "large", input: largeBytes(), weight: 0.01 },
      ],
      parse: parseAtr,
      errors: [AtrError],
    });
  });

  it("APDU responses and commands: random, mutated, structured (parse(build(x)) = x)", () => {
    const response = fc
      .tuple(bytes(0, 258), fc.integer({ min: 0, max: 0xffff }))
      .map(([data, sw]) => joinResponse({ data, sw }));
    fuzz({
      parser: "APDU splitResponse",
      seed: 602,
      budget: 800,
      families: [
        { name: "random", input: randomBytes(260) },
        { name: "mutated", input: mutated(response) },
        { name: "structured", input: response },
        { name: "large", input: largeBytes(), weight: 0.01 },
      ],
      parse: splitResponse,
      errors: [ApduError],
      build: joinResponse,
    });
    const command = fc
      .record({
        cla: fc.nat(255),
        ins: fc.nat(255),
        p1: fc.nat(255),
        p2: fc.nat(255),
        data: fc.option(bytes(1, 255), { nil: undefined }),
        le: fc.option(fc.integer({ min: 1, max: 256 }), { nil: undefined }),
      })
      .map((c) =>
        buildApdu(Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as never),
      );
    fuzz({
      parser: "APDU parseCommandApdu",
      seed: 603,
      budget: 800,
      families: [
        { name: "random", input: randomBytes(270) },
        { name: "mutated", input: mutated(command, { offset: 4, size: 1, encoding: "be" }) },
        { name: "structured", input: command },
        { name: "large", input: largeBytes(), weight: 0.01 },
      ],
      parse: parseCommandApdu,
      errors: [ApduError],
    });
  });

  it("T=1 blocks: random, mutated, structured (parse(build(x)) = x)", () => {
    const block = fc
      .oneof(
        fc.record({
          kind: fc.constant("I" as const),
          nad: fc.constant(0),
          ns: fc.constantFrom(0 as const, 1 as const),
          more: fc.boolean(),
          inf: bytes(0, 254),
        }),
        fc.record({
          kind: fc.constant("R" as const),
          nad: fc.constant(0),
          nr: fc.constantFrom(0 as const, 1 as const),
          error: fc.constantFrom(0 as const, 1 as const, 2 as const),
        }),
      )
      .map(encodeT1Block);
    fuzz({
      parser: "T=1 decodeT1Block",
      seed: 604,
      budget: 800,
      families: [
        { name: "random", input: randomBytes(260) },
        { name: "mutated", input: mutated(block, { offset: 2, size: 1, encoding: "be" }) },
        { name: "structured", input: block },
      ],
      parse: decodeT1Block,
      errors: [T1Error],
      build: encodeT1Block,
    });
  });
});

describe("fuzz EMV data", () => {
  const afl = fc
    .array(
      fc.tuple(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 10 }),
        fc.nat(3),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((entries) =>
      Buffer.from(
        entries.flatMap(([sfi, first, extra, oda]) => [
          sfi << 3,
          first,
          first + extra,
          Math.min(oda, extra + 1),
        ]),
      ),
    );
  const cvm = fc
    .tuple(bytes(8, 8), fc.array(fc.tuple(fc.nat(0x7f), fc.nat(9)), { maxLength: 6 }))
    .map(([amounts, rules]) => Buffer.concat([amounts, Buffer.from(rules.flat())]));

  it("AFL, CVM list, AIP: random, mutated, structured", () => {
    fuzz({
      parser: "EMV AFL / CVM list / AIP",
      seed: 611,
      budget: 1500,
      families: [
        { name: "random", input: randomBytes(64) },
        { name: "mutated", input: mutated(fc.oneof(afl, cvm)) },
        { name: "structured", input: fc.oneof(afl, cvm) },
        { name: "large", input: largeBytes(), weight: 0.01 },
      ],
      parse: (b) => [attempt(() => parseAfl(b)), attempt(() => parseCvmList(b)), attempt(() => parseAip(b))],
      errors: [EmvDataError],
      // A CVM rule of 2 bytes becomes a small object: linear, ~64 bytes of objects per input byte.
      maxResultBytes: (n) => 128 * n + 4096,
    });
  });

  it("field 55 response (issuer data, scripts): random, mutated, structured", () => {
    const response = fc
      .tuple(bytes(8, 16), fc.constantFrom("3030", "3035"), bytes(0, 40))
      .map(([iad, arc, script]) =>
        encodeTlv([
          { tag: "91", value: iad },
          { tag: "8A", value: Buffer.from(arc, "hex") },
          {
            tag: "72",
            value: Buffer.alloc(0),
            children: [
              { tag: "9F18", value: Buffer.from("00000001", "hex") },
              { tag: "86", value: script },
            ],
          },
        ]),
      );
    fuzz({
      parser: "EMV parseField55Response",
      seed: 612,
      budget: 1000,
      families: [
        { name: "random", input: randomBytes(200) },
        { name: "mutated", input: mutated(response) },
        { name: "structured", input: response },
        { name: "large", input: largeBytes(), weight: 0.01 },
      ],
      parse: parseField55Response,
      errors: [EmvDataError],
    });
  });

  it("EMV trace JSON: random, mutated", () => {
    const hex = (min: number, max: number) => bytes(min, max).map((b) => b.toString("hex").toUpperCase());
    const trace = fc.record({
      apdus: fc.array(fc.record({ c: hex(4, 40), r: hex(2, 60) }), { maxLength: 5 }),
    });
    fuzz({
      parser: "EMV parseEmvTrace",
      seed: 613,
      budget: 800,
      families: [
        { name: "random", input: fc.jsonValue({ maxDepth: 4 }) },
        { name: "mutated", input: mutatedJson(trace) },
        { name: "structured", input: trace },
      ],
      parse: parseEmvTrace,
      // Bad hex in "c"/"r" is the trace's own error too (EmvDataError naming the entry and offset).
      errors: [EmvDataError],
    });
  });
});

function attempt<T>(run: () => T): T | string {
  try {
    return run();
  } catch (error) {
    if (error instanceof EmvDataError) return error.name;
    throw error;
  }
}

describe("fuzz QR payment codes", () => {
  const mpm = fc
    .record({
      amount: fc.integer({ min: 1, max: 99_999_999 }),
      name: fc.stringMatching(/^[A-Z ]{1,25}$/),
      city: fc.stringMatching(/^[A-Z]{1,15}$/),
      account: fc.stringMatching(/^[0-9]{10,19}$/),
    })
    .map(({ amount, name, city, account }) =>
      buildMpm({
        merchantAccounts: [{ id: "15", value: account }],
        mcc: "5812",
        currency: "156",
        amount: (amount / 100).toFixed(2),
        country: "CN",
        merchantName: name,
        merchantCity: city,
      }),
    );
  const cpmSample = loadVectors<{ name: string; payload?: string }[]>("emv-public.json").find(
    (v) => v.name === "emvco-cpm-qr-spec-sample",
  )?.payload;

  it("parseMpm (merchant-presented): random, mutated, structured", () => {
    fuzz({
      parser: "QR parseMpm",
      seed: 621,
      budget: 1500,
      families: [
        { name: "random", input: randomText(200) },
        { name: "mutated", input: mutatedText(mpm), weight: 2 },
        { name: "structured", input: mpm },
        { name: "large", input: largeText(mpm), weight: 0.01 },
      ],
      parse: parseMpm,
      errors: [QrError],
    });
  });

  it("parseCpm, parsePaymentCode, parseScannedCode: random, mutated, structured", () => {
    const codes = fc.oneof(
      fc.stringMatching(/^62[0-9]{17}$/),
      fc.stringMatching(/^(1[0-5]|2[5-9]|30)[0-9]{16}$/),
      mpm,
      fc.constant(cpmSample ?? "hQVDUFYwMQ=="),
    );
    fuzz({
      parser: "QR scanned codes (CPM, wallet, UnionPay)",
      seed: 622,
      budget: 1500,
      families: [
        { name: "random", input: randomText(200) },
        { name: "mutated", input: mutatedText(codes), weight: 2 },
        { name: "structured", input: codes },
        { name: "large", input: largeText(), weight: 0.01 },
      ],
      parse: (text) => [
        qr(() => parseCpm(text)),
        qr(() => parsePaymentCode(text)),
        qr(() => parseScannedCode(text)),
      ],
      errors: [QrError],
    });
  });
});

function qr<T>(run: () => T): T | string {
  try {
    return run();
  } catch (error) {
    if (error instanceof QrError) return error.name;
    throw error;
  }
}
