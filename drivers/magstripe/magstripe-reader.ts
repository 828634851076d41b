import type { TrackStatus } from "../../protocol/track/index.js";

/**
 * A swipe as the app sees it. Track data stays in Buffers owned by the app (it encrypts track 2/3 under
 * the TDK for fields 35/36, then calls `wipeSwipe`); everything shown or logged uses `panMasked`.
 */
export interface TrackRead {
  status: TrackStatus;
  /** Characters between the sentinels; present when status is ok. */
  data?: Buffer;
}

export interface Swipe {
  tracks: { t1: TrackRead; t2: TrackRead; t3: TrackRead };
  /** PAN as 6 + 4 digits (from track 2, else track 1), when a good track carries one. */
  panMasked?: string;
  serviceCode?: string;
  /** YYMM. */
  expiry?: string;
  /** Service code 2xx/6xx: the card has a chip; the app must ask for it (fallback rules). */
  chipCard: boolean;
}

export type MisreadReason = "bad-frame" | "incomplete" | "unparseable";

export interface MagStripeReader {
  open(): Promise<void>;
  close(): Promise<void>;
  onSwipe(listener: (swipe: Swipe) => void): () => void;
  /** A swipe the reader could not deliver at all (corrupt frame, half-typed wedge burst): ask to swipe again. */
  onMisread(listener: (reason: MisreadReason) => void): () => void;
  /** Swipes as an async iterator; ends when `signal` aborts or the reader closes. */
  swipes(signal?: AbortSignal): AsyncIterableIterator<Swipe>;
}

/** Zeroes the track buffers of a swipe the app has finished with. */
export function wipeSwipe(swipe: Swipe): void {
  for (const t of [swipe.tracks.t1, swipe.tracks.t2, swipe.tracks.t3]) t.data?.fill(0);
}
