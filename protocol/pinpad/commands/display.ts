import { type DisplayLines, decodeDisplayText, encodeDisplayText } from "../display-text.js";
import { FieldReader } from "../fields.js";
import { type PinPadCommand, singleBlock } from "../message.js";

/** DSP: shows two lines of 16 characters; without a block it clears the display. */
export function displayCommand(lines?: DisplayLines): PinPadCommand {
  return { id: "DSP", blocks: lines ? [encodeDisplayText(lines, "DSP.MSG")] : [] };
}

/** The lines to show, or undefined for "clear". */
export function decodeDisplayCommand(command: PinPadCommand): [string, string] | undefined {
  const block = singleBlock(command, false);
  if (!block) return undefined;
  const reader = new FieldReader(block, 6);
  const lines = decodeDisplayText(reader, "DSP.MSG");
  reader.end("DSP");
  return lines;
}
