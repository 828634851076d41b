import { maskPan } from "../pan-mask.js";
import { splitTrack } from "./encoding/track.js";

/**
 * Masking for dumps and logs: a PAN keeps its first 6 and last 4 digits (the receipt rule),
 * tracks keep only the masked PAN, everything after the separator is hidden.
 */
export { maskPan };

export function maskTrack(track: string): string {
  const { pan, separator, rest } = splitTrack(track);
  if (separator === "") return `[track hidden, ${track.length} characters]`;
  return `${maskPan(pan)}${separator}[${rest.length} characters hidden]`;
}

export function hidden(what: string, bytes: number): string {
  return `[${what} hidden, ${bytes} bytes]`;
}
