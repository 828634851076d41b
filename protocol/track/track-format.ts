import { TrackError } from "./track-error.js";

/**
 * Character sets of the three ISO/IEC 7811 tracks (acidvegas/msr90 README; ISO 7811-2):
 * - track 1 (IATA): 6 data bits + odd parity, characters 0x20..0x5F, code = char - 0x20, SS '%', ES '?';
 * - tracks 2 (ABA) and 3 (ISO 4909): 4 data bits + odd parity, characters 0x30..0x3F, code = char - 0x30,
 *   SS ';', ES '?'.
 * Bits go least significant first, parity last. The LRC is the XOR of the data bits of SS..ES with its
 * own odd parity; readers check it and normally do not pass it on.
 */
export type TrackNumber = 1 | 2 | 3;

export interface TrackFormat {
  track: TrackNumber;
  dataBits: number;
  base: number;
  startSentinel: number;
  endSentinel: number;
  /** Characters between the sentinels, at most. */
  maxData: number;
}

export const TRACK_FORMATS: Record<TrackNumber, TrackFormat> = {
  1: { track: 1, dataBits: 6, base: 0x20, startSentinel: 0x25, endSentinel: 0x3f, maxData: 76 },
  2: { track: 2, dataBits: 4, base: 0x30, startSentinel: 0x3b, endSentinel: 0x3f, maxData: 37 },
  3: { track: 3, dataBits: 4, base: 0x30, startSentinel: 0x3b, endSentinel: 0x3f, maxData: 104 },
};

export type TrackStatus = "ok" | "lrc-error" | "parity-error" | "absent";

function oddParityBit(code: number, dataBits: number): number {
  let ones = 0;
  for (let i = 0; i < dataBits; i++) ones += (code >> i) & 1;
  return ones % 2 === 0 ? 1 : 0;
}

/** Checks the text between the sentinels is encodable on the track; returns the character codes. */
export function trackCodes(text: Uint8Array, track: TrackNumber): number[] {
  const f = TRACK_FORMATS[track];
  if (text.length > f.maxData) {
    throw new TrackError(`${text.length} characters exceed ${f.maxData}`, { path: `track ${track}` });
  }
  return Array.from(text, (ch, i) => {
    const code = ch - f.base;
    if (code < 0 || code >= 1 << f.dataBits || ch === f.startSentinel || ch === f.endSentinel) {
      throw new TrackError(`character 0x${ch.toString(16)} is not allowed on this track`, {
        path: `track ${track}`,
        offset: i,
      });
    }
    return code;
  });
}

/** The LRC character (as the ASCII a reader would print) of SS + text + ES. */
export function trackLrcCharacter(text: Uint8Array, track: TrackNumber): number {
  const f = TRACK_FORMATS[track];
  let lrc = (f.startSentinel - f.base) ^ (f.endSentinel - f.base);
  for (const code of trackCodes(text, track)) lrc ^= code;
  return lrc + f.base;
}

/** The bit stream a head reads from a good stripe: clocking zeros, SS, data, ES, LRC, zeros. */
export function encodeTrackBits(text: Uint8Array, track: TrackNumber, padding = 12): Uint8Array {
  const f = TRACK_FORMATS[track];
  const codes = [f.startSentinel - f.base, ...trackCodes(text, track), f.endSentinel - f.base];
  codes.push(codes.reduce((acc, c) => acc ^ c, 0));
  const bits = new Uint8Array(padding * 2 + codes.length * (f.dataBits + 1));
  let at = padding;
  for (const code of codes) {
    for (let i = 0; i < f.dataBits; i++) bits[at++] = (code >> i) & 1;
    bits[at++] = oddParityBit(code, f.dataBits);
  }
  return bits;
}

export interface TrackBitsDecode {
  status: TrackStatus;
  /** Characters between the sentinels (present when status is ok, lrc-error or parity-error with data). */
  text?: Buffer;
  /** The bits were read end sentinel first (card swiped the other way) and decoded reversed. */
  reversed: boolean;
  /** Why the status is not ok, for traces (no card data in it). */
  reason?: string;
}

/**
 * What a reader's F2F decoder does with one head's bits: find the start sentinel (trying the other
 * direction when the swipe was reversed), check each character's parity, stop at the end sentinel, check
 * the LRC. Never throws: a bad stripe is a status.
 */
export function decodeTrackBits(bits: Uint8Array, track: TrackNumber): TrackBitsDecode {
  if (!bits.includes(1)) return { status: "absent", reversed: false, reason: "no flux transitions" };
  const forward = decodeOneWay(bits, track);
  if (forward.status === "ok") return { ...forward, reversed: false };
  // Not readable forwards: the card may have been swiped the other way (or bits before the real start
  // sentinel mimicked one). A clean reverse read wins; otherwise report the forward failure.
  const backward = decodeOneWay(Uint8Array.from(bits).reverse(), track);
  if (backward.status === "ok") return { ...backward, reversed: true };
  if (forward.reason === "no start sentinel" && backward.reason !== "no start sentinel") {
    return { ...backward, reversed: true };
  }
  return { ...forward, reversed: false };
}

function decodeOneWay(bits: Uint8Array, track: TrackNumber): Omit<TrackBitsDecode, "reversed"> {
  const f = TRACK_FORMATS[track];
  const width = f.dataBits + 1;
  let at = bits.indexOf(1);
  const read = (): { code: number; parityOk: boolean } | undefined => {
    if (at + width > bits.length) return undefined;
    let code = 0;
    for (let i = 0; i < f.dataBits; i++) code |= (bits[at + i]! & 1) << i;
    const parityOk = (bits[at + f.dataBits]! & 1) === oddParityBit(code, f.dataBits);
    at += width;
    return { code, parityOk };
  };
  const ss = read();
  if (!ss?.parityOk || ss.code !== f.startSentinel - f.base)
    return { status: "parity-error", reason: "no start sentinel" };
  let lrc = ss.code;
  let parityError = false;
  const text: number[] = [];
  for (;;) {
    const ch = read();
    if (!ch) {
      const status = parityError ? "parity-error" : "lrc-error";
      return { status, text: Buffer.from(text), reason: "no end sentinel (partial swipe)" };
    }
    lrc ^= ch.code;
    if (!ch.parityOk) parityError = true;
    if (ch.code === f.endSentinel - f.base && ch.parityOk) break;
    if (text.length > f.maxData)
      return { status: "parity-error", reason: "no end sentinel within the track length" };
    text.push(ch.code + f.base);
  }
  const data = Buffer.from(text);
  if (parityError) return { status: "parity-error", text: data, reason: "character parity" };
  const check = read();
  if (!check?.parityOk || check.code !== lrc)
    return { status: "lrc-error", text: data, reason: "LRC mismatch" };
  return { status: "ok", text: data };
}
