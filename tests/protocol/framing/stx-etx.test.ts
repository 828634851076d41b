import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ETX,
  encodeStxEtx,
  FramingError,
  lrc,
  STX,
  StxEtxDecoder,
  type StxEtxEvent,
  type StxEtxOptions,
} from "../../../protocol/framing/index.js";
import { fromHex, toHex } from "../../../protocol/hex.js";
import { cutsArb, splitAt } from "./chunking.js";

const decodeAll = (options: StxEtxOptions, ...chunks: string[]): StxEtxEvent[] => {
  const d = new StxEtxDecoder(options);
  return chunks.flatMap((c) => d.push(fromHex(c)));
};
const frames = (events: StxEtxEvent[]) => events.flatMap((e) => (e.type === "frame" ? [toHex(e.data)] : []));

/** Merges consecutive "skipped" events, whose split depends on chunk boundaries. */
function normalise(events: StxEtxEvent[]): unknown[] {
  const out: unknown[] = [];
  for (const e of events) {
    const last = out.at(-1) as { type: string; count: number } | undefined;
    if (e.type === "skipped" && last?.type === "skipped") last.count += e.count;
    else if (e.type === "skipped") out.push({ ...e });
    else
      out.push(
        e.type === "frame"
          ? { type: "frame", data: toHex(e.data) }
          : "raw" in e
            ? { ...e, raw: toHex(e.raw) }
            : e,
      );
  }
  return out;
}

const VARIANTS: StxEtxOptions[] = [
  {},
  { lengthField: "u8" },
  { lengthField: "u16be" },
  { lengthField: "bcd2" },
  { lrcIncludesStx: true },
  { lengthField: "u8", lrcIncludesEtx: false },
  { lengthField: "u16be", lrcIncludesStx: true, maxDataLength: 40 },
  { controlBytes: [0x06, 0x15], maxDataLength: 16 },
];

describe("encodeStxEtx: byte vectors (LRC worked by hand)", () => {
  it("default: STX data ETX LRC, LRC = XOR(data, ETX)", () => {
    // 41^42^43 = 40, ^03 = 43
    expect(toHex(encodeStxEtx(Buffer.from("ABC")))).toBe("02414243034" + "3");
    expect(toHex(encodeStxEtx(Buffer.alloc(0)))).toBe("020303");
  });
  it("LRC variants: from STX, or stopping before ETX", () => {
    expect(toHex(encodeStxEtx(Buffer.from("ABC"), { lrcIncludesStx: true }))).toBe("02" + "41424303" + "41");
    expect(toHex(encodeStxEtx(Buffer.from("ABC"), { lrcIncludesEtx: false }))).toBe("024142430340");
  });
  it("length fields (counted in the LRC): u8, u16be, bcd2", () => {
    // 03^41^42^43^03 = 40
    expect(toHex(encodeStxEtx(Buffer.from("ABC"), { lengthField: "u8" }))).toBe("0203414243" + "0340");
    const big = encodeStxEtx(Buffer.alloc(300, 0x03), { lengthField: "u16be" });
    expect(toHex(big.subarray(0, 3))).toBe("02012C");
    expect(big.at(-2)).toBe(ETX);
    // 00^12 ^ (12 bytes of 00) ^ 03 = 11
    expect(toHex(encodeStxEtx(Buffer.alloc(12), { lengthField: "bcd2" }))).toBe(
      `020012${"00".repeat(12)}0311`,
    );
  });
  it("refuses STX/ETX inside data without a length field, and oversize data", () => {
    expect(() => encodeStxEtx(fromHex("410342"))).toThrow(/stx-etx data, offset 1: STX\/ETX inside data/);
    expect(() => encodeStxEtx(fromHex("02"))).toThrow(FramingError);
    expect(() => encodeStxEtx(Buffer.alloc(256), { lengthField: "u8" })).toThrow(/exceeds the maximum 255/);
    expect(() => encodeStxEtx(Buffer.alloc(10_000), { lengthField: "bcd2", maxDataLength: 20_000 })).toThrow(
      /maximum 9999/,
    );
    expect(() => encodeStxEtx(Buffer.alloc(5), { maxDataLength: 4 })).toThrow(FramingError);
  });
  it("rejects bad settings with FramingError", () => {
    expect(() => new StxEtxDecoder({ lengthField: "u24" as never })).toThrow(FramingError);
    expect(() => new StxEtxDecoder({ maxDataLength: -1 })).toThrow(FramingError);
    expect(() => new StxEtxDecoder({ controlBytes: [STX] })).toThrow(FramingError);
  });
  it("lrc is a plain XOR", () => {
    expect(lrc(fromHex("0102040810204080"))).toBe(0xff);
    expect(lrc(Buffer.alloc(0))).toBe(0);
  });
});

