import { aesDerivationData } from "./aes-derivation-data.js";
import { deriveAesDukptKey } from "./aes-derive-key.js";
import { AES_DUKPT_INITIAL_KEY_USAGE, aesDerivationKeyType } from "./aes-key-type.js";
import { AES_INITIAL_KEY_ID_LENGTH, AES_KSN_LENGTH } from "./aes-ksn.js";
import { DukptError } from "./dukpt-error.js";

/**
 * Initial key (IK) from an AES BDK (128, 192 or 256 bits) and the 8-byte initial key ID; a 12-byte
 * KSN is accepted too and its first 8 bytes used. The IK has the BDK's key type (usage 8001).
 */
export function deriveAesInitialKey(bdk: Buffer, initialKeyId: Buffer): Buffer {
  const keyType = aesDerivationKeyType(bdk, "bdk");
  if (initialKeyId.length !== AES_INITIAL_KEY_ID_LENGTH && initialKeyId.length !== AES_KSN_LENGTH) {
    throw new DukptError(`initial key ID must be 8 bytes (or a 12-byte KSN), got ${initialKeyId.length}`, {
      path: "initialKeyId",
    });
  }
  const data = aesDerivationData(
    AES_DUKPT_INITIAL_KEY_USAGE,
    keyType,
    initialKeyId.subarray(0, AES_INITIAL_KEY_ID_LENGTH),
  );
  return deriveAesDukptKey(bdk, data);
}
