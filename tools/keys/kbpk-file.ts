import { readFileSync } from "node:fs";
import { KeyLoadError } from "./key-load-error.js";

const KBPK_LENGTHS = [16, 24, 32];

function nibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Decodes a KBPK held as hex text straight from the file's bytes into a Buffer (never a JS string),
 * ignoring surrounding whitespace; the file buffer is zeroised. The caller zeroises the result.
 */
export function kbpkFromHexBytes(bytes: Buffer, what = "KBPK"): Buffer {
  let start = 0;
  let end = bytes.length;
  const space = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
  while (start < end && space(bytes[start])) start++;
  while (end > start && space(bytes[end - 1])) end--;
  const digits = end - start;
  if (digits % 2 !== 0) throw new KeyLoadError(`${what} must be whole bytes of hex`);
  const key = Buffer.alloc(digits / 2);
  for (let i = 0; i < key.length; i++) {
    const hi = nibble(bytes[start + 2 * i]!);
    const lo = nibble(bytes[start + 2 * i + 1]!);
    if (hi < 0 || lo < 0) {
      key.fill(0);
      throw new KeyLoadError(`${what} is not hex (character ${2 * i} or ${2 * i + 1})`);
    }
    key[i] = (hi << 4) | lo;
  }
  if (!KBPK_LENGTHS.includes(key.length)) {
    key.fill(0);
    throw new KeyLoadError(`${what} must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  return key;
}

/** Reads a KBPK hex file; the raw file bytes are zeroised once decoded. */
export function readKbpkFile(path: string): Buffer {
  const raw = readFileSync(path);
  try {
    return kbpkFromHexBytes(raw, `KBPK file ${path}`);
  } finally {
    raw.fill(0);
  }
}
