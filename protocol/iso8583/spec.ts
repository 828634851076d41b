/**
 * A message spec is plain data: the dialect is a table of these, the engine compiles it once.
 * Nothing here knows about UnionPay; see cup/spec.ts for the CUP POS table.
 */

/** n numeric, z track (BCD with '=' separator and A–F), an/ans ASCII text, b binary (hex in the model). */
export type FieldFormat = "n" | "z" | "an" | "ans" | "b";

/** Fixed length, or a variable field preceded by a 2- or 3-digit length. */
export type LengthKind = "fixed" | "LL" | "LLL";

/** How a variable length is written on the wire. */
export type PrefixEncoding = "bcd" | "ascii" | "binary";

/** How the body of an n/z field is written: packed BCD (CUP) or one ASCII digit per byte. */
export type NumericEncoding = "bcd" | "ascii";

/** What the length counts: digits (n/z in BCD) or bytes. b/an/ans always count bytes. */
export type LengthUnit = "digits" | "bytes";

/** Which side the digits sit on when an odd count leaves a spare nibble. */
export type Alignment = "left" | "right";

/** What describe() and logs must hide. */
export type Sensitivity = "pan" | "track" | "pin" | "key" | "mac" | "emv" | "none";

export interface FieldSpec {
  readonly name: string;
  /** The name in the Chinese spec, for describe(). */
  readonly zh?: string;
  readonly format: FieldFormat;
  readonly kind: LengthKind;
  /** Fixed length, or the maximum for LL/LLL, in `unit`s. */
  readonly length: number;
  /** Default: digits for n/z, bytes otherwise. */
  readonly unit?: LengthUnit;
  /** Default: the message spec's `prefix`. */
  readonly prefix?: PrefixEncoding;
  /** Default: bcd. Only meaningful for n/z. */
  readonly encoding?: NumericEncoding;
  /** Default: right for fixed n, left for variable n/z and for fixed z. */
  readonly align?: Alignment;
  readonly sensitive?: Sensitivity;
}

export interface MessageSpec {
  readonly name: string;
  /** MTI as 2 bytes packed BCD or 4 ASCII digits. */
  readonly mti: NumericEncoding;
  /** Default length-prefix encoding for every variable field. */
  readonly prefix: PrefixEncoding;
  /** Field number → spec. Bit 1 (secondary bitmap) is implied, never listed. */
  readonly fields: Readonly<Record<number, FieldSpec>>;
}

/**
 * The message model: MTI and fields as strings. n/z/an/ans values are their text (z keeps the
 * separator as 'D'; '=' is accepted on input), b values are uppercase hex. This is also the
 * posctl JSON shape.
 */
export interface Iso8583Message {
  mti: string;
  fields: Record<number, string>;
}
