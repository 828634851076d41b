import { ByteQueue } from "../framing/byte-queue.js";
import { type BarcodeType, barcodeText } from "./barcode.js";
import type { Align } from "./commands.js";
import { EscPosError } from "./escpos-error.js";
import { decodeGb18030 } from "./text.js";

/**
 * The printer's side of the wire: an incremental parser of the ESC/POS byte stream into commands, for
 * the commands our encoder emits plus the common ones around them. Bytes arrive in any chunking; a
 * command split across chunks waits for its end. Unknown commands become `unknown` (the printer would
 * skip them too); `push` never throws; `end` throws EscPosError only for a truncated command.
 * Text runs are decoded as GB18030 in Chinese mode (FS &), as latin1 otherwise, so a missing FS &
 * shows up as mojibake in the rendered slip.
 */
export type EscPosCommand =
  | { kind: "text"; text: string }
  | { kind: "lf" }
  | { kind: "cr" }
  | { kind: "init" }
  | { kind: "align"; align: Align }
  | { kind: "bold"; on: boolean }
  | { kind: "underline"; mode: number }
  | { kind: "size"; width: number; height: number }
  | { kind: "lineSpacing"; dots?: number }
  | { kind: "feed"; lines: number }
  | { kind: "codeTable"; table: number }
  | { kind: "chineseMode"; on: boolean }
  | { kind: "cut"; partial: boolean; feed?: number }
  | { kind: "statusRequest"; n: number }
  | { kind: "autoStatusBack"; mask: number }
  | { kind: "qrModel"; model: number }
  | { kind: "qrSize"; size: number }
  | { kind: "qrErrorLevel"; level: number }
  | { kind: "qrStore"; data: Buffer }
  | { kind: "qrPrint" }
  | { kind: "barcodeHri"; position: number }
  | { kind: "barcodeHeight"; dots: number }
  | { kind: "barcodeWidth"; width: number }
  | { kind: "barcode"; type: BarcodeType | number; text: string }
  | { kind: "raster"; scale: number; width: number; height: number; data: Buffer }
  | { kind: "drawerPulse"; pin: number }
  | { kind: "unknown"; bytes: Buffer };

const BARCODE_B: Record<number, BarcodeType> = { 73: "CODE128", 67: "EAN13", 69: "CODE39" };
const BARCODE_A: Record<number, BarcodeType> = { 2: "EAN13", 4: "CODE39" };

/** One parse step: a command and its length, `undefined` when more bytes are needed. */
type Step = { command?: EscPosCommand; length: number } | undefined;

export class EscPosStreamParser {
  private readonly queue = new ByteQueue();
  private chinese = false;
  private consumed = 0;

  /** Bytes taken so far (the offset reported by `end`). */
  get offset(): number {
    return this.consumed;
  }

  /** Whether Chinese (double-byte) mode is on. */
  get chineseMode(): boolean {
    return this.chinese;
  }

  push(chunk: Uint8Array): EscPosCommand[] {
    this.queue.push(chunk);
    const commands: EscPosCommand[] = [];
    for (;;) {
      const step = this.step(false);
      if (!step) break;
      this.take(step, commands);
    }
    return commands;
  }

  /** End of stream: a trailing text run is returned; a cut-off command throws. */
  end(): EscPosCommand[] {
    const commands: EscPosCommand[] = [];
    while (this.queue.length > 0) {
      const step = this.step(true);
      if (!step) {
        throw new EscPosError(`stream ends inside a command (${this.queue.length} bytes left)`, {
          path: `command 0x${this.queue.at(0).toString(16).padStart(2, "0")}`,
          offset: this.consumed,
        });
      }
      this.take(step, commands);
    }
    return commands;
  }

  private take(step: { command?: EscPosCommand; length: number }, commands: EscPosCommand[]): void {
    this.queue.skip(step.length);
    this.consumed += step.length;
    const command = step.command;
    if (!command) return;
    if (command.kind === "chineseMode") this.chinese = command.on;
    if (command.kind === "init") this.chinese = false;
    commands.push(command);
  }

