import { aesDerivationData } from "./aes-derivation-data.js";
import { deriveAesDukptKey } from "./aes-derive-key.js";
import { AES_DUKPT_DERIVATION_USAGE, aesDerivationKeyType } from "./aes-key-type.js";
import { AES_MAX_ONE_BITS, aesKsnCounter } from "./aes-ksn.js";
import { countOneBits } from "./counter-bits.js";
import { DukptError } from "./dukpt-error.js";

/**
 * Host-side AES DUKPT: the transaction (intermediate derivation) key for a KSN, from the initial
 * key, walking the 32-bit counter's one-bits from the top. Each step derives with usage 8000 and
 * data = initial key ID bytes 4–7 ‖ the counter built so far. Counters a compliant device never
 * emits (0, more than 16 one-bits) are refused.
 */
export function deriveAesTransactionKey(initialKey: Buffer, ksn: Buffer): Buffer {
  const keyType = aesDerivationKeyType(initialKey, "initialKey");
  const counter = aesKsnCounter(ksn);
  if (counter === 0 || countOneBits(counter) > AES_MAX_ONE_BITS) {
    throw new DukptError(`counter ${counter.toString(16)} is not one a device would use`, {
      path: "ksn.counter",
    });
  }
  const data = Buffer.from(ksn.subarray(4, 12));
  let walked = 0;
  let key: Buffer = Buffer.from(initialKey);
  for (let bit = 0x80000000; bit >= 1; bit /= 2) {
    if ((counter & bit) === 0) continue;
    walked += bit;
    data.writeUInt32BE(walked, 4);
    const next = deriveAesDukptKey(key, aesDerivationData(AES_DUKPT_DERIVATION_USAGE, keyType, data));
    key.fill(0);
    key = next;
  }
  return key;
}
