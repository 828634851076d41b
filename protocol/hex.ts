import { HexError } from "./errors.js";

const HEX = /^[0-9a-fA-F]*$/;

/**
 * Strict hex → bytes. `Buffer.from(s, "hex")` silently stops at the first bad character and drops
 * an odd last nibble; for byte-exact work that hides bugs, so this refuses both and names the spot.
 */
export function fromHex(text: string, what = "hex"): Buffer {
  const clean = text.replace(/\s+/g, "");
  if (!HEX.test(clean)) {
    const at = clean.search(/[^0-9a-fA-F]/);
    throw new HexError(`not a hex digit: ${JSON.stringify(clean[at])}`, { path: what, offset: at });
  }
  if (clean.length % 2 !== 0) {
    throw new HexError(`odd number of hex digits (${clean.length})`, { path: what });
  }
  return Buffer.from(clean, "hex");
}

/** Bytes → uppercase hex, the form every posctl command and vector file uses. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex").toUpperCase();
}
