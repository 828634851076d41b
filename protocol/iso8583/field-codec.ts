import { type Charset, readAscii, writeAscii } from "./encoding/ascii.js";
import { bcdLength, type NibbleSet, readBcd, writeBcd } from "./encoding/bcd.js";
import { hexByteLength, readHex, writeHex } from "./encoding/binary.js";
import { fieldPath, Iso8583Error } from "./errors.js";
import { type LengthPrefix, lengthPrefix } from "./prefix.js";
import type { Alignment, FieldSpec, PrefixEncoding } from "./spec.js";

/** Read position shared by the codecs of one unpack call (avoids a tuple per field). */
export interface Cursor {
  pos: number;
}

/** How the body of a field is laid out, decided once from its spec. */
type Body = "bcd" | "ascii" | "hex";

/**
 * One field's packer/unpacker, built once from its spec. `measure` validates the value's
 * length and returns the bytes it will take (prefix included); `write` writes it and validates
 * characters; `read` decodes it strictly.
 */
export class FieldCodec {
  readonly path: string;
  readonly prefix: LengthPrefix | undefined;
  private readonly body: Body;
  private readonly charset: Charset;
  private readonly nibbles: NibbleSet;
  private readonly align: Alignment;
  /** Length counts digits (BCD n/z) rather than bytes. */
  private readonly digitUnit: boolean;
  private readonly fixed: boolean;
  private readonly max: number;

  constructor(
    readonly number: number,
    readonly spec: FieldSpec,
    defaultPrefix: PrefixEncoding,
  ) {
    this.path = fieldPath(number);
    const numeric = spec.format === "n" || spec.format === "z";
    this.body = spec.format === "b" ? "hex" : numeric && spec.encoding !== "ascii" ? "bcd" : "ascii";
    this.charset = spec.format === "an" ? "an" : spec.format === "ans" ? "ans" : "n";
    this.nibbles = spec.format === "z" ? "track" : "decimal";
    this.fixed = spec.kind === "fixed";
    this.align = spec.align ?? (this.fixed && spec.format === "n" ? "right" : "left");
    this.digitUnit = this.body === "bcd" && (spec.unit ?? "digits") === "digits";
    this.max = spec.length;
    this.prefix = spec.kind === "fixed" ? undefined : lengthPrefix(spec.kind, spec.prefix ?? defaultPrefix);
    if (this.prefix && this.max > this.prefix.maxValue) {
      throw new Iso8583Error(`max length ${this.max} does not fit a ${spec.kind} prefix`, {
        path: this.path,
      });
    }
    if (spec.format === "z" && spec.encoding === "ascii") {
      throw new Iso8583Error("z data is BCD only", { path: this.path });
    }
  }

  /** The value length in the field's own unit (digits, characters or bytes). */
  private units(value: string): number {
    if (this.body === "hex") return hexByteLength(value, this.path);
    if (this.body === "bcd" && !this.digitUnit) return bcdLength(value.length);
    return value.length;
  }

  /** The fixed-field value after padding: amounts left-zero-filled, an/ans space-filled. */
  private padded(value: string): string {
    const want = this.max;
    if (value.length >= want || this.body === "hex") return value;
    if (this.spec.format === "n" && this.align === "right") return value.padStart(want, "0");
    if (this.body === "ascii" && this.charset !== "n") return value.padEnd(want, " ");
    return value;
  }

  private bodyBytes(units: number): number {
    return this.digitUnit ? bcdLength(units) : units;
  }

  measure(value: string): number {
    if (typeof value !== "string") {
      throw new Iso8583Error(`value must be a string, got ${typeof value}`, { path: this.path });
    }
    if (this.fixed) {
      const units = this.units(this.padded(value));
      if (units > this.max)
        throw new Iso8583Error(`value too long: ${units} > ${this.max}`, { path: this.path });
      if (units < this.max) {
        throw new Iso8583Error(`value too short: ${units} < fixed length ${this.max}`, { path: this.path });
      }
      return this.bodyBytes(units);
    }
    const units = this.units(value);
    if (units > this.max)
      throw new Iso8583Error(`value too long: ${units} > max ${this.max}`, { path: this.path });
    return this.prefix!.size + this.bodyBytes(units);
  }

  /** Writes the (already measured) value at `off`; returns the offset after it. */
  write(buf: Buffer, off: number, value: string): number {
    let o = off;
    let text = value;
    if (this.fixed) {
      text = this.padded(value);
    } else {
      this.prefix!.write(buf, o, this.units(text));
      o += this.prefix!.size;
    }
    switch (this.body) {
      case "bcd":
        if (!this.digitUnit && text.length & 1) {
          throw new Iso8583Error("odd digit count in a field whose length counts bytes", { path: this.path });
        }
        return o + writeBcd(buf, o, text, this.align, this.nibbles, this.path);
      case "ascii":
        return o + writeAscii(buf, o, text, this.charset, this.path);
      case "hex":
        return o + writeHex(buf, o, text, this.path);
    }
  }

  /** Decodes the field at `cursor.pos` (no further than `end`) and advances the cursor. */
  read(buf: Buffer, cursor: Cursor, end: number, base: number): string {
    let o = cursor.pos;
    let units = this.max;
    if (!this.fixed) {
      const prefix = this.prefix!;
      if (o + prefix.size > end) throw this.short(o, prefix.size, end, base, "length prefix");
      units = prefix.read(buf, o, this.path, base);
      if (units > this.max) {
        throw new Iso8583Error(`length prefix ${units} exceeds max ${this.max}`, {
          path: this.path,
          offset: o + base,
        });
      }
      o += prefix.size;
    }
    const bytes = this.bodyBytes(units);
    if (o + bytes > end) throw this.short(o, bytes, end, base, "value");
    cursor.pos = o + bytes;
    switch (this.body) {
      case "bcd":
        return readBcd(buf, o, this.digitUnit ? units : units * 2, this.align, this.nibbles, this.path, base);
      case "ascii":
        return readAscii(buf, o, bytes, this.charset, this.path, base);
      case "hex":
        return readHex(buf, o, bytes);
    }
  }

  private short(at: number, need: number, end: number, base: number, what: string): Iso8583Error {
    return new Iso8583Error(`short frame: ${what} needs ${need} bytes, ${Math.max(0, end - at)} left`, {
      path: this.path,
      offset: at + base,
    });
  }
}
