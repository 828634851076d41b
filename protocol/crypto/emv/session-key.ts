import { tdesEcbEncrypt, xor } from "../cipher.js";
import { checkDoubleLengthKey, checkLength } from "./checks.js";
import { withOddParity } from "./key-parity.js";

/**
 * EMV common session key derivation (Book 2 annex A1.3.1) from an 8-byte diversifier R:
 * SK = TDES(MK, R with byte 2 = F0) ‖ TDES(MK, R with byte 2 = 0F), odd parity adjusted.
 */
export function deriveCommonSessionKey(iccMasterKey: Buffer, r: Buffer): Buffer {
  checkDoubleLengthKey(iccMasterKey, "ICC master key");
  checkLength(r, 8, "diversifier R");
  const both = Buffer.concat([r, r]);
  both[2] = 0xf0;
  both[10] = 0x0f;
  const raw = tdesEcbEncrypt(iccMasterKey, both);
  const sk = withOddParity(raw);
  both.fill(0);
  raw.fill(0);
  return sk;
}

/** R for AC session keys (EMV CSK; Visa CVN 18/22 style): ATC ‖ 00×6. */
export function acSessionKeyDiversifier(atc: Buffer): Buffer {
  checkLength(atc, 2, "ATC");
  return Buffer.concat([atc, Buffer.alloc(6)]);
}

/** R for Mastercard M/Chip session keys (SKD): ATC ‖ 0000 ‖ unpredictable number (9F37). */
export function mastercardSessionKeyDiversifier(atc: Buffer, unpredictableNumber: Buffer): Buffer {
  checkLength(atc, 2, "ATC");
  checkLength(unpredictableNumber, 4, "unpredictable number");
  return Buffer.concat([atc, Buffer.alloc(2), unpredictableNumber]);
}

/** AC session key from the ICC master key and ATC (EMV common session key, R = ATC ‖ 00×6). */
export function deriveAcSessionKey(iccMasterKey: Buffer, atc: Buffer): Buffer {
  return deriveCommonSessionKey(iccMasterKey, acSessionKeyDiversifier(atc));
}

/** Mastercard M/Chip AC session key: common derivation with R = ATC ‖ 0000 ‖ UN. */
export function deriveMastercardSessionKey(
  iccMasterKey: Buffer,
  atc: Buffer,
  unpredictableNumber: Buffer,
): Buffer {
  return deriveCommonSessionKey(iccMasterKey, mastercardSessionKeyDiversifier(atc, unpredictableNumber));
}

/**
 * Visa secure-messaging session key: left half = MK_L XOR (00×6 ‖ ATC), right half =
 * MK_R XOR (00×6 ‖ ATC XOR FFFF), odd parity adjusted.
 */
export function deriveVisaSmSessionKey(iccMasterKey: Buffer, atc: Buffer): Buffer {
  checkDoubleLengthKey(iccMasterKey, "ICC master key");
  checkLength(atc, 2, "ATC");
  const mask = Buffer.alloc(16);
  atc.copy(mask, 6);
  mask[14] = atc[0]! ^ 0xff;
  mask[15] = atc[1]! ^ 0xff;
  const raw = xor(iccMasterKey, mask);
  const sk = withOddParity(raw);
  raw.fill(0);
  return sk;
}
