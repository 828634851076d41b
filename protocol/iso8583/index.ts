/**
 * ISO 8583 engine (dialect-independent) and its sub-field helpers. The UnionPay POS dialect is
 * in ./cup/index.js.
 */
export { bitmapFields, bitmapSize, hasBit, setBit, writeBitmap } from "./bitmap.js";
export { type DescribeOptions, describeMessage, displayValue, type FieldRenderer } from "./describe.js";
export { type Charset, readAscii, writeAscii } from "./encoding/ascii.js";
export { bcdLength, type NibbleSet, readBcd, writeBcd } from "./encoding/bcd.js";
export { readHex, writeHex } from "./encoding/binary.js";
export { canonicalTrack, splitTrack, type TrackParts } from "./encoding/track.js";
export { Iso8583Error } from "./errors.js";
export { FieldCodec } from "./field-codec.js";
export { maskPan, maskTrack } from "./mask.js";
export {
  type CompiledSpec,
  compileSpec,
  type FieldLayout,
  pack,
  type UnpackOptions,
  unpack,
  unpackWithLayout,
} from "./message.js";
export { type LengthPrefix, lengthPrefix } from "./prefix.js";
export type * from "./spec.js";
export * from "./subfields/field44.js";
export * from "./subfields/field48.js";
export * from "./subfields/field53.js";
export * from "./subfields/field55.js";
export * from "./subfields/field60.js";
export * from "./subfields/field61.js";
export * from "./subfields/field62.js";
export * from "./subfields/field63.js";
export {
  buildPositional,
  type PositionalLayout,
  parsePositional,
  type SubFieldSpec,
} from "./subfields/positional.js";
