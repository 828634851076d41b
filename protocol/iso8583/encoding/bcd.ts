import { Iso8583Error } from "../errors.js";
import type { Alignment } from "../spec.js";
import { upperHex } from "./hex-text.js";

/**
 * Packed BCD: two digits per byte. An odd digit count leaves one spare nibble, which must be 0:
 * before the digits when right-aligned (amounts, field 23), after them when left-aligned
 * (variable n/z, field 22). `decimal` accepts 0–9 only; `track` also carries A–F (TDK-encrypted
 * track data) and writes '=' as the separator nibble D.
 */
export type NibbleSet = "decimal" | "track";

const HEX_DIGITS = "0123456789ABCDEF";

/** char code → nibble, -1 when the set refuses the character. */
function nibbleTable(set: NibbleSet): Int8Array {
  const table = new Int8Array(128).fill(-1);
  for (let d = 0; d < 10; d++) table[48 + d] = d;
  if (set === "track") {
    for (let d = 10; d < 16; d++) table[HEX_DIGITS.charCodeAt(d)] = d;
    table["=".charCodeAt(0)] = 0xd;
  }
  return table;
}

const ENCODE: Record<NibbleSet, Int8Array> = { decimal: nibbleTable("decimal"), track: nibbleTable("track") };

/** byte → 1 when both nibbles belong to the set (decode side). */
function validTable(set: NibbleSet): Uint8Array {
  const limit = set === "decimal" ? 10 : 16;
  const table = new Uint8Array(256);
  for (let b = 0; b < 256; b++) table[b] = b >> 4 < limit && (b & 0xf) < limit ? 1 : 0;
  return table;
}

const VALID: Record<NibbleSet, Uint8Array> = { decimal: validTable("decimal"), track: validTable("track") };

/** Bytes taken by `digits` nibbles. */
export function bcdLength(digits: number): number {
  return (digits + 1) >> 1;
}

function badChar(text: string, index: number, set: NibbleSet, path: string, at: number): Iso8583Error {
  return new Iso8583Error(
    `character ${JSON.stringify(text[index])} at position ${index} is not allowed in ${set === "decimal" ? "n" : "z"} data`,
    { path, offset: at + (index >> 1) },
  );
}

/** Writes `text` as packed BCD at `off`; returns the number of bytes written. */
export function writeBcd(
  buf: Buffer,
  off: number,
  text: string,
  align: Alignment,
  set: NibbleSet,
  path: string,
): number {
  const table = ENCODE[set];
  const digits = text.length;
  // Odd right-aligned values start with the pad nibble: shift the character index by one.
  const shift = digits & 1 && align === "right" ? 1 : 0;
  const bytes = bcdLength(digits);
  for (let b = 0; b < bytes; b++) {
    const hi = 2 * b - shift;
    const lo = hi + 1;
    let value = 0;
    if (hi >= 0) {
      const code = text.charCodeAt(hi);
      const nibble = code < 128 ? table[code]! : -1;
      if (nibble < 0) throw badChar(text, hi, set, path, off);
      value = nibble << 4;
    }
    if (lo < digits) {
      const code = text.charCodeAt(lo);
      const nibble = code < 128 ? table[code]! : -1;
      if (nibble < 0) throw badChar(text, lo, set, path, off);
      value |= nibble;
    }
    buf[off + b] = value;
  }
  return bytes;
}

function badNibble(buf: Buffer, at: number, path: string, base: number, why: string): Iso8583Error {
  const byte = buf[at]!.toString(16).toUpperCase().padStart(2, "0");
  return new Iso8583Error(`${why} in byte 0x${byte}`, { path, offset: at + base });
}

/**
 * Reads `digits` nibbles of packed BCD at `off` (the caller has checked the bytes are there).
 * `base` is added to offsets in errors (frame-relative reporting).
 */
export function readBcd(
  buf: Buffer,
  off: number,
  digits: number,
  align: Alignment,
  set: NibbleSet,
  path: string,
  base = 0,
): string {
  const valid = VALID[set];
  const end = off + bcdLength(digits);
  const odd = (digits & 1) === 1;
  if (odd && align === "right" && buf[off]! >> 4 !== 0) {
    throw badNibble(buf, off, path, base, "pad nibble before the digits is not 0");
  }
  if (odd && align === "left" && (buf[end - 1]! & 0xf) !== 0) {
    throw badNibble(buf, end - 1, path, base, "pad nibble after the digits is not 0");
  }
  // Validate every byte, then build the string in one go.
  for (let i = off; i < end; i++) {
    if (valid[buf[i]!] === 0) throw badNibble(buf, i, path, base, "bad BCD nibble");
  }
  // For BCD the hex text of the bytes is the digit string (uppercase: track data keeps A–F as such).
  const text = upperHex(buf, off, end);
  if (!odd) return text;
  return align === "right" ? text.slice(1) : text.slice(0, -1);
}
