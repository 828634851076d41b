import {
  maskPan,
  parseTrack1,
  parseTrack2,
  requiresChip,
  type TrackNumber,
  type TrackStatus,
} from "../../protocol/track/index.js";
import type { Swipe, TrackRead } from "./magstripe-reader.js";

export interface RawTrackResult {
  track: TrackNumber;
  status: TrackStatus;
  data?: Buffer;
}

/**
 * Turns what a reader delivered into a Swipe: per-track status (absent when not delivered), masked PAN,
 * expiry and service code from track 2 (else track 1). The `data` buffers move into the Swipe as is;
 * data of tracks that failed is zeroed and dropped.
 */
export function buildSwipe(results: readonly RawTrackResult[]): Swipe {
  const read = (n: TrackNumber): TrackRead => {
    const r = results.find((x) => x.track === n);
    if (!r) return { status: "absent" };
    if (r.status !== "ok" || !r.data) {
      r.data?.fill(0);
      return { status: r.status === "ok" ? "absent" : r.status };
    }
    return { status: "ok", data: r.data };
  };
  const tracks = { t1: read(1), t2: read(2), t3: read(3) };
  const swipe: Swipe = { tracks, chipCard: false };
  const fields = fieldsOf(tracks.t2, parseTrack2) ?? fieldsOf(tracks.t1, parseTrack1);
  if (fields) {
    swipe.panMasked = maskPan(fields.pan);
    swipe.serviceCode = fields.serviceCode;
    swipe.expiry = fields.expiry;
    swipe.chipCard = requiresChip(fields.serviceCode);
  }
  return swipe;
}

function fieldsOf(
  read: TrackRead,
  parse: (data: Uint8Array) => { pan: string; serviceCode: string; expiry: string },
): { pan: string; serviceCode: string; expiry: string } | undefined {
  if (read.status !== "ok" || !read.data) return undefined;
  try {
    return parse(read.data);
  } catch {
    // Not a financial track (loyalty cards, hotel keys): the swipe is still delivered, without PAN.
    return undefined;
  }
}
