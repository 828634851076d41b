import { EscPosError } from "./escpos-error.js";

/**
 * The ESC/POS commands a receipt needs, each a function returning its bytes (device-protocols.md §5.1;
 * song940/node-escpos commands.ts, python-escpos constants.py). No state: the document encoder decides
 * the order.
 */
export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const EOT = 0x04;
export const LF = 0x0a;

export type Align = "left" | "center" | "right";
const ALIGN_CODE: Record<Align, number> = { left: 0, center: 1, right: 2 };

function byteParam(value: number, what: string, min = 0, max = 255): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EscPosError(`must be an integer in ${min}..${max}, got ${value}`, { path: what });
  }
  return value;
}

/** ESC @: clear the print buffer and reset every mode to the power-on default. */
export function init(): Buffer {
  return Buffer.from([ESC, 0x40]);
}

/** ESC a n. */
export function align(alignment: Align): Buffer {
  const code = ALIGN_CODE[alignment];
  if (code === undefined) throw new EscPosError(`unknown alignment ${String(alignment)}`, { path: "align" });
  return Buffer.from([ESC, 0x61, code]);
}

/** ESC E n: emphasised (bold). */
export function bold(on: boolean): Buffer {
  return Buffer.from([ESC, 0x45, on ? 1 : 0]);
}

/** ESC - n: underline off, 1 dot, 2 dots. */
export function underline(mode: 0 | 1 | 2): Buffer {
  return Buffer.from([ESC, 0x2d, byteParam(mode, "underline", 0, 2)]);
}

/** GS ! n: width and height multipliers 1..8 (high nibble width−1, low nibble height−1). */
export function charSize(width: number, height: number): Buffer {
  const w = byteParam(width, "size.width", 1, 8);
  const h = byteParam(height, "size.height", 1, 8);
  return Buffer.from([GS, 0x21, ((w - 1) << 4) | (h - 1)]);
}

/** ESC 2 (default spacing, about 1/6 inch) or ESC 3 n (n motion units). */
export function lineSpacing(dots?: number): Buffer {
  return dots === undefined
    ? Buffer.from([ESC, 0x32])
    : Buffer.from([ESC, 0x33, byteParam(dots, "lineSpacing")]);
}

/** ESC d n: print the buffer and feed n lines. */
export function feed(lines: number): Buffer {
  return Buffer.from([ESC, 0x64, byteParam(lines, "feed")]);
}

/** ESC t n: single-byte code table (0 = PC437). */
export function codeTable(n: number): Buffer {
  return Buffer.from([ESC, 0x74, byteParam(n, "codeTable")]);
}

/** FS & / FS .: Chinese (double-byte) character mode on / off. */
export function chineseMode(on: boolean): Buffer {
  return Buffer.from([FS, on ? 0x26 : 0x2e]);
}

export interface CutOptions {
  /** Partial cut (one point left uncut) instead of a full cut. */
  partial?: boolean;
  /** Feed to the cutter plus this many motion units first (GS V 65/66 n); omit for a cut in place. */
  feed?: number;
}

/** GS V m [n]: cut in place (m 0/1) or feed-and-cut (m 65/66, n motion units). */
export function cut(options: CutOptions = {}): Buffer {
  const partial = options.partial ?? false;
  if (options.feed === undefined) return Buffer.from([GS, 0x56, partial ? 1 : 0]);
  return Buffer.from([GS, 0x56, partial ? 0x42 : 0x41, byteParam(options.feed, "cut.feed")]);
}

export type StatusRequest = 1 | 2 | 3 | 4;

/** DLE EOT n: real-time status (1 printer, 2 offline cause, 3 error cause, 4 paper sensor). */
export function statusRequest(n: StatusRequest): Buffer {
  return Buffer.from([DLE, EOT, byteParam(n, "statusRequest", 1, 4)]);
}

/** GS a n: Automatic Status Back; enabled = every status bit (FF), disabled = 00. */
export function autoStatusBack(enabled: boolean): Buffer {
  return Buffer.from([GS, 0x61, enabled ? 0xff : 0x00]);
}
