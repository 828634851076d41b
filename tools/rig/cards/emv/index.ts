/** Virtual EMV cards for the rig: personalised applets, the test PKI, the kernels' channel adapter. */

export { cardChannel } from "./card-channel.js";
export { AC_TERMINAL_DATA, type AcType, Cvr, cryptogramInput } from "./card-cryptogram.js";
export { CardMuteError, CardRemovedError } from "./card-errors.js";
export {
  type CertifiedKey,
  capkHash,
  iccCertificate,
  issuerCertificate,
  signedDynamicData,
  signedStaticData,
} from "./certificates.js";
export { EmvCardApplet, type EmvCardAppletOptions } from "./emv-card-applet.js";
export { PPSE_NAME, PSE_NAME } from "./fci.js";
export {
  buildAfl,
  EXPIRED_DATE,
  type PersonalisedCard,
  personalise,
  track2Equivalent,
} from "./personalise.js";
export {
  type EmvCardProfile,
  type EmvCardProfileInput,
  emvCardProfileSchema,
  loadEmvCardProfile,
  parseEmvCardProfile,
  TEST_PROFILE_NAMES,
  type TestProfileName,
  testProfile,
} from "./profile.js";
export { exponentOf, modulusOf, type RsaJwk, rsaPublicRaw, rsaSignRaw } from "./rsa.js";
export {
  type CapkEntry,
  loadTestCapks,
  loadTestPki,
  type TestPki,
  testCapksPath,
} from "./test-pki.js";

import { EmvCardApplet, type EmvCardAppletOptions } from "./emv-card-applet.js";
import { type EmvCardProfileInput, type TestProfileName, testProfile } from "./profile.js";

/** One of the built-in test cards, e.g. `testCard("unionpay-debit", { faults: { blocked: true } })`. */
export function testCard(
  name: TestProfileName,
  overrides: Partial<EmvCardProfileInput> = {},
  options: EmvCardAppletOptions = {},
): EmvCardApplet {
  return new EmvCardApplet(testProfile(name, overrides), options);
}