  private unknown(length: number): Step {
    return this.need(length)
      ? { command: { kind: "unknown", bytes: this.queue.copy(0, length) }, length }
      : undefined;
  }

  private need(length: number): boolean {
    return this.queue.length >= length;
  }

  private step(atEnd: boolean): Step {
    const q = this.queue;
    if (q.length === 0) return undefined;
    const b0 = q.at(0);
    if (b0 >= 0x20) return this.textRun(atEnd);
    switch (b0) {
      case 0x0a:
        return { command: { kind: "lf" }, length: 1 };
      case 0x0d:
        return { command: { kind: "cr" }, length: 1 };
      case 0x10:
        if (!this.need(2)) return undefined;
        if (q.at(1) !== 0x04) return this.unknown(1);
        return this.need(3) ? { command: { kind: "statusRequest", n: q.at(2) }, length: 3 } : undefined;
      case 0x1b:
        return this.need(2) ? this.esc(q.at(1)) : undefined;
      case 0x1c:
        return this.need(2) ? this.fs(q.at(1)) : undefined;
      case 0x1d:
        return this.need(2) ? this.gs(q.at(1)) : undefined;
      default:
        return this.unknown(1);
    }
  }

  /** Printable bytes up to the next control byte; GB18030 bytes are all ≥ 0x30, so none is split. */
  private textRun(atEnd: boolean): Step {
    const q = this.queue;
    let end = 0;
    while (end < q.length && q.at(end) >= 0x20) end++;
    if (end === q.length && !atEnd) return undefined;
    const bytes = q.view(0, end);
    const text = this.chinese ? decodeGb18030(bytes) : bytes.toString("latin1");
    return { command: { kind: "text", text }, length: end };
  }

  /** A 3-byte `X c n` command once its parameter is there. */
  private param(make: (n: number) => EscPosCommand | undefined): Step {
    if (!this.need(3)) return undefined;
    const command = make(this.queue.at(2));
    return command ? { command, length: 3 } : this.unknown(3);
  }

  private esc(b1: number): Step {
    switch (b1) {
      case 0x40:
        return { command: { kind: "init" }, length: 2 };
      case 0x61:
        return this.param((n) => {
          const align = (["left", "center", "right"] as const)[n >= 0x30 ? n - 0x30 : n];
          return align ? { kind: "align", align } : undefined;
        });
      case 0x45:
        return this.param((n) => ({ kind: "bold", on: (n & 1) === 1 }));
      case 0x2d:
        return this.param((n) => {
          const mode = n >= 0x30 ? n - 0x30 : n;
          return mode <= 2 ? { kind: "underline", mode } : undefined;
        });
      case 0x32:
        return { command: { kind: "lineSpacing" }, length: 2 };
      case 0x33:
        return this.param((n) => ({ kind: "lineSpacing", dots: n }));
      case 0x64:
        return this.param((n) => ({ kind: "feed", lines: n }));
      case 0x74:
        return this.param((n) => ({ kind: "codeTable", table: n }));
      case 0x70:
        if (!this.need(5)) return undefined;
        return { command: { kind: "drawerPulse", pin: this.queue.at(2) & 1 ? 5 : 2 }, length: 5 };
      case 0x21:
      case 0x4a:
      case 0x4d:
      case 0x52:
        return this.unknown(3);
      default:
        return this.unknown(2);
    }
  }

  private fs(b1: number): Step {
    if (b1 === 0x26) return { command: { kind: "chineseMode", on: true }, length: 2 };
    if (b1 === 0x2e) return { command: { kind: "chineseMode", on: false }, length: 2 };
    if (b1 === 0x21) return this.unknown(3);
    return this.unknown(2);
  }

