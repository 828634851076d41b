export { CcidContactReader, type CcidContactReaderOptions } from "./ccid-contact-reader.js";
export {
  CcidSerialSession,
  type CcidSerialSessionOptions,
  type CcidTraceEvent,
} from "./ccid-serial-session.js";
export {
  BadAtrError,
  CardNotPoweredError,
  type CardProtocol,
  CardReaderError,
  CardRemovedError,
  type CardSlotEvent,
  type CommandOptions,
  type ContactCardReader,
  MuteCardError,
  NoCardError,
  type PowerOnResult,
} from "./contact-reader.js";
