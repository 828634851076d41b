import { encodeLength, isConstructedTag, parseTag, readLength, readTag } from "./ber-header.js";
import { TlvError } from "./tlv-error.js";

/** One BER-TLV data object. `value` of a constructed node is its raw inner bytes; `children` parse them. */
export interface TlvNode {
  /** Uppercase hex of the full tag bytes, e.g. "9F26". */
  tag: string;
  /** The raw value bytes. Decoded nodes alias the input buffer (no copy). */
  value: Buffer;
  /** Present iff the tag is constructed (bit 6 of the first tag byte). */
  children?: TlvNode[];
}

export interface DecodeTlvOptions {
  /** Added to every offset in error messages, so a caller decoding field 55 can report message offsets. */
  baseOffset?: number;
  /**
   * Deepest nesting of constructed templates accepted; top-level nodes are depth 0. Default 8, capped at
   * 64 so hostile input can never exhaust the call stack (EMV data nests 4 deep at most).
   */
  maxDepth?: number;
  /**
   * Skip 00 / FF bytes where a tag is expected. EMV Book 3 annex B allows such filler before, between and
   * after objects (erased records, card padding); off by default so field 55 stays strict.
   */
  skipPadding?: boolean;
}

export const DEFAULT_MAX_DEPTH = 8;
export const MAX_DEPTH_CAP = 64;

interface Ctx {
  base: number;
  maxDepth: number;
  skipPadding: boolean;
}

/** Decodes a sequence of BER-TLV objects (EMV Book 3 annex B). Throws TlvError naming the tag and offset. */
export function decodeTlv(data: Buffer, options: DecodeTlvOptions = {}): TlvNode[] {
  const ctx: Ctx = {
    base: options.baseOffset ?? 0,
    maxDepth: Math.min(options.maxDepth ?? DEFAULT_MAX_DEPTH, MAX_DEPTH_CAP),
    skipPadding: options.skipPadding ?? false,
  };
  return decodeRange(data, 0, data.length, 0, ctx);
}

function decodeRange(data: Buffer, start: number, end: number, depth: number, ctx: Ctx): TlvNode[] {
  const nodes: TlvNode[] = [];
  let pos = start;
  while (pos < end) {
    const first = data[pos]!;
    // ISO 7816-4: 00 and FF are never a first tag byte; EMV uses them as filler.
    if (first === 0x00 || first === 0xff) {
      if (!ctx.skipPadding) {
        throw new TlvError(
          `${first === 0 ? "00" : "FF"} is not a valid first tag byte (padding not enabled)`,
          {
            path: "tag",
            offset: ctx.base + pos,
          },
        );
      }
      pos += 1;
      continue;
    }
    const tagStart = pos;
    const { tag, next: afterTag } = readTag(data, pos, end, ctx.base);
    const path = `tag ${tag}`;
    const { length, next: valueStart } = readLength(data, afterTag, end, path, ctx.base);
    if (length > end - valueStart) {
      throw new TlvError(`length ${length} runs past the end (${end - valueStart} bytes left)`, {
        path,
        offset: ctx.base + tagStart,
      });
    }
    const node: TlvNode = { tag, value: data.subarray(valueStart, valueStart + length) };
    if ((first & 0x20) !== 0) {
      if (depth >= ctx.maxDepth) {
        throw new TlvError(`templates nested deeper than ${ctx.maxDepth}`, {
          path,
          offset: ctx.base + tagStart,
        });
      }
      node.children = decodeRange(data, valueStart, valueStart + length, depth + 1, ctx);
    }
    nodes.push(node);
    pos = valueStart + length;
  }
  return nodes;
}

/**
 * Encodes nodes with minimal length forms. A node with `children` encodes from them (its `value` is
 * ignored); a constructed node without children is written from `value` as an opaque template.
 */
export function encodeTlv(nodes: readonly TlvNode[]): Buffer {
  const parts: Buffer[] = [];
  for (const node of nodes) appendNode(node, parts, 0);
  return Buffer.concat(parts);
}

function appendNode(node: TlvNode, parts: Buffer[], depth: number): void {
  const tag = parseTag(node.tag);
  const path = `tag ${node.tag.toUpperCase()}`;
  let value = node.value;
  if (node.children !== undefined) {
    if (!isConstructedTag(node.tag)) throw new TlvError("primitive tag cannot have children", { path });
    // A cyclic or absurd tree must end in a TlvError, not a stack overflow.
    if (depth >= MAX_DEPTH_CAP) throw new TlvError("templates nested too deep to encode", { path });
    const inner: Buffer[] = [];
    for (const child of node.children) appendNode(child, inner, depth + 1);
    value = Buffer.concat(inner);
  }
  parts.push(tag, encodeLength(value.length, path), value);
}
