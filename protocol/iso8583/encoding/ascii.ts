import { Iso8583Error } from "../errors.js";

/**
 * One character per byte. `n` digits only (ASCII-numeric dialects), `an` letters, digits and
 * space (fixed an fields are space-padded), `ans` printable ASCII 0x20–0x7E plus 0x80–0xFE: hosts
 * put GBK/GB18030 Chinese text in ans fields (63 issuer name, 59), and refusing those bytes would
 * refuse a genuine 0210. The model keeps such bytes as latin1 characters, so a round trip stays
 * byte-exact; describe() shows them as Chinese.
 */
export type Charset = "n" | "an" | "ans";

function table(accept: (code: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = accept(c) ? 1 : 0;
  return t;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

const ALLOWED: Record<Charset, Uint8Array> = {
  n: table(isDigit),
  an: table((c) => isDigit(c) || isLetter(c) || c === 0x20),
  ans: table((c) => (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xfe)),
};

/** Writes `text` at `off`; returns the number of bytes written. */
export function writeAscii(buf: Buffer, off: number, text: string, charset: Charset, path: string): number {
  const allowed = ALLOWED[charset];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || allowed[c] === 0) {
      throw new Iso8583Error(
        `character ${JSON.stringify(text[i])} at position ${i} is not allowed in ${charset} data`,
        { path, offset: off + i },
      );
    }
    buf[off + i] = c;
  }
  return text.length;
}

/** Reads `length` bytes at `off` as text, refusing bytes outside the charset. */
export function readAscii(
  buf: Buffer,
  off: number,
  length: number,
  charset: Charset,
  path: string,
  base = 0,
): string {
  const allowed = ALLOWED[charset];
  const end = off + length;
  for (let i = off; i < end; i++) {
    if (allowed[buf[i]!] === 0) {
      const byte = buf[i]!.toString(16).toUpperCase().padStart(2, "0");
      throw new Iso8583Error(`byte 0x${byte} is not allowed in ${charset} data`, { path, offset: i + base });
    }
  }
  return buf.toString("latin1", off, end);
}

/** True when every character of `text` belongs to the charset (used by sub-field checks). */
export function isCharset(text: string, charset: Charset): boolean {
  const allowed = ALLOWED[charset];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || allowed[c] === 0) return false;
  }
  return true;
}
