import type { KeyStore } from "../keys/key-store.js";

/**
 * The PAN as the journal keeps it: ASCII digits padded with 'F' to whole 8-byte blocks, enciphered under
 * the TDK current at the time, with that key's check value so a later reader knows whether it can open it.
 */
export interface StoredPan {
  panCipher: Buffer;
  panKeyKcv: string;
}

export function encipherPan(keys: KeyStore, pan: Buffer): StoredPan | undefined {
  const kcv = keys.status("tdk")?.kcv;
  if (!kcv) return undefined;
  const padded = Buffer.alloc(Math.ceil(pan.length / 8) * 8, 0x46);
  pan.copy(padded);
  try {
    return { panCipher: keys.encryptTrackData(padded), panKeyKcv: kcv };
  } finally {
    padded.fill(0);
  }
}

/** The clear PAN (caller zeroes it), or undefined when the TDK that enciphered it is gone. */
export function decipherPan(keys: KeyStore, stored: Partial<StoredPan>): Buffer | undefined {
  if (!stored.panCipher || !stored.panKeyKcv || keys.status("tdk")?.kcv !== stored.panKeyKcv)
    return undefined;
  const clear = keys.decryptTrackData(stored.panCipher);
  let end = clear.length;
  while (end > 0 && clear[end - 1] === 0x46) end--;
  const pan = Buffer.from(clear.subarray(0, end));
  clear.fill(0);
  return pan;
}
