/** QR payments: EMVCo merchant-presented (build/parse), consumer-presented (CPM) and wallet codes. */
export { type ConsumerPresentedQr, type CpmApplication, parseCpm } from "./cpm.js";
export { crc16CcittFalse, crc16Hex } from "./crc16.js";
export {
  buildMpm,
  isMpmTemplate,
  MAX_MPM_LENGTH,
  type MerchantAccount,
  type MerchantPresentedQr,
  type MpmAccountInput,
  type MpmInput,
  type MpmLanguage,
  mpmAmountFromFen,
  mpmAmountToFen,
  parseMpm,
  type TipIndicator,
} from "./mpm.js";
export { joinObjects, type MpmObject, splitObjects } from "./mpm-objects.js";
export {
  type EmvCpmCode,
  maskPaymentCode,
  type PaymentCode,
  parsePaymentCode,
  parseScannedCode,
  type ScannedCode,
  type WalletScheme,
} from "./payment-code.js";
export { QrError } from "./qr-error.js";
