import { GS } from "./commands.js";
import { EscPosError } from "./escpos-error.js";

/**
 * QR code through GS ( k, cn = 0x31 (function 165 select model, 167 module size, 169 error level,
 * 180 store, 181 print), device-protocols.md §5.1. Content is stored as UTF-8 (payment QR codes and
 * URLs are ASCII).
 */
export type QrErrorLevel = "L" | "M" | "Q" | "H";
const ECC_CODE: Record<QrErrorLevel, number> = { L: 0x30, M: 0x31, Q: 0x32, H: 0x33 };

export interface QrOptions {
  /** Module size in dots, 1..16 (6 gives about 25 mm for a 33-module code at 203 dpi). */
  size?: number;
  errorLevel?: QrErrorLevel;
}

/** Largest store payload: a version 40 QR holds 2953 bytes at level L. */
export const QR_MAX_BYTES = 2953;

function gsK(fn: number, params: number[]): Buffer {
  const len = params.length + 2;
  return Buffer.from([GS, 0x28, 0x6b, len & 0xff, len >> 8, 0x31, fn, ...params]);
}

export function qrModel2(): Buffer {
  return gsK(0x41, [0x32, 0x00]);
}

export function qrModuleSize(size: number): Buffer {
  if (!Number.isInteger(size) || size < 1 || size > 16) {
    throw new EscPosError(`module size must be 1..16, got ${size}`, { path: "qr.size" });
  }
  return gsK(0x43, [size]);
}

export function qrErrorLevel(level: QrErrorLevel): Buffer {
  const code = ECC_CODE[level];
  if (code === undefined)
    throw new EscPosError(`unknown error level ${String(level)}`, { path: "qr.errorLevel" });
  return gsK(0x45, [code]);
}

/** GS ( k pL pH 31 50 30 d…: store the symbol data (pL/pH = data length + 3). */
export function qrStore(content: string): Buffer {
  const data = Buffer.from(content, "utf8");
  if (data.length === 0) throw new EscPosError("empty QR content", { path: "qr.content" });
  if (data.length > QR_MAX_BYTES) {
    throw new EscPosError(`QR content is ${data.length} bytes, max ${QR_MAX_BYTES}`, { path: "qr.content" });
  }
  const len = data.length + 3;
  return Buffer.concat([Buffer.from([GS, 0x28, 0x6b, len & 0xff, len >> 8, 0x31, 0x50, 0x30]), data]);
}

export function qrPrint(): Buffer {
  return gsK(0x51, [0x30]);
}

/** The whole sequence: model 2, size, error level, store, print. */
export function qrCode(content: string, options: QrOptions = {}): Buffer {
  return Buffer.concat([
    qrModel2(),
    qrModuleSize(options.size ?? 6),
    qrErrorLevel(options.errorLevel ?? "M"),
    qrStore(content),
    qrPrint(),
  ]);
}
