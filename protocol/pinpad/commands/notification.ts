import { decodeDisplayText, encodeDisplayText } from "../display-text.js";
import { FieldReader } from "../fields.js";
import { type PinPadResponse, singleBlock } from "../message.js";
import { PinPadCodecError } from "../pinpad-codec-error.js";

/**
 * NTM: a notification the pad sends while a blocking command runs (≤ 32 characters, the 2×16 text it
 * shows). During PIN entry the second line shows one mask character per digit ("****"), never digits,
 * so the host may mirror the count on its own screen.
 */
export const PIN_MASK_CHARACTER = "*";

export function notificationResponse(lines: readonly [string, string?]): PinPadResponse {
  return { id: "NTM", status: 0, blocks: [encodeDisplayText(lines, "NTM.MSG")] };
}

export function decodeNotification(response: PinPadResponse): [string, string] {
  if (response.id !== "NTM")
    throw new PinPadCodecError(`not a notification: ${response.id}`, { path: "RSP_ID" });
  const block = singleBlock(response, true)!;
  const reader = new FieldReader(block, 9);
  const lines = decodeDisplayText(reader, "NTM.MSG");
  reader.end("NTM");
  return lines;
}

/** Digits entered so far, as the mask on the PIN-entry notification's second line shows them. */
export function maskedDigitCount(lines: readonly [string, string]): number {
  let count = 0;
  for (const ch of lines[1]) if (ch === PIN_MASK_CHARACTER) count++;
  return count;
}
