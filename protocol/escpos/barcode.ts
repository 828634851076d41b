import { GS } from "./commands.js";
import { EscPosError } from "./escpos-error.js";

/**
 * 1D barcodes with GS k format B (`1D 6B m n d…`), preceded by HRI position (GS H), height (GS h) and
 * module width (GS w). CODE128 data is sent in code set B (`{B` prefix, a literal `{` doubled).
 */
export type BarcodeType = "CODE128" | "EAN13" | "CODE39";
export type HriPosition = "none" | "above" | "below" | "both";

export const BARCODE_CODE: Record<BarcodeType, number> = { CODE128: 0x49, EAN13: 0x43, CODE39: 0x45 };
const HRI_CODE: Record<HriPosition, number> = { none: 0, above: 1, below: 2, both: 3 };

export interface BarcodeOptions {
  /** Bar height in dots, 1..255 (default 80). */
  height?: number;
  /** Module width, 2..6 (default 2). */
  width?: number;
  hri?: HriPosition;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new EscPosError(message, { path: "barcode.data" });
}

/** The symbol data bytes as sent after `m n` (CODE128 with its code-set prefix). */
export function barcodeData(type: BarcodeType, data: string): Buffer {
  switch (type) {
    case "CODE128":
      check(/^[\x20-\x7e]+$/.test(data), "CODE128 set B takes 1+ printable ASCII characters");
      return Buffer.from(`{B${data.replaceAll("{", "{{")}`, "latin1");
    case "EAN13":
      check(/^\d{12,13}$/.test(data), "EAN13 takes 12 or 13 digits");
      return Buffer.from(data, "latin1");
    case "CODE39":
      check(/^[0-9A-Z $%+\-./]+$/.test(data), "CODE39 takes 0-9 A-Z space $ % + - . /");
      return Buffer.from(data, "latin1");
    default:
      throw new EscPosError(`unknown barcode type ${String(type)}`, { path: "barcode.type" });
  }
}

/** The symbol text back from the data bytes (the inverse of `barcodeData`). */
export function barcodeText(type: BarcodeType, data: Buffer): string {
  const text = data.toString("latin1");
  if (type !== "CODE128") return text;
  return text.replace(/^\{[ABC]/, "").replaceAll("{{", "{");
}

export function barcode(type: BarcodeType, data: string, options: BarcodeOptions = {}): Buffer {
  const height = options.height ?? 80;
  const width = options.width ?? 2;
  if (!Number.isInteger(height) || height < 1 || height > 255) {
    throw new EscPosError(`height must be 1..255, got ${height}`, { path: "barcode.height" });
  }
  if (!Number.isInteger(width) || width < 2 || width > 6) {
    throw new EscPosError(`width must be 2..6, got ${width}`, { path: "barcode.width" });
  }
  const hri = HRI_CODE[options.hri ?? "below"];
  if (hri === undefined)
    throw new EscPosError(`unknown HRI position ${options.hri}`, { path: "barcode.hri" });
  const bytes = barcodeData(type, data);
  if (bytes.length > 255)
    throw new EscPosError(`${bytes.length} data bytes, max 255`, { path: "barcode.data" });
  return Buffer.concat([
    Buffer.from([
      GS,
      0x48,
      hri,
      GS,
      0x68,
      height,
      GS,
      0x77,
      width,
      GS,
      0x6b,
      BARCODE_CODE[type],
      bytes.length,
    ]),
    bytes,
  ]);
}
