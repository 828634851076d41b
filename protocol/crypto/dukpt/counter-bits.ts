/**
 * Bit arithmetic on DUKPT transaction counters (21 bits for TDES, 32 for AES). Counters are plain
 * numbers, never bitwise-signed, so 0x80000000 and above stay positive.
 */

/** Number of one-bits in a counter of up to 32 bits. */
export function countOneBits(counter: number): number {
  let n = counter >>> 0;
  let count = 0;
  while (n !== 0) {
    n = (n & (n - 1)) >>> 0;
    count++;
  }
  return count;
}

/** The right-most one-bit of a counter as a value (0 for 0): the standard's "Set Bit" / shift register. */
export function lowestOneBit(counter: number): number {
  return (counter & -counter) >>> 0;
}

/**
 * The counter a device moves to after `counter`: +1 while it has fewer than `maxOneBits` one-bits,
 * otherwise + its lowest one-bit, which skips every value that would exceed the limit. Returns
 * undefined once the counter would overflow `limit` (the device is exhausted).
 */
export function nextCounter(counter: number, maxOneBits: number, limit: number): number | undefined {
  const next = countOneBits(counter) < maxOneBits ? counter + 1 : counter + lowestOneBit(counter);
  return next > limit ? undefined : next;
}
