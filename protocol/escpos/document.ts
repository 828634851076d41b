import { type BarcodeOptions, type BarcodeType, barcode } from "./barcode.js";
import {
  type Align,
  align as alignCommand,
  bold,
  type CutOptions,
  charSize,
  chineseMode,
  cut,
  feed,
  init,
  LF,
  lineSpacing,
  underline,
} from "./commands.js";
import { EscPosError } from "./escpos-error.js";
import { type QrErrorLevel, qrCode } from "./qr.js";
import { type RasterBitmap, rasterImage } from "./raster.js";
import { encodeGb18030, isAscii } from "./text.js";

/**
 * A receipt as data: lines with styles, QR, barcode, image, feed, cut. `encodeReceipt` turns it into the
 * byte stream; `renderReceiptText` (render.ts) into the text a printer would show, so a slip can be
 * checked, stored in the journal and reprinted without keeping printer bytes around.
 */
export interface TextStyle {
  align?: Align;
  bold?: boolean;
  underline?: 0 | 1 | 2;
  /** Character width / height multipliers, 1..8. */
  width?: number;
  height?: number;
}

export type ReceiptElement =
  | { kind: "text"; text: string; style?: TextStyle }
  | { kind: "feed"; lines: number }
  | { kind: "qr"; content: string; align?: Align; size?: number; errorLevel?: QrErrorLevel }
  | ({ kind: "barcode"; type: BarcodeType; data: string; align?: Align } & BarcodeOptions)
  | { kind: "image"; bitmap: RasterBitmap; align?: Align }
  | ({ kind: "cut" } & CutOptions);

export interface ReceiptDocument {
  /** Columns per line at normal width (32 on 58 mm paper, 48 on 80 mm); used by layout and rendering. */
  columns?: number;
  /** Line spacing in motion units (ESC 3 n); the printer default (ESC 2) when omitted. */
  lineSpacing?: number;
  elements: ReceiptElement[];
}

interface Modes {
  align: Align;
  bold: boolean;
  underline: 0 | 1 | 2;
  width: number;
  height: number;
  chinese: boolean;
}

/** Appends the commands that move the printer from `now` to the wanted style, only for what changes. */
function setStyle(out: Buffer[], now: Modes, want: Required<TextStyle>): void {
  if (want.align !== now.align) out.push(alignCommand(want.align));
  if (want.bold !== now.bold) out.push(bold(want.bold));
  if (want.underline !== now.underline) out.push(underline(want.underline));
  if (want.width !== now.width || want.height !== now.height) out.push(charSize(want.width, want.height));
  Object.assign(now, want);
}

function fullStyle(style: TextStyle | undefined): Required<TextStyle> {
  return {
    align: style?.align ?? "left",
    bold: style?.bold ?? false,
    underline: style?.underline ?? 0,
    width: style?.width ?? 1,
    height: style?.height ?? 1,
  };
}

function currentStyle(modes: Modes): Required<TextStyle> {
  return {
    align: modes.align,
    bold: modes.bold,
    underline: modes.underline,
    width: modes.width,
    height: modes.height,
  };
}

/** The ESC/POS bytes of a receipt: ESC @ first, Chinese mode on from the first non-ASCII line to the end. */
export function encodeReceipt(document: ReceiptDocument): Buffer {
  const out: Buffer[] = [init()];
  if (document.lineSpacing !== undefined) out.push(lineSpacing(document.lineSpacing));
  const modes: Modes = { align: "left", bold: false, underline: 0, width: 1, height: 1, chinese: false };
  document.elements.forEach((element, index) => {
    const path = `elements[${index}]`;
    switch (element.kind) {
      case "text": {
        setStyle(out, modes, fullStyle(element.style));
        if (!modes.chinese && !isAscii(element.text)) {
          out.push(chineseMode(true));
          modes.chinese = true;
        }
        out.push(encodeGb18030(element.text, `${path}.text`), Buffer.from([LF]));
        break;
      }
      case "feed":
        out.push(feed(element.lines));
        break;
      case "qr":
        setStyle(out, modes, { ...currentStyle(modes), align: element.align ?? "center" });
        out.push(qrCode(element.content, element));
        break;
      case "barcode":
        setStyle(out, modes, { ...currentStyle(modes), align: element.align ?? "center" });
        out.push(barcode(element.type, element.data, element));
        break;
      case "image":
        setStyle(out, modes, { ...currentStyle(modes), align: element.align ?? "center" });
        out.push(rasterImage(element.bitmap));
        break;
      case "cut":
        out.push(cut(element));
        break;
      default:
        throw new EscPosError(`unknown element kind ${String((element as { kind: unknown }).kind)}`, {
          path,
        });
    }
  });
  if (modes.chinese) out.push(chineseMode(false));
  return Buffer.concat(out);
}
