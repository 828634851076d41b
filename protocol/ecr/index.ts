/** The cash-register (ECR) protocol: nexo-style JSON messages and their serial, TCP and WebSocket framing. */
export { decimalFromFen, fenAmount, fenFromDecimal, MAX_FEN } from "./amount.js";
export { EcrMessageError } from "./ecr-error.js";
export {
  buildEcrMessage,
  decodeEcrMessage,
  type EcrHeader,
  type EcrMessage,
  type EcrRequest,
  type EcrResponse,
  ecrMessageText,
  encodeEcrMessage,
  parseEcrHeader,
  parseEcrMessage,
  parseEcrText,
} from "./message.js";
export * from "./schema.js";
export {
  ACK,
  createEcrSerialDecoder,
  ECR_SERIAL_FRAMING,
  ECR_SERIAL_MAX_DATA,
  encodeEcrSerialFrame,
  NAK,
} from "./serial-frame.js";
export { ECR_TCP_MAX_FRAME, ECR_TCP_PREFIX_BYTES, EcrTcpDecoder, encodeEcrTcpFrame } from "./tcp-frame.js";
