/** AT command protocol: incremental response parser, command builders and reply decoders (Quectel set). */
export { AtError } from "./at-error.js";
export {
  type AtExpectation,
  AtParser,
  type AtParserOptions,
  type PayloadRule,
  quectelPayloadRule,
} from "./at-parser.js";
export { decodeCmeError, QUECTEL_TCPIP_ERRORS, tcpIpErrorText } from "./cme-errors.js";
export { AT_TIMEOUTS, type AtCommand } from "./command.js";
export type { AtEcho, AtEvent, AtFault, AtFinal, AtFinalCode, AtInfo, AtPrompt, AtUrc } from "./events.js";
export { intParam, quote, splitParams } from "./params.js";
export * as quectel from "./quectel-commands.js";
export * from "./quectel-responses.js";
