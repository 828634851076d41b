/** EMV issuer-side key derivation and cryptograms (for the host simulator and tests; cards do the real work). */
export {
  type CryptogramPadding,
  generateApplicationCryptogram,
  verifyApplicationCryptogram,
} from "./application-cryptogram.js";
export {
  generateArpcMethod1,
  generateArpcMethod2,
  verifyArpcMethod1,
  verifyArpcMethod2,
} from "./arpc.js";
export { EmvCryptoError } from "./emv-error.js";
export {
  deriveIccMasterKey,
  deriveIccMasterKeyOptionA,
  deriveIccMasterKeyOptionB,
} from "./icc-master-key.js";
export { withOddParity } from "./key-parity.js";
export {
  acSessionKeyDiversifier,
  deriveAcSessionKey,
  deriveCommonSessionKey,
  deriveMastercardSessionKey,
  deriveVisaSmSessionKey,
  mastercardSessionKeyDiversifier,
} from "./session-key.js";