  private gs(b1: number): Step {
    const q = this.queue;
    switch (b1) {
      case 0x21:
        return this.param((n) => ({ kind: "size", width: (n >> 4) + 1, height: (n & 0x0f) + 1 }));
      case 0x61:
        return this.param((n) => ({ kind: "autoStatusBack", mask: n }));
      case 0x48:
        return this.param((n) => ({ kind: "barcodeHri", position: n >= 0x30 ? n - 0x30 : n }));
      case 0x68:
        return this.param((n) => ({ kind: "barcodeHeight", dots: n }));
      case 0x77:
        return this.param((n) => ({ kind: "barcodeWidth", width: n }));
      case 0x56: {
        if (!this.need(3)) return undefined;
        const m = q.at(2);
        if (m === 0 || m === 0x30) return { command: { kind: "cut", partial: false }, length: 3 };
        if (m === 1 || m === 0x31) return { command: { kind: "cut", partial: true }, length: 3 };
        if (m === 0x41 || m === 0x42) {
          if (!this.need(4)) return undefined;
          return { command: { kind: "cut", partial: m === 0x42, feed: q.at(3) }, length: 4 };
        }
        return this.unknown(3);
      }
      case 0x6b:
        return this.barcode();
      case 0x76:
        return this.raster();
      case 0x28:
        return this.gsParen();
      case 0x49:
        return this.unknown(3);
      default:
        return this.unknown(2);
    }
  }

  /** GS k: format A (m 0..6, NUL-terminated) or format B (m 65..79, length byte). */
  private barcode(): Step {
    const q = this.queue;
    if (!this.need(3)) return undefined;
    const m = q.at(2);
    if (m <= 6) {
      const nul = q.indexOf(0x00, 3);
      if (nul < 0) return undefined;
      const data = q.copy(3, nul);
      const type = BARCODE_A[m] ?? m;
      return { command: { kind: "barcode", type, text: data.toString("latin1") }, length: nul + 1 };
    }
    if (m < 0x41 || m > 0x4f) return this.unknown(3);
    if (!this.need(4)) return undefined;
    const length = 4 + q.at(3);
    if (!this.need(length)) return undefined;
    const type = BARCODE_B[m];
    const data = q.copy(4, length);
    return {
      command: {
        kind: "barcode",
        type: type ?? m,
        text: type ? barcodeText(type, data) : data.toString("latin1"),
      },
      length,
    };
  }

  /** GS v 0 m xL xH yL yH d… */
  private raster(): Step {
    const q = this.queue;
    if (!this.need(3)) return undefined;
    if (q.at(2) !== 0x30) return this.unknown(3);
    if (!this.need(8)) return undefined;
    const rowBytes = q.at(4) | (q.at(5) << 8);
    const height = q.at(6) | (q.at(7) << 8);
    const length = 8 + rowBytes * height;
    if (!this.need(length)) return undefined;
    return {
      command: { kind: "raster", scale: q.at(3), width: rowBytes * 8, height, data: q.copy(8, length) },
      length,
    };
  }

  /** GS ( x pL pH …: QR functions for `GS ( k` cn 0x31, anything else skipped by its length. */
  private gsParen(): Step {
    const q = this.queue;
    if (!this.need(5)) return undefined;
    const p = q.at(3) | (q.at(4) << 8);
    const length = 5 + p;
    if (!this.need(length)) return undefined;
    if (q.at(2) !== 0x6b || p < 2 || q.at(5) !== 0x31) return this.unknown(length);
    const fn = q.at(6);
    const command: EscPosCommand | undefined =
      fn === 0x41 && p >= 3
        ? { kind: "qrModel", model: q.at(7) - 0x30 }
        : fn === 0x43 && p === 3
          ? { kind: "qrSize", size: q.at(7) }
          : fn === 0x45 && p === 3
            ? { kind: "qrErrorLevel", level: q.at(7) - 0x30 }
            : fn === 0x50 && p >= 3
              ? { kind: "qrStore", data: q.copy(8, length) }
              : fn === 0x51 && p === 3
                ? { kind: "qrPrint" }
                : undefined;
    return command ? { command, length } : this.unknown(length);
  }
}
