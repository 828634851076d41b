import { TrackError } from "./track-error.js";

/**
 * UnionPay TDK track encryption (sign-in layout 004; field 53.3 = "1"), on track 2/3 as the z-format
 * digit string of fields 35/36 (separator nibble 'D'; '=' is accepted on input and written as 'D').
 *
 * The rule (reference §1.6, single source there; a second public source, an acquirer front-end's
 * `appMposTrackDecrypt`, copies 16 characters from `track + len - 18` when len is even and
 * `track + len - 17` when odd, asc_to_bcd → 3DES-decrypt → bcd_to_asc, and copies them back in place):
 * pack the track as z does (two digits a byte, left-aligned, a pad nibble after an odd count), take the
 * 8 bytes just before the LAST byte, 3DES-ECB them under the TDK and write them back in place. In
 * characters, for a track of L digits the block is [start, start + 16) with
 *   L odd:  start = L - 17 (the last byte holds the last digit + pad: 1 digit stays clear at the end)
 *   L even: start = L - 18 (the last byte holds the last two digits: 2 digits stay clear at the end)
 * i.e. start = 2·ceil(L/2) − 18. That needs 9 packed bytes, so tracks shorter than 17 digits travel in
 * clear (only validated and canonicalised). Everything outside the block stays readable: for a long
 * track that is the PAN; for a short one the block may cover the PAN's tail, so decrypt before reading it.
 *
 * The key stays with the caller: `encrypt8` / `decrypt8` transform exactly one 8-byte block (the
 * terminal's KeyStore holds the TDK; the host simulator its clear copy).
 */

/** Shortest track that is encrypted; shorter ones are sent clear. */
export const MIN_ENCRYPTED_TRACK_DIGITS = 17;

/** A track that cannot be encrypted or decrypted. `offset` counts characters of the track text. */
export class TrackCipherError extends TrackError {}

const CLEAR = /^[0-9D=]$/;
const HEX = /^[0-9A-F]$/;
/** Nibbles a clear track may contain: digits and the separator D. */
const TRACK_NIBBLE = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xd]);
const PATH = "track";

/** Where the TDK block starts in a track of `digits` characters, or undefined when it is sent clear. */
export function trackCipherOffset(digits: number): number | undefined {
  if (digits < MIN_ENCRYPTED_TRACK_DIGITS) return undefined;
  return digits % 2 === 0 ? digits - 18 : digits - 17;
}

/** Enciphers the TDK block of a clear track; returns the field 35/36 text with 16 hex digits in place. */
export function encryptTrackDigits(track: string, encrypt8: (block: Buffer) => Buffer): string {
  return transform(track, encrypt8, "encrypt");
}

/** Deciphers the TDK block of a received track and checks the result is track data again. */
export function decryptTrackDigits(track: string, decrypt8: (block: Buffer) => Buffer): string {
  return transform(track, decrypt8, "decrypt");
}

function transform(
  track: string,
  cipher8: (block: Buffer) => Buffer,
  direction: "encrypt" | "decrypt",
): string {
  if (typeof track !== "string") throw new TrackCipherError("track must be a string", { path: PATH });
  const start = trackCipherOffset(track.length);
  const end = start === undefined ? 0 : start + 16;
  for (let i = 0; i < track.length; i++) {
    const c = track[i]!;
    // The block of a received track is ciphertext: any hex digit. Elsewhere only digits and separators.
    const inBlock = start !== undefined && i >= start && i < end;
    const ok = inBlock && direction === "decrypt" ? HEX.test(c) : CLEAR.test(c);
    if (!ok) {
      throw new TrackCipherError(
        `character ${JSON.stringify(c)} at position ${i} is not allowed in ${inBlock && direction === "decrypt" ? "the enciphered block" : "track data"}`,
        { path: PATH, offset: i },
      );
    }
  }
  const canonical = track.replaceAll("=", "D");
  if (start === undefined) return canonical;
  const block = Buffer.from(canonical.slice(start, end), "hex");
  let out: Buffer | undefined;
  try {
    out = cipher8(block);
    if (!Buffer.isBuffer(out) || out.length !== 8) {
      throw new TrackCipherError(
        `block cipher returned ${Buffer.isBuffer(out) ? `${out.length} bytes` : "no bytes"}, expected 8`,
        { path: PATH, offset: start },
      );
    }
    if (direction === "decrypt") {
      for (let n = 0; n < 16; n++) {
        const nibble = n % 2 === 0 ? out[n >> 1]! >> 4 : out[n >> 1]! & 0xf;
        if (!TRACK_NIBBLE.has(nibble)) {
          throw new TrackCipherError(
            `deciphered block is not track data (nibble ${nibble.toString(16).toUpperCase()} at position ${start + n}): wrong TDK or altered track`,
            { path: PATH, offset: start + n },
          );
        }
      }
    }
    return canonical.slice(0, start) + out.toString("hex").toUpperCase() + canonical.slice(end);
  } finally {
    // Clear track digits are cardholder data: leave no copy in these buffers.
    block.fill(0);
    if (Buffer.isBuffer(out)) out.fill(0);
  }
}
