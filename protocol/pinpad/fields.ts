import { PinPadCodecError } from "./pinpad-codec-error.js";

/**
 * ABECS field types: N (ASCII decimal digits, zero-padded), A (alphanumeric, left-aligned,
 * space-padded), H (ASCII hex, uppercase when sent) and S (ISO-8859-1 text). Fixed widths; every
 * error names the field and the byte offset inside PKTDATA.
 */
const SPACE = 0x20;

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

const HEX_DIGITS = Buffer.from("0123456789ABCDEF", "latin1");

/** Appends fixed-width fields; the result is one block's bytes. */
export class FieldWriter {
  private readonly parts: Buffer[] = [];

  numeric(path: string, value: number, width: number): this {
    if (!Number.isInteger(value) || value < 0 || value >= 10 ** width) {
      throw new PinPadCodecError(`must be an integer 0..${10 ** width - 1}, got ${value}`, { path });
    }
    this.parts.push(Buffer.from(value.toString().padStart(width, "0"), "latin1"));
    return this;
  }

  /** A: left-aligned, padded with spaces; printable ASCII only. */
  alphanumeric(path: string, text: string, width: number): this {
    if (text.length > width || !/^[\x20-\x7e]*$/.test(text)) {
      throw new PinPadCodecError(`must be at most ${width} printable ASCII characters`, { path });
    }
    this.parts.push(Buffer.from(text.padEnd(width, " "), "latin1"));
    return this;
  }

  /** H: bytes as uppercase ASCII hex; `bytes.length * 2` must equal `width` when given. */
  hex(path: string, bytes: Uint8Array, width = bytes.length * 2): this {
    if (bytes.length * 2 !== width) {
      throw new PinPadCodecError(`must be ${width / 2} bytes, got ${bytes.length}`, { path });
    }
    const out = Buffer.alloc(width);
    for (let i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX_DIGITS[bytes[i]! >> 4]!;
      out[2 * i + 1] = HEX_DIGITS[bytes[i]! & 0x0f]!;
    }
    this.parts.push(out);
    return this;
  }

  /** S: ISO-8859-1 text, padded with spaces to `width`. */
  text(path: string, text: string, width: number): this {
    if (text.length > width || /[^\x20-\x7e\xa0-\xff]/.test(text)) {
      throw new PinPadCodecError(`must be at most ${width} printable ISO-8859-1 characters`, { path });
    }
    this.parts.push(Buffer.from(text.padEnd(width, " "), "latin1"));
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Reads fixed-width fields from a block; `base` is the block's offset inside PKTDATA (for messages). */
export class FieldReader {
  private at = 0;

  constructor(
    private readonly block: Buffer,
    private readonly base = 0,
  ) {}

  get remaining(): number {
    return this.block.length - this.at;
  }

  private take(path: string, width: number): Buffer {
    if (this.remaining < width) {
      throw new PinPadCodecError(`needs ${width} bytes, only ${this.remaining} left`, {
        path,
        offset: this.base + this.at,
      });
    }
    const bytes = this.block.subarray(this.at, this.at + width);
    this.at += width;
    return bytes;
  }

  numeric(path: string, width: number): number {
    const start = this.base + this.at;
    const bytes = this.take(path, width);
    const bad = bytes.findIndex((b) => !isDigit(b));
    if (bad !== -1) throw new PinPadCodecError("is not decimal digits", { path, offset: start + bad });
    return Number(bytes.toString("latin1"));
  }

  /** A field with trailing spaces removed. */
  alphanumeric(path: string, width: number): string {
    const start = this.base + this.at;
    const bytes = this.take(path, width);
    const bad = bytes.findIndex((b) => b < 0x20 || b > 0x7e);
    if (bad !== -1) throw new PinPadCodecError("is not printable ASCII", { path, offset: start + bad });
    return trimEnd(bytes).toString("latin1");
  }

  hex(path: string, width: number): Buffer {
    const start = this.base + this.at;
    const bytes = this.take(path, width);
    if (width % 2 !== 0) throw new PinPadCodecError("odd hex width", { path, offset: start });
    const out = Buffer.alloc(width / 2);
    for (let i = 0; i < out.length; i++) {
      const hi = hexValue(bytes[2 * i]!);
      const lo = hexValue(bytes[2 * i + 1]!);
      if (hi < 0 || lo < 0) {
        out.fill(0);
        throw new PinPadCodecError("is not hex", { path, offset: start + 2 * i + (hi < 0 ? 0 : 1) });
      }
      out[i] = (hi << 4) | lo;
    }
    return out;
  }

  /** ISO-8859-1 text with trailing spaces kept (display layout matters). */
  text(path: string, width: number): string {
    const start = this.base + this.at;
    const bytes = this.take(path, width);
    const bad = bytes.findIndex((b) => b < 0x20 || (b > 0x7e && b < 0xa0));
    if (bad !== -1) throw new PinPadCodecError("is not printable ISO-8859-1", { path, offset: start + bad });
    return bytes.toString("latin1");
  }

  /** Fails if bytes are left over: a block with trailing data is malformed. */
  end(path: string): void {
    if (this.remaining !== 0) {
      throw new PinPadCodecError(`${this.remaining} unexpected trailing bytes`, {
        path,
        offset: this.base + this.at,
      });
    }
  }
}

function trimEnd(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === SPACE) end--;
  return bytes.subarray(0, end);
}
