/** ISO/IEC 7816: ATR, APDUs, status words, T=0 TPDU rules and T=1 blocks. */
export {
  type ApduCase,
  type ApduResponse,
  apduCase,
  buildApdu,
  type CommandApdu,
  joinResponse,
  parseCommandApdu,
  splitResponse,
  swHex,
} from "./apdu.js";
export {
  type Atr,
  type AtrGroupSpec,
  buildAtr,
  type InterfaceBytes,
  MAX_ATR_LENGTH,
  parseAtr,
  TS_DIRECT,
  TS_INVERSE,
} from "./atr.js";
export { ApduError, AtrError, Iso7816Error, T0Error, T1Error } from "./iso7816-error.js";
export { isSuccessOrWarning, swMeaning } from "./status-words.js";
export { T0Exchange, type T0ExchangeOptions, type T0Step, toT0Tpdu } from "./t0.js";
export {
  decodeT1Block,
  encodeT1Block,
  lrcOf,
  pcbOf,
  T1_MAX_INF,
  type T1Block,
  T1Host,
  type T1SType,
  type T1Step,
} from "./t1.js";
