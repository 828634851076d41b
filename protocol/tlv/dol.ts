import { encodeLength, isConstructedTag, parseTag, readLength, readTag } from "./ber-header.js";
import { type EmvFormat, emvTag } from "./emv-tags.js";
import { TlvError } from "./tlv-error.js";

/** One Data Object List entry: the card asks for `length` bytes of the terminal's data object `tag`. */
export interface DolEntry {
  tag: string;
  length: number;
}

/** Where DOL values come from: a tag → value map (uppercase tags) or a lookup function. */
export type DolSource = ReadonlyMap<string, Buffer> | ((tag: string) => Buffer | undefined);

export interface BuildDolOptions {
  /** Format override per tag (proprietary DF.. tags); then the EMV dictionary; unknown tags count as "b". */
  formatOf?: (tag: string) => EmvFormat | undefined;
}

/** Parses a DOL (PDOL 9F38, CDOL1 8C, CDOL2 8D, DDOL 9F49, TDOL 97): tag + length pairs, no values. */
export function parseDol(data: Buffer, options: { baseOffset?: number } = {}): DolEntry[] {
  const base = options.baseOffset ?? 0;
  const entries: DolEntry[] = [];
  let pos = 0;
  while (pos < data.length) {
    const first = data[pos]!;
    if (first === 0x00 || first === 0xff) {
      throw new TlvError(`${first === 0 ? "00" : "FF"} is not a valid first tag byte in a DOL`, {
        path: "dol tag",
        offset: base + pos,
      });
    }
    const { tag, next } = readTag(data, pos, data.length, base);
    const { length, next: after } = readLength(data, next, data.length, `dol tag ${tag}`, base);
    entries.push({ tag, length });
    pos = after;
  }
  return entries;
}

/** Encodes DOL entries back to bytes (the form a card personalises or a test builds). */
export function encodeDol(entries: readonly DolEntry[]): Buffer {
  return Buffer.concat(entries.flatMap((e) => [parseTag(e.tag), encodeLength(e.length, `dol tag ${e.tag}`)]));
}

/** Total bytes the DOL asks for: the Lc of the data the terminal will send. */
export function dolDataLength(entries: readonly DolEntry[]): number {
  return entries.reduce((sum, e) => sum + e.length, 0);
}

/**
 * Concatenates the terminal's values for each DOL entry, EMV Book 3 §5.4:
 * - tag absent, or constructed → `length` zero bytes;
 * - value longer → numeric (n) keeps the rightmost bytes, every other format the leftmost;
 * - value shorter → n pads 00 on the left, cn pads FF on the right, others pad 00 on the right.
 */
export function buildDolData(
  entries: readonly DolEntry[],
  source: DolSource,
  options: BuildDolOptions = {},
): Buffer {
  const lookup = typeof source === "function" ? source : (tag: string) => source.get(tag);
  const total = dolDataLength(entries);
  const out = Buffer.alloc(total);
  let pos = 0;
  for (const { tag, length } of entries) {
    const key = tag.toUpperCase();
    const value = isConstructedTag(key) ? undefined : lookup(key);
    if (value !== undefined) {
      const format = options.formatOf?.(key) ?? emvTag(key)?.format ?? "b";
      fitValue(value, length, format).copy(out, pos);
    }
    pos += length;
  }
  return out;
}

/** Fits one value to the requested length by the format's justification rule. */
export function fitValue(value: Buffer, length: number, format: EmvFormat): Buffer {
  if (value.length === length) return value;
  if (value.length > length) {
    return format === "n" ? value.subarray(value.length - length) : value.subarray(0, length);
  }
  const out = Buffer.alloc(length, format === "cn" ? 0xff : 0x00);
  value.copy(out, format === "n" ? length - value.length : 0);
  return out;
}
