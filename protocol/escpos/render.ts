import type { Align } from "./commands.js";
import type { ReceiptDocument } from "./document.js";
import { COLUMNS_58MM, displayWidth, wrapColumns } from "./text.js";

/**
 * The text form of a printed slip, shared by the printer emulator (which renders what the bytes did)
 * and `renderReceiptText` (what a document should look like): one string per printed line, aligned in
 * `columns`, trailing spaces trimmed; a QR code as `[QR: content]`, a barcode as `[BARCODE type: data]`,
 * an image as `[IMAGE w x h]`, a cut as a dashed line.
 */
export function layoutLines(
  text: string,
  alignment: Align,
  widthMultiplier: number,
  columns: number,
): string[] {
  const scale = Math.max(1, widthMultiplier);
  const per = Math.max(1, Math.floor(columns / scale));
  return wrapColumns(text, per).map((piece) => {
    const used = displayWidth(piece) * scale;
    const spare = Math.max(0, columns - used);
    const pad = alignment === "center" ? Math.floor(spare / 2) : alignment === "right" ? spare : 0;
    return (" ".repeat(pad) + piece).trimEnd();
  });
}

/** A graphic's label (QR, barcode, image) is one line however long: it stands for a picture, not text. */
export function layoutLabel(label: string, alignment: Align, columns: number): string {
  const spare = Math.max(0, columns - displayWidth(label));
  const pad = alignment === "center" ? Math.floor(spare / 2) : alignment === "right" ? spare : 0;
  return " ".repeat(pad) + label;
}

export function cutLine(columns: number): string {
  return "- ".repeat(Math.max(1, Math.floor(columns / 2))).trimEnd();
}

export const qrLabel = (content: string) => `[QR: ${content}]`;
export const barcodeLabel = (type: string, data: string) => `[BARCODE ${type}: ${data}]`;
export const imageLabel = (width: number, height: number) => `[IMAGE ${width}x${height}]`;

/** The lines a printer should produce for a document. */
export function renderReceiptText(document: ReceiptDocument): string[] {
  const columns = document.columns ?? COLUMNS_58MM;
  const lines: string[] = [];
  for (const element of document.elements) {
    switch (element.kind) {
      case "text":
        lines.push(
          ...layoutLines(element.text, element.style?.align ?? "left", element.style?.width ?? 1, columns),
        );
        break;
      case "feed":
        for (let i = 0; i < element.lines; i++) lines.push("");
        break;
      case "qr":
        lines.push(layoutLabel(qrLabel(element.content), element.align ?? "center", columns));
        break;
      case "barcode":
        lines.push(layoutLabel(barcodeLabel(element.type, element.data), element.align ?? "center", columns));
        break;
      case "image": {
        const label = imageLabel(Math.ceil(element.bitmap.width / 8) * 8, element.bitmap.height);
        lines.push(layoutLabel(label, element.align ?? "center", columns));
        break;
      }
      case "cut":
        lines.push(cutLine(columns));
        break;
    }
  }
  return lines;
}
