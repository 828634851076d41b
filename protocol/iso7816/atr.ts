import { AtrError } from "./iso7816-error.js";

/**
 * Answer To Reset (ISO/IEC 7816-3 §8; layout as openemv/emv-utils src/iso7816.c):
 * TS | T0 (Y1, K) | {TAi TBi TCi TDi}… | historical bytes (K) | TCK.
 * TCK is absent when only T=0 is offered and mandatory otherwise; an ATR is at most 33 bytes.
 */
export const MAX_ATR_LENGTH = 33;
export const TS_DIRECT = 0x3b;
export const TS_INVERSE = 0x3f;

export interface InterfaceBytes {
  ta?: number;
  tb?: number;
  tc?: number;
  td?: number;
}

export interface Atr {
  raw: Buffer;
  convention: "direct" | "inverse";
  /** Group i (index i-1) holds TAi, TBi, TCi, TDi as present. */
  interfaceBytes: InterfaceBytes[];
  /** Protocols offered, in the order the TD bytes name them (T=0 alone when there is no TD1). */
  protocols: number[];
  /** The protocol to use without PPS: the first offered. */
  defaultProtocol: number;
  historical: Buffer;
  tck: number | undefined;
  /** Clock rate conversion and baud rate adjustment factors from TA1 (372 and 1 when absent). */
  fi: number | undefined;
  di: number | undefined;
  /** TC1: extra guard time N (0 when absent). */
  extraGuardTime: number;
  /** TC2: T=0 waiting integer WI (10 when absent). */
  wi: number;
  /** T=1 parameters from the first group after TDi names T=1 (defaults IFSC 32, CWI 13, BWI 4, LRC). */
  t1: { ifsc: number; cwi: number; bwi: number; edc: "lrc" | "crc" };
  /** TA2 present: the card is in specific mode (no PPS). */
  specificMode: boolean;
}

const FI: (number | undefined)[] = [
  372,
  372,
  558,
  744,
  1116,
  1488,
  1860,
  undefined,
  undefined,
  512,
  768,
  1024,
  1536,
  2048,
  undefined,
  undefined,
];
const DI: (number | undefined)[] = [
  undefined,
  1,
  2,
  4,
  8,
  16,
  32,
  64,
  12,
  20,
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
];

export function parseAtr(input: Uint8Array): Atr {
  const raw = Buffer.from(input);
  if (raw.length > MAX_ATR_LENGTH) {
    throw new AtrError(`ATR of ${raw.length} bytes exceeds ${MAX_ATR_LENGTH}`, {
      path: "ATR",
      offset: MAX_ATR_LENGTH,
    });
  }
  const need = (offset: number, path: string): number => {
    if (offset >= raw.length) throw new AtrError("ATR ends early", { path, offset });
    return raw[offset]!;
  };
  const ts = need(0, "TS");
  if (ts !== TS_DIRECT && ts !== TS_INVERSE) {
    throw new AtrError(`0x${ts.toString(16).toUpperCase()} is neither 3B nor 3F`, { path: "TS", offset: 0 });
  }
  const t0 = need(1, "T0");
  const historicalCount = t0 & 0x0f;
  let y = t0 >> 4;
  let offset = 2;
  const groups: InterfaceBytes[] = [];
  const protocols: number[] = [];
  for (let i = 1; ; i++) {
    const group: InterfaceBytes = {};
    if (y & 0x1) group.ta = need(offset++, `TA${i}`);
    if (y & 0x2) group.tb = need(offset++, `TB${i}`);
    if (y & 0x4) group.tc = need(offset++, `TC${i}`);
    if (y & 0x8) group.td = need(offset++, `TD${i}`);
    groups.push(group);
    if (group.td === undefined) break;
    const protocol = group.td & 0x0f;
    if (!protocols.includes(protocol)) protocols.push(protocol);
    y = group.td >> 4;
  }
  if (protocols.length === 0) protocols.push(0);
  const historicalAt = offset;
  if (historicalAt + historicalCount > raw.length) {
    throw new AtrError(`${historicalCount} historical bytes announced, ${raw.length - historicalAt} left`, {
      path: "historical bytes",
      offset: raw.length,
    });
  }
  const historical = Buffer.from(raw.subarray(historicalAt, historicalAt + historicalCount));
  offset = historicalAt + historicalCount;
  const tckRequired = protocols.some((t) => t !== 0);
  let tck: number | undefined;
  if (tckRequired) {
    tck = need(offset, "TCK");
    let check = 0;
    for (let i = 1; i <= offset; i++) check ^= raw[i]!;
    if (check !== 0) {
      throw new AtrError(`TCK 0x${tck.toString(16).toUpperCase()} does not check (XOR T0..TCK = ${check})`, {
        path: "TCK",
        offset,
      });
    }
    offset++;
  }
  if (offset !== raw.length) {
    throw new AtrError(`${raw.length - offset} unexpected bytes after the ATR`, { path: "ATR", offset });
  }
  const ta1 = groups[0]?.ta;
  const t1 = t1Parameters(groups);
  return {
    raw,
    convention: ts === TS_DIRECT ? "direct" : "inverse",
    interfaceBytes: groups,
    protocols,
    defaultProtocol: protocols[0]!,
    historical,
    tck,
    fi: ta1 === undefined ? 372 : FI[ta1 >> 4],
    di: ta1 === undefined ? 1 : DI[ta1 & 0x0f],
    extraGuardTime: groups[0]?.tc ?? 0,
    wi: groups[1]?.tc ?? 10,
    t1,
    specificMode: groups[1]?.ta !== undefined,
  };
}

