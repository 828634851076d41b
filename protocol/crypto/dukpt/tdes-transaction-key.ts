import { countOneBits } from "./counter-bits.js";
import { DukptError } from "./dukpt-error.js";
import { tdesNonReversibleKey } from "./tdes-key-generation.js";
import { TDES_MAX_ONE_BITS, tdesInitialKsn, tdesKsnCounter } from "./tdes-ksn.js";

/**
 * Host-side (transaction receiving) TDES DUKPT: the transaction key for any KSN, from the IPEK, by
 * walking the counter's one-bits from the top (0x100000) down and running the non-reversible key
 * generation for each (X9.24-1:2009 A.3). Counters a compliant device never emits are refused.
 */
export function deriveTdesTransactionKey(ipek: Buffer, ksn: Buffer): Buffer {
  if (ipek.length !== 16) {
    throw new DukptError(`TDES DUKPT IPEK must be 16 bytes, got ${ipek.length}`, { path: "ipek" });
  }
  const counter = tdesKsnCounter(ksn);
  if (counter === 0 || countOneBits(counter) > TDES_MAX_ONE_BITS) {
    throw new DukptError(`counter ${counter.toString(16)} is not one a device would use`, {
      path: "ksn.counter",
    });
  }
  // Crypto register: right-most 64 bits of the KSN, counter bits added one at a time.
  const register = tdesInitialKsn(ksn).subarray(2, 10);
  let key: Buffer = Buffer.from(ipek);
  let walked = 0;
  for (let bit = 0x100000; bit !== 0; bit >>>= 1) {
    if ((counter & bit) === 0) continue;
    walked |= bit;
    register[5] = (register[5]! & 0xe0) | (walked >>> 16);
    register[6] = (walked >>> 8) & 0xff;
    register[7] = walked & 0xff;
    const next = tdesNonReversibleKey(key, register);
    key.fill(0);
    key = next;
  }
  return key;
}
