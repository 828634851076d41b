import { swHex } from "./apdu.js";

/** ISO/IEC 7816-4 §5.1.3 status words a payment terminal meets, as one-line English text. */
const EXACT: Record<number, string> = {
  36864: "success",
  25088: "warning: no information given, state unchanged",
  25217: "warning: part of the returned data may be corrupted",
  25218: "warning: end of file reached before Le bytes",
  25219: "warning: selected file invalidated (application blocked)",
  25220: "warning: FCI not formatted as expected",
  25344: "warning: authentication failed",
  25985: "memory failure",
  26368: "wrong length",
  26753: "logical channel not supported",
  26754: "secure messaging not supported",
  26880: "command not allowed",
  27009: "command incompatible with file structure",
  27010: "security status not satisfied",
  27011: "authentication method blocked (PIN try limit reached)",
  27012: "referenced data invalidated",
  27013: "conditions of use not satisfied",
  27014: "command not allowed (no current EF)",
  27264: "incorrect parameters in the data field",
  27265: "function not supported (card or application blocked)",
  27266: "file or application not found",
  27267: "record not found",
  27268: "not enough memory space in the file",
  27270: "incorrect parameters P1-P2",
  27272: "referenced data not found",
  27392: "wrong parameters P1-P2",
  27904: "instruction code not supported or invalid",
  28160: "class not supported",
  28416: "no precise diagnosis",
};

export function swMeaning(sw: number): string {
  const exact = EXACT[sw];
  if (exact) return exact;
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  if (sw1 === 0x61) return `${sw2 === 0 ? 256 : sw2} more response bytes available (GET RESPONSE)`;
  if (sw1 === 0x6c) return `wrong Le: resend with Le = ${sw2 === 0 ? 256 : sw2}`;
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) return `verification failed, ${sw2 & 0x0f} tries left`;
  if (sw1 === 0x62) return "warning: state unchanged";
  if (sw1 === 0x63) return "warning: state changed";
  if (sw1 === 0x64) return "execution error: state unchanged";
  if (sw1 === 0x65) return "execution error: state changed";
  if (sw1 === 0x67) return "wrong length";
  if (sw1 === 0x68) return "function in CLA not supported";
  if (sw1 === 0x69) return "command not allowed";
  if (sw1 === 0x6a) return "wrong parameters P1-P2";
  return `status ${swHex(sw)}`;
}

/** 9000 and the 61xx/62xx/63xx families are not errors. */
export function isSuccessOrWarning(sw: number): boolean {
  const sw1 = sw >> 8;
  return sw === 0x9000 || sw1 === 0x61 || sw1 === 0x62 || sw1 === 0x63;
}
