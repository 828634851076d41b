import {
  decodeTrackBits,
  encodeTrackBits,
  type TrackNumber,
  type TrackStatus,
} from "../../../../protocol/track/index.js";
import type { VirtualCard } from "../../virtual-card.js";

/**
 * The physical side of a swipe: each head reads its track's bit stream (protocol/track encodes the
 * VirtualCard's text as it would sit on the stripe), faults damage the bits, and the reader's decoder
 * (decodeTrackBits) turns them back into text and a status. So a parity fault is a flipped bit, an LRC
 * fault two flipped bits in one character, a partial swipe a cut stream, a reverse swipe reversed bits.
 */
export type StripeFault =
  | { track: TrackNumber; kind: "parity" }
  | { track: TrackNumber; kind: "lrc" }
  | { track: TrackNumber; kind: "partial" };

export interface SwipeOptions {
  /** Heads that read (default: every track the card has): [1] = T1 only, [2] = T2 only. */
  tracks?: TrackNumber[];
  faults?: StripeFault[];
  /** Card swiped the other way: readers decode it anyway. */
  reverse?: boolean;
}

export interface HeadRead {
  track: TrackNumber;
  status: TrackStatus;
  /** Text between the sentinels as decoded (absent when unreadable). */
  text?: Buffer;
}

const TRACK_KEYS = { 1: "track1", 2: "track2", 3: "track3" } as const;

export function readStripe(card: VirtualCard, options: SwipeOptions = {}): HeadRead[] {
  const heads = options.tracks ?? ([1, 2, 3] as TrackNumber[]);
  const reads: HeadRead[] = [];
  for (const track of heads) {
    const text = card.tracks?.[TRACK_KEYS[track]];
    if (text === undefined) continue;
    const bits = encodeTrackBits(Buffer.from(text, "latin1"), track);
    const padding = 12;
    const width = track === 1 ? 7 : 5;
    for (const fault of options.faults ?? []) {
      if (fault.track !== track) continue;
      // Damage the third data character (after SS and two more), well inside the stripe.
      const at = padding + width * 3;
      if (fault.kind === "parity") bits[at] = bits[at]! ^ 1;
      if (fault.kind === "lrc") {
        bits[at] = bits[at]! ^ 1;
        bits[at + 1] = bits[at + 1]! ^ 1;
      }
      if (fault.kind === "partial") bits.fill(0, Math.floor(bits.length / 2));
    }
    const stream = options.reverse ? bits.reverse() : bits;
    const decoded = decodeTrackBits(stream, track);
    bits.fill(0);
    reads.push({ track, status: decoded.status, ...(decoded.text ? { text: decoded.text } : {}) });
  }
  return reads;
}
