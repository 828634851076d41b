import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeAsb,
  decodeRealtimeStatus,
  EscPosError,
  encodeAsb,
  encodeRealtimeStatus,
  notReadyReason,
  type PrinterStatus,
  STATUS_READY,
  type StatusEvent,
  StatusReplyDecoder,
} from "../../../protocol/escpos/index.js";

const ok = { printer: 0x12, offlineCause: 0x12, errorCause: 0x12, paperSensor: 0x12 };

const statusArb: fc.Arbitrary<PrinterStatus> = fc.record({
  online: fc.boolean(),
  coverOpen: fc.boolean(),
  paper: fc.constantFrom("ok" as const, "near-end" as const, "out" as const),
  cutterError: fc.boolean(),
  unrecoverableError: fc.boolean(),
  autoRecoverableError: fc.boolean(),
  feedButton: fc.boolean(),
});

describe("DLE EOT replies (device-protocols.md §5.2)", () => {
  it("decodes the reference vectors", () => {
    expect(decodeRealtimeStatus(ok)).toEqual(STATUS_READY);
    expect(decodeRealtimeStatus({ ...ok, printer: 0x1a }).online).toBe(false);
    expect(decodeRealtimeStatus({ ...ok, printer: 0x52 }).feedButton).toBe(true);
    expect(decodeRealtimeStatus({ ...ok, offlineCause: 0x16 }).coverOpen).toBe(true);
    expect(decodeRealtimeStatus({ ...ok, offlineCause: 0x32 }).paper).toBe("out");
    expect(decodeRealtimeStatus({ ...ok, errorCause: 0x1a }).cutterError).toBe(true);
    expect(decodeRealtimeStatus({ ...ok, errorCause: 0x32 }).unrecoverableError).toBe(true);
    expect(decodeRealtimeStatus({ ...ok, errorCause: 0x52 }).autoRecoverableError).toBe(true);
    expect(decodeRealtimeStatus({ ...ok, paperSensor: 0x1e }).paper).toBe("near-end");
    expect(decodeRealtimeStatus({ ...ok, paperSensor: 0x72 }).paper).toBe("out");
    expect(decodeRealtimeStatus({ ...ok, paperSensor: 0x7e }).paper).toBe("out");
  });

  it("rejects a byte that is not of the form 0xx1xx10, naming the reply", () => {
    expect(() => decodeRealtimeStatus({ ...ok, paperSensor: 0x10 })).toThrow(EscPosError);
    expect(() => decodeRealtimeStatus({ ...ok, errorCause: 0x93 })).toThrow(/status.errorCause, offset 2/);
    expect(() => decodeRealtimeStatus({ ...ok, printer: 0x112 })).toThrow(EscPosError);
  });

  it("decode(encode(s)) = s for every status", () => {
    fc.assert(
      fc.property(statusArb, (s) => {
        expect(decodeRealtimeStatus(encodeRealtimeStatus(s))).toEqual(s);
      }),
      { seed: 5001, numRuns: 300 },
    );
  });

  it("any byte only ever decodes or throws EscPosError", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
        ([a, b, c, d]) => {
          try {
            decodeRealtimeStatus({ printer: a!, offlineCause: b!, errorCause: c!, paperSensor: d! });
          } catch (error) {
            expect(error).toBeInstanceOf(EscPosError);
          }
        },
      ),
      { seed: 5002, numRuns: 2000 },
    );
  });
});

describe("ASB blocks", () => {
  it("decodes the reference vectors", () => {
    expect(decodeAsb(Buffer.from([0x10, 0, 0, 0]))).toEqual(STATUS_READY);
    expect(decodeAsb(Buffer.from([0x30, 0, 0, 0])).coverOpen).toBe(true);
    expect(decodeAsb(Buffer.from([0x18, 0, 0, 0])).online).toBe(false);
    expect(decodeAsb(Buffer.from([0x50, 0, 0, 0])).feedButton).toBe(true);
    expect(decodeAsb(Buffer.from([0x10, 0x08, 0, 0])).cutterError).toBe(true);
    expect(decodeAsb(Buffer.from([0x10, 0x20, 0, 0])).unrecoverableError).toBe(true);
    expect(decodeAsb(Buffer.from([0x10, 0x40, 0, 0])).autoRecoverableError).toBe(true);
    expect(decodeAsb(Buffer.from([0x10, 0, 0x03, 0])).paper).toBe("near-end");
    expect(decodeAsb(Buffer.from([0x10, 0, 0x0c, 0])).paper).toBe("out");
    expect(decodeAsb(Buffer.from([0x10, 0, 0x0f, 0])).paper).toBe("out");
  });

  it("rejects malformed blocks", () => {
    expect(() => decodeAsb(Buffer.from([0x10, 0, 0]))).toThrow(/4 bytes/);
    expect(() => decodeAsb(Buffer.from([0x12, 0, 0, 0]))).toThrow(/offset 0/);
    expect(() => decodeAsb(Buffer.from([0x10, 0, 0x80, 0]))).toThrow(/offset 2/);
  });

  it("decode(encode(s)) = s", () => {
    fc.assert(
      fc.property(statusArb, (s) => {
        expect(decodeAsb(encodeAsb(s))).toEqual(s);
      }),
      { seed: 5003, numRuns: 300 },
    );
  });

  it("says why the printer cannot print; near-end still prints", () => {
    expect(notReadyReason(STATUS_READY)).toBeUndefined();
    expect(notReadyReason({ ...STATUS_READY, paper: "near-end" })).toBeUndefined();
    expect(notReadyReason({ ...STATUS_READY, paper: "out", online: false })).toBe("paper-out");
    expect(notReadyReason({ ...STATUS_READY, coverOpen: true, online: false })).toBe("cover-open");
    expect(notReadyReason({ ...STATUS_READY, cutterError: true })).toBe("cutter-error");
    expect(notReadyReason({ ...STATUS_READY, online: false })).toBe("offline");
  });
});

