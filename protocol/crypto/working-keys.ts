import { tdesEcbDecrypt } from "./cipher.js";
import { CryptoError } from "./crypto-error.js";
import { verifyKeyCheckValue } from "./kcv.js";

/**
 * The working keys a UnionPay sign-in response (0810 field 62) delivers, each encrypted under the TMK
 * with TDES-ECB and followed by a 4-byte check value (first 4 bytes of E(key, 00×8)). Three layouts,
 * told apart by length (60.3 of the request picks them):
 *   24 B (001): PIK 8 + KCV 4 | MAK 8 + KCV 4                      — single-length DES keys
 *   40 B (003): PIK 16 + KCV 4 | MAK 16 + KCV 4                    — MAK is 8 B + 00×8 filler, or a full 16 B key
 *   60 B (004): PIK 16 + KCV 4 | MAK 16 + KCV 4 | TDK 16 + KCV 4
 */
export type WorkingKeyName = "pik" | "mak" | "tdk";

export interface WrappedWorkingKey {
  name: WorkingKeyName;
  /** Key ciphertext under the TMK (8 or 16 bytes; a 16-byte field ending in 00×8 carries an 8-byte key). */
  ciphertext: Buffer;
  checkValue: Buffer;
}

export type SignInLayout = "001" | "003" | "004";

const LAYOUTS: Record<number, { layout: SignInLayout; keyBytes: number; names: WorkingKeyName[] }> = {
  24: { layout: "001", keyBytes: 8, names: ["pik", "mak"] },
  40: { layout: "003", keyBytes: 16, names: ["pik", "mak"] },
  60: { layout: "004", keyBytes: 16, names: ["pik", "mak", "tdk"] },
};

/** Splits sign-in field 62 into its wrapped keys; the layout is chosen by the field's length. */
export function splitSignInKeys(field62: Buffer): { layout: SignInLayout; keys: WrappedWorkingKey[] } {
  const entry = LAYOUTS[field62.length];
  if (!entry) {
    throw new CryptoError(
      `sign-in key field is ${field62.length} bytes; expected 24 (001), 40 (003) or 60 (004)`,
      { path: "field 62" },
    );
  }
  const stride = entry.keyBytes + 4;
  const keys = entry.names.map((name, i) => {
    const at = i * stride;
    let ciphertext = field62.subarray(at, at + entry.keyBytes);
    // The 003 layout's single-length MAK: 8 key bytes then 8 zero bytes of filler.
    if (entry.keyBytes === 16 && ciphertext.subarray(8).every((b) => b === 0))
      ciphertext = ciphertext.subarray(0, 8);
    return {
      name,
      ciphertext: Buffer.from(ciphertext),
      checkValue: Buffer.from(field62.subarray(at + entry.keyBytes, at + stride)),
    };
  });
  return { layout: entry.layout, keys };
}

/**
 * Unwraps every key under the TMK and verifies every check value; on any mismatch the whole set is
 * refused (and every key unwrapped so far zeroised), naming the key at fault. The caller owns the
 * returned Buffers and must zero them.
 */
export function unwrapWorkingKeys(
  tmk: Buffer,
  wrapped: readonly WrappedWorkingKey[],
): Map<WorkingKeyName, Buffer> {
  const clear = new Map<WorkingKeyName, Buffer>();
  try {
    for (const key of wrapped) {
      const value = tdesEcbDecrypt(tmk, key.ciphertext);
      clear.set(key.name, value);
      if (!verifyKeyCheckValue("tdes", value, key.checkValue, "zero-block")) {
        throw new CryptoError("check value does not match the unwrapped key; the key set is refused", {
          path: `field 62 ${key.name.toUpperCase()}`,
        });
      }
    }
  } catch (error) {
    for (const value of clear.values()) value.fill(0);
    throw error;
  }
  return clear;
}
