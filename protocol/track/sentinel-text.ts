import { MSR_SENTINELS } from "./msr-serial.js";
import { TrackError } from "./track-error.js";
import type { TrackNumber } from "./track-format.js";

/**
 * What keyboard-wedge readers type (device-protocols.md §3.2: `%…?;…?` then Enter): sentinel-delimited
 * tracks with no LRC. '%' starts track 1, ';' track 2 (a second ';' is track 3, as ISO sentinels have it),
 * '+' track 3 (MagTek's choice); `SS E ?` is a track the reader could not decode.
 */
export interface SentinelTrack {
  track: TrackNumber;
  error: boolean;
  data: Buffer;
}

export function splitTrackText(text: Uint8Array): SentinelTrack[] {
  const out: SentinelTrack[] = [];
  let at = 0;
  while (at < text.length) {
    const ss = text[at]!;
    let track: TrackNumber;
    if (ss === MSR_SENTINELS[1]) track = 1;
    else if (ss === MSR_SENTINELS[3]) track = 3;
    else if (ss === MSR_SENTINELS[2]) track = out.some((t) => t.track === 2) ? 3 : 2;
    else throw new TrackError("expected a start sentinel", { path: "swipe text", offset: at });
    if (out.some((t) => t.track === track))
      throw new TrackError(`track ${track} twice`, { path: "swipe text", offset: at });
    const es = text.indexOf(0x3f, at + 1);
    if (es === -1) throw new TrackError("no end sentinel", { path: `swipe text track ${track}`, offset: at });
    const error = es === at + 2 && text[at + 1] === 0x45;
    out.push({ track, error, data: error ? Buffer.alloc(0) : Buffer.from(text.subarray(at + 1, es)) });
    at = es + 1;
  }
  return out;
}
