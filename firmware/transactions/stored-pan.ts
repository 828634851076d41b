import type { KeyStore } from "../keys/key-store.js";

/**
 * The PAN as the journal keeps it: ASCII digits padded with 'F' to whole 8-byte blocks, enciphered under
 * the terminal's data-storage key (KeyStore.encryptStoredData), with that key's check value so a later
 * reader knows whether it can open it. Rows written before the storage key existed were enciphered under
 * the TDK current at the time; they still open while that TDK is current.
 */
export interface StoredPan {
  panCipher: Buffer;
  panKeyKcv: string;
}

export function encipherPan(keys: KeyStore, pan: Buffer): StoredPan | undefined {
  const padded = Buffer.alloc(Math.ceil(pan.length / 8) * 8, 0x46);
  pan.copy(padded);
  try {
    const { cipher, kcv } = keys.encryptStoredData(padded);
    return { panCipher: cipher, panKeyKcv: kcv };
  } finally {
    padded.fill(0);
  }
}

/** The clear PAN (caller zeroes it), or undefined when the key that enciphered it is gone. */
export function decipherPan(keys: KeyStore, stored: Partial<StoredPan>): Buffer | undefined {
  if (!stored.panCipher || !stored.panKeyKcv) return undefined;
  let clear: Buffer;
  if (keys.status("dek")?.kcv === stored.panKeyKcv) clear = keys.decryptStoredData(stored.panCipher);
  else if (keys.status("tdk")?.kcv === stored.panKeyKcv) clear = keys.decryptTrackData(stored.panCipher);
  else return undefined;
  let end = clear.length;
  while (end > 0 && clear[end - 1] === 0x46) end--;
  const pan = Buffer.from(clear.subarray(0, end));
  clear.fill(0);
  return pan;
}
