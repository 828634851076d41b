import { type DisplayLines, decodeDisplayText, encodeDisplayText } from "../display-text.js";
import { FieldReader } from "../fields.js";
import { type PinPadCommand, singleBlock } from "../message.js";

/** OPN: opens a session (the pad clears its display); no parameters in this profile. */
export function openCommand(): PinPadCommand {
  return { id: "OPN", blocks: [] };
}

/** CLO: closes the session, optionally leaving an idle message on the display. */
export function closeCommand(idle?: DisplayLines): PinPadCommand {
  return { id: "CLO", blocks: idle ? [encodeDisplayText(idle, "CLO.MSG")] : [] };
}

export function decodeCloseCommand(command: PinPadCommand): { idle?: [string, string] } {
  const block = singleBlock(command, false);
  if (!block) return {};
  const reader = new FieldReader(block, 6);
  const idle = decodeDisplayText(reader, "CLO.MSG");
  reader.end("CLO");
  return { idle };
}
