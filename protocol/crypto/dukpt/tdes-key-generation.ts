import { tdesEcbEncrypt, xor } from "../cipher.js";
import { DukptError } from "./dukpt-error.js";

/** X9.24-1 key-register mask, also the BDK mask for the IPEK's right half. */
export const TDES_DUKPT_KEY_MASK = Buffer.from("C0C0C0C000000000C0C0C0C000000000", "hex");

/** Crypto Register-n = DES(key_left, data XOR key_right) XOR key_right, single DES. */
function halfKey(key: Buffer, data: Buffer): Buffer {
  const left = key.subarray(0, 8);
  const right = key.subarray(8, 16);
  const input = xor(data, right);
  const encrypted = tdesEcbEncrypt(left, input);
  const out = xor(encrypted, right);
  input.fill(0);
  encrypted.fill(0);
  return out;
}

/**
 * The "Non-reversible Key Generation Process" of ANSI X9.24-1:2009 A.2: from a 16-byte key
 * register and the 8-byte crypto register (right-most 64 bits of the KSN with the shift-register
 * bit ORed in) to the next 16-byte key. The input key is left untouched.
 */
export function tdesNonReversibleKey(key: Buffer, cryptoRegister: Buffer): Buffer {
  if (key.length !== 16) {
    throw new DukptError(`TDES DUKPT key register must be 16 bytes, got ${key.length}`, { path: "key" });
  }
  if (cryptoRegister.length !== 8) {
    throw new DukptError(`crypto register must be 8 bytes, got ${cryptoRegister.length}`, { path: "ksn" });
  }
  const right = halfKey(key, cryptoRegister);
  const masked = xor(key, TDES_DUKPT_KEY_MASK);
  const left = halfKey(masked, cryptoRegister);
  const out = Buffer.concat([left, right]);
  for (const b of [right, masked, left]) b.fill(0);
  return out;
}
