import { tdesEcbDecrypt, tdesEcbEncrypt } from "../cipher.js";
import { checkBlockLength } from "./pin-field.js";
import { decodePinBlock, type EncodePinBlockOptions, encodePinBlock, type PinBlockSpec } from "./pinblock.js";

/**
 * Formats 0–3 enciphered with DES/TDES-ECB under a PIN key (PIK/ZPK/TPK), as field 52 carries them.
 * The clear block exists only inside these functions and is wiped before they return.
 */
export function encryptPinBlock(
  key: Buffer,
  pin: Buffer,
  spec: PinBlockSpec,
  options: EncodePinBlockOptions = {},
): Buffer {
  const clear = encodePinBlock(pin, spec, options);
  try {
    return tdesEcbEncrypt(key, clear);
  } finally {
    clear.fill(0);
  }
}

/** Deciphers and decodes; returns the PIN as ASCII digits (the caller wipes it). */
export function decryptPinBlock(key: Buffer, encrypted: Buffer, spec: PinBlockSpec): Buffer {
  checkBlockLength(encrypted, 8, spec.format);
  const clear = tdesEcbDecrypt(key, encrypted);
  try {
    return decodePinBlock(clear, spec);
  } finally {
    clear.fill(0);
  }
}