type Item =
  | { kind: "realtime"; byte: number }
  | { kind: "asb"; status: PrinterStatus }
  | { kind: "other"; byte: number };

const realtimeByte = fc.integer({ min: 0, max: 255 }).map((b) => (b & ~0x93) | 0x12);
// Bytes that are neither a reply nor an ASB header: bit 4 clear, or bit 0 / bit 7 set with bit 4.
const otherByte = fc.integer({ min: 0, max: 255 }).filter((b) => (b & 0x93) !== 0x12 && (b & 0x93) !== 0x10);

const itemArb: fc.Arbitrary<Item> = fc.oneof(
  realtimeByte.map((byte) => ({ kind: "realtime" as const, byte })),
  statusArb.map((status) => ({ kind: "asb" as const, status })),
  otherByte.map((byte) => ({ kind: "other" as const, byte })),
);

function bytesOf(items: Item[]): Buffer {
  return Buffer.concat(items.map((i) => (i.kind === "asb" ? encodeAsb(i.status) : Buffer.from([i.byte]))));
}

function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  return out;
}

function summary(events: StatusEvent[]): Item[] {
  return events.map((e) =>
    e.kind === "asb" ? { kind: "asb", status: e.status } : { kind: e.kind, byte: e.byte },
  );
}

describe("StatusReplyDecoder: replies, ASB bursts and other traffic interleaved", () => {
  it("separates a known burst", () => {
    const d = new StatusReplyDecoder();
    const events = [
      ...d.push(Buffer.from([0x12, 0x10, 0x00])),
      ...d.push(Buffer.from([0x0c, 0x00, 0x1e, 0x13, 0x30])),
      ...d.push(Buffer.from([0x00, 0x00, 0x00])),
    ];
    expect(summary(events)).toEqual([
      { kind: "realtime", byte: 0x12 },
      { kind: "asb", status: { ...STATUS_READY, paper: "out" } },
      { kind: "realtime", byte: 0x1e },
      { kind: "other", byte: 0x13 },
      { kind: "asb", status: { ...STATUS_READY, coverOpen: true } },
    ]);
    expect(d.pending).toBe(0);
  });

  it("an ASB block broken by a reply is given up and the reply still counts", () => {
    const d = new StatusReplyDecoder();
    expect(summary(d.push(Buffer.from([0x10, 0x00, 0x12, 0x10, 0, 0, 0])))).toEqual([
      { kind: "other", byte: 0x10 },
      { kind: "other", byte: 0x00 },
      { kind: "realtime", byte: 0x12 },
      { kind: "asb", status: STATUS_READY },
    ]);
  });

  it("any interleaving in any chunking decodes to the same items", () => {
    fc.assert(
      fc.property(
        fc.array(itemArb, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (items, cuts) => {
          const d = new StatusReplyDecoder();
          const events = chunked(bytesOf(items), cuts).flatMap((c) => d.push(c));
          expect(summary(events)).toEqual(items);
        },
      ),
      { seed: 5004, numRuns: 500 },
    );
  });

  it("fuzz: random bytes never throw and every byte is accounted for", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        const d = new StatusReplyDecoder();
        const events = chunked(Buffer.from(bytes), cuts).flatMap((c) => d.push(c));
        const counted = events.reduce((n, e) => n + (e.kind === "asb" ? 4 : 1), 0) + d.pending;
        expect(counted).toBe(bytes.length);
      }),
      { seed: 5005, numRuns: 2000 },
    );
  });
});
