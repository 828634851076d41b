import { toHex } from "../hex.js";
import { TlvError } from "./tlv-error.js";

/** ISO 7816-4 tags are at most 3 bytes; one more leaves room for odd scheme data without unbounded reads. */
export const MAX_TAG_BYTES = 4;
/** 84 is the longest length form EMV/ISO 7816 uses: 4 length octets, more than any buffer here. */
const MAX_LENGTH_OCTETS = 4;

/**
 * Reads the tag starting at `pos` (EMV Book 3 annex B1): b5..b1 of the first byte all set means the tag
 * number continues in following bytes, each with b8 set except the last. `base` only shifts error offsets.
 */
export function readTag(data: Buffer, pos: number, end: number, base: number): { tag: string; next: number } {
  const start = pos;
  if ((data[pos]! & 0x1f) !== 0x1f) return { tag: toHex(data.subarray(pos, pos + 1)), next: pos + 1 };
  pos += 1;
  for (;;) {
    if (pos >= end) throw new TlvError("tag runs past the end", { path: "tag", offset: base + start });
    const byte = data[pos]!;
    pos += 1;
    if (pos - start > MAX_TAG_BYTES) {
      throw new TlvError(`tag longer than ${MAX_TAG_BYTES} bytes`, { path: "tag", offset: base + start });
    }
    if ((byte & 0x80) === 0) return { tag: toHex(data.subarray(start, pos)), next: pos };
  }
}

/** Reads a definite BER length (short form or 81..84). Indefinite (80) has no place in EMV data. */
export function readLength(
  data: Buffer,
  pos: number,
  end: number,
  path: string,
  base: number,
): { length: number; next: number } {
  if (pos >= end) throw new TlvError("length missing", { path, offset: base + pos });
  const first = data[pos]!;
  if (first < 0x80) return { length: first, next: pos + 1 };
  if (first === 0x80) {
    throw new TlvError("indefinite length (80) is not allowed in EMV", { path, offset: base + pos });
  }
  const count = first & 0x7f;
  if (count > MAX_LENGTH_OCTETS) {
    throw new TlvError(`length form ${toHex(Buffer.of(first))} not supported`, { path, offset: base + pos });
  }
  if (pos + 1 + count > end) {
    throw new TlvError("length octets run past the end", { path, offset: base + pos });
  }
  return { length: data.readUIntBE(pos + 1, count), next: pos + 1 + count };
}

/** BER definite length in its minimal form: short up to 127, then 81..84 with the fewest octets. */
export function encodeLength(length: number, path = "length"): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) {
    throw new TlvError(`length ${length} cannot be encoded`, { path });
  }
  if (length < 0x80) return Buffer.of(length);
  const count = length <= 0xff ? 1 : length <= 0xffff ? 2 : length <= 0xffffff ? 3 : 4;
  const out = Buffer.alloc(1 + count);
  out[0] = 0x80 | count;
  out.writeUIntBE(length, 1, count);
  return out;
}

/** Validates a tag string against the BER tag structure and returns its bytes (accepts lowercase). */
export function parseTag(tag: string): Buffer {
  const path = `tag ${tag}`;
  if (!/^(?:[0-9A-Fa-f]{2}){1,4}$/.test(tag)) throw new TlvError("tag must be 1 to 4 bytes of hex", { path });
  const bytes = Buffer.from(tag, "hex");
  const first = bytes[0]!;
  if (first === 0x00 || first === 0xff) throw new TlvError("00 and FF are not valid tags", { path });
  const multi = (first & 0x1f) === 0x1f;
  if (!multi && bytes.length !== 1) {
    throw new TlvError("single-byte tag number followed by extra bytes", { path });
  }
  if (multi) {
    if (bytes.length < 2) throw new TlvError("tag announces subsequent bytes but has none", { path });
    for (let i = 1; i < bytes.length; i++) {
      const last = i === bytes.length - 1;
      if (((bytes[i]! & 0x80) !== 0) === last) {
        throw new TlvError("b8 of subsequent tag bytes must be set on all but the last", { path });
      }
    }
  }
  return bytes;
}

/** Bit 6 of the first tag byte marks a constructed object (a template holding further TLVs). */
export function isConstructedTag(tag: string): boolean {
  const first = Number.parseInt(tag.slice(0, 2), 16);
  return !Number.isNaN(first) && (first & 0x20) !== 0;
}
