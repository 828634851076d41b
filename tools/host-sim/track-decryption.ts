import { tdesEcbDecrypt } from "../../protocol/crypto/cipher.js";
import { decryptTrackDigits, TrackCipherError } from "../../protocol/track/index.js";
import type { WorkingKeys } from "./issue-keys.js";

/** Fields 35 (track 2) and 36 (track 3): the ones TDK encryption covers. */
const TRACK_FIELDS = [35, 36] as const;

/** Field 53.3 (third digit of the security control) = "1": the tracks are TDK-encrypted. */
export function tracksEncrypted(fields: Record<number, string>): boolean {
  return fields[53]?.[2] === "1";
}

export type ClearTracks =
  | { ok: true; fields: Record<number, string> }
  /** `fields` is the request without 35/36, so nothing downstream reads ciphertext as a PAN. */
  | { ok: false; why: string; fields: Record<number, string> };

/**
 * The request's fields with 35/36 deciphered under the terminal's TDK when 53.3 says they are
 * encrypted (protocol/track/track-encryption.ts has the offset rule). Same object back when there is
 * nothing to do. No TDK (not signed in with 60.3 004) or a block that does not decipher to track data
 * is a failure the processor answers 30.
 */
export function clearTracks(fields: Record<number, string>, keys: WorkingKeys | undefined): ClearTracks {
  if (!tracksEncrypted(fields) || TRACK_FIELDS.every((n) => fields[n] === undefined)) {
    return { ok: true, fields };
  }
  const clear = { ...fields };
  const tdk = keys?.tdk;
  const fail = (why: string): ClearTracks => {
    for (const n of TRACK_FIELDS) delete clear[n];
    return { ok: false, why, fields: clear };
  };
  if (!tdk) return fail("53.3 = 1 but the terminal holds no TDK (sign in with 60.3 = 004)");
  for (const n of TRACK_FIELDS) {
    const track = fields[n];
    if (track === undefined) continue;
    try {
      clear[n] = decryptTrackDigits(track, (block) => tdesEcbDecrypt(tdk, block));
    } catch (error) {
      if (error instanceof TrackCipherError) return fail(`field ${n}: ${error.message}`);
      throw error;
    }
  }
  return { ok: true, fields: clear };
}
