import iconv from "iconv-lite";
import { chineseMode } from "./commands.js";
import { EscPosError } from "./escpos-error.js";

/**
 * Receipt text. Chinese-market printers take GB18030 in double-byte mode (FS &); ASCII is the same
 * single byte in GB18030, so a line is encoded whole and only lines with non-ASCII characters need the
 * mode switch (device-protocols.md §5.3). Width math counts a CJK glyph as two columns.
 */

/** Columns per line at font A: 58 mm paper = 32, 80 mm = 48. */
export const COLUMNS_58MM = 32;
export const COLUMNS_80MM = 48;

/** True when every character is 7-bit ASCII (encoded as itself, no Chinese mode needed). */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Refuses control characters: receipt fields come from the host and the card, and an ESC or GS inside
 * a merchant name would be executed by the printer as a command.
 */
export function assertPrintable(text: string, path: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      throw new EscPosError(`control character 0x${c.toString(16).padStart(2, "0")} in text`, {
        path,
        offset: i,
      });
    }
  }
}

/** GB18030 bytes of printable text (ASCII stays one byte each). */
export function encodeGb18030(text: string, path = "text"): Buffer {
  assertPrintable(text, path);
  return iconv.encode(text, "gb18030");
}

/** GB18030 bytes back to text. */
export function decodeGb18030(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes), "gb18030");
}

/**
 * One run of text as a standalone command sequence: ASCII as is, anything else wrapped in FS & … FS .
 * (The document encoder keeps Chinese mode on across lines instead, to save the switches.)
 */
export function text(value: string, path = "text"): Buffer {
  const bytes = encodeGb18030(value, path);
  if (isAscii(value)) return bytes;
  return Buffer.concat([chineseMode(true), bytes, chineseMode(false)]);
}

/** Printed columns of one character: 1 for ASCII, 2 for anything double-byte (CJK, full-width). */
export function charColumns(codePoint: number): number {
  return codePoint <= 0x7f ? 1 : 2;
}

/** Printed columns of a string at normal width. */
export function displayWidth(value: string): number {
  let width = 0;
  for (const ch of value) width += charColumns(ch.codePointAt(0)!);
  return width;
}

/** Splits text into pieces of at most `columns` printed columns, never splitting a character. */
export function wrapColumns(value: string, columns: number): string[] {
  if (columns < 1) return [value];
  const lines: string[] = [];
  let line = "";
  let width = 0;
  for (const ch of value) {
    const w = charColumns(ch.codePointAt(0)!);
    if (width + w > columns && line !== "") {
      lines.push(line);
      line = "";
      width = 0;
    }
    line += ch;
    width += w;
  }
  lines.push(line);
  return lines;
}

/**
 * "Label      value" on one line of `columns`, value flush right; when both do not fit, the value goes
 * on its own right-aligned line (the 签购单 layout does the same with long merchant names).
 */
export function labelValue(label: string, value: string, columns: number): string[] {
  const gap = columns - displayWidth(label) - displayWidth(value);
  if (gap >= 1) return [label + " ".repeat(gap) + value];
  const pad = Math.max(0, columns - displayWidth(value));
  return [label, " ".repeat(pad) + value];
}
