import type { Tr31OptionalBlock } from "./header.js";
import { Tr31Error } from "./tr31-error.js";

/**
 * TR-31 optional blocks: ID (2) ‖ length (2 hex digits, counting the whole block) ‖ data. Length
 * "00" announces the extended form: 2 hex digits giving the length-of-length in bytes, then that
 * many bytes of length as hex (X9.143 6.3.6; e.g. "KS0002010A…" is a 266-character block).
 */
const ID = /^[0-9A-Za-z]{2}$/;
const HEX = /^[0-9A-F]+$/;
/** Short lengths are at most FF; longer blocks use "00" + "02" + 4 hex digits. */
const SHORT_MAX = 0xff;
const EXTENDED_PREFIX = 10;

function hexField(text: string, path: string, start: number, length: number): number {
  const value = text.slice(start, start + length);
  if (value.length !== length) {
    throw new Tr31Error(`optional block header truncated`, { path, offset: start });
  }
  if (!HEX.test(value)) {
    throw new Tr31Error(`length must be uppercase hex, got ${JSON.stringify(value)}`, {
      path,
      offset: start,
    });
  }
  return Number.parseInt(value, 16);
}

export function parseOptionalBlocks(
  text: string,
  start: number,
  count: number,
): { blocks: Tr31OptionalBlock[]; end: number } {
  const blocks: Tr31OptionalBlock[] = [];
  let pos = start;
  for (let i = 0; i < count; i++) {
    const path = `optionalBlocks[${i}]`;
    const id = text.slice(pos, pos + 2);
    if (!ID.test(id)) {
      throw new Tr31Error(`invalid optional block ID ${JSON.stringify(id)}`, {
        path: `${path}.id`,
        offset: pos,
      });
    }
    let length = hexField(text, `${path}.length`, pos + 2, 2);
    let dataStart = pos + 4;
    if (length === 0) {
      const lengthOfLength = hexField(text, `${path}.length`, pos + 4, 2);
      if (lengthOfLength === 0 || lengthOfLength > 2) {
        throw new Tr31Error(`extended length of ${lengthOfLength} bytes is not supported`, {
          path: `${path}.length`,
          offset: pos + 4,
        });
      }
      length = hexField(text, `${path}.length`, pos + 6, lengthOfLength * 2);
      dataStart = pos + 6 + lengthOfLength * 2;
    }
    if (length < dataStart - pos) {
      throw new Tr31Error(`length ${length} is shorter than the block's own header`, {
        path: `${path}.length`,
        offset: pos + 2,
      });
    }
    if (pos + length > text.length) {
      throw new Tr31Error(`optional block ${id} of ${length} characters runs past the end of the block`, {
        path: `${path}.length`,
        offset: pos + 2,
      });
    }
    blocks.push({ id, value: text.slice(dataStart, pos + length) });
    pos += length;
  }
  return { blocks, end: pos };
}

/** Encode one optional block, choosing the extended length form when the short one cannot hold it. */
export function encodeOptionalBlock(block: Tr31OptionalBlock, index = 0): string {
  const path = `optionalBlocks[${index}]`;
  if (!ID.test(block.id)) {
    throw new Tr31Error(`invalid optional block ID ${JSON.stringify(block.id)}`, { path: `${path}.id` });
  }
  for (let i = 0; i < block.value.length; i++) {
    const c = block.value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      throw new Tr31Error("optional block data must be printable ASCII", {
        path: `${path}.value`,
        offset: i,
      });
    }
  }
  const short = block.value.length + 4;
  if (short <= SHORT_MAX) return `${block.id}${hex(short, 2)}${block.value}`;
  const extended = block.value.length + EXTENDED_PREFIX;
  if (extended > 0xffff) {
    throw new Tr31Error(`optional block of ${extended} characters is too long`, { path: `${path}.value` });
  }
  return `${block.id}0002${hex(extended, 4)}${block.value}`;
}

function hex(value: number, digits: number): string {
  return value.toString(16).toUpperCase().padStart(digits, "0");
}