describe("StxEtxDecoder", () => {
  it("decodes a frame delivered in one piece or byte by byte", () => {
    expect(decodeAll({}, "0241424303" + "43")).toEqual([{ type: "frame", data: Buffer.from("ABC") }]);
    expect(frames(decodeAll({}, "02", "41", "42", "43", "03", "43"))).toEqual(["414243"]);
  });

  it("skips garbage before and between frames and reports how much", () => {
    const events = decodeAll({}, "FFEE" + "0241424303" + "43" + "1111" + "0241424303" + "43" + "99");
    expect(normalise(events)).toEqual([
      { type: "skipped", count: 2 },
      { type: "frame", data: "414243" },
      { type: "skipped", count: 2 },
      { type: "frame", data: "414243" },
      { type: "skipped", count: 1 },
    ]);
  });

  it("reports a bad LRC as an event (for a NAK) and carries on with the next frame", () => {
    const events = decodeAll({}, "024142430300" + "0241424303" + "43");
    expect(events).toEqual([
      { type: "bad-lrc", raw: fromHex("024142430300"), expected: 0x43, received: 0x00 },
      { type: "frame", data: Buffer.from("ABC") },
    ]);
  });

  it("without a length field, an STX before ETX means the previous frame was cut short", () => {
    const events = decodeAll({}, "024142" + "0241424303" + "43");
    expect(normalise(events)).toEqual([
      { type: "bad-frame", raw: "024142", reason: "STX before ETX: frame cut short" },
      { type: "frame", data: "414243" },
    ]);
  });

  it("bounds a frame whose ETX never comes, then resynchronises", () => {
    const d = new StxEtxDecoder({ maxDataLength: 4 });
    const events = d.push(fromHex("02 4141414141 41" + "024203" + "41"));
    expect(normalise(events)).toEqual([
      { type: "bad-frame", raw: "024141414141", reason: "no ETX within maxDataLength" },
      { type: "skipped", count: 1 },
      { type: "frame", data: "42" },
    ]);
    expect(d.buffered).toBe(0);
  });

  it("with a length field, data may contain STX and ETX", () => {
    const data = fromHex("0203020303");
    const wire = encodeStxEtx(data, { lengthField: "u8" });
    expect(frames(new StxEtxDecoder({ lengthField: "u8" }).push(wire))).toEqual(["0203020303"]);
  });

  it("a corrupt length drops only the STX, so the real frame behind it is found", () => {
    const good = toHex(encodeStxEtx(Buffer.from("OK"), { lengthField: "u8" }));
    // Length 04 puts the expected ETX on the real frame's 4B: not an ETX, so only the STX goes.
    const events = decodeAll({ lengthField: "u8" }, `02 04 41 ${good}`);
    expect(normalise(events)).toEqual([
      { type: "bad-frame", raw: "02", reason: "no ETX where the length field says" },
      { type: "skipped", count: 2 },
      { type: "frame", data: "4F4B" },
    ]);
    const bcd = decodeAll({ lengthField: "bcd2" }, `02 0A 00`);
    expect(normalise(bcd)).toEqual([
      { type: "bad-frame", raw: "02", reason: "length field is not BCD" },
      { type: "skipped", count: 2 },
    ]);
    const long = decodeAll({ lengthField: "u16be", maxDataLength: 100 }, "02 0101");
    expect(long[0]).toMatchObject({ type: "bad-frame", reason: "length 257 exceeds maxDataLength" });
  });

  it("a bad LRC on a well-formed counted frame skips the whole frame", () => {
    const wire = encodeStxEtx(fromHex("0202020202"), { lengthField: "u8" });
    wire[wire.length - 1]! ^= 0xff;
    const events = new StxEtxDecoder({ lengthField: "u8" }).push(wire);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "bad-lrc" });
  });

  it("reports configured control bytes (ACK/NAK) between frames", () => {
    const events = decodeAll({ controlBytes: [0x06, 0x15] }, "06 AA 15 0241424303" + "43");
    expect(normalise(events)).toEqual([
      { type: "control", byte: 0x06 },
      { type: "skipped", count: 1 },
      { type: "control", byte: 0x15 },
      { type: "frame", data: "414243" },
    ]);
  });

  it("reset() drops a partial frame", () => {
    const d = new StxEtxDecoder();
    d.push(fromHex("024142"));
    expect(d.buffered).toBe(3);
    d.reset();
    expect(d.buffered).toBe(0);
    expect(frames(d.push(fromHex("024303" + "40")))).toEqual(["43"]);
  });

  it("byte-by-byte feeding of a long delimited frame stays linear", () => {
    const data = Buffer.alloc(60_000, 0x41);
    const wire = encodeStxEtx(data, { maxDataLength: 60_000 });
    const d = new StxEtxDecoder({ maxDataLength: 60_000 });
    const started = performance.now();
    const events: StxEtxEvent[] = [];
    for (let i = 0; i < wire.length; i++) events.push(...d.push(wire.subarray(i, i + 1)));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(frames(events)).toHaveLength(1);
  });
});

