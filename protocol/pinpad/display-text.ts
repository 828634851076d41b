import { type FieldReader, FieldWriter } from "./fields.js";

/** The pad's display: 2 lines × 16 ISO-8859-1 characters, sent as one 32-byte S field. */
export const DISPLAY_LINE_WIDTH = 16;
export const DISPLAY_TEXT_LENGTH = 32;

export type DisplayLines = readonly [string, string?];

export function encodeDisplayText(lines: DisplayLines, path: string): Buffer {
  const [first, second = ""] = lines;
  return new FieldWriter()
    .text(`${path}[0]`, first, DISPLAY_LINE_WIDTH)
    .text(`${path}[1]`, second, DISPLAY_LINE_WIDTH)
    .toBuffer();
}

/** The two lines with their trailing spaces removed. */
export function decodeDisplayText(reader: FieldReader, path: string): [string, string] {
  const text = reader.text(path, DISPLAY_TEXT_LENGTH);
  return [text.slice(0, DISPLAY_LINE_WIDTH).trimEnd(), text.slice(DISPLAY_LINE_WIDTH).trimEnd()];
}
