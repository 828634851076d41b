import { toHex } from "../../hex.js";
import { encodeTlv, type TlvNode } from "../../tlv/ber.js";
import { bcd, decodeFlat, hexValue, readBcd, requireTag, tagMap, uint32 } from "./tlv-fields.js";
import { TmsError } from "./tms-error.js";

/**
 * One AID's IC parameters as a CUP TMS sends them (380 response). Byte values are uppercase hex, amounts
 * integer fen, percentages integers. Number encodings (see docs/tms-downloads.md):
 * - 9F1B floor limit and DF15 random-selection threshold: 4 bytes, binary as EMV defines 9F1B (b4). The one
 *   public record (vector unionpay-aid-params-cup-format) carries 4 zero bytes, which cannot tell binary
 *   from BCD; the terminal source we follow reads them as BCD. Single-source: binary chosen per EMV.
 * - 9F7B, DF19, DF20, DF21: 6 bytes BCD n12; DF16 / DF17: 1 byte BCD n2 (the vector has 6 and 1 bytes).
 * Tags not listed here are kept in `other` in their order (terminal-level tags such as 9F33 ride along).
 */
export interface AidRecord {
  aid: string;
  /** DF01 = 00: partial AID match allowed. */
  partialSelection?: boolean;
  /** 9F09 (or 9F08 from hosts that send that). */
  applicationVersion?: string;
  tacDefault?: string;
  tacOnline?: string;
  tacDenial?: string;
  floorLimit?: number;
  threshold?: number;
  maxTargetPercent?: number;
  targetPercent?: number;
  defaultDdol?: string;
  onlinePinSupported?: boolean;
  ecTransactionLimit?: number;
  contactlessFloorLimit?: number;
  contactlessTransactionLimit?: number;
  cvmLimit?: number;
  other: { tag: string; value: string }[];
}

const PATH = "aid record";

type Codec = {
  [K in keyof AidRecord]?: {
    tag: string;
    build(value: NonNullable<AidRecord[K]>, path: string): Buffer;
    parse(value: Buffer, path: string): NonNullable<AidRecord[K]>;
  };
};

const hex = (min: number, max: number) => ({
  build: (v: string, path: string) => hexValue(v, path, min, max),
  parse: (v: Buffer, path: string) => {
    if (v.length < min || v.length > max)
      throw new TmsError(`is ${v.length} bytes, must be ${min}..${max}`, { path });
    return toHex(v);
  },
});
const flag = (yes: number) => ({
  build: (v: boolean) => Buffer.of(v ? yes : yes ^ 1),
  parse: (v: Buffer, path: string) => {
    if (v.length !== 1 || (v[0] !== 0 && v[0] !== 1))
      throw new TmsError("must be one byte 00 or 01", { path });
    return v[0] === yes;
  },
});
function sized(v: Buffer, bytes: number, path: string): Buffer {
  if (v.length !== bytes) throw new TmsError(`is ${v.length} bytes, must be ${bytes}`, { path });
  return v;
}
const n12 = {
  build: (v: number, path: string) => bcd(v, 6, path),
  parse: (v: Buffer, path: string) => readBcd(sized(v, 6, path), path),
};
const n2 = {
  build: (v: number, path: string) => bcd(v, 1, path),
  parse: (v: Buffer, path: string) => readBcd(sized(v, 1, path), path),
};
const b4 = {
  build: (v: number, path: string) => uint32(v, path),
  parse: (v: Buffer, path: string) => sized(v, 4, path).readUInt32BE(0),
};

/** Build order = the order of the public record. */
const FIELDS: Codec = {
  partialSelection: { tag: "DF01", ...flag(0) },
  applicationVersion: { tag: "9F09", ...hex(2, 2) },
  tacDefault: { tag: "DF11", ...hex(5, 5) },
  tacOnline: { tag: "DF12", ...hex(5, 5) },
  tacDenial: { tag: "DF13", ...hex(5, 5) },
  floorLimit: { tag: "9F1B", ...b4 },
  threshold: { tag: "DF15", ...b4 },
  maxTargetPercent: { tag: "DF16", ...n2 },
  targetPercent: { tag: "DF17", ...n2 },
  defaultDdol: { tag: "DF14", ...hex(0, 252) },
  onlinePinSupported: { tag: "DF18", ...flag(1) },
  ecTransactionLimit: { tag: "9F7B", ...n12 },
  contactlessFloorLimit: { tag: "DF19", ...n12 },
  contactlessTransactionLimit: { tag: "DF20", ...n12 },
  cvmLimit: { tag: "DF21", ...n12 },
};
const ENTRIES = Object.entries(FIELDS) as [keyof AidRecord, NonNullable<Codec[keyof AidRecord]>][];
const KNOWN = new Set(["9F06", "9F08", ...ENTRIES.map(([, c]) => c.tag)]);

export function buildAidRecord(record: AidRecord): Buffer {
  const nodes: TlvNode[] = [{ tag: "9F06", value: hexValue(record.aid, `${PATH} tag 9F06`, 5, 16) }];
  for (const [key, codec] of ENTRIES) {
    const value = record[key];
    if (value === undefined) continue;
    const build = codec.build as (v: unknown, path: string) => Buffer;
    nodes.push({ tag: codec.tag, value: build(value, `${PATH} tag ${codec.tag}`) });
  }
  for (const extra of record.other) {
    const tag = extra.tag.toUpperCase();
    if (KNOWN.has(tag))
      throw new TmsError("a known tag cannot travel in `other`", { path: `${PATH} tag ${tag}` });
    nodes.push({ tag, value: hexValue(extra.value, `${PATH} tag ${tag}`, 0, 252) });
  }
  return encodeTlv(nodes);
}

export function parseAidRecord(data: Buffer, baseOffset = 0): AidRecord {
  const nodes = decodeFlat(data, PATH, baseOffset);
  const map = tagMap(nodes, PATH);
  const aid = requireTag(map, "9F06", PATH);
  if (aid.length < 5 || aid.length > 16) {
    throw new TmsError(`AID of ${aid.length} bytes, must be 5..16`, { path: `${PATH} tag 9F06` });
  }
  const record: AidRecord = { aid: toHex(aid), other: [] };
  const target = record as unknown as Record<string, unknown>;
  for (const [key, codec] of ENTRIES) {
    const value = map.get(codec.tag);
    if (value !== undefined) target[key] = codec.parse(value, `${PATH} tag ${codec.tag}`);
  }
  // Some hosts send the version as 9F08 (the card's tag); 9F09 wins when both come.
  const version = map.get("9F08");
  if (record.applicationVersion === undefined && version !== undefined) {
    record.applicationVersion = FIELDS.applicationVersion!.parse(version, `${PATH} tag 9F08`);
  }
  for (const node of nodes)
    if (!KNOWN.has(node.tag)) record.other.push({ tag: node.tag, value: toHex(node.value) });
  return record;
}
