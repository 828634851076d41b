import { Iso8583Error } from "./errors.js";
import type { PrefixEncoding } from "./spec.js";

/**
 * The length in front of a variable field. Each encoding is a small unit; the dialect picks one
 * (CUP: BCD, LL = 1 byte, LLL = 2 bytes with a 0 high nibble).
 */
export interface LengthPrefix {
  /** Bytes the prefix takes on the wire. */
  readonly size: number;
  /** Largest length it can express. */
  readonly maxValue: number;
  write(buf: Buffer, off: number, length: number): void;
  /** Reads the length at `off` (bytes are there); `base` shifts offsets in errors. */
  read(buf: Buffer, off: number, path: string, base: number): number;
}

function badPrefix(buf: Buffer, off: number, size: number, path: string, base: number, why: string) {
  const bytes = buf.toString("hex", off, off + size).toUpperCase();
  return new Iso8583Error(`${why}: length prefix ${bytes}`, { path, offset: off + base });
}

/** LL: 1 byte 0x00–0x99; LLL: 2 bytes 0x0000–0x0999 (BCD, high nibble 0). */
function bcdPrefix(digits: 2 | 3): LengthPrefix {
  const size = digits === 2 ? 1 : 2;
  return {
    size,
    maxValue: digits === 2 ? 99 : 999,
    write(buf, off, length) {
      if (size === 1) {
        buf[off] = (((length / 10) | 0) << 4) | (length % 10);
      } else {
        buf[off] = (length / 100) | 0;
        buf[off + 1] = ((((length / 10) | 0) % 10) << 4) | (length % 10);
      }
    },
    read(buf, off, path, base) {
      let value = 0;
      for (let i = 0; i < size; i++) {
        const b = buf[off + i]!;
        const hi = b >> 4;
        const lo = b & 0xf;
        if (hi > 9 || lo > 9 || (size === 2 && i === 0 && hi !== 0)) {
          throw badPrefix(buf, off, size, path, base, "bad BCD nibble");
        }
        value = value * 100 + hi * 10 + lo;
      }
      return value;
    },
  };
}

/** LL: "00"–"99"; LLL: "000"–"999" as ASCII digits. */
function asciiPrefix(digits: 2 | 3): LengthPrefix {
  return {
    size: digits,
    maxValue: digits === 2 ? 99 : 999,
    write(buf, off, length) {
      buf.write(String(length).padStart(digits, "0"), off, digits, "latin1");
    },
    read(buf, off, path, base) {
      let value = 0;
      for (let i = 0; i < digits; i++) {
        const c = buf[off + i]! - 0x30;
        if (c < 0 || c > 9) throw badPrefix(buf, off, digits, path, base, "not an ASCII digit");
        value = value * 10 + c;
      }
      return value;
    },
  };
}

/** LL: 1 unsigned byte; LLL: 2 bytes big-endian. */
function binaryPrefix(digits: 2 | 3): LengthPrefix {
  const size = digits === 2 ? 1 : 2;
  return {
    size,
    maxValue: size === 1 ? 0xff : 0xffff,
    write(buf, off, length) {
      if (size === 1) buf[off] = length;
      else buf.writeUInt16BE(length, off);
    },
    read(buf, off) {
      return size === 1 ? buf[off]! : buf.readUInt16BE(off);
    },
  };
}

/** The prefix unit for a variable field. */
export function lengthPrefix(kind: "LL" | "LLL", encoding: PrefixEncoding): LengthPrefix {
  const digits = kind === "LL" ? 2 : 3;
  switch (encoding) {
    case "bcd":
      return bcdPrefix(digits);
    case "ascii":
      return asciiPrefix(digits);
    case "binary":
      return binaryPrefix(digits);
  }
}
