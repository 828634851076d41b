/** Byte-stream framing: the CUP 2-byte length prefix (TCP) and STX/ETX/LRC (serial devices). */
export { FramingError } from "./framing-error.js";
export {
  encodeLengthPrefixed,
  LENGTH_PREFIX_BYTES,
  LengthPrefixDecoder,
  type LengthPrefixDecoderOptions,
  LengthPrefixError,
  MAX_LENGTH_PREFIXED,
} from "./length-prefix.js";
export {
  ETX,
  encodeStxEtx,
  lrc,
  STX,
  StxEtxDecoder,
  type StxEtxEvent,
  type StxEtxOptions,
} from "./stx-etx.js";
