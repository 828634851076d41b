/** ABECS-style serial PIN-pad protocol: framing (SYN/ETB/DC3, CRC-16), messages, commands, statuses. */

export {
  decodeDeviceInfo,
  decodeDeviceInfoCommand,
  deviceInfoCommand,
  deviceInfoResponse,
  GIN_INFO_LENGTH,
  type PinPadDeviceInfo,
} from "./commands/device-info.js";
export { decodeDisplayCommand, displayCommand } from "./commands/display.js";
export {
  type DecodedGetPin,
  decodeGetPinCommand,
  decodeGetPinResponse,
  type GetPinParams,
  type GetPinResult,
  GPN_RESPONSE_LENGTH,
  getPinCommand,
  getPinResponse,
  isDukptMethod,
  PIN_METHOD,
  type PinMethod,
} from "./commands/get-pin.js";
export {
  decodeLoadWorkingKeyCommand,
  type LoadWorkingKeyParams,
  loadWorkingKeyCommand,
  type WorkingKeyUsage,
} from "./commands/load-key.js";
export {
  decodeNotification,
  maskedDigitCount,
  notificationResponse,
  PIN_MASK_CHARACTER,
} from "./commands/notification.js";
export { closeCommand, decodeCloseCommand, openCommand } from "./commands/open-close.js";
export { ACK, CAN, CONTROL_BYTES, DC3, EOT, ETB, MAX_PACKET_DATA, NAK, SYN } from "./control.js";
export { crc16 } from "./crc16.js";
export { DISPLAY_LINE_WIDTH, DISPLAY_TEXT_LENGTH, type DisplayLines } from "./display-text.js";
export { FieldReader, FieldWriter } from "./fields.js";
export { encodeFrame, needsEscape } from "./frame.js";
export { PinPadFrameDecoder, type PinPadLinkEvent } from "./frame-decoder.js";
export {
  decodeCommand,
  decodeResponse,
  encodeCommand,
  encodeResponse,
  MAX_BLOCK_LENGTH,
  type PinPadCommand,
  type PinPadResponse,
  singleBlock,
} from "./message.js";
export { PinPadCodecError } from "./pinpad-codec-error.js";
export {
  describeStatus,
  formatStatus,
  PINPAD_STATUS,
  type PinPadStatus,
  type PinPadStatusName,
} from "./status.js";
