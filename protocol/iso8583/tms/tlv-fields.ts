import { toHex } from "../../hex.js";
import { decodeTlv, type TlvNode } from "../../tlv/ber.js";
import { TlvError } from "../../tlv/tlv-error.js";
import { TmsError } from "./tms-error.js";

/** Decodes a flat TLV list, turning the TLV codec's error into this codec's (same path and offset). */
export function decodeFlat(data: Buffer, path: string, baseOffset = 0): TlvNode[] {
  try {
    return decodeTlv(data, { baseOffset, maxDepth: 0 });
  } catch (error) {
    if (error instanceof TlvError) {
      // The TLV message already starts with "path, offset N: "; keep only its reason.
      const reason = error.message.slice(error.message.indexOf(": ") + 2);
      throw new TmsError(reason, {
        path: `${path} ${error.path ?? ""}`.trim(),
        ...(error.offset === undefined ? {} : { offset: error.offset }),
        cause: error,
      });
    }
    throw error;
  }
}

/** Tag → value of a flat list; a repeated tag is refused (which value would count?). */
export function tagMap(nodes: readonly TlvNode[], path: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const node of nodes) {
    if (out.has(node.tag)) throw new TmsError("tag repeated", { path: `${path} tag ${node.tag}` });
    out.set(node.tag, node.value);
  }
  return out;
}

export function requireTag(map: Map<string, Buffer>, tag: string, path: string): Buffer {
  const value = map.get(tag);
  if (value === undefined) throw new TmsError("mandatory tag missing", { path: `${path} tag ${tag}` });
  return value;
}

export function checkLength(value: Buffer, tag: string, sizes: readonly number[], path: string): Buffer {
  if (!sizes.includes(value.length)) {
    throw new TmsError(`is ${value.length} bytes, must be ${sizes.join(" or ")}`, {
      path: `${path} tag ${tag}`,
    });
  }
  return value;
}

/** Strict hex (even length, optionally bounded) of a value the caller hands to a builder. */
export function hexValue(value: string, path: string, min = 1, max = 255): Buffer {
  if (!/^(?:[0-9A-Fa-f]{2})*$/.test(value) || value.length / 2 < min || value.length / 2 > max) {
    throw new TmsError(`must be ${min}..${max} bytes of hex`, { path });
  }
  return Buffer.from(value, "hex");
}

/** Packed BCD of `digits` (even) digits from a non-negative integer. */
export function bcd(value: number, bytes: number, path: string): Buffer {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 10 ** (bytes * 2)) {
    throw new TmsError(`${value} does not fit ${bytes * 2} BCD digits`, { path });
  }
  return Buffer.from(String(value).padStart(bytes * 2, "0"), "hex");
}

export function readBcd(value: Buffer, path: string): number {
  const text = toHex(value);
  if (!/^\d+$/.test(text)) throw new TmsError(`${text} is not BCD`, { path });
  return Number(text);
}

/** Big-endian unsigned binary of 4 bytes (EMV b4, e.g. 9F1B). */
export function uint32(value: number, path: string): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new TmsError(`${value} does not fit 4 bytes`, { path });
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}
