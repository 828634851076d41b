import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../protocol/hex.js";
import {
  commands,
  decodeStatus,
  describeStatus,
  encodeCommand,
  encodeDataExchangeReply,
  encodeFirmwareVersion,
  encodeListedTargets,
  encodeStatus,
  encodeStatusResponse,
  type ListedTargets,
  type Pn532Command,
  Pn532Error,
  parseCommand,
  parseDataExchangeReply,
  parseEmptyResponse,
  parseFirmwareVersion,
  parseListedTargets,
  parseStatusResponse,
} from "../../../protocol/pn532/index.js";

const byte = fc.integer({ min: 0, max: 255 });
const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => Buffer.from(b));

const command: fc.Arbitrary<Pn532Command> = fc.oneof(
  fc.constant<Pn532Command>({ command: "GetFirmwareVersion" }),
  fc.record({ command: fc.constant("SAMConfiguration" as const), mode: byte }),
  fc.record({ command: fc.constant("SAMConfiguration" as const), mode: byte, timeout: byte }),
  fc.record({ command: fc.constant("SAMConfiguration" as const), mode: byte, timeout: byte, irq: byte }),
  fc.record({
    command: fc.constant("RFConfiguration" as const),
    config: fc.oneof(
      fc.record({ item: fc.constant("field" as const), rfOn: fc.boolean(), autoRfca: fc.boolean() }),
      fc.record({ item: fc.constant("timings" as const), atrResTimeout: byte, retryTimeout: byte }),
      fc.record({ item: fc.constant("maxRtyCom" as const), retries: byte }),
      fc.record({ item: fc.constant("maxRetries" as const), atr: byte, psl: byte, passiveActivation: byte }),
    ),
  }),
  fc.record({ command: fc.constant("SetParameters" as const), flags: byte }),
  fc.record({
    command: fc.constant("InListPassiveTarget" as const),
    maxTargets: fc.constantFrom(1, 2),
    modulation: fc.constantFrom("A106" as const, "B106" as const),
    initiatorData: bytes(10),
  }),
  fc.record({
    command: fc.constant("InDataExchange" as const),
    target: fc.integer({ min: 1, max: 63 }),
    moreInformation: fc.boolean(),
    data: bytes(262),
  }),
  fc.record({
    command: fc.constantFrom("InRelease" as const, "InDeselect" as const),
    target: fc.integer({ min: 0, max: 63 }),
  }),
  fc.record({ command: fc.constant("Diagnose" as const), test: byte, params: bytes(8) }),
);

describe("PN532 commands", () => {
  it("builds the reference payloads", () => {
    expect(toHex(commands.cardPresence())).toBe("0006");
    expect(toHex(commands.inDeselect(1))).toBe("4401");
    expect(toHex(commands.inDataExchange(1, Buffer.from([0x00, 0xb2]), true))).toBe("404100B2");
  });

  it("property: parseCommand(encodeCommand(c)) is the identity", () => {
    fc.assert(
      fc.property(command, (c) => {
        expect(parseCommand(encodeCommand(c))).toEqual(c);
      }),
      { seed: 5330, numRuns: 500 },
    );
  });

  it("refuses what the PN532 cannot take, naming the field", () => {
    expect(() => commands.inDataExchange(1, Buffer.alloc(263))).toThrow("InDataExchange.DataOut");
    expect(() => commands.inDataExchange(0, Buffer.alloc(1))).toThrow("InDataExchange.Tg");
    expect(() => commands.inListPassiveTarget("A106", 3)).toThrow("InListPassiveTarget.MaxTg");
    expect(() => encodeCommand({ command: "SAMConfiguration", mode: 1, irq: 1 })).toThrow(
      "SAMConfiguration.irq",
    );
    expect(() => parseCommand(fromHex("4A0101", "c"))).toThrow("InListPassiveTarget.BrTy");
    expect(() => parseCommand(fromHex("FF", "c"))).toThrow("unsupported command code FF");
  });

  it("fuzz: parseCommand on random payloads throws only Pn532Error", () => {
    fc.assert(
      fc.property(bytes(300), (payload) => {
        try {
          parseCommand(payload);
        } catch (error) {
          expect(error).toBeInstanceOf(Pn532Error);
        }
      }),
      { seed: 5331, numRuns: 2000 },
    );
  });
});

const targetA = fc
  .record({
    target: fc.integer({ min: 1, max: 2 }),
    atqa: bytes(2).filter((b) => b.length === 2),
    sak: byte,
    uid: fc
      .constantFrom(4, 7, 10)
      .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b))),
    historical: bytes(15),
  })
  .map(({ historical, ...t }) =>
    t.sak & 0x20 ? { ...t, ats: Buffer.concat([Buffer.from([historical.length + 1]), historical]) } : t,
  );

