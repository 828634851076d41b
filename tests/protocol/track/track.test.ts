import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeStxEtx, StxEtxDecoder } from "../../../protocol/framing/index.js";
import {
  decodeMagtekReport,
  decodeMsrSerialRecord,
  decodeTrackBits,
  encodeMagtekReport,
  encodeMsrSerialRecord,
  encodeTrackBits,
  goodTrackRecord,
  MAGTEK_REPORT_LENGTH,
  maskPan,
  parseTrack1,
  parseTrack2,
  parseTrack3,
  pinRequirement,
  requiresChip,
  serviceCodeInfo,
  splitTrackText,
  TrackError,
  type TrackNumber,
  trackLrcCharacter,
} from "../../../protocol/track/index.js";

const T1 = "B6212345678901234^ZHANG/SAN^2512201123456789";
const T2 = "6212345678901234=25122011234567890";
const b = (s: string) => Buffer.from(s, "latin1");

describe("track fields (ISO 7813)", () => {
  it("track 1: format code, PAN, name, expiry, service code, discretionary", () => {
    expect(parseTrack1(T1)).toEqual({
      formatCode: "B",
      pan: "6212345678901234",
      name: "ZHANG/SAN",
      expiry: "2512",
      serviceCode: "201",
      discretionary: "123456789",
    });
  });
  it("track 2 and track 3", () => {
    expect(parseTrack2(b(T2))).toEqual({
      pan: "6212345678901234",
      expiry: "2512",
      serviceCode: "201",
      discretionary: "1234567890",
    });
    expect(parseTrack3("996212345678901234=1561560")).toEqual({
      formatCode: "99",
      pan: "6212345678901234",
      additional: "1561560",
    });
  });
  it("errors name the field", () => {
    expect(() => parseTrack1("A6212345678901234^X^2512201")).toThrow(/format code/);
    expect(() => parseTrack1("B6212345678901234^X^2512201")).toThrow(/track 1 name/);
    expect(() => parseTrack2("62123=2512201")).toThrow(/track 2 PAN/);
    expect(() => parseTrack2("6212345678901234=2513201")).toThrow(/track 2 expiry/);
    expect(() => parseTrack2("6212345678901234=25122")).toThrow(/service code/);
  });
  it("fuzz: random text only throws TrackError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        for (const parse of [parseTrack1, parseTrack2, parseTrack3, (x: string) => splitTrackText(b(x))]) {
          try {
            parse(s);
          } catch (error) {
            expect(error).toBeInstanceOf(TrackError);
          }
        }
      }),
      { seed: 7811, numRuns: 500 },
    );
  });
});

describe("service codes and masking", () => {
  it("2xx/6xx require the chip; PIN from the third digit", () => {
    expect(requiresChip("201")).toBe(true);
    expect(requiresChip("620")).toBe(true);
    expect(requiresChip("101")).toBe(false);
    expect(pinRequirement("220")).toBe("required");
    expect(pinRequirement("206")).toBe("if-pin-pad");
    expect(pinRequirement("101")).toBe("not-required");
    expect(serviceCodeInfo("520")).toMatchObject({
      interchange: "national",
      authorization: "online",
      pin: "required",
    });
    expect(() => requiresChip("2A1")).toThrow(TrackError);
  });
  it("masks 6 + 4", () => {
    expect(maskPan("6212345678901234")).toBe("621234******1234");
    expect(maskPan("1234567890")).toBe("**********"); // too short to show any digits
  });
});