describe("StxEtxDecoder properties", () => {
  /** Data a variant can carry: anything with a length field, no STX/ETX without one. */
  const dataArb = (v: StxEtxOptions) => {
    const max = Math.min(v.maxDataLength ?? 200, 200);
    const byte =
      v.lengthField && v.lengthField !== "none"
        ? fc.integer({ min: 0, max: 255 })
        : fc.integer({ min: 4, max: 255 });
    return fc.array(byte, { maxLength: max }).map((a) => Buffer.from(a));
  };
  /** Garbage between frames that cannot start one: no STX. */
  const garbageArb = fc.array(
    fc.integer({ min: 0, max: 255 }).filter((b) => b !== STX),
    { maxLength: 8 },
  );

  it("any chunking, with garbage between frames: the same frames come out", () => {
    const scenario = fc
      .constantFrom(...VARIANTS)
      .chain((v) =>
        fc.tuple(fc.constant(v), fc.array(fc.tuple(garbageArb, dataArb(v)), { maxLength: 6 }), cutsArb(2000)),
      );
    fc.assert(
      fc.property(scenario, ([v, items, cuts]) => {
        const control = new Set(v.controlBytes ?? []);
        const stream = Buffer.concat(items.flatMap(([g, data]) => [Buffer.from(g), encodeStxEtx(data, v)]));
        const d = new StxEtxDecoder(v);
        const events = splitAt(stream, cuts).flatMap((chunk) => d.push(chunk));
        expect(frames(events)).toEqual(items.map(([, data]) => toHex(data)));
        expect(events.filter((e) => e.type === "bad-lrc" || e.type === "bad-frame")).toEqual([]);
        const skipped = events.reduce((n, e) => n + (e.type === "skipped" ? e.count : 0), 0);
        const garbage = items.reduce((n, [g]) => n + g.filter((b) => !control.has(b)).length, 0);
        expect(skipped).toBe(garbage);
      }),
      { seed: 232, numRuns: 500 },
    );
  });

  it("fuzz: arbitrary streams never throw, and chunking never changes the events", () => {
    // Bytes biased towards STX/ETX so frames, cut frames and bad LRCs actually occur.
    const byte = fc.oneof(fc.constantFrom(STX, ETX, 0x00, 0x06), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(
        fc.constantFrom(...VARIANTS),
        fc.array(byte, { maxLength: 300 }),
        cutsArb(300),
        (v, raw, cuts) => {
          const stream = Buffer.from(raw);
          const whole = new StxEtxDecoder(v).push(stream);
          const d = new StxEtxDecoder(v);
          const chunked = splitAt(stream, cuts).flatMap((chunk) => d.push(chunk));
          expect(normalise(chunked)).toEqual(normalise(whole));
          // Every byte is accounted for: emitted in an event or still buffered.
          const accounted = whole.reduce((n, e) => {
            if (e.type === "frame") return n; // counted below from the stream instead
            if (e.type === "skipped") return n + e.count;
            if (e.type === "control") return n + 1;
            return n + e.raw.length;
          }, 0);
          const framed = whole.reduce(
            (n, e) => n + (e.type === "frame" ? e.data.length + 3 + lengthBytes(v) : 0),
            0,
          );
          expect(accounted + framed + d.buffered).toBe(stream.length);
        },
      ),
      { seed: 0x02_03, numRuns: 3000 },
    );
  });
});

function lengthBytes(v: StxEtxOptions): number {
  return v.lengthField === undefined || v.lengthField === "none" ? 0 : v.lengthField === "u8" ? 1 : 2;
}
