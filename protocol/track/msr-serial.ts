import { TrackError } from "./track-error.js";
import { type TrackNumber, trackLrcCharacter } from "./track-format.js";

/**
 * The serial reader's record: MagTek's RS-232 reader-to-host format (MT-211 manual, "Reader to host message
 * format": STX, then per track SS data ES, then CR, ETX; a track the reader could not decode is sent as
 * SS 'E' ES), with the two options our readers run with: the track LRC character after each ES (so the
 * host checks it, ISO 7811) and a block LRC byte after ETX (XOR of everything after STX, ETX included:
 * protocol/framing's default StxEtx variant). Start sentinels: '%' track 1, ';' track 2, '+' track 3.
 * This module handles what sits between STX and ETX.
 */
export const MSR_SENTINELS: Record<TrackNumber, number> = { 1: 0x25, 2: 0x3b, 3: 0x2b };
const END_SENTINEL = 0x3f;
const CR = 0x0d;
const ERROR_MARK = 0x45;

export interface MsrTrackRecord {
  track: TrackNumber;
  /** The reader marked the track unreadable (SS E ES). */
  error: boolean;
  /** Characters between the sentinels (empty when `error`). */
  data: Buffer;
  /** The LRC character the reader passed on. */
  lrc: number;
}

export function encodeMsrSerialRecord(tracks: readonly MsrTrackRecord[]): Buffer {
  const parts: Buffer[] = [];
  for (const t of tracks) {
    const data = t.error ? Buffer.from([ERROR_MARK]) : t.data;
    parts.push(Buffer.from([MSR_SENTINELS[t.track]]), data, Buffer.from([END_SENTINEL, t.lrc]));
  }
  parts.push(Buffer.from([CR]));
  return Buffer.concat(parts);
}

/** A good track's record, with its LRC computed as the reader would pass it on. */
export function goodTrackRecord(track: TrackNumber, data: Uint8Array): MsrTrackRecord {
  return { track, error: false, data: Buffer.from(data), lrc: trackLrcCharacter(data, track) };
}

export function decodeMsrSerialRecord(input: Uint8Array): MsrTrackRecord[] {
  const out: MsrTrackRecord[] = [];
  let at = 0;
  const seen = new Set<TrackNumber>();
  while (at < input.length && input[at] !== CR) {
    const ss = input[at]!;
    const track = (Object.entries(MSR_SENTINELS).find(([, s]) => s === ss)?.[0] ?? "") as
      | `${TrackNumber}`
      | "";
    if (track === "") throw new TrackError("expected a start sentinel", { path: "msr record", offset: at });
    const n = Number(track) as TrackNumber;
    if (seen.has(n)) throw new TrackError(`track ${n} twice`, { path: "msr record", offset: at });
    seen.add(n);
    const es = input.indexOf(END_SENTINEL, at + 1);
    if (es === -1 || es + 1 >= input.length) {
      throw new TrackError("track without end sentinel and LRC", {
        path: `msr record track ${n}`,
        offset: at,
      });
    }
    const error = es === at + 2 && input[at + 1] === ERROR_MARK;
    const data = error ? Buffer.alloc(0) : Buffer.from(input.subarray(at + 1, es));
    out.push({ track: n, error, data, lrc: input[es + 1]! });
    at = es + 2;
  }
  if (at !== input.length - 1)
    throw new TrackError("record must end with CR", { path: "msr record", offset: at });
  return out;
}
