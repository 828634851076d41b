import { bitmapFields, bitmapSize, writeBitmap } from "./bitmap.js";
import { readBcd, writeBcd } from "./encoding/bcd.js";
import { Iso8583Error } from "./errors.js";
import { type Cursor, FieldCodec } from "./field-codec.js";
import type { Iso8583Message, MessageSpec } from "./spec.js";

/** A spec with every field's codec built: compile once, pack/unpack many. */
export interface CompiledSpec {
  readonly spec: MessageSpec;
  /** Indexed by field number 0..128; undefined where the spec has no such field. */
  readonly codecs: readonly (FieldCodec | undefined)[];
  readonly mtiSize: number;
}

/** Where one element sits in a packed message (describe's raw mode, MAC input). */
export interface FieldLayout {
  /** Field number, 0 for the MTI, 1 for the bitmap(s). */
  field: number;
  offset: number;
  /** Bytes including the length prefix. */
  length: number;
  prefixLength: number;
}

export interface UnpackOptions {
  /** Added to every offset in errors, e.g. where the message starts inside a frame. */
  baseOffset?: number;
}

// Compiled specs are memoised per spec object; the cache never changes what pack/unpack return.
const compiledSpecs = new WeakMap<MessageSpec, CompiledSpec>();

/** Builds (or returns the cached) per-field codecs of a spec. */
export function compileSpec(spec: MessageSpec | CompiledSpec): CompiledSpec {
  if ("codecs" in spec) return spec;
  const cached = compiledSpecs.get(spec);
  if (cached) return cached;
  const codecs: (FieldCodec | undefined)[] = new Array(129).fill(undefined);
  for (const key of Object.keys(spec.fields)) {
    const n = Number(key);
    if (!Number.isInteger(n) || n < 2 || n > 128) {
      throw new Iso8583Error(`spec field number out of range 2..128: ${key}`, { path: `spec ${spec.name}` });
    }
    codecs[n] = new FieldCodec(n, spec.fields[n]!, spec.prefix);
  }
  const compiled: CompiledSpec = { spec, codecs, mtiSize: spec.mti === "bcd" ? 2 : 4 };
  compiledSpecs.set(spec, compiled);
  return compiled;
}

function checkMti(mti: unknown): string {
  if (typeof mti !== "string" || mti.length !== 4) {
    throw new Iso8583Error(`MTI must be 4 digits, got ${JSON.stringify(mti)}`, { path: "mti" });
  }
  for (let i = 0; i < 4; i++) {
    const c = mti.charCodeAt(i);
    if (c < 0x30 || c > 0x39)
      throw new Iso8583Error(`MTI must be 4 digits, got ${JSON.stringify(mti)}`, { path: "mti" });
  }
  return mti;
}

/**
 * Message → bytes (MTI, bitmap, fields; no length, TPDU or header). Strict: every value is
 * checked against its field spec, fields outside the spec are refused. One buffer is allocated
 * at its final size.
 */
export function pack(spec: MessageSpec | CompiledSpec, message: Iso8583Message): Buffer {
  const c = compileSpec(spec);
  const mti = checkMti(message.mti);
  const fields = message.fields;
  if (typeof fields !== "object" || fields === null) {
    throw new Iso8583Error("fields must be an object", { path: "fields" });
  }
  const numbers: number[] = [];
  let bodySize = 0;
  // Integer keys of a plain object iterate in ascending order, which is bitmap order.
  for (const key in fields) {
    const value = fields[key as unknown as number];
    if (value === undefined) continue;
    const n = fieldNumber(key);
    const codec = c.codecs[n];
    if (codec === undefined) {
      throw new Iso8583Error(n === 1 ? "bit 1 is the secondary bitmap, not a field" : "field not in spec", {
        path: `field ${key}`,
      });
    }
    numbers.push(n);
    bodySize += codec.measure(value);
  }
  const bitmapBytes = bitmapSize(numbers.length === 0 ? 0 : numbers[numbers.length - 1]!);
  const buf = Buffer.allocUnsafe(c.mtiSize + bitmapBytes + bodySize);
  let off = writeMti(buf, c, mti);
  off += writeBitmap(buf, off, numbers);
  for (let i = 0; i < numbers.length; i++) {
    const n = numbers[i]!;
    off = c.codecs[n]!.write(buf, off, fields[n]!);
  }
  return buf;
}