/** T=1 specific bytes live in group i+1 where TDi is the first to name T=1 (i ≥ 2). */
function t1Parameters(groups: InterfaceBytes[]): Atr["t1"] {
  const result: Atr["t1"] = { ifsc: 32, cwi: 13, bwi: 4, edc: "lrc" };
  for (let i = 1; i < groups.length; i++) {
    const td = groups[i - 1]!.td;
    if (td === undefined || (td & 0x0f) !== 1 || i < 2) continue;
    const group = groups[i]!;
    if (group.ta !== undefined) result.ifsc = group.ta;
    if (group.tb !== undefined) {
      result.bwi = group.tb >> 4;
      result.cwi = group.tb & 0x0f;
    }
    if (group.tc !== undefined) result.edc = group.tc & 0x01 ? "crc" : "lrc";
    break;
  }
  return result;
}

/** One interface-byte group to build: TA/TB/TC as given, TD written when `protocol` is set. */
export interface AtrGroupSpec {
  ta?: number;
  tb?: number;
  tc?: number;
  /** The protocol TDi announces; the Y nibble is computed from the next group. */
  protocol?: number;
}

/** Builds an ATR (for emulators and tests): Y nibbles, TD bytes and TCK are computed. */
export function buildAtr(spec: {
  convention?: "direct" | "inverse";
  groups?: AtrGroupSpec[];
  historical?: Uint8Array;
}): Buffer {
  const groups = spec.groups ?? [];
  const historical = spec.historical ?? Buffer.alloc(0);
  if (historical.length > 15) {
    throw new AtrError(`at most 15 historical bytes, got ${historical.length}`, { path: "historical bytes" });
  }
  const yOf = (g: AtrGroupSpec | undefined): number =>
    g === undefined
      ? 0
      : (g.ta !== undefined ? 1 : 0) |
        (g.tb !== undefined ? 2 : 0) |
        (g.tc !== undefined ? 4 : 0) |
        (g.protocol !== undefined ? 8 : 0);
  const bytes: number[] = [spec.convention === "inverse" ? TS_INVERSE : TS_DIRECT];
  bytes.push((yOf(groups[0]) << 4) | historical.length);
  groups.forEach((g, index) => {
    for (const b of [g.ta, g.tb, g.tc]) if (b !== undefined) bytes.push(b & 0xff);
    if (g.protocol !== undefined) {
      const next = groups[index + 1];
      if (next === undefined && index + 1 < groups.length) throw new AtrError("gap in groups");
      bytes.push((yOf(next) << 4) | (g.protocol & 0x0f));
    } else if (index + 1 < groups.length) {
      throw new AtrError(`group ${index + 1} has no protocol but more groups follow`, {
        path: `TD${index + 1}`,
      });
    }
  });
  bytes.push(...historical);
  if (groups.some((g) => g.protocol !== undefined && g.protocol !== 0)) {
    let tck = 0;
    for (let i = 1; i < bytes.length; i++) tck ^= bytes[i]!;
    bytes.push(tck);
  }
  if (bytes.length > MAX_ATR_LENGTH) {
    throw new AtrError(`ATR of ${bytes.length} bytes exceeds ${MAX_ATR_LENGTH}`, { path: "ATR" });
  }
  return Buffer.from(bytes);
}
