/**
 * Track 2/3 data (format z). On the wire it is packed BCD where the field separator is nibble D
 * (see bcd.ts, nibble set "track"); in the message model the separator reads back as 'D' and '='
 * is accepted on input. TDK-encrypted tracks carry A–F nibbles in place, so the first D after the
 * leading PAN digits is the separator (the PAN part is never encrypted).
 */

export interface TrackParts {
  /** The primary account number: the digits before the separator. */
  pan: string;
  /** The separator character as found ('D' or '='), or "" when the track has none. */
  separator: string;
  /** Everything after the separator: expiry, service code, discretionary data. */
  rest: string;
}

/** Splits a track into PAN, separator and the rest (expiry, service code, discretionary data). */
export function splitTrack(track: string): TrackParts {
  let i = 0;
  while (i < track.length) {
    const c = track.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  const sep = track[i];
  if (sep === "D" || sep === "=") return { pan: track.slice(0, i), separator: sep, rest: track.slice(i + 1) };
  return { pan: track.slice(0, i), separator: "", rest: track.slice(i) };
}

/** Canonical model form: '=' separators as 'D' (what decoding yields). */
export function canonicalTrack(track: string): string {
  return track.replaceAll("=", "D");
}
