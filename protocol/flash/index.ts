export { crc32 } from "./crc32.js";
export { type FlashDecoderEvent, FlashFrameDecoder } from "./decoder.js";
export { FlashFrameError } from "./flash-error.js";
export {
  decodeFlashFrame,
  encodeFlashFrame,
  FRAME_OVERHEAD,
  HEADER_LENGTH,
  MAX_PAYLOAD,
  SOH,
  TRAILER_LENGTH,
} from "./frame.js";
export {
  type AckMessage,
  type DataMessage,
  type DoneMessage,
  type FlashFrame,
  type FlashMessage,
  type FlashMessageType,
  type FlashVerdict,
  FRAME_TYPES,
  type HelloMessage,
  IMAGE_ID_LENGTH,
  MAX_BLOCK_SIZE,
  type NakMessage,
  type StatusMessage,
  VERDICTS,
  type VerdictMessage,
} from "./messages.js";