/** The field number of a canonical key ("60"), or -1 ("060", "6e1", "1e2" would alias a field). */
function fieldNumber(key: string): number {
  if (key.length > 3 || key.length === 0 || key.charCodeAt(0) === 0x30) return -1;
  let n = 0;
  for (let i = 0; i < key.length; i++) {
    const d = key.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function writeMti(buf: Buffer, c: CompiledSpec, mti: string): number {
  if (c.mtiSize === 2) return writeBcd(buf, 0, mti, "right", "decimal", "mti");
  buf.write(mti, 0, 4, "latin1");
  return 4;
}

function readMti(buf: Buffer, c: CompiledSpec, start: number, end: number, base: number): string {
  if (start + c.mtiSize > end) {
    throw new Iso8583Error(`short frame: MTI needs ${c.mtiSize} bytes, ${end - start} left`, {
      path: "mti",
      offset: start + base,
    });
  }
  if (c.mtiSize === 2) return readBcd(buf, start, 4, "right", "decimal", "mti", base);
  for (let i = start; i < start + 4; i++) {
    if (buf[i]! < 0x30 || buf[i]! > 0x39) {
      throw new Iso8583Error("MTI is not 4 ASCII digits", { path: "mti", offset: i + base });
    }
  }
  return buf.toString("latin1", start, start + 4);
}

/** Internal: unpack `buf[start..end)`, optionally recording each element's layout. */
export function unpackRange(
  spec: MessageSpec | CompiledSpec,
  buf: Buffer,
  start: number,
  end: number,
  base: number,
  layout?: FieldLayout[],
  macAbsent = false,
): Iso8583Message {
  const c = compileSpec(spec);
  const mti = readMti(buf, c, start, end, base);
  layout?.push({ field: 0, offset: start, length: c.mtiSize, prefixLength: 0 });
  let off = start + c.mtiSize;
  if (off + 8 > end) {
    throw new Iso8583Error(`short frame: bitmap needs 8 bytes, ${end - off} left`, {
      path: "bitmap",
      offset: off + base,
    });
  }
  const size = buf[off]! & 0x80 ? 16 : 8;
  if (off + size > end) {
    throw new Iso8583Error(`short frame: secondary bitmap needs 8 bytes, ${end - off - 8} left`, {
      path: "bitmap",
      offset: off + 8 + base,
    });
  }
  const present = bitmapFields(buf, off, size);
  if (size === 16 && (present.length === 0 || present[present.length - 1]! <= 64)) {
    // Canonical form: pack() writes a secondary bitmap only when a field above 64 is present.
    throw new Iso8583Error("secondary bitmap announced (bit 1) but empty", {
      path: "bitmap",
      offset: off + 8 + base,
    });
  }
  layout?.push({ field: 1, offset: off, length: size, prefixLength: 0 });
  const bitmapOffset = off;
  off += size;
  const fields: Record<number, string> = {};
  const cursor: Cursor = { pos: off };
  for (const n of present) {
    const codec = c.codecs[n];
    if (codec === undefined) {
      throw new Iso8583Error("present in bitmap but not in spec", {
        path: `field ${n}`,
        offset: bitmapOffset + ((n - 1) >> 3) + base,
      });
    }
    if (macAbsent && n === 64 && cursor.pos === end) break;
    const at = cursor.pos;
    fields[n] = codec.read(buf, cursor, end, base);
    layout?.push({ field: n, offset: at, length: cursor.pos - at, prefixLength: codec.prefix?.size ?? 0 });
  }
  if (cursor.pos !== end) {
    throw new Iso8583Error(`trailing bytes: ${end - cursor.pos} after the last field`, {
      path: "message",
      offset: cursor.pos + base,
    });
  }
  return { mti, fields };
}

/** Bytes (MTI onwards) → message. Strict: short frames, trailing bytes and bad nibbles all throw. */
export function unpack(
  spec: MessageSpec | CompiledSpec,
  buf: Buffer,
  options: UnpackOptions = {},
): Iso8583Message {
  return unpackRange(spec, buf, 0, buf.length, options.baseOffset ?? 0);
}

/** Like unpack, also returning where each element sits (describe's raw mode, MAC input). */
export function unpackWithLayout(
  spec: MessageSpec | CompiledSpec,
  buf: Buffer,
  options: UnpackOptions = {},
): { message: Iso8583Message; layout: FieldLayout[] } {
  const layout: FieldLayout[] = [];
  const message = unpackRange(spec, buf, 0, buf.length, options.baseOffset ?? 0, layout);
  return { message, layout };
}
