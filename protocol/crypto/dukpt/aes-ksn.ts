import { countOneBits } from "./counter-bits.js";
import { DukptError } from "./dukpt-error.js";

/**
 * AES DUKPT key serial number (X9.24-3:2017): 12 bytes = initial key ID (8: BDK ID 4 + derivation
 * ID 4) ‖ 32-bit transaction counter.
 */
export const AES_KSN_LENGTH = 12;
export const AES_INITIAL_KEY_ID_LENGTH = 8;
export const AES_COUNTER_LIMIT = 0xffffffff;
export const AES_MAX_ONE_BITS = 16;
/** The last usable counter: sixteen one-bits at the top. */
export const AES_COUNTER_MAX = 0xffff0000;

export function checkAesKsn(ksn: Buffer, path = "ksn"): void {
  if (ksn.length !== AES_KSN_LENGTH) {
    throw new DukptError(`AES DUKPT KSN must be ${AES_KSN_LENGTH} bytes, got ${ksn.length}`, { path });
  }
}

export function aesKsnCounter(ksn: Buffer): number {
  checkAesKsn(ksn);
  return ksn.readUInt32BE(8);
}

/** A KSN from an initial key ID (8 bytes, or a 12-byte KSN whose ID part is taken) and a counter. */
export function aesKsn(initialKeyId: Buffer, counter: number): Buffer {
  if (initialKeyId.length !== AES_INITIAL_KEY_ID_LENGTH && initialKeyId.length !== AES_KSN_LENGTH) {
    throw new DukptError(`initial key ID must be 8 bytes (or a 12-byte KSN), got ${initialKeyId.length}`, {
      path: "initialKeyId",
    });
  }
  if (!Number.isInteger(counter) || counter < 0 || counter > AES_COUNTER_LIMIT) {
    throw new DukptError(`counter ${counter} does not fit in 32 bits`, { path: "ksn.counter" });
  }
  const ksn = Buffer.alloc(AES_KSN_LENGTH);
  initialKeyId.copy(ksn, 0, 0, AES_INITIAL_KEY_ID_LENGTH);
  ksn.writeUInt32BE(counter, 8);
  return ksn;
}

/** A counter a compliant device can emit: 1…0xFFFF0000 with at most sixteen one-bits. */
export function isUsableAesCounter(counter: number): boolean {
  return (
    Number.isInteger(counter) &&
    counter > 0 &&
    counter <= AES_COUNTER_MAX &&
    countOneBits(counter) <= AES_MAX_ONE_BITS
  );
}
