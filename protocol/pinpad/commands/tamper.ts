import type { PinPadResponse } from "../message.js";

/**
 * TMP: the pad's unsolicited tamper report (this project's extension, like status 091). ABECS has no
 * event channel, so the pad sends a response frame nobody asked for: `TMP` + status 000, no blocks. It
 * comes the moment a tamper switch trips (the pad has already erased its keys) and again on every OPN
 * until the pad is re-keyed, so a terminal whose link was down at the time still learns of it.
 */
export const TAMPER_EVENT_ID = "TMP";

export function tamperEvent(): PinPadResponse {
  return { id: TAMPER_EVENT_ID, status: 0, blocks: [] };
}

export function isTamperEvent(response: PinPadResponse): boolean {
  return response.id === TAMPER_EVENT_ID;
}
