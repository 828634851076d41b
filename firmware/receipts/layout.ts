import { charColumns, wrapColumns } from "../../protocol/escpos/text.js";

/**
 * Column arithmetic for slips. The printer counts every double-byte (GB18030) character as two columns
 * and ASCII as one; we use the same rule as the ESC/POS renderer (protocol/escpos/text.ts) so a line we
 * lay out to fit is exactly a line the printer does not wrap.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charColumns(ch.codePointAt(0)!);
  return width;
}

/** Pieces of at most `columns` columns; never splits a character; an empty text is one empty line. */
export function wrapText(text: string, columns: number): string[] {
  return wrapColumns(text, Math.max(1, columns));
}

/**
 * Word wrap for slip text: breaks at spaces where it can (English labels and the acknowledgement), and
 * inside a word only when the word alone is wider than the line (CJK text has no spaces and breaks
 * between characters). Each piece is at most `columns` columns.
 */
export function wrapWords(text: string, columns: number): string[] {
  const width = Math.max(1, columns);
  if (displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (displayWidth(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line !== "") lines.push(line);
    const pieces = wrapText(word, width);
    line = pieces.pop()!;
    lines.push(...pieces);
  }
  lines.push(line);
  return lines;
}

/**
 * "Label            value" on one line of `columns`, the value flush right. When both do not fit, the
 * label goes on its own line(s) and the value follows right-aligned (wrapped if it alone is too wide), so
 * no line is ever wider than `columns`.
 */
export function labelValue(left: string, right: string, columns: number): string[] {
  const gap = columns - displayWidth(left) - displayWidth(right);
  if (gap >= 1 || (right === "" && gap >= 0))
    return [(left + " ".repeat(Math.max(0, gap)) + right).trimEnd()];
  const lines = left === "" ? [] : wrapText(left, columns);
  for (const piece of right === "" ? [] : wrapText(right, columns)) {
    lines.push(" ".repeat(columns - displayWidth(piece)) + piece);
  }
  return lines;
}

/** Text padded on the left to `width` columns (numbers in a column); returned as is when wider. */
export function padStartColumns(text: string, width: number): string {
  return " ".repeat(Math.max(0, width - displayWidth(text))) + text;
}

/** Text padded on the right to `width` columns. */
export function padEndColumns(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

/**
 * Slip text comes from configuration, the host and the card: a control character there would be sent to
 * the printer as a command (and encodeReceipt refuses it), so each one prints as '?'.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, "?");
}
