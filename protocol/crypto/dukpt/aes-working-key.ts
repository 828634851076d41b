import { aesDerivationData } from "./aes-derivation-data.js";
import { deriveAesDukptKey } from "./aes-derive-key.js";
import {
  AES_DUKPT_USAGE_CODES,
  type AesDukptKeyType,
  type AesDukptKeyUsage,
  aesDerivationKeyType,
  aesKeyTypeInfo,
} from "./aes-key-type.js";
import { checkAesKsn } from "./aes-ksn.js";
import { DukptError } from "./dukpt-error.js";

/**
 * A working key (PIN, MAC, data) of the requested type from a transaction key and its KSN
 * (X9.24-3:2017 6.3.3): derivation data = usage code, working key type, initial key ID bytes 4–7 ‖
 * counter. The standard forbids a working key stronger than the key it is derived from, e.g. an
 * AES-256 working key under an AES-128 BDK.
 */
export function deriveAesWorkingKey(
  transactionKey: Buffer,
  ksn: Buffer,
  usage: AesDukptKeyUsage,
  workingKeyType: AesDukptKeyType,
): Buffer {
  const derivationType = aesDerivationKeyType(transactionKey, "transactionKey");
  checkAesKsn(ksn);
  const code = AES_DUKPT_USAGE_CODES[usage];
  if (code === undefined) throw new DukptError(`unknown key usage ${String(usage)}`, { path: "usage" });
  const working = aesKeyTypeInfo(workingKeyType);
  if (working.rank > aesKeyTypeInfo(derivationType).rank) {
    throw new DukptError(
      `a ${workingKeyType} working key cannot come from a ${derivationType} transaction key`,
      {
        path: "keyType",
      },
    );
  }
  return deriveAesDukptKey(transactionKey, aesDerivationData(code, workingKeyType, ksn.subarray(4, 12)));
}