describe("ISO 7811 bit encoding, parity and LRC", () => {
  it("LRC character vectors (worked by hand)", () => {
    // track 2 ';' B, '1' 1, '2' 2, '?' F → B^1 = A, ^2 = 8, ^F = 7 → '7'
    expect(String.fromCharCode(trackLrcCharacter(b("12"), 2))).toBe("7");
    // track 1 '%' 05, 'A' 21, '?' 1F → 05^21^1F = 3B → 0x5B '['
    expect(String.fromCharCode(trackLrcCharacter(b("A"), 1))).toBe("[");
  });
  it("a flipped bit is a parity error, two in one character an LRC error, a cut stream fails, reverse reads", () => {
    const bits = encodeTrackBits(b(T2), 2);
    expect(decodeTrackBits(bits, 2)).toMatchObject({ status: "ok", reversed: false });
    const parity = Uint8Array.from(bits);
    parity[12 + 15]! ^= 1;
    expect(decodeTrackBits(parity, 2).status).toBe("parity-error");
    const lrc = Uint8Array.from(bits);
    lrc[12 + 15]! ^= 1;
    lrc[12 + 16]! ^= 1;
    expect(decodeTrackBits(lrc, 2).status).toBe("lrc-error");
    expect(decodeTrackBits(bits.subarray(0, 60), 2).status).not.toBe("ok");
    const reverse = decodeTrackBits(Uint8Array.from(bits).reverse(), 2);
    expect(reverse).toMatchObject({ status: "ok", reversed: true });
    expect(reverse.text?.toString()).toBe(T2);
    expect(decodeTrackBits(new Uint8Array(40), 1).status).toBe("absent");
  });
  it("refuses characters outside the track's set", () => {
    expect(() => encodeTrackBits(b("12A"), 2)).toThrow(/track 2/);
    expect(() => encodeTrackBits(b("a"), 1)).toThrow(TrackError);
  });

  const track2Text = fc.string({ unit: fc.constantFrom(..."0123456789=:<>"), maxLength: 37 });
  const track1Text = fc.string({
    unit: fc
      .integer({ min: 0x20, max: 0x5f })
      .filter((c) => c !== 0x25 && c !== 0x3f)
      .map((c) => String.fromCharCode(c)),
    maxLength: 76,
  });
  it("property: decode(encode(text)) = text both ways, for tracks 1-3", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.constant(1 as TrackNumber), track1Text),
          fc.tuple(fc.constantFrom(2, 3) as fc.Arbitrary<TrackNumber>, track2Text),
        ),
        fc.boolean(),
        ([track, text], reverse) => {
          const bits = encodeTrackBits(b(text), track);
          const decoded = decodeTrackBits(reverse ? bits.reverse() : bits, track);
          expect(decoded.status).toBe("ok");
          expect(decoded.text?.toString("latin1")).toBe(text);
        },
      ),
      { seed: 2, numRuns: 300 },
    );
  });
  it("property: any single flipped bit inside the data is never read as ok", () => {
    fc.assert(
      fc.property(track2Text, fc.nat(), (text, pick) => {
        const bits = encodeTrackBits(b(text), 2);
        const span = bits.length - 24;
        const at = 12 + (pick % span);
        bits[at]! ^= 1;
        expect(decodeTrackBits(bits, 2).status).not.toBe("ok");
      }),
      { seed: 3, numRuns: 300 },
    );
  });
  it("fuzz: random bit streams never throw", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400, max: 1 }),
        fc.constantFrom(1, 2, 3) as fc.Arbitrary<TrackNumber>,
        (bits, track) => {
          decodeTrackBits(bits, track);
        },
      ),
      { seed: 9, numRuns: 500 },
    );
  });
});

describe("reader output formats", () => {
  it("MagTek RS-232 record + block LRC: byte vector", () => {
    const record = encodeMsrSerialRecord([
      goodTrackRecord(2, b("12")),
      { track: 1, error: true, data: Buffer.alloc(0), lrc: 0x3f },
    ]);
    expect(record.toString("latin1")).toBe(";12?7%E??\r");
    const frame = encodeStxEtx(record);
    const events = new StxEtxDecoder().push(frame);
    expect(events[0]?.type).toBe("frame");
    expect(decodeMsrSerialRecord(record)).toEqual([
      { track: 2, error: false, data: b("12"), lrc: 0x37 },
      { track: 1, error: true, data: Buffer.alloc(0), lrc: 0x3f },
    ]);
  });
  it("record errors and fuzz throw only TrackError", () => {
    expect(() => decodeMsrSerialRecord(b(";12?6"))).toThrow(/CR/);
    expect(() => decodeMsrSerialRecord(b("X\r"))).toThrow(/start sentinel/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (bytes) => {
        try {
          decodeMsrSerialRecord(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(TrackError);
        }
      }),
      { seed: 21, numRuns: 500 },
    );
  });
  it("wedge text splits on sentinels; second ';' is track 3", () => {
    expect(splitTrackText(b(`%${T1}?;${T2}?;99?`)).map((t) => [t.track, t.error, t.data.toString()])).toEqual(
      [
        [1, false, T1],
        [2, false, T2],
        [3, false, "99"],
      ],
    );
    expect(splitTrackText(b("%E?+1?"))).toEqual([
      { track: 1, error: true, data: Buffer.alloc(0) },
      { track: 3, error: false, data: b("1") },
    ]);
  });
  it("MagTek 337-byte report round trip and layout", () => {
    const report = encodeMagtekReport({
      2: { status: 0, data: b(`;${T2}?`) },
      1: { status: 1, data: Buffer.alloc(0) },
    });
    expect(report.length).toBe(MAGTEK_REPORT_LENGTH);
    expect([report[0], report[1], report[4], report[117]]).toEqual([1, 0, T2.length + 2, 0x3b]);
    const decoded = decodeMagtekReport(report);
    expect(decoded.tracks[2].data.toString()).toBe(`;${T2}?`);
    expect(decoded.encodeType).toBe("iso-aba");
    expect(() => decodeMagtekReport(Buffer.alloc(10))).toThrow(TrackError);
    const bad = Buffer.from(report);
    bad[3] = 200;
    expect(() => decodeMagtekReport(bad)).toThrow(/length/);
  });
});