const targetB = fc.record({
  target: fc.integer({ min: 1, max: 2 }),
  atqb: fc.uint8Array({ minLength: 11, maxLength: 11 }).map((b) => Buffer.concat([Buffer.from([0x50]), b])),
  attribRes: bytes(10),
});

describe("PN532 responses", () => {
  it("reads the reference firmware reply: IC 32, v1.6, A+B+18092", () => {
    const fw = parseFirmwareVersion(fromHex("0332010607", "fw"));
    expect(fw).toEqual({
      ic: 0x32,
      version: 1,
      revision: 6,
      support: { iso14443a: true, iso14443b: true, iso18092: true },
    });
    expect(toHex(encodeFirmwareVersion(fw))).toBe("0332010607");
  });

  it("reads an EMV Type A target with its ATS, and the no-card reply", () => {
    const reply = fromHex("4B01010004200401020304 0578807002".replace(" ", ""), "reply");
    expect(parseListedTargets(reply, "A106")).toEqual({
      modulation: "A106",
      targets: [
        {
          target: 1,
          atqa: fromHex("0004", "a"),
          sak: 0x20,
          uid: fromHex("01020304", "u"),
          ats: fromHex("0578807002", "ats"),
        },
      ],
    });
    expect(parseListedTargets(fromHex("4B00", "none"), "A106")).toEqual({ modulation: "A106", targets: [] });
  });

  it("reads the InDataExchange status: RF timeout 01, MI bit", () => {
    const timeout = parseDataExchangeReply(fromHex("4101", "r"));
    expect(timeout.status).toMatchObject({
      error: 1,
      name: "timeout",
      errorClass: "card-removed",
      moreInformation: false,
    });
    const more = parseDataExchangeReply(fromHex("41406F00", "r"));
    expect(more.status.moreInformation).toBe(true);
    expect(toHex(more.data)).toBe("6F00");
    expect(toHex(encodeDataExchangeReply(0x40, fromHex("6F00", "d")))).toBe("41406F00");
  });

  it("checks the response code is command + 1", () => {
    expect(() => parseFirmwareVersion(fromHex("4B00", "x"))).toThrow("response code 4B is not 3");
    expect(() => parseEmptyResponse(fromHex("1500", "x"), "SAMConfiguration")).toThrow(Pn532Error);
    expect(parseStatusResponse(encodeStatusResponse("InRelease", 0), "InRelease").errorClass).toBe("ok");
  });

  it("property: listed targets round-trip for Type A and Type B", () => {
    const listed: fc.Arbitrary<ListedTargets> = fc.oneof(
      fc.array(targetA, { maxLength: 2 }).map((targets) => ({ modulation: "A106" as const, targets })),
      fc.array(targetB, { maxLength: 2 }).map((targets) => ({ modulation: "B106" as const, targets })),
    );
    fc.assert(
      fc.property(listed, (l) => {
        expect(parseListedTargets(encodeListedTargets(l), l.modulation)).toEqual(l);
      }),
      { seed: 5332, numRuns: 400 },
    );
  });

  it("fuzz: response parsers on random payloads throw only Pn532Error", () => {
    const parsers = [
      (p: Buffer) => parseFirmwareVersion(p),
      (p: Buffer) => parseListedTargets(p, "A106"),
      (p: Buffer) => parseListedTargets(p, "B106"),
      (p: Buffer) => parseDataExchangeReply(p),
      (p: Buffer) => parseStatusResponse(p, "Diagnose"),
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          bytes(60),
          bytes(40).map((b) => Buffer.concat([Buffer.from([0x4b, 1]), b])),
        ),
        (payload) => {
          for (const parse of parsers) {
            try {
              parse(payload);
            } catch (error) {
              expect(error).toBeInstanceOf(Pn532Error);
            }
          }
        },
      ),
      { seed: 5333, numRuns: 2000 },
    );
  });
});

describe("status byte", () => {
  it.each([
    [0x00, "none", "ok"],
    [0x01, "timeout", "card-removed"],
    [0x2b, "cardDisappeared", "card-removed"],
    [0x02, "crc", "rf-error"],
    [0x13, "invalidReceivedFrame", "rf-error"],
    [0x27, "notAcceptableInContext", "driver-bug"],
    [0x0d, "overheating", "device-error"],
    [0x3f, "unknown", "device-error"],
  ])("%i is %s (%s)", (raw, name, errorClass) => {
    expect(decodeStatus(raw)).toMatchObject({ error: raw, name, errorClass });
  });

  it("splits NAD, MI and the error code, and encodes back", () => {
    expect(decodeStatus(0xc1)).toMatchObject({ nad: true, moreInformation: true, error: 1 });
    expect(encodeStatus({ error: 1, moreInformation: true, nad: true })).toBe(0xc1);
    expect(describeStatus(decodeStatus(0x01))).toBe("01 timeout: the card did not answer (gone or silent)");
    expect(() => encodeStatus({ error: 0x40 })).toThrow("status.error");
  });
});
