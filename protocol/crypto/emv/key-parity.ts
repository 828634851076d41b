/** Copy of a DES/TDES key with every byte set to odd parity (low bit adjusted), as EMV derivations require. */
export function withOddParity(key: Buffer): Buffer {
  const out = Buffer.from(key);
  for (let i = 0; i < out.length; i++) {
    let b = out[i]! >> 1;
    let ones = 0;
    while (b) {
      ones += b & 1;
      b >>= 1;
    }
    out[i] = (out[i]! & 0xfe) | (ones % 2 === 0 ? 1 : 0);
  }
  return out;
}
