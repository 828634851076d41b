import { Iso8583Error } from "../errors.js";
import { upperHex } from "./hex-text.js";

/** b fields: raw bytes on the wire, uppercase hex in the message model. */

/** Bytes a hex value takes; refuses an odd digit count. */
export function hexByteLength(hex: string, path: string): number {
  if (hex.length & 1) throw new Iso8583Error(`odd number of hex digits (${hex.length})`, { path });
  return hex.length >> 1;
}

/** Writes the hex value at `off`; returns the number of bytes written. */
export function writeHex(buf: Buffer, off: number, hex: string, path: string): number {
  const bytes = hexByteLength(hex, path);
  // Buffer's hex writer stops silently at the first bad pair: a short count means bad input.
  const written = bytes === 0 ? 0 : buf.write(hex, off, bytes, "hex");
  if (written !== bytes) {
    const at = hex.search(/[^0-9A-Fa-f]/);
    throw new Iso8583Error(`not a hex digit at position ${at}: ${JSON.stringify(hex[at])}`, {
      path,
      offset: off + (at >> 1),
    });
  }
  return bytes;
}

/** Reads `length` bytes at `off` as uppercase hex. */
export function readHex(buf: Buffer, off: number, length: number): string {
  return upperHex(buf, off, off + length);
}
