import { countOneBits } from "./counter-bits.js";
import { DukptError } from "./dukpt-error.js";

/**
 * TDES DUKPT key serial number (ANSI X9.24-1:2009): 10 bytes, the right-most 21 bits are the
 * encryption counter, the rest is the initial KSN (key set ID + device ID).
 */
export const TDES_KSN_LENGTH = 10;
export const TDES_COUNTER_BITS = 21;
export const TDES_COUNTER_LIMIT = 0x1fffff;
/** Counters with more than this many one-bits are never used. */
export const TDES_MAX_ONE_BITS = 10;
/** The last usable counter: ten one-bits at the top of the 21. */
export const TDES_COUNTER_MAX = 0x1ff800;

export function checkTdesKsn(ksn: Buffer, path = "ksn"): void {
  if (ksn.length !== TDES_KSN_LENGTH) {
    throw new DukptError(`TDES DUKPT KSN must be ${TDES_KSN_LENGTH} bytes, got ${ksn.length}`, { path });
  }
}

export function tdesKsnCounter(ksn: Buffer): number {
  checkTdesKsn(ksn);
  return ((ksn[7]! & 0x1f) << 16) | (ksn[8]! << 8) | ksn[9]!;
}

/** A copy of `ksn` carrying `counter` in its right-most 21 bits. */
export function withTdesKsnCounter(ksn: Buffer, counter: number): Buffer {
  checkTdesKsn(ksn);
  if (!Number.isInteger(counter) || counter < 0 || counter > TDES_COUNTER_LIMIT) {
    throw new DukptError(`counter ${counter} does not fit in 21 bits`, { path: "ksn.counter" });
  }
  const out = Buffer.from(ksn);
  out[7] = (out[7]! & 0xe0) | (counter >>> 16);
  out[8] = (counter >>> 8) & 0xff;
  out[9] = counter & 0xff;
  return out;
}

/** The initial KSN: the KSN with its counter cleared. */
export function tdesInitialKsn(ksn: Buffer): Buffer {
  return withTdesKsnCounter(ksn, 0);
}

/** A counter a compliant device can emit: 1…0x1FF800 with at most ten one-bits. */
export function isUsableTdesCounter(counter: number): boolean {
  return (
    Number.isInteger(counter) &&
    counter > 0 &&
    counter <= TDES_COUNTER_MAX &&
    countOneBits(counter) <= TDES_MAX_ONE_BITS
  );
}
